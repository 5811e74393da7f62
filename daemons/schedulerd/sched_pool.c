/*
 * The launch workers: a small pool of threads (common/base/workq.c) that hand
 * launch jobs to the executor, so a slow start (a cgroup to set up, a fork
 * from a big process) never stalls the scheduling pass.  A launch that
 * fails is reported as TASK_FAILED on the event channel, as a supervisor
 * would; the scheduler replaces it like any other task that ended.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "event_channel.h"
#include "log.h"
#include "sched.h"
#include "task_env.h"
#include "workq.h"

void
sched_launch_job_free(struct sched_launch_job *job)
{
	if (job == NULL)
		return;
	task_strv_free(job->argv);
	task_strv_free(job->envp);
	free(job->user);
	free(job->exclude);
	free(job->artifacts);
	free(job->artifact_names);
	free(job);
}

static void
sched_pool_free_job(void *job)
{
	sched_launch_job_free(job);
}

/* Each worker reports launch failures as events, like any reporter. */
struct sched_pool_reporter {
	int	fd;
};

static void *
sched_pool_init(void *arg)
{
	struct sched			*s = arg;
	struct sched_pool_reporter	*rp;
	int				 fd;

	if ((fd = event_channel_connect(&s->events_dest, 1000)) < 0) {
		log_warnx("A launch worker cannot report on the event channel:"
		    " %s; its launch failures will be found by reconciliation",
		    strerror(-fd));
		return (NULL);
	}
	if ((rp = malloc(sizeof(*rp))) == NULL) {
		(void)close(fd);
		return (NULL);
	}
	rp->fd = fd;
	return (rp);
}

static void
sched_pool_fini(void *arg)
{
	struct sched_pool_reporter *rp = arg;

	if (rp == NULL)
		return;
	(void)close(rp->fd);
	free(rp);
}

/* The task never got a reporter: say so for it, as its first event. */
static void
sched_pool_failed(struct sched *s, const struct sched_pool_reporter *rp,
    const char *task_id, int err, const char *why)
{
	struct task_event	e;
	int			r;

	if (why[0] == '\0')
		why = strerror(-err);
	log_warnx("Failed to launch task=%s: %s", task_id, why);
	task_event_init(&e, task_id);
	e.seq = 1;
	e.at_ms = clock_now_ms();
	(void)snprintf(e.state, sizeof(e.state), "TASK_FAILED");
	(void)snprintf(e.reason, sizeof(e.reason),
	    "REASON_EXECUTOR_TERMINATED");
	(void)snprintf(e.message, sizeof(e.message), "Failed to launch: %s",
	    why);
	if (rp != NULL && (r = event_channel_send(rp->fd, &s->events_dest,
	    &e)) < 0)
		log_warnx("Failed to report the failed launch of task=%s: %s; "
		    "reconciliation will", task_id, strerror(-r));
}

static void
sched_pool_run(void *arg, void *reporter, void *vjob)
{
	struct sched		*s = arg;
	struct sched_launch_job	*job = vjob;
	char			 why[256] = "";
	struct executor_launch	 l = {
		.task_id = job->task_id, .sandbox_dir = job->sandbox,
		.argv = job->argv, .envp = job->envp, .user = job->user,
		.cpus = job->cpus, .memory_mb = job->memory_mb,
		.events = s->events_path, .log_level = s->d->conf.log_level,
		.nports = job->nports,
		.rack = job->rack[0] != '\0' ? job->rack : NULL,
		.time_limit_ms = job->time_limit_ms,
		.exclude = job->exclude,
		.artifacts = job->artifacts,
		.artifact_names = job->artifact_names,
		.log_max_bytes = s->d->conf.task_log_max_bytes,
		.log_keep = s->d->conf.task_log_keep,
		.output = s->d->conf.task_output,
		.journal_socket = s->d->conf.journal_socket,
		.error = why, .error_len = sizeof(why),
	};
	int			 r = 0;

	s->exec->launch(&l, 1, &r);
	if (r == 0)
		log_debug("task=%s handed to the executor", job->task_id);
	else if (r == -EALREADY)
		log_info("task=%s was launched before a restart", job->task_id);
	else
		sched_pool_failed(s, reporter, job->task_id, r, why);
	sched_launch_job_free(job);
}

static const struct workq_ops sched_pool_ops = {
	sched_pool_init, sched_pool_run, sched_pool_fini, sched_pool_free_job
};

int
sched_pool_start(struct sched *s, int workers)
{
	return (workq_start(&sched_pool_ops, s, s, workers, &s->pool));
}

int
sched_pool_submit(struct sched *s, struct sched_launch_job *job)
{
	return (workq_submit(s->pool, job));
}

/* Run the queued launches, then stop: a task row is never orphaned. */
void
sched_pool_stop(struct sched *s)
{
	workq_stop(s->pool);
	s->pool = NULL;
}
