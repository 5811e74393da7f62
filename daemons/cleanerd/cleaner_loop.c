/*
 * The cleaner's loop body.  Woken by request.cleanup, request.changed and
 * task.cleanup, and by the tick; every wake-up re-reads the cleanup queues
 * from the store.
 */
#include <string.h>

#include "clock.h"
#include "cleaner.h"
#include "db_state.h"
#include "log.h"
#include "notify.h"

void
cleaner_loop_init(struct cleaner *c, struct daemon *d)
{
	memset(c, 0, sizeof(*c));
	c->d = d;
	c->last_requests = c->last_tasks = -1;
	c->exec = executor_find(d->conf.executor);
	c->kills = json_array();
}

static void
cleaner_loop_scan(struct cleaner *c)
{
	cleaner_request_scan(c);
	if (c->exec != NULL)
		cleaner_task_scan(c);
}

/* STATUS= for systemd, on the tick only: the counts scan whole tables. */
static void
cleaner_loop_status(struct cleaner *c)
{
	struct db_state_counts	counts;
	int			r;

	if (!notify_enabled())
		return;
	if ((r = db_state_counts(c->d->db, clock_now_ms(), &counts)) < 0) {
		log_warnx("Failed to scan the store: %s, retrying on the "
		    "next tick", strerror(-r));
		return;
	}
	if (counts.cleaning_requests == c->last_requests &&
	    counts.cleaning_tasks == c->last_tasks)
		return;
	c->last_requests = counts.cleaning_requests;
	c->last_tasks = counts.cleaning_tasks;
	log_debug("scan: %lld request cleanups, %lld task cleanups",
	    (long long)counts.cleaning_requests,
	    (long long)counts.cleaning_tasks);
	(void)notify_status("%lld request cleanups, %lld task cleanups",
	    (long long)counts.cleaning_requests,
	    (long long)counts.cleaning_tasks);
}

void
cleaner_loop_on_wake(void *arg)
{
	cleaner_loop_scan(arg);
}

void
cleaner_loop_on_tick(void *arg)
{
	cleaner_loop_scan(arg);
	cleaner_loop_status(arg);
}
