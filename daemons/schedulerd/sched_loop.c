/*
 * The scheduler's loop body.  Woken by request.pending, deploy.pending,
 * request.changed and task.update, and by the tick; every wake-up re-reads
 * the store, so a lost bus message only delays work.
 */
#include <errno.h>
#include <string.h>

#include "clock.h"
#include "db_state.h"
#include "log.h"
#include "notify.h"
#include "sched.h"

void
sched_loop_init(struct sched *s, struct daemon *d)
{
	memset(s, 0, sizeof(*s));
	s->d = d;
	s->last_pending = s->last_active = -1;
}

static void
sched_loop_scan(struct sched *s)
{
	struct db_state_counts	c;
	int			r;

	if ((r = db_state_counts(s->d->db, clock_now_ms(), &c)) < 0) {
		log_warnx("Failed to scan the store: %s, retrying on the "
		    "next tick", strerror(-r));
		return;
	}
	if (c.pending_requests == s->last_pending &&
	    c.active_tasks == s->last_active)
		return;
	s->last_pending = c.pending_requests;
	s->last_active = c.active_tasks;
	log_debug("scan: %lld pending requests, %lld active tasks",
	    (long long)c.pending_requests, (long long)c.active_tasks);
	(void)notify_status("%lld pending requests, %lld active tasks",
	    (long long)c.pending_requests, (long long)c.active_tasks);
}

void
sched_loop_on_message(void *arg, enum bus_msg_type type, const char *id)
{
	(void)type;
	(void)id;
	sched_loop_scan(arg);
}

void
sched_loop_on_tick(void *arg)
{
	sched_loop_scan(arg);
}
