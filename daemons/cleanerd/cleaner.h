/*
 * kerr-cleanerd internals: the loop that carries out request and task
 * cleanups (cleaner_loop.c), the delivery of webhooks
 * (cleaner_webhook.c), and retention in a thread of its own
 * (cleaner_retention.h).
 */
#ifndef KERR_CLEANER_H
#define KERR_CLEANER_H

#include <stdatomic.h>
#include <stddef.h>

#include "daemon.h"
#include "cleaner_retention.h"
#include "db_request.h"
#include "db_state.h"
#include "executor.h"

struct cleaner_webhooks;
struct workq;

struct cleaner {
	struct daemon			*d;
	const struct executor_ops	*exec;
	int				 ring_pending;	/* after commit */
	int				 ring_killed;	/* after commit */
	struct workq			*pool;		/* kill workers */
	json_t				*kills;		/* to send after
							   the commit */
	struct cleaner_webhooks		*hooks;		/* webhook workers */
	struct cleaner_retention	 retention;	/* its thread */
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

/*
 * cleaner_webhook.c: the webhook queues of the store, each POSTed in
 * order by a pool of webhook_workers threads.  start and stop the pool;
 * scan, on every pass, hands each webhook with an update due to a worker
 * unless one has it already, and logs the updates full queues dropped.
 */
int	cleaner_webhook_start(struct cleaner *c);
void	cleaner_webhook_stop(struct cleaner *c);
void	cleaner_webhook_scan(struct cleaner *c);

/* cleaner_webhook_post.c: one POST over libcurl.  init and fini once per
 * process, around every handle's life. */
struct cleaner_webhook_post;
int	cleaner_webhook_post_init(void);
void	cleaner_webhook_post_fini(void);
/* A handle for one thread; NULL on OOM.  free accepts NULL. */
struct cleaner_webhook_post *cleaner_webhook_post_new(void);
void	cleaner_webhook_post_free(struct cleaner_webhook_post *p);
/*
 * POST the JSON body to uri within timeout_ms: 0 with *ret_status when an
 * answer came (why: "HTTP <status>"), -EIO when none did (why says what
 * happened), -ECANCELED when *stopping was set meanwhile.
 */
int	cleaner_webhook_post_send(struct cleaner_webhook_post *p,
	    const char *uri, const char *body, long timeout_ms,
	    const atomic_int *stopping, long *ret_status, char *why,
	    size_t whylen);

#endif
