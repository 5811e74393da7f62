/*
 * Webhooks (/webhooks): SingularityWebhook {id, uri, type, timestamp,
 * user} added, listed, summed up with their queue sizes and removed, and
 * the updates queued for one read, in webhooks and webhook_queue.  The
 * store queues the updates itself, in the transaction that writes their
 * history (db_schema.c, v9), and kerr-cleanerd delivers them on its tick
 * (cleaner_webhook.c): no bell rings.  Singularity's answers: "CREATED"
 * or "EXISTED" (an existing webhook is left as it was), "DELETED" or
 * "DIDNT_EXIST", and [] for the queue of a webhook it does not know.
 */
#include <errno.h>
#include <stdlib.h>

#include "api.h"
#include "clock.h"
#include "db_webhook.h"
#include "records.h"
#include "webhook.h"

/* The URI quoted in an error only when it keeps the message one line. */
static int
api_webhooks_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return (0);
	return (1);
}

static int
api_webhooks_uri(const json_t *body, struct api_reply *rep,
    const char **ret)
{
	const char	*uri = NULL, *why;

	if (api_body_string(body, "uri", rep, &uri) < 0)
		return (-EINVAL);
	if (uri == NULL)
		return (api_reply_error(rep, 400, "uri is required: the http "
		    "or https URI to POST updates to"), -EINVAL);
	if (webhook_uri_check(uri, &why) == 0) {
		*ret = uri;
		return (0);
	}
	if (api_webhooks_printable(uri))
		(void)api_reply_error(rep, 400, "Invalid URI provided "
		    "'%.200s': %s", uri, why);
	else
		(void)api_reply_error(rep, 400, "Invalid URI provided: %s",
		    why);
	return (-EINVAL);
}

static int
api_webhooks_type(const json_t *body, struct api_reply *rep,
    const char **ret)
{
	const char *type = NULL;

	if (api_body_string(body, "type", rep, &type) < 0)
		return (-EINVAL);
	if (type == NULL)
		return (api_reply_error(rep, 400, "type is required: REQUEST, "
		    "DEPLOY or TASK"), -EINVAL);
	if (webhook_type_unsupported(type))
		return (api_reply_error(rep, 400, "Webhook type %s is not "
		    "supported: kerr sends REQUEST, DEPLOY and TASK updates",
		    type), -EINVAL);
	if (!webhook_type_ok(type))
		return (api_reply_error(rep, 400, "Unknown webhook type "
		    "'%.100s': REQUEST, DEPLOY or TASK", type), -EINVAL);
	*ret = type;
	return (0);
}

/* The SingularityWebhook to store: id computed from type and uri (an id
 * in the body is ignored, as Singularity ignores it), timestamp now
 * unless given, user from the body or ?user=. */
static int
api_webhooks_normalize(struct api_req *req, struct api_reply *rep,
    json_t **ret)
{
	const char	*uri, *type, *user = NULL;
	json_int_t	 ts = clock_now_ms();
	json_t		*body;
	char		*id;

	if (api_body_object(req, rep, "SingularityWebhook", &body) < 0)
		return (-EINVAL);
	if (body == NULL)
		return (api_reply_error(rep, 400, "A SingularityWebhook body "
		    "{uri, type} is required"), -EINVAL);
	if (api_webhooks_uri(body, rep, &uri) < 0 ||
	    api_webhooks_type(body, rep, &type) < 0 ||
	    api_body_int(body, "timestamp", rep, &ts) < 0 ||
	    api_body_string(body, "user", rep, &user) < 0)
		return (-EINVAL);
	if ((id = webhook_id(type, uri)) == NULL)
		return (-ENOMEM);
	*ret = json_pack("{s:s, s:s, s:s, s:I}", "id", id, "uri", uri, "type",
	    type, "timestamp", ts);
	free(id);
	if (*ret != NULL && records_set_opt_string(*ret, "user",
	    user != NULL ? user : api_user(req)) < 0) {
		json_decref(*ret);
		*ret = NULL;
	}
	return (*ret != NULL ? 0 : -ENOMEM);
}

static int
api_webhooks_post_tx(struct api_req *req, struct api_reply *rep, void *arg)
{
	json_t	*webhook = arg;
	int	 r;

	r = db_webhook_add(req->db, json_string_value(json_object_get(webhook,
	    "id")), json_string_value(json_object_get(webhook, "type")),
	    webhook, clock_now_ms());
	if (r < 0)
		return (r);
	return (api_reply_json(rep, 200, json_string(r == 0 ? "CREATED" :
	    "EXISTED")));
}

int
api_webhooks_post(struct api_req *req, struct api_reply *rep)
{
	json_t	*webhook = NULL;
	int	 r;

	if ((r = api_webhooks_normalize(req, rep, &webhook)) < 0)
		return (rep->status != 0 ? 0 : r);
	(void)api_tx(req, rep, api_webhooks_post_tx, webhook);
	json_decref(webhook);
	return (0);
}

/* ?webhookId=, or the path's {id} of the deprecated forms. */
static const char *
api_webhooks_id(struct api_req *req, struct api_reply *rep)
{
	const char *id = req->params[0] != NULL ? req->params[0] :
	    api_query(req, "webhookId");

	if (id == NULL || id[0] == '\0') {
		(void)api_reply_error(rep, 400, "webhookId is required");
		return (NULL);
	}
	return (id);
}

static int
api_webhooks_delete_tx(struct api_req *req, struct api_reply *rep,
    void *arg)
{
	const char *const	*id = arg;
	int			 r;

	if ((r = db_webhook_remove(req->db, *id)) < 0)
		return (r);
	return (api_reply_json(rep, 200, json_string(r == 0 ? "DELETED" :
	    "DIDNT_EXIST")));
}

int
api_webhooks_delete(struct api_req *req, struct api_reply *rep)
{
	const char *id;

	if ((id = api_webhooks_id(req, rep)) == NULL)
		return (0);
	(void)api_tx(req, rep, api_webhooks_delete_tx, &id);
	return (0);
}

int
api_webhooks_list(struct api_req *req, struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 r = db_webhook_list(req->db, &list);

	return (api_reply_list(req, rep, r, list, "webhooks"));
}

int
api_webhooks_summary(struct api_req *req, struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 r = db_webhook_summary(req->db, &list);

	return (api_reply_list(req, rep, r, list, "webhooks"));
}

/* The updates queued for a webhook of type; [] when there is no such
 * webhook of that type, as Singularity reads an empty queue. */
static int
api_webhooks_queue(struct api_req *req, struct api_reply *rep,
    const char *type)
{
	const char	*id;
	json_t		*list = NULL;
	int		 r;

	if ((id = api_webhooks_id(req, rep)) == NULL)
		return (0);
	r = db_webhook_queue(req->db, id, type, &list);
	return (api_reply_list(req, rep, r, list, "the webhook's queue"));
}

int
api_webhooks_queue_request(struct api_req *req, struct api_reply *rep)
{
	return (api_webhooks_queue(req, rep, "REQUEST"));
}

int
api_webhooks_queue_deploy(struct api_req *req, struct api_reply *rep)
{
	return (api_webhooks_queue(req, rep, "DEPLOY"));
}

int
api_webhooks_queue_task(struct api_req *req, struct api_reply *rep)
{
	return (api_webhooks_queue(req, rep, "TASK"));
}

/* No ELEVATED_ACCESS webhook can be added: its queues are empty. */
int
api_webhooks_queue_elevated(struct api_req *req, struct api_reply *rep)
{
	return (api_webhooks_queue(req, rep, "ELEVATED_ACCESS"));
}
