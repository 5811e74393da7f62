/*
 * Lists and settings an operator keeps for the whole cluster: the
 * shuffle blacklist (/shuffle/blacklist), the hosts marked inactive
 * (/inactive) and the priority freeze (/priority/freeze), in the
 * name_sets and settings tables.  kerr moves no task between hosts and
 * registers no agent, so the first two are kept for the clients that
 * manage them; a freeze refuses the bounces and deploys it would hold
 * back (api_cluster_priority_check).  No daemon acts on them: no bell.
 */
#include <errno.h>
#include <string.h>

#include "api.h"
#include "api_cluster.h"
#include "clock.h"
#include "db_cluster.h"
#include "db_request.h"
#include "records.h"

/* Singularity's defaultTaskPriorityLevel, for requests that set none. */
#define API_CLUSTER_DEFAULT_PRIORITY	0.3
#define API_CLUSTER_HOST_MAX		255

/* ---- /shuffle/blacklist ---- */

int
api_cluster_shuffle_list(struct api_req *req, struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 r;

	r = db_name_set_list(req->db, DB_SET_SHUFFLE_BLACKLIST, &list);
	return (api_reply_list(req, rep, r, list, "the shuffle blacklist"));
}

/* The request id of the path: 400 when malformed. */
static int
api_cluster_request_id_ok(struct api_req *req, struct api_reply *rep)
{
	if (request_id_is_valid(req->params[0]))
		return (1);
	(void)api_reply_error(rep, 400, "Invalid request id '%s'",
	    req->params[0]);
	return (0);
}

int
api_cluster_shuffle_get(struct api_req *req, struct api_reply *rep)
{
	int r;

	if (!api_cluster_request_id_ok(req, rep))
		return (0);
	if ((r = db_name_set_has(req->db, DB_SET_SHUFFLE_BLACKLIST,
	    req->params[0])) < 0)
		return (api_reply_errno(rep, r, "Failed to read the shuffle "
		    "blacklist"));
	return (api_reply_json(rep, 200, json_boolean(r)));
}

/* A request joins the list only while it exists: a typo is a 404, not
 * an entry nothing will ever match. */
static int
api_cluster_shuffle_add_tx(struct api_req *req, struct api_reply *rep,
    void *arg)
{
	struct db_request	r;
	int			rc;

	(void)arg;
	if ((rc = db_request_get(req->db, req->params[0], &r)) == -ENOENT)
		return (api_reply_error(rep, 404, "Couldn't find request with "
		    "id %s", req->params[0]), rc);
	if (rc < 0)
		return (rc);
	db_request_clear(&r);
	if ((rc = db_name_set_add(req->db, DB_SET_SHUFFLE_BLACKLIST,
	    req->params[0], clock_now_ms())) < 0)
		return (rc);
	return (api_reply_empty(rep, 204));
}

static int
api_cluster_shuffle_remove_tx(struct api_req *req, struct api_reply *rep,
    void *arg)
{
	int r;

	(void)arg;
	if ((r = db_name_set_remove(req->db, DB_SET_SHUFFLE_BLACKLIST,
	    req->params[0])) < 0)
		return (r);
	return (api_reply_empty(rep, 204));
}

int
api_cluster_shuffle_add(struct api_req *req, struct api_reply *rep)
{
	if (api_cluster_request_id_ok(req, rep))
		(void)api_tx(req, rep, api_cluster_shuffle_add_tx, NULL);
	return (0);
}

/* Removing a request that is not on the list changes nothing: 204, as
 * Singularity answers. */
int
api_cluster_shuffle_remove(struct api_req *req, struct api_reply *rep)
{
	if (api_cluster_request_id_ok(req, rep))
		(void)api_tx(req, rep, api_cluster_shuffle_remove_tx, NULL);
	return (0);
}

/* ---- /inactive?host= ---- */

int
api_cluster_inactive_list(struct api_req *req, struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 r;

	r = db_name_set_list(req->db, DB_SET_INACTIVE_HOSTS, &list);
	return (api_reply_list(req, rep, r, list, "inactive hosts"));
}

/* ?host=: a host name or address, letters, digits and ".-_:". */
static const char *
api_cluster_host(struct api_req *req, struct api_reply *rep)
{
	const char	*host = api_query(req, "host");
	size_t		 len = host != NULL ? strlen(host) : 0;

	if (len == 0) {
		(void)api_reply_error(rep, 400, "host is required");
		return (NULL);
	}
	if (len > API_CLUSTER_HOST_MAX || strspn(host, "abcdefghijklmnopqrstu"
	    "vwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:") != len) {
		(void)api_reply_error(rep, 400, "Invalid host '%s': letters, "
		    "digits and \".-_:\", at most %d characters", host,
		    API_CLUSTER_HOST_MAX);
		return (NULL);
	}
	return (host);
}

struct api_cluster_host_op {
	const char	*host;		/* NULL: every host */
	int		 add;
};

static int
api_cluster_inactive_tx(struct api_req *req, struct api_reply *rep,
    void *arg)
{
	struct api_cluster_host_op	*op = arg;
	int				 r;

	if (op->host == NULL)
		r = db_name_set_clear(req->db, DB_SET_INACTIVE_HOSTS);
	else if (op->add)
		r = db_name_set_add(req->db, DB_SET_INACTIVE_HOSTS, op->host,
		    clock_now_ms());
	else
		r = db_name_set_remove(req->db, DB_SET_INACTIVE_HOSTS,
		    op->host);
	if (r < 0)
		return (r);
	return (api_reply_empty(rep, 204));
}

static int
api_cluster_inactive_change(struct api_req *req, struct api_reply *rep,
    int add)
{
	struct api_cluster_host_op op = { NULL, add };

	if ((op.host = api_cluster_host(req, rep)) != NULL)
		(void)api_tx(req, rep, api_cluster_inactive_tx, &op);
	return (0);
}

int
api_cluster_inactive_add(struct api_req *req, struct api_reply *rep)
{
	return (api_cluster_inactive_change(req, rep, 1));
}

int
api_cluster_inactive_remove(struct api_req *req, struct api_reply *rep)
{
	return (api_cluster_inactive_change(req, rep, 0));
}

int
api_cluster_inactive_clear(struct api_req *req, struct api_reply *rep)
{
	struct api_cluster_host_op op = { NULL, 0 };

	(void)api_tx(req, rep, api_cluster_inactive_tx, &op);
	return (0);
}

/* ---- /priority/freeze ---- */

int
api_cluster_freeze_get(struct api_req *req, struct api_reply *rep)
{
	json_t	*freeze;
	int	 r;

	r = db_setting_get(req->db, DB_SETTING_PRIORITY_FREEZE, &freeze);
	if (r == -ENOENT)
		return (api_reply_error(rep, 404, "No active priority freeze"));
	if (r < 0)
		return (api_reply_errno(rep, r, "Failed to read the priority "
		    "freeze"));
	return (api_reply_json(rep, 200, freeze));
}

/* SingularityPriorityFreeze from the body, actionId made when absent. */
static int
api_cluster_freeze_body(struct api_req *req, struct api_reply *rep,
    json_t **ret)
{
	const char	*message = NULL, *action_id = NULL;
	const json_t	*level;
	json_t		*body;
	char		 uuid[37];
	int		 kill = 0, r;

	if (api_body_object(req, rep, "SingularityPriorityFreeze", &body) < 0)
		return (-EINVAL);
	level = json_object_get(body, "minimumPriorityLevel");
	if (!json_is_number(level) || json_number_value(level) <= 0 ||
	    json_number_value(level) > 1)
		return (api_reply_error(rep, 400, "minimumPriorityLevel is "
		    "invalid, must be greater than 0 and less than or equal "
		    "to 1"), -EINVAL);
	if (api_body_bool(body, "killTasks", rep, &kill) < 0 ||
	    api_body_string(body, "message", rep, &message) < 0 ||
	    api_body_string(body, "actionId", rep, &action_id) < 0)
		return (-EINVAL);
	if (action_id == NULL) {
		if ((r = records_uuid(uuid, sizeof(uuid))) < 0)
			return (r);
		action_id = uuid;
	}
	*ret = json_pack("{s:f, s:b, s:s}", "minimumPriorityLevel",
	    json_number_value(level), "killTasks", kill, "actionId",
	    action_id);
	if (*ret == NULL || records_set_opt_string(*ret, "message",
	    message) < 0) {
		json_decref(*ret);
		return (-ENOMEM);
	}
	return (0);
}

static int
api_cluster_freeze_post_tx(struct api_req *req, struct api_reply *rep,
    void *arg)
{
	json_t	*parent = arg;
	int	 r;

	if ((r = db_setting_put(req->db, DB_SETTING_PRIORITY_FREEZE,
	    parent)) < 0)
		return (r);
	return (api_reply_json(rep, 200, json_incref(parent)));
}

/* A new freeze replaces the one in force, as in Singularity. */
int
api_cluster_freeze_post(struct api_req *req, struct api_reply *rep)
{
	json_t	*freeze = NULL, *parent;
	int	 r;

	if ((r = api_cluster_freeze_body(req, rep, &freeze)) < 0)
		return (rep->status != 0 ? 0 : r);
	parent = json_pack("{s:o, s:I}", "priorityFreeze", freeze,
	    "timestamp", (json_int_t)clock_now_ms());
	if (parent == NULL || records_set_opt_string(parent, "user",
	    api_user(req)) < 0) {
		json_decref(parent);
		return (-ENOMEM);
	}
	(void)api_tx(req, rep, api_cluster_freeze_post_tx, parent);
	json_decref(parent);
	return (0);
}

static int
api_cluster_freeze_delete_tx(struct api_req *req, struct api_reply *rep,
    void *arg)
{
	int r;

	(void)arg;
	r = db_setting_remove(req->db, DB_SETTING_PRIORITY_FREEZE);
	if (r == -ENOENT)
		return (api_reply_error(rep, 400, "No active priority freeze to "
		    "delete."), r);
	if (r < 0)
		return (r);
	return (api_reply_empty(rep, 204));
}

int
api_cluster_freeze_delete(struct api_req *req, struct api_reply *rep)
{
	(void)api_tx(req, rep, api_cluster_freeze_delete_tx, NULL);
	return (0);
}

int
api_cluster_priority_check(struct api_req *req, struct api_reply *rep,
    const json_t *request)
{
	const json_t	*v = json_object_get(request, "taskPriorityLevel");
	json_t		*freeze;
	double		 level, min;
	int		 r;

	if ((r = db_setting_get(req->db, DB_SETTING_PRIORITY_FREEZE,
	    &freeze)) == -ENOENT)
		return (0);
	if (r < 0)
		return (r);
	min = json_number_value(json_object_get(json_object_get(freeze,
	    "priorityFreeze"), "minimumPriorityLevel"));
	json_decref(freeze);
	level = json_is_number(v) ? json_number_value(v) :
	    API_CLUSTER_DEFAULT_PRIORITY;
	if (level >= min)
		return (0);
	(void)api_reply_error(rep, 400, "Priority level of request %s (%g) is "
	    "lower than active priority freeze (%g)", json_string_value(
	    json_object_get(request, "id")), level, min);
	return (-EINVAL);
}
