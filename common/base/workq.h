/*
 * A small pool of worker threads fed by a FIFO of jobs.  Each worker may
 * open its own resources (a store connection: SQLite connections are one
 * per thread) through the init/fini callbacks.  Used for the scheduler's
 * launch workers and the cleaner's kill workers.
 */
#ifndef KERR_WORKQ_H
#define KERR_WORKQ_H

#include <pthread.h>

struct workq;

struct workq_ops {
	/* Per-thread state, from init(state_arg): passed to run, and to
	 * fini when the thread ends. */
	void	*(*init)(void *state_arg);
	void	 (*run)(void *arg, void *thread_state, void *job);
	void	 (*fini)(void *thread_state);
	/* Frees a job never run (only when the queue is dropped). */
	void	 (*free_job)(void *job);
};

/* Start n threads that run each job with arg.  0 and *ret, or negative
 * errno. */
int	workq_start(const struct workq_ops *ops, void *arg, void *state_arg,
	    int n, struct workq **ret);
/* Queue a job (ownership passes to the queue).  0 or -ENOMEM (the job is
 * freed with free_job then). */
int	workq_submit(struct workq *q, void *job);
/* Set *stopping under lock and wake every thread waiting on wake: the
 * first step of stopping any thread that sleeps on a condition. */
void	workq_wake_stopping(pthread_mutex_t *lock, pthread_cond_t *wake,
	    int *stopping);
/* Run what is queued, then stop the threads and free q.  NULL is fine. */
void	workq_stop(struct workq *q);

#endif
