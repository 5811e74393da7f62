/*
 * kerr-cleanerd's retention, in a thread of its own with its own store
 * connection, so that removing files and purging rows never holds up a
 * kill or a webhook: every retention_check_seconds it looks for work,
 * then does it in small steps (cleaner_retention.c): the sandbox sweep
 * (cleaner_sandbox.c) at sandbox_removals_per_second, the history purge
 * and the giving back of the space it freed (cleaner_purge.c), each step
 * followed by a pause as long as twice the step took.
 */
#ifndef KERR_CLEANER_RETENTION_H
#define KERR_CLEANER_RETENTION_H

#include <limits.h>
#include <pthread.h>
#include <stdint.h>

#include "conf.h"
#include "db.h"
#include "db_retention.h"

struct cleaner_retention {
	const struct conf	*conf;
	struct db		*db;		/* the thread's own */
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;		/* on CLOCK_MONOTONIC */
	int			 stopping;	/* under lock */
	int			 started;
	int64_t			 next_check;	/* monotonic ms */

	/* The sandbox sweep (cleaner_sandbox.c). */
	char			 root[PATH_MAX];
	int			 rootfd;
	int			 trashfd;	/* <root>/.kerr-removing */
	int			 sweeping;
	int			 low_space;	/* removing early */
	int64_t			 cursor_end;	/* oldest first, after this */
	char			 cursor_id[256];
	int64_t			 next_removal;	/* monotonic ms */
	int64_t			 removed;	/* this sweep */

	/* The history purge (cleaner_purge.c). */
	int			 purging;
	int			 vacuuming;
	struct db_purge_run	 purge;
	int64_t			 purge_started;	/* monotonic ms */
	int64_t			 next_purge;	/* monotonic ms */
	int64_t			 freed_bytes;	/* this pass */
	int64_t			 busy_ms;	/* working, this pass */
};

/* Start and stop the thread (conf outlives it).  0 or -1, logged. */
int	cleaner_retention_start(struct cleaner_retention *rt,
	    const struct conf *conf);
void	cleaner_retention_stop(struct cleaner_retention *rt);

/* cleaner_sandbox.c.  open: the sandbox root and its trash (0 or
 * negative errno); close; begin: a new sweep from the oldest; step:
 * one removal at most (1 more to do, 0 the sweep is done). */
int	cleaner_sandbox_open(struct cleaner_retention *rt);
void	cleaner_sandbox_close(struct cleaner_retention *rt);
void	cleaner_sandbox_begin(struct cleaner_retention *rt);
int	cleaner_sandbox_step(struct cleaner_retention *rt);

/* cleaner_purge.c.  begin a pass; step it (1 more to do, 0 done). */
void	cleaner_purge_begin(struct cleaner_retention *rt);
int	cleaner_purge_step(struct cleaner_retention *rt);
/* A store made before auto_vacuum = INCREMENTAL takes it, once. */
void	cleaner_purge_convert(struct cleaner_retention *rt);

#endif
