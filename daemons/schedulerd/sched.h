/*
 * kerr-schedulerd internals.  One pass (sched_loop.c) runs, in order:
 * reconcile active tasks with their supervisors (sched_reconcile.c), act
 * on tasks that ended (sched_task.c), advance pending deploys
 * (sched_deploy.c), turn pending requests into pending tasks
 * (sched_pending.c) and launch the due ones (sched_launch.c) through a
 * pool of launch workers (sched_pool.c).  Every step re-reads the store.
 */
#ifndef KERR_SCHED_H
#define KERR_SCHED_H

#include <stdint.h>

#include <jansson.h>

#include "daemon.h"
#include "daemon_scan.h"
#include "db_request.h"
#include "db_state.h"
#include "event_channel.h"
#include "executor.h"

struct workq;
struct sched_health;

struct sched {
	struct daemon			*d;
	const struct executor_ops	*exec;
	struct workq			*pool;
	struct sched_health		*health;
	char				 host[256];
	char				 host_sanitized[256]; /* '-' -> '_' */
	char				 rack_sanitized[256];
	char				 sandbox_root[1024];
	int64_t				 last_started_at; /* unique ids */
	int				 rings;		/* SCHED_RING_* */
	int64_t				 next_reconcile;	/* ms, mono */
	int64_t				 next_agents;	/* ms, mono */
	int				 held;	/* this host takes no task */
	int				 full;	/* nor room for a sandbox */
	/* sched_event.c: the event channels and a burst's buffer.  The
	 * local one always (launch workers report on it); the network one
	 * with an executor whose tasks run elsewhere. */
	int				 event_fd;
	char				 events_path[4096];
	struct event_channel_dest	 events_dest;	/* events_path */
	int				 net_fd;
	struct event_key		 net_key;
	void				*event_buf;
};

#define SCHED_RING_TASK_CLEANUP		0x1
#define SCHED_RING_REQUEST_PENDING	0x2

/* The daemon_role of schedulerd (arg: a zeroed struct sched): start,
 * stop, the pass on every wake-up and tick, and the STATUS= line. */
int	sched_init(void *arg, struct daemon *d);
void	sched_fini(void *arg);
void	sched_loop_pass(void *arg);
void	sched_loop_status(const struct db_state_counts *c, char *buf,
	    size_t len);

/* sched_event.c: the event channel, applying and replaying events. */
int	sched_event_open(struct sched *s);
void	sched_event_close(struct sched *s);
void	sched_event_on_io(void *arg);
/* Apply one event in the caller's transaction; *ret_changed set when the
 * store changed. */
int	sched_event_apply(struct sched *s, const struct task_event *e,
	    int *ret_changed);
/* Replay what a task's reporter left in its sandbox (caller's tx). */
int	sched_event_replay(struct sched *s, const char *task_id);
void	sched_event_reap(const struct sched *s);

void	sched_reconcile(struct sched *s);
/* sched_agents.c: the machines tasks run on, into the store. */
void	sched_agents(struct sched *s);
/* For each of the pass's active tasks (db_task_active, read once): its
 * time limit (sched_reconcile.c), its health check (sched_health.c). */
int	sched_reconcile_time_limit(struct sched *s, const json_t *t,
	    int64_t now);
/* sched_health.c: health workers, and a running task's check if due. */
int	sched_health_start(struct sched *s);
void	sched_health_stop(struct sched *s);
void	sched_health_check(struct sched *s, const json_t *t, int64_t now);
/* The queues a pass scans (daemon_scan.h): tasks that ended
 * (sched_task.c), pending deploys (sched_deploy.c) and the pending
 * requests (sched_pending.c). */
extern const struct daemon_scan sched_task_scan;
extern const struct daemon_scan sched_deploy_scan;
extern const struct daemon_scan sched_pending_scan;
void	sched_launch_due(struct sched *s);
/* At start: launches committed but perhaps never handed over. */
void	sched_launch_resume(struct sched *s);

/* sched_pending.c: queue `missing` pending tasks due at `next` with the
 * lowest free instance numbers. */
int	sched_pending_add_tasks(struct sched *s, const struct db_request *r,
	    const json_t *pending, const char *deploy_id, int missing,
	    int64_t now, int64_t next);
/* sched_scheduled.c: a SCHEDULED request's entry; 1 done, 0 hold. */
int	sched_scheduled_apply(struct sched *s, const struct db_request *r,
	    const json_t *pending);

/* Give a task a cleanup (a kill) of `type`; 0 or -EEXIST if it has one. */
int	sched_task_cleanup(struct sched *s, const char *task_id,
	    const char *request_id, const char *type, const char *message);

/* sched_artifacts.c: the deploy's uris and the run's extraArtifacts as
 * kerr-fetch's list (NULLs when there are none). */
int	sched_artifacts(const struct conf *c, const json_t *deploy,
	    const json_t *pending, char **ret_list, char **ret_names);

/* sched_pool.c: launch workers, each with its own store connection. */
struct sched_launch_job {
	char		 task_id[256];
	char		 sandbox[1400];	/* root (1024) + / + task id */
	char		**argv;
	char		**envp;
	char		*user;
	double		 cpus;
	double		 memory_mb;
	/* For an executor whose tasks run elsewhere (EXECUTOR_REMOTE). */
	int		 nports;
	char		 rack[64];	/* the first of rackAffinity */
	int64_t		 time_limit_ms;
	char		*exclude;	/* agents taking no new task */
	char		*artifacts;	/* kerr-fetch's list, or NULL */
	char		*artifact_names;
};

int	sched_pool_start(struct sched *s, int workers);
/* Takes ownership of job (freed by the worker). */
int	sched_pool_submit(struct sched *s, struct sched_launch_job *job);
void	sched_pool_stop(struct sched *s);
void	sched_launch_job_free(struct sched_launch_job *job);

#endif
