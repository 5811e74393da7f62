/*
 * kerr-cleanerd internals: the loop that carries out request and task
 * cleanups (cleaner_loop.c).
 */
#ifndef KERR_CLEANER_H
#define KERR_CLEANER_H

#include "daemon.h"
#include "db_request.h"
#include "db_state.h"
#include "executor.h"

struct workq;

struct cleaner {
	struct daemon			*d;
	const struct executor_ops	*exec;
	int				 ring_pending;	/* after commit */
	int				 ring_killed;	/* after commit */
	struct workq			*pool;		/* kill workers */
	json_t				*kills;		/* to send after
							   the commit */
};

/* The daemon_role of cleanerd (arg: a zeroed struct cleaner): start,
 * stop, the STATUS= line, and on every wake-up and tick the scan of the
 * request cleanups, then of the kills. */
int	cleaner_loop_start(void *arg, struct daemon *d);
void	cleaner_loop_stop(void *arg);
void	cleaner_loop_status(const struct db_state_counts *c, char *buf,
	    size_t len);
void	cleaner_loop_scan(void *arg);

/* cleaner_request.c: carry out the queued request cleanups. */
void	cleaner_request_scan(struct cleaner *c);
/* cleaner_task.c: carry out the kills of task_cleanups. */
void	cleaner_task_scan(struct cleaner *c);
/* Which signal a task's kill needs now (SIGTERM first, SIGKILL once the
 * grace period passed, 0 for none yet); records the first one. */
int	cleaner_task_plan(struct cleaner *c, const char *task_id,
	    const char *type, int *ret_sig);
/* plan, and queue the signal in c->kills for after the commit. */
int	cleaner_task_decide(struct cleaner *c, const char *task_id,
	    const char *type);
/* Hand the queued kills to the kill workers (after a commit). */
void	cleaner_task_send(struct cleaner *c);
/* The pool of kill workers (kill_workers threads). */
int	cleaner_task_pool_start(struct cleaner *c);
void	cleaner_task_pool_stop(struct cleaner *c);

/* cleaner_machines.c: move the tasks off decommissioned agents. */
void	cleaner_machines_scan(struct cleaner *c);

/* cleaner_bounce.c: one step of a BOUNCE/INCREMENTAL_BOUNCE request
 * cleanup; 1 when it is finished (remove it), 0 to keep it. */
int	cleaner_bounce_step(struct cleaner *c, const struct db_request *r,
	    const json_t *cleanup, const char *type);

#endif
