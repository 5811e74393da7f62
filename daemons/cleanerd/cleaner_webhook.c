/*
 * Webhook delivery.  The queues live in the store (webhook_queue, filled
 * by triggers in the transactions that write history), so they survive
 * any restart; this file only drains them.  On every pass (bus wake-up or
 * tick) the cleaner's own thread reads which webhooks have an update due
 * and hands each to the pool of webhook workers, unless a worker has it
 * already: one worker at a time per webhook is what keeps its updates in
 * order.  A worker POSTs the webhook's oldest update, removes it once a
 * 2xx answer came, and goes on with the next, up to a batch; then the
 * webhook goes to the back of the pool's queue, so one busy webhook does
 * not starve the others.  A failure (no answer within webhook_timeout_ms,
 * or another status) stops that webhook until its backoff has passed,
 * recorded in the store.  The POST and the removal are not atomic: an
 * update answered just before a crash is sent again (at least once).
 * Kills never wait on any of this: they have their own workers, and the
 * pass only reads a short list.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cleaner.h"
#include "clock.h"
#include "db_webhook.h"
#include "log.h"
#include "webhook.h"
#include "workq.h"

/* Updates one worker sends for a webhook before letting others go. */
#define CLEANER_WEBHOOK_BATCH	50

struct cleaner_webhooks {
	struct daemon	*d;
	struct workq	*pool;		/* NULL until there is work */
	int		 curl;		/* libcurl initialised */
	atomic_int	 stopping;
	pthread_mutex_t	 lock;		/* guards busy */
	char		**busy;		/* webhooks a worker has */
	size_t		 nbusy, cap;
};

/* A worker's own: a store connection and an HTTP handle. */
struct cleaner_webhook_worker {
	struct db			*db;
	struct cleaner_webhook_post	*http;
};

/* ---- which webhooks a worker has ---- */

/* 1 when id was free and is now taken, 0 when a worker has it, -ENOMEM. */
static int
cleaner_webhook_claim(struct cleaner_webhooks *w, const char *id)
{
	char	**busy;
	size_t	  i;
	int	  r = 1;

	(void)pthread_mutex_lock(&w->lock);
	for (i = 0; i < w->nbusy && r == 1; i++)
		if (strcmp(w->busy[i], id) == 0)
			r = 0;
	if (r == 1 && w->nbusy == w->cap) {
		busy = reallocarray(w->busy, w->cap * 2 + 4, sizeof(*busy));
		if (busy == NULL)
			r = -ENOMEM;
		else {
			w->busy = busy;
			w->cap = w->cap * 2 + 4;
		}
	}
	if (r == 1 && (w->busy[w->nbusy] = strdup(id)) == NULL)
		r = -ENOMEM;
	else if (r == 1)
		w->nbusy++;
	(void)pthread_mutex_unlock(&w->lock);
	return (r);
}

static void
cleaner_webhook_release(struct cleaner_webhooks *w, const char *id)
{
	size_t i;

	(void)pthread_mutex_lock(&w->lock);
	for (i = 0; i < w->nbusy; i++)
		if (strcmp(w->busy[i], id) == 0) {
			free(w->busy[i]);
			w->busy[i] = w->busy[--w->nbusy];
			break;
		}
	(void)pthread_mutex_unlock(&w->lock);
}

/* ---- one update ---- */

/* A failed attempt: note it and when the next one is due. */
static void
cleaner_webhook_failed(struct cleaner_webhooks *w, struct db *db,
    const char *id, const struct db_webhook_update *u, const char *uri,
    const char *why)
{
	const struct conf	*conf = &w->d->conf;
	int64_t			 failures = u->failures + 1, delay;
	int			 r;

	delay = webhook_retry_delay_ms(failures, conf->webhook_retry_min_ms,
	    conf->webhook_retry_max_ms);
	log_warnx("webhook=%s: POST to %s failed: %s (%lld in a row); next "
	    "attempt in %lld ms", id, uri, why, (long long)failures,
	    (long long)delay);
	if ((r = db_webhook_failed(db, id, failures, clock_now_ms() + delay)) <
	    0)
		log_warnx("webhook=%s: failed to record the failure: %s, "
		    "ignoring", id, strerror(-r));
}

/* The update is done with: delivered, or its task is gone. */
static int
cleaner_webhook_done(struct db *db, const char *id,
    const struct db_webhook_update *u)
{
	int r;

	if ((r = db_webhook_delivered(db, id, u->seq)) < 0)
		log_warnx("webhook=%s: failed to remove update %lld, which "
		    "will be sent again: %s", id, (long long)u->seq,
		    strerror(-r));
	return (r);
}

/* POST u: 1 delivered (or dropped), 0 failed, -1 to stop here (the
 * daemon stops, or the store failed). */
static int
cleaner_webhook_deliver(struct cleaner_webhooks *w,
    struct cleaner_webhook_worker *wk, const char *id,
    const struct db_webhook_update *u)
{
	char	 why[256];
	char	*uri;
	long	 status = 0;
	int	 r;

	if (u->body == NULL) {
		/* As Singularity: a task update without its task is dropped. */
		log_info("webhook=%s: task=%s is gone, dropping its update",
		    id, u->task_id);
		return (cleaner_webhook_done(wk->db, id, u) == 0 ? 1 : -1);
	}
	if ((uri = webhook_uri_expand(u->uri, u->request_id, u->deploy_id,
	    u->task_id)) == NULL)
		return (-1);
	r = cleaner_webhook_post_send(wk->http, uri, u->body,
	    w->d->conf.webhook_timeout_ms, &w->stopping, &status, why,
	    sizeof(why));
	if (r == 0 && status >= 200 && status < 300) {
		log_debug("webhook=%s: update %lld delivered to %s (%s)", id,
		    (long long)u->seq, uri, why);
		r = cleaner_webhook_done(wk->db, id, u) == 0 ? 1 : -1;
	} else if (r != -ECANCELED) {
		cleaner_webhook_failed(w, wk->db, id, u, uri, why);
		r = 0;
	} else
		r = -1;
	free(uri);
	return (r);
}

/* Send webhook id's updates in order until one fails, none is left or
 * a batch went out: 1 when more may be waiting. */
static int
cleaner_webhook_drain(struct cleaner_webhooks *w,
    struct cleaner_webhook_worker *wk, const char *id)
{
	struct db_webhook_update	u;
	int				n, r;

	for (n = 0; n < CLEANER_WEBHOOK_BATCH; n++) {
		if (atomic_load(&w->stopping))
			return (0);
		if ((r = db_webhook_head(wk->db, id, &u)) < 0) {
			if (r != -ENOENT)
				log_warnx("webhook=%s: failed to read its "
				    "queue: %s, ignoring", id, strerror(-r));
			return (0);
		}
		/* Backing off: the pass hands it over again once due. */
		r = u.next_attempt_at > clock_now_ms() ? 0 :
		    cleaner_webhook_deliver(w, wk, id, &u);
		db_webhook_update_clear(&u);
		if (r <= 0)
			return (0);
	}
	return (1);
}

/* ---- the workers ---- */

static void *
cleaner_webhook_worker_init(void *arg)
{
	struct cleaner_webhooks		*w = arg;
	struct cleaner_webhook_worker	*wk;

	if ((wk = calloc(1, sizeof(*wk))) == NULL)
		return (NULL);
	wk->db = daemon_worker_db_open(w->d);
	if ((wk->http = cleaner_webhook_post_new()) == NULL)
		log_warnx("Failed to set up a webhook worker's HTTP client: "
		    "out of memory");
	return (wk);
}

static void
cleaner_webhook_worker_fini(void *state)
{
	struct cleaner_webhook_worker *wk = state;

	if (wk == NULL)
		return;
	cleaner_webhook_post_free(wk->http);
	daemon_worker_db_close(wk->db);
	free(wk);
}

/* A job is a webhook id (malloc'd).  A webhook with more to send goes
 * back in line, still claimed; otherwise it is released. */
static void
cleaner_webhook_worker_run(void *arg, void *state, void *job)
{
	struct cleaner_webhooks		*w = arg;
	struct cleaner_webhook_worker	*wk = state;
	char				*id = job;

	if (wk != NULL && wk->db != NULL && wk->http != NULL &&
	    cleaner_webhook_drain(w, wk, id) &&
	    !atomic_load(&w->stopping) && workq_submit(w->pool, id) == 0)
		return;
	cleaner_webhook_release(w, id);
	free(id);
}

/* No free_job: a job workq_submit refuses stays the caller's. */
static const struct workq_ops cleaner_webhook_pool_ops = {
	.init = cleaner_webhook_worker_init,
	.run = cleaner_webhook_worker_run,
	.fini = cleaner_webhook_worker_fini,
};

int
cleaner_webhook_start(struct cleaner *c)
{
	struct cleaner_webhooks	*w;
	int			 r;

	if ((r = db_webhook_set_queue_max(c->d->db,
	    c->d->conf.webhook_queue_max)) < 0)
		log_warnx("Failed to store webhook_queue_max: %s, ignoring",
		    strerror(-r));
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return (-ENOMEM);
	w->d = c->d;
	(void)pthread_mutex_init(&w->lock, NULL);
	c->hooks = w;
	return (0);
}

/*
 * The workers, their store connections and libcurl (with its TLS
 * library, some megabytes) only once a webhook has an update to send:
 * a kerr with no webhook never carries them.
 */
static int
cleaner_webhook_pool(struct cleaner_webhooks *w)
{
	int r;

	if (w->pool != NULL)
		return (0);
	if (!w->curl) {
		if ((r = cleaner_webhook_post_init()) < 0)
			return (r);
		w->curl = 1;
	}
	return (workq_start(&cleaner_webhook_pool_ops, w, w,
	    w->d->conf.webhook_workers, &w->pool));
}

void
cleaner_webhook_stop(struct cleaner *c)
{
	struct cleaner_webhooks	*w = c->hooks;
	size_t			 i;

	if (w == NULL)
		return;
	/* Queued jobs then end at once, a POST under way within a second. */
	atomic_store(&w->stopping, 1);
	if (w->pool != NULL)
		workq_stop(w->pool);
	for (i = 0; i < w->nbusy; i++)
		free(w->busy[i]);
	free(w->busy);
	(void)pthread_mutex_destroy(&w->lock);
	if (w->curl)
		cleaner_webhook_post_fini();
	free(w);
	c->hooks = NULL;
}

/* ---- the pass ---- */

/* Say once what full queues dropped since the last time. */
static void
cleaner_webhook_log_drops(struct cleaner *c)
{
	json_t		*drops = NULL, *v;
	const char	*id;
	size_t		 i;
	json_int_t	 dropped;

	if (db_webhook_drops(c->d->db, &drops) < 0)
		return;		/* the next pass asks again */
	json_array_foreach(drops, i, v) {
		id = json_string_value(json_object_get(v, "id"));
		dropped = json_integer_value(json_object_get(v, "dropped"));
		log_warnx("webhook=%s: queue full (webhook_queue_max = %d): "
		    "%lld updates dropped, %lld in all", id,
		    c->d->conf.webhook_queue_max,
		    (long long)json_integer_value(json_object_get(v, "newly")),
		    (long long)dropped);
		(void)db_webhook_drops_logged(c->d->db, id, dropped);
	}
	json_decref(drops);
}

/* Hand webhook id to a worker unless one has it. */
static void
cleaner_webhook_hand_over(struct cleaner_webhooks *w, const char *id)
{
	char	*job;
	int	 r;

	if ((r = cleaner_webhook_claim(w, id)) <= 0) {
		if (r < 0)
			log_warnx("webhook=%s: out of memory, ignoring", id);
		return;
	}
	if ((job = strdup(id)) == NULL || workq_submit(w->pool, job) < 0) {
		log_warnx("webhook=%s: out of memory, ignoring", id);
		free(job);
		cleaner_webhook_release(w, id);
	}
}

void
cleaner_webhook_scan(struct cleaner *c)
{
	json_t	*due = NULL, *v;
	size_t	 i;
	int	 r;

	if (c->hooks == NULL)
		return;
	cleaner_webhook_log_drops(c);
	if ((r = db_webhook_due(c->d->db, clock_now_ms(), &due)) < 0) {
		log_warnx("Failed to read the webhook queues: %s, ignoring",
		    strerror(-r));
		return;
	}
	if (json_array_size(due) > 0 &&
	    (r = cleaner_webhook_pool(c->hooks)) < 0) {
		log_warnx("Failed to start the webhook workers: %s, retrying "
		    "on the next tick", strerror(-r));
		json_array_clear(due);
	}
	json_array_foreach(due, i, v)
		cleaner_webhook_hand_over(c->hooks, json_string_value(v));
	json_decref(due);
}
