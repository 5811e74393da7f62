/*
 * webhooks and webhook_queue: the webhooks apid was given and, per
 * webhook, the durable queue of the updates still to POST to it, oldest
 * first.  Updates are queued by triggers on the history tables (the v9
 * step of db_schema.c), never by a call here.  JSON values returned are
 * new references owned by the caller.
 */
#ifndef KERR_DB_WEBHOOK_H
#define KERR_DB_WEBHOOK_H

#include <stdint.h>

#include <jansson.h>

#include "db.h"

/* The setting the queueing triggers read their cap from. */
#define DB_SETTING_WEBHOOK_QUEUE_MAX	"webhookQueueMax"

/* ---- apid ---- */
/* Store a SingularityWebhook under id: 0 created, 1 it existed (and was
 * left as it was). */
int	db_webhook_add(struct db *db, const char *id, const char *type,
	    const json_t *webhook, int64_t now);
/* 0 removed (with its queue), 1 there was none. */
int	db_webhook_remove(struct db *db, const char *id);
/* [SingularityWebhook], oldest first. */
int	db_webhook_list(struct db *db, json_t **ret);
/* [{webhook, queueSize, droppedUpdates}], oldest first. */
int	db_webhook_summary(struct db *db, json_t **ret);
/* The payloads queued for webhook id if it is of type, oldest first;
 * [] for an unknown id or another type. */
int	db_webhook_queue(struct db *db, const char *id, const char *type,
	    json_t **ret);

/* ---- cleanerd ---- */
/* Cap every webhook's queue at max updates from now on. */
int	db_webhook_set_queue_max(struct db *db, int max);
/* [id] of the webhooks with updates queued whose next attempt is due. */
int	db_webhook_due(struct db *db, int64_t now, json_t **ret);

/* The oldest update queued for a webhook, ready to POST. */
struct db_webhook_update {
	int64_t	 seq;
	char	*uri;			/* as given, placeholders in it */
	char	*request_id;
	char	*deploy_id;		/* NULL: a request update */
	char	*task_id;		/* NULL: not a task update */
	char	*body;			/* NULL: its task is gone */
	int64_t	 failures;		/* in a row, before this attempt */
	int64_t	 next_attempt_at;
};
/* -ENOENT when the webhook has nothing queued (or is gone). */
int	db_webhook_head(struct db *db, const char *id,
	    struct db_webhook_update *ret);
void	db_webhook_update_clear(struct db_webhook_update *u);
/* The update seq was delivered (or cannot be): remove it and clear the
 * webhook's failures.  In a transaction of its own. */
int	db_webhook_delivered(struct db *db, const char *id, int64_t seq);
/* A failed attempt: failures in a row now, next attempt not before. */
int	db_webhook_failed(struct db *db, const char *id, int64_t failures,
	    int64_t next_attempt_at);
/* [{id, dropped, newly}]: webhooks that dropped updates not yet logged;
 * then note them logged up to dropped. */
int	db_webhook_drops(struct db *db, json_t **ret);
int	db_webhook_drops_logged(struct db *db, const char *id,
	    int64_t dropped);

#endif
