/*
 * Worker threads over a mutex-protected FIFO (see workq.h).  On stop the
 * queue is drained first: a job that was accepted is always run.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "workq.h"

#define WORKQ_MAX_THREADS	64

struct workq_node {
	void			*job;
	struct workq_node	*next;
};

struct workq {
	const struct workq_ops	*ops;
	void			*arg;
	void			*state_arg;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	struct workq_node	*head, *tail;
	int			 stopping;
	int			 nthreads;
	pthread_t		 threads[WORKQ_MAX_THREADS];
};

/* Next job, or NULL once stopping and empty. */
static void *
workq_take(struct workq *q)
{
	struct workq_node	*n;
	void			*job = NULL;

	(void)pthread_mutex_lock(&q->lock);
	while (q->head == NULL && !q->stopping)
		(void)pthread_cond_wait(&q->wake, &q->lock);
	if ((n = q->head) != NULL) {
		q->head = n->next;
		if (q->head == NULL)
			q->tail = NULL;
		job = n->job;
		free(n);
	}
	(void)pthread_mutex_unlock(&q->lock);
	return (job);
}

static void *
workq_thread(void *arg)
{
	struct workq	*q = arg;
	void		*state = q->ops->init != NULL ?
			    q->ops->init(q->state_arg) : NULL;
	void		*job;

	while ((job = workq_take(q)) != NULL)
		q->ops->run(q->arg, state, job);
	if (q->ops->fini != NULL)
		q->ops->fini(state);
	return (NULL);
}

int
workq_start(const struct workq_ops *ops, void *arg, void *state_arg, int n,
    struct workq **ret)
{
	struct workq	*q;
	int		 i;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return (-ENOMEM);
	q->ops = ops;
	q->arg = arg;
	q->state_arg = state_arg;
	(void)pthread_mutex_init(&q->lock, NULL);
	(void)pthread_cond_init(&q->wake, NULL);
	for (i = 0; i < n && i < WORKQ_MAX_THREADS; i++) {
		if (pthread_create(&q->threads[i], NULL, workq_thread, q) !=
		    0) {
			workq_stop(q);
			return (-EAGAIN);
		}
		q->nthreads++;
	}
	*ret = q;
	return (0);
}

int
workq_submit(struct workq *q, void *job)
{
	struct workq_node *n;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		if (q->ops->free_job != NULL)
			q->ops->free_job(job);
		return (-ENOMEM);
	}
	n->job = job;
	(void)pthread_mutex_lock(&q->lock);
	if (q->tail != NULL)
		q->tail->next = n;
	else
		q->head = n;
	q->tail = n;
	(void)pthread_cond_signal(&q->wake);
	(void)pthread_mutex_unlock(&q->lock);
	return (0);
}

void
workq_wake_stopping(pthread_mutex_t *lock, pthread_cond_t *wake,
    int *stopping)
{
	(void)pthread_mutex_lock(lock);
	*stopping = 1;
	(void)pthread_cond_broadcast(wake);
	(void)pthread_mutex_unlock(lock);
}

void
workq_stop(struct workq *q)
{
	int i;

	if (q == NULL)
		return;
	workq_wake_stopping(&q->lock, &q->wake, &q->stopping);
	for (i = 0; i < q->nthreads; i++)
		(void)pthread_join(q->threads[i], NULL);
	(void)pthread_mutex_destroy(&q->lock);
	(void)pthread_cond_destroy(&q->wake);
	free(q);
}
