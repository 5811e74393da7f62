/*
 * kerr-schedulerd internals: the loop that turns pending requests and
 * deploys into tasks (sched_loop.c).
 */
#ifndef KERR_SCHED_H
#define KERR_SCHED_H

#include "daemon.h"

struct sched {
	struct daemon	*d;
	int64_t		 last_pending;	/* for STATUS= on change only */
	int64_t		 last_active;
};

void	sched_loop_init(struct sched *s, struct daemon *d);
void	sched_loop_on_message(void *arg, enum bus_msg_type type,
	    const char *id);
void	sched_loop_on_tick(void *arg);

#endif
