/*
 * The launch workers: a small pool of threads that hand launch jobs to the
 * executor, so a slow start (a cgroup to set up, a fork from a big
 * process) never stalls the scheduling pass.  A launch that fails is
 * recorded as TASK_FAILED by the worker on its own store connection; the
 * scheduler replaces the task like any other that ended.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db_task.h"
#include "log.h"
#include "sched.h"
#include "task_env.h"

#define SCHED_POOL_MAX	64

struct sched_job_node {
	struct sched_launch_job	*job;
	struct sched_job_node	*next;
};

struct sched_pool {
	struct sched		*s;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	struct sched_job_node	*head, *tail;
	int			 stopping;
	int			 nthreads;
	pthread_t		 threads[SCHED_POOL_MAX];
};

void
sched_launch_job_free(struct sched_launch_job *job)
{
	if (job == NULL)
		return;
	task_strv_free(job->argv);
	task_strv_free(job->envp);
	free(job->user);
	free(job);
}

static struct sched_launch_job *
sched_pool_take(struct sched_pool *p)
{
	struct sched_job_node	*n;
	struct sched_launch_job	*job = NULL;

	(void)pthread_mutex_lock(&p->lock);
	while (p->head == NULL && !p->stopping)
		(void)pthread_cond_wait(&p->wake, &p->lock);
	if ((n = p->head) != NULL) {
		p->head = n->next;
		if (p->head == NULL)
			p->tail = NULL;
		job = n->job;
		free(n);
	}
	(void)pthread_mutex_unlock(&p->lock);
	return (job);
}

static void
sched_pool_launch(struct sched_pool *p, struct db *db,
    struct sched_launch_job *job)
{
	struct executor_launch	 l = {
		.task_id = job->task_id, .sandbox_dir = job->sandbox,
		.argv = job->argv, .envp = job->envp, .user = job->user,
		.cpus = job->cpus, .memory_mb = job->memory_mb,
		.conf_path = p->s->conf_path,
	};
	struct executor_handle	 h;
	char			 msg[256];
	int			 r;

	if ((r = p->s->exec->launch(&l, &h)) == 0) {
		log_debug("task=%s launched, supervisor pid %d", job->task_id,
		    (int)h.pid);
		return;
	}
	log_warnx("Failed to launch task=%s: %s", job->task_id, strerror(-r));
	(void)snprintf(msg, sizeof(msg), "Failed to launch: %s", strerror(-r));
	if (db != NULL && db_task_record_update(db, job->task_id,
	    "TASK_FAILED", msg, "REASON_EXECUTOR_TERMINATED",
	    clock_now_ms()) == 0)
		(void)bus_send(p->s->d->bus, BUS_TASK_UPDATE, job->task_id);
}

static void *
sched_pool_worker(void *arg)
{
	struct sched_pool	*p = arg;
	struct db_options	 opt = {
		.busy_timeout_ms = p->s->d->conf.db_busy_timeout_ms,
		.synchronous_full = p->s->d->conf.db_synchronous_full,
	};
	struct sched_launch_job	*job;
	struct db		*db = NULL;
	char			 path[1024];

	conf_db_path(&p->s->d->conf, path, sizeof(path));
	if (db_open(path, &opt, &db) < 0)
		log_warnx("Launch worker cannot open '%s'; launch failures "
		    "will be found by reconciliation", path);
	while ((job = sched_pool_take(p)) != NULL) {
		sched_pool_launch(p, db, job);
		sched_launch_job_free(job);
	}
	db_close(db);
	return (NULL);
}

int
sched_pool_start(struct sched *s, int workers)
{
	struct sched_pool	*p;
	int			 i;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return (-ENOMEM);
	p->s = s;
	(void)pthread_mutex_init(&p->lock, NULL);
	(void)pthread_cond_init(&p->wake, NULL);
	s->pool = p;
	for (i = 0; i < workers && i < SCHED_POOL_MAX; i++) {
		if (pthread_create(&p->threads[i], NULL, sched_pool_worker,
		    p) != 0) {
			sched_pool_stop(s);
			return (-EAGAIN);
		}
		p->nthreads++;
	}
	return (0);
}

int
sched_pool_submit(struct sched *s, struct sched_launch_job *job)
{
	struct sched_pool	*p = s->pool;
	struct sched_job_node	*n;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		sched_launch_job_free(job);
		return (-ENOMEM);
	}
	n->job = job;
	(void)pthread_mutex_lock(&p->lock);
	if (p->tail != NULL)
		p->tail->next = n;
	else
		p->head = n;
	p->tail = n;
	(void)pthread_cond_signal(&p->wake);
	(void)pthread_mutex_unlock(&p->lock);
	return (0);
}

/* Finish the queued launches, then stop: a task row is never orphaned. */
void
sched_pool_stop(struct sched *s)
{
	struct sched_pool	*p = s->pool;
	int			 i;

	if (p == NULL)
		return;
	(void)pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	(void)pthread_cond_broadcast(&p->wake);
	(void)pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nthreads; i++)
		(void)pthread_join(p->threads[i], NULL);
	(void)pthread_mutex_destroy(&p->lock);
	(void)pthread_cond_destroy(&p->wake);
	free(p);
	s->pool = NULL;
}
