/*
 * Group commit for apid's writes.  Every write transaction of a handler
 * (api_tx) is queued to one writer thread, which runs all the queued ones
 * inside a single BEGIN IMMEDIATE ... COMMIT, each under a savepoint so a
 * refused call changes nothing, and wakes their HTTP threads only after
 * the commit that holds their change.  With N clients writing at once,
 * one fsync serves N replies (PERFORMANCE.md: "group concurrent API
 * writes into one transaction, acknowledging each only after the commit").
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "api.h"
#include "api_writer.h"
#include "daemon.h"
#include "log.h"
#include "workq.h"

#define API_WRITER_BATCH	256

struct api_write {
	struct api_req		*req;
	struct api_reply	*rep;
	int			(*fn)(struct api_req *, struct api_reply *,
				    void *);
	void			*arg;
	int			 rc;
	int			 done;
	struct api_write	*next;
};

struct api_writer {
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 work;		/* writer: something queued */
	pthread_cond_t		 done;		/* callers: a batch finished */
	struct api_write	*head, *tail;
	int			 stopping;
	struct db		*db;
};

/* Take up to a batch of queued writes; NULL once stopping and empty. */
static int
api_writer_take(struct api_writer *w, struct api_write **batch)
{
	int n = 0;

	(void)pthread_mutex_lock(&w->lock);
	while (w->head == NULL && !w->stopping)
		(void)pthread_cond_wait(&w->work, &w->lock);
	while (w->head != NULL && n < API_WRITER_BATCH) {
		batch[n++] = w->head;
		w->head = w->head->next;
	}
	if (w->head == NULL)
		w->tail = NULL;
	(void)pthread_mutex_unlock(&w->lock);
	return (n);
}

/* One call under its savepoint, on the writer's connection. */
static void
api_writer_one(struct api_writer *w, struct api_write *x)
{
	struct db *own = x->req->db;

	if ((x->rc = db_savepoint(w->db)) < 0)
		return;
	x->req->db = w->db;
	x->rc = x->fn(x->req, x->rep, x->arg);
	x->req->db = own;
	/* A full disk, whatever words the handler found for it. */
	if (x->rc == -ENOSPC || (x->rep->status >= 500 &&
	    sqlite3_errcode(db_handle(w->db)) == SQLITE_FULL)) {
		(void)api_reply_full(x->rep);
		x->rc = -ENOSPC;
	}
	if (x->rc < 0 || x->rep->status >= 400) {
		db_savepoint_rollback(w->db);
		if (x->rc >= 0)
			x->rc = -EINVAL;	/* refused: the reply says why */
		return;
	}
	db_savepoint_release(w->db);
}

static void
api_writer_fail(struct api_write **batch, int n, int err)
{
	int i;

	for (i = 0; i < n; i++) {
		if (batch[i]->rc < 0)
			continue;
		(void)api_reply_errno(batch[i]->rep, err, "Failed to commit: "
		    "%s", strerror(-err));
		batch[i]->rc = err;
	}
}

static void
api_writer_run_batch(struct api_writer *w, struct api_write **batch, int n)
{
	int i, r;

	if ((r = db_begin(w->db)) < 0) {
		api_writer_fail(batch, n, r);
		return;
	}
	for (i = 0; i < n; i++) {
		api_writer_one(w, batch[i]);
		/* SQLite rolled the whole batch back (SQLITE_FULL does):
		 * none of it holds, and what follows must not run outside
		 * a transaction, committed one by one behind a failure. */
		if (!db_in_transaction(w->db)) {
			api_writer_fail(batch, n, batch[i]->rc < 0 ?
			    batch[i]->rc : -EIO);
			return;
		}
	}
	if ((r = db_commit(w->db)) < 0)
		api_writer_fail(batch, n, r);
}

static void *
api_writer_main(void *arg)
{
	struct api_writer	*w = arg;
	struct api_write	*batch[API_WRITER_BATCH];
	int			 i, n;

	while ((n = api_writer_take(w, batch)) > 0) {
		api_writer_run_batch(w, batch, n);
		(void)pthread_mutex_lock(&w->lock);
		for (i = 0; i < n; i++)
			batch[i]->done = 1;
		(void)pthread_cond_broadcast(&w->done);
		(void)pthread_mutex_unlock(&w->lock);
	}
	return (NULL);
}

int
api_writer_start(const struct conf *conf, struct api_writer **ret)
{
	struct api_writer	*w;
	int			 r;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return (-ENOMEM);
	if ((r = daemon_db_open(conf, &w->db)) < 0) {
		free(w);
		return (r);
	}
	(void)pthread_mutex_init(&w->lock, NULL);
	(void)pthread_cond_init(&w->work, NULL);
	(void)pthread_cond_init(&w->done, NULL);
	if (pthread_create(&w->thread, NULL, api_writer_main, w) != 0) {
		db_close(w->db);
		free(w);
		return (-EAGAIN);
	}
	*ret = w;
	return (0);
}

void
api_writer_stop(struct api_writer *w)
{
	if (w == NULL)
		return;
	workq_wake_stopping(&w->lock, &w->work, &w->stopping);
	(void)pthread_join(w->thread, NULL);
	(void)pthread_mutex_destroy(&w->lock);
	(void)pthread_cond_destroy(&w->work);
	(void)pthread_cond_destroy(&w->done);
	db_close(w->db);
	free(w);
}

int
api_writer_run(struct api_writer *w, struct api_req *req,
    struct api_reply *rep,
    int (*fn)(struct api_req *, struct api_reply *, void *), void *arg)
{
	struct api_write x = { req, rep, fn, arg, 0, 0, NULL };

	(void)pthread_mutex_lock(&w->lock);
	if (w->tail != NULL)
		w->tail->next = &x;
	else
		w->head = &x;
	w->tail = &x;
	(void)pthread_cond_signal(&w->work);
	while (!x.done)
		(void)pthread_cond_wait(&w->done, &w->lock);
	(void)pthread_mutex_unlock(&w->lock);
	return (x.rc);
}
