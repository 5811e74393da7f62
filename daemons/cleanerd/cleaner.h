/*
 * kerr-cleanerd internals: the loop that carries out request and task
 * cleanups (cleaner_loop.c).
 */
#ifndef KERR_CLEANER_H
#define KERR_CLEANER_H

#include "daemon.h"
#include "executor.h"

struct cleaner {
	struct daemon			*d;
	const struct executor_ops	*exec;
	int64_t				 last_requests;	/* for STATUS= on change only */
	int64_t				 last_tasks;
};

void	cleaner_loop_init(struct cleaner *c, struct daemon *d);
void	cleaner_loop_on_message(void *arg, enum bus_msg_type type,
	    const char *id);
void	cleaner_loop_on_tick(void *arg);

/* cleaner_request.c: carry out the queued request cleanups. */
void	cleaner_request_scan(struct cleaner *c);
/* cleaner_task.c: carry out the kills of task_cleanups. */
void	cleaner_task_scan(struct cleaner *c);

#endif
