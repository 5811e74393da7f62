/*
 * The scheduler's pass, run on every bus wake-up (request.pending,
 * deploy.pending, task.killed), after a burst of task events and on the
 * tick.  Each pass re-reads the store, so a lost message only delays
 * work.  Rings task.cleanup and request.pending after the commits it made.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "db_state.h"
#include "db_task.h"
#include "host.h"
#include "log.h"
#include "sched.h"

/* Reconcile every this many ticks (and at start). */
#define SCHED_RECONCILE_EVERY	5

static void
sched_sanitize(char *dst, size_t len, const char *src)
{
	char *p;

	(void)snprintf(dst, len, "%s", src);
	for (p = dst; *p != '\0'; p++)
		if (*p == '-')
			*p = '_';
}

int
sched_init(void *arg, struct daemon *d)
{
	struct sched	*s = arg;
	int		 r;

	s->d = d;
	if ((s->exec = executor_find(d->conf.executor)) == NULL) {
		log_err("Unknown executor '%s'", d->conf.executor);
		return (-1);
	}
	if (s->exec->open != NULL && (r = s->exec->open(&d->conf)) < 0) {
		log_err("Failed to set up the %s executor: %s", s->exec->name,
		    strerror(-r));
		return (-1);
	}
	/* A cluster picks the node after the task id is made: its ids
	 * name the engine, its JSON the node once the task says (RUNNING). */
	if (s->exec->flags & EXECUTOR_REMOTE)
		(void)snprintf(s->host, sizeof(s->host), "%s", s->exec->name);
	else
		host_name(&d->conf, s->host, sizeof(s->host));
	sched_sanitize(s->host_sanitized, sizeof(s->host_sanitized), s->host);
	sched_sanitize(s->rack_sanitized, sizeof(s->rack_sanitized),
	    d->conf.rack_id);
	conf_sandbox_root(&d->conf, s->sandbox_root, sizeof(s->sandbox_root));
	s->event_fd = -1;
	if (sched_event_open(s) < 0)
		return (-1);
	if ((r = sched_pool_start(s, d->conf.launch_workers)) < 0 ||
	    (r = sched_health_start(s)) < 0) {
		log_err("Failed to start worker threads: %s", strerror(-r));
		return (-1);
	}
	sched_launch_resume(s);
	return (0);
}

void
sched_fini(void *arg)
{
	struct sched *s = arg;

	sched_health_stop(arg);
	sched_pool_stop(arg);
	sched_event_close(arg);
	if (s->exec != NULL && s->exec->close != NULL)
		s->exec->close();
}

void
sched_loop_status(const struct db_state_counts *c, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%lld active tasks, %lld pending tasks",
	    (long long)c->active_tasks, (long long)c->scheduled_tasks);
}

static void
sched_loop_scan(struct sched *s, const struct daemon_scan *scan)
{
	(void)daemon_scan_run(s->d->db, scan, s);
}

void
sched_loop_pass(void *arg)
{
	struct sched	*s = arg;
	json_t		*active, *t;
	size_t		 i;
	int64_t		 now;

	s->rings = 0;
	sched_event_reap(s);
	/* Probing every supervisor is the costly part of a pass: events
	 * tell of changes, reconciliation only finds the silent deaths. */
	if (clock_mono_ms() >= s->next_reconcile) {
		sched_reconcile(s);
		sched_agents(s);
		s->next_reconcile = clock_mono_ms() + SCHED_RECONCILE_EVERY *
		    s->d->conf.tick_ms;
	}
	/* One read serves the time limits and health: of the active tasks,
	 * only those either may act on (not every task, every pass). */
	if (db_task_attention(s->d->db, &active) == 0) {
		now = clock_now_ms();
		json_array_foreach(active, i, t) {
			(void)sched_reconcile_time_limit(s, t, now);
			sched_health_check(s, t, now);
		}
		json_decref(active);
	}
	sched_loop_scan(s, &sched_task_scan);
	sched_loop_scan(s, &sched_deploy_scan);
	sched_loop_scan(s, &sched_pending_scan);
	sched_launch_due(s);
	/* Work this pass queued for ourselves is done on the next pass. */
	if (s->rings & SCHED_RING_TASK_CLEANUP)
		(void)bus_send(s->d->bus, BUS_TASK_CLEANUP, "*");
	if (s->rings & SCHED_RING_REQUEST_PENDING) {
		s->rings = 0;
		sched_loop_scan(s, &sched_deploy_scan);
		sched_loop_scan(s, &sched_pending_scan);
		sched_launch_due(s);
	}
}
