/*
 * The cleaner's daemon_role: its start and stop, and the loop body.
 * Woken by request.cleanup and task.cleanup, and by the tick; every
 * wake-up re-reads the cleanup queues and the webhook queues from the
 * store.
 */
#include <stdio.h>
#include <string.h>

#include "cleaner.h"
#include "db_state.h"
#include "log.h"

int
cleaner_loop_start(void *arg, struct daemon *d)
{
	struct cleaner	*c = arg;
	int		 r;

	c->d = d;
	c->exec = executor_find(d->conf.executor);
	if (c->exec != NULL && c->exec->open != NULL &&
	    (r = c->exec->open(&d->conf)) < 0) {
		log_err("Failed to set up the %s executor: %s", c->exec->name,
		    strerror(-r));
		return (-1);
	}
	c->kills = json_array();
	if ((r = cleaner_task_pool_start(c)) < 0) {
		log_err("Failed to start kill workers: %s", strerror(-r));
		return (-1);
	}
	if ((r = cleaner_webhook_start(c)) < 0) {
		log_err("Failed to start webhook workers: %s", strerror(-r));
		return (-1);
	}
	if (cleaner_retention_start(&c->retention, &d->conf) < 0)
		return (-1);
	return (0);
}

void
cleaner_loop_stop(void *arg)
{
	struct cleaner *c = arg;

	cleaner_retention_stop(&c->retention);
	cleaner_webhook_stop(c);
	cleaner_task_pool_stop(c);
	if (c->exec != NULL && c->exec->close != NULL)
		c->exec->close();
	json_decref(c->kills);
	c->kills = NULL;
}

void
cleaner_loop_scan(void *arg)
{
	struct cleaner *c = arg;

	cleaner_request_scan(c);
	cleaner_machines_scan(c);
	if (c->exec != NULL)
		cleaner_task_scan(c);
	cleaner_webhook_scan(c);
}

void
cleaner_loop_status(const struct db_state_counts *c, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%lld request cleanups, %lld task cleanups",
	    (long long)c->cleaning_requests, (long long)c->cleaning_tasks);
}
