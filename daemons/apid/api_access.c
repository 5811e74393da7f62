/*
 * Who may do what (api_access.h).  Each handler stands for one kind of
 * access, in api_access_rules: what it reads or changes is the request
 * named in its path, the request of the task or pending task named there,
 * the request named in its body, nothing request-bound at all, or a list
 * whose elements are filtered.  A handler missing from the table is for
 * admins only, so a new endpoint is closed until someone says otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "api_access.h"
#include "api_disasters.h"
#include "api_metrics.h"
#include "db_request.h"
#include "log.h"
#include "task_id.h"

enum api_need {
	API_NEED_ANY,		/* any caller with a token */
	API_NEED_ADMIN,
	API_NEED_LIST,		/* any; elements filtered */
	API_NEED_REQUEST_READ,	/* params[param]: a request id */
	API_NEED_REQUEST_WRITE,
	API_NEED_TASK_READ,	/* params[param]: a task id */
	API_NEED_TASK_WRITE,
	API_NEED_PENDING_READ,	/* params[param]: a pending task id */
	API_NEED_PENDING_WRITE,
	API_NEED_REQUEST_BODY,	/* POST /requests: the old and the new */
	API_NEED_DEPLOY_BODY,	/* deploy.requestId (or the path's) */
	API_NEED_UPDATE_BODY	/* requestId of the body */
};

struct api_access_rule {
	api_handler_fn	 handler;
	enum api_need	 need;
	int		 param;
};

#define R(h, n, p)	{ h, API_NEED_##n, p }

static const struct api_access_rule api_access_rules[] = {
	R(api_metrics_get, ANY, 0),
	R(api_state_get, ANY, 0), R(api_state_under_provisioned, ANY, 0),
	R(api_state_over_provisioned, ANY, 0), R(api_auth_user, ANY, 0),

	R(api_request_post, REQUEST_BODY, 0),
	R(api_request_get, REQUEST_READ, 0),
	R(api_request_list_all, LIST, 0), R(api_request_list_active, LIST, 0),
	R(api_request_list_paused, LIST, 0),
	R(api_request_list_cooldown, LIST, 0),
	R(api_request_list_finished, LIST, 0), R(api_request_ids, LIST, 0),
	R(api_request_ids_active, LIST, 0), R(api_request_batch, LIST, 0),
	R(api_request_queued_pending, LIST, 0),
	R(api_request_queued_cleanup, LIST, 0),
	R(api_request_history, REQUEST_READ, 0),
	R(api_request_delete, REQUEST_WRITE, 0),
	R(api_request_delete_paused, REQUEST_WRITE, 0),
	R(api_request_pause, REQUEST_WRITE, 0),
	R(api_request_unpause, REQUEST_WRITE, 0),
	R(api_request_exit_cooldown, REQUEST_WRITE, 0),
	R(api_request_bounce, REQUEST_WRITE, 0),
	R(api_request_run, REQUEST_WRITE, 0),
	R(api_request_scale, REQUEST_WRITE, 0),
	R(api_request_expiring_delete, REQUEST_WRITE, 0),

	R(api_deploy_post, DEPLOY_BODY, 0),
	R(api_deploy_post_legacy, REQUEST_WRITE, 0),
	R(api_deploy_cancel, REQUEST_WRITE, 1),
	R(api_deploy_pending_list, LIST, 0),
	R(api_deploy_history, REQUEST_READ, 0),
	R(api_deploy_history_one, REQUEST_READ, 0),
	R(api_deploy_update, UPDATE_BODY, 0),

	R(api_task_active, LIST, 0), R(api_task_active_ids, LIST, 0),
	R(api_task_scheduled, LIST, 0), R(api_task_scheduled_ids, LIST, 0),
	R(api_task_ids_request, REQUEST_READ, 0),
	R(api_task_counts_request, REQUEST_READ, 0),
	R(api_task_get, TASK_READ, 0), R(api_task_history, TASK_READ, 0),
	R(api_task_track, TASK_READ, 0),
	R(api_task_request_history, REQUEST_READ, 0),
	R(api_task_request_history_active, REQUEST_READ, 0),
	R(api_task_deploy_history_active, REQUEST_READ, 0),
	R(api_task_deploy_history_inactive, REQUEST_READ, 0),
	R(api_task_cleaning, LIST, 0), R(api_task_killed, LIST, 0),
	R(api_task_cleanup_get, TASK_READ, 0),
	R(api_task_kill, TASK_WRITE, 0),
	R(api_task_search, LIST, 0), R(api_task_search_meta, LIST, 0),
	R(api_task_statistics, TASK_READ, 0),
	R(api_run_task_id, REQUEST_READ, 0),
	R(api_run_history, REQUEST_READ, 0),
	R(api_run_track, REQUEST_READ, 0),
	R(api_run_pending_get, PENDING_READ, 0),
	R(api_run_pending_delete, PENDING_WRITE, 0),
	R(api_sandbox_browse, TASK_READ, 0),
	R(api_sandbox_read, TASK_READ, 0),

	R(api_groups_list, ANY, 0), R(api_groups_get, ANY, 0),
	R(api_cluster_shuffle_list, ANY, 0), R(api_cluster_shuffle_get, ANY, 0),
	R(api_cluster_inactive_list, ANY, 0),
	R(api_cluster_freeze_get, ANY, 0),
	R(api_usage_requests, LIST, 0),
	R(api_usage_request, REQUEST_READ, 0),
	R(api_usage_agents, ANY, 0), R(api_usage_cluster, ANY, 0),
	R(api_usage_task_history, TASK_READ, 0),
	R(api_absent_task_logs, TASK_READ, 0),
	R(api_absent_request_logs, REQUEST_READ, 0),
	R(api_absent_list, ANY, 0),
	R(api_agents_list, ANY, 0), R(api_agents_history, ANY, 0),
	R(api_agents_details, ANY, 0), R(api_racks_list, ANY, 0),
	R(api_racks_history, ANY, 0), R(api_racks_details, ANY, 0)
	/* The rest (webhooks, disasters, freezes, machines' states, the
	 * shuffle blacklist and inactive hosts, request groups' changes)
	 * is the cluster's, not a request's: admins only. */
};

#undef R

#define API_ACCESS_NRULES \
	(sizeof(api_access_rules) / sizeof(api_access_rules[0]))

static struct api_tokens	*api_access_tokens;

/*
 * What this thread's current call found a caller may read, so a list of
 * many tasks of few requests reads each request once.  A call runs on one
 * MHD thread from start to end; each authorization starts a new
 * generation, which empties the cache.
 */
#define API_ACCESS_CACHE	64

static __thread struct {
	unsigned int	gen;
	int		readable;
	char		id[REQUEST_ID_MAX + 1];
} api_access_cache[API_ACCESS_CACHE];
static __thread unsigned int	api_access_gen;

static unsigned int
api_access_slot(const char *id)
{
	unsigned int	h = 5381;

	while (*id != '\0')
		h = h * 33 + (unsigned char)*id++;
	return (h % API_ACCESS_CACHE);
}

int
api_access_start(const struct conf *c, char *err, size_t errlen)
{
	if (!c->auth_token)
		return (0);
	return (api_tokens_load(c->tokens_file, &api_access_tokens, err,
	    errlen));
}

void
api_access_stop(void)
{
	api_tokens_free(api_access_tokens);
	api_access_tokens = NULL;
}

/* The token of "Bearer TOKEN", or of a bare "TOKEN" as Singularity's
 * own clients send it. */
static const char *
api_access_token(const char *header)
{
	if (header == NULL)
		return (NULL);
	if (strncasecmp(header, "Bearer ", 7) == 0)
		header += 7;
	while (*header == ' ')
		header++;
	return (header[0] != '\0' ? header : NULL);
}

int
api_access_authenticate(const struct conf *c, struct MHD_Connection *conn,
    struct api_identity *who, struct api_reply *rep)
{
	const char	*token;

	token = api_access_token(MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION));
	if (token == NULL) {
		(void)api_reply_error(rep, 401, "No token: send the header "
		    "'Authorization: Bearer TOKEN'");
		return (-EACCES);
	}
	if (api_access_tokens == NULL ||
	    api_tokens_find(api_access_tokens, token, who) < 0) {
		(void)api_reply_error(rep, 401, "Unknown token");
		return (-EACCES);
	}
	who->admin = api_groups_meet(who->groups, c->admin_groups);
	who->read_only = api_groups_meet(who->groups, c->read_only_groups);
	return (0);
}

/* Whether who is in one of the groups of a JSON array of strings. */
static int
api_access_in_any(const struct api_identity *who, const json_t *groups)
{
	const json_t	*g;
	size_t		 i;

	json_array_foreach(groups, i, g)
		if (json_is_string(g) && api_groups_meet(who->groups,
		    json_string_value(g)))
			return (1);
	return (0);
}

/* Singularity's groups on one SingularityRequest. */
static void
api_access_rights(const struct api_identity *who, const json_t *request,
    int *can_read, int *can_write)
{
	const json_t	*group = json_object_get(request, "group");
	const json_t	*rw = json_object_get(request, "readWriteGroups");
	int		 writer, reader;

	if (who->admin) {
		*can_read = *can_write = 1;
		return;
	}
	writer = (!json_is_string(group) && json_array_size(rw) == 0) ||
	    (json_is_string(group) && api_groups_meet(who->groups,
	    json_string_value(group))) || api_access_in_any(who, rw);
	reader = writer || api_access_in_any(who, json_object_get(request,
	    "readOnlyGroups"));
	*can_read = reader || who->read_only;
	*can_write = writer && !who->read_only;
}

/* Rights on the request named id: 0, or -ENOENT when there never was
 * one (the handler then says 404), or another -errno. */
static int
api_access_request(const struct api_req *req, const char *id, int *can_read,
    int *can_write)
{
	json_t	*request;
	int	 r;

	if ((r = db_request_latest(req->db, id, &request)) < 0)
		return (r);
	api_access_rights(req->who, request, can_read, can_write);
	json_decref(request);
	return (0);
}

static int
api_access_forbidden(const struct api_req *req, struct api_reply *rep,
    const char *id, int write)
{
	(void)api_reply_error(rep, 403, "User %s may not %s request %s",
	    req->who->user, write ? "change" : "read", id);
	return (-EPERM);
}

/* The check of one request id. */
static int
api_access_check_request(const struct api_req *req, struct api_reply *rep,
    const char *id, int write)
{
	int	can_read, can_write, r;

	if (id == NULL)
		return (0);
	if ((r = api_access_request(req, id, &can_read, &can_write)) ==
	    -ENOENT)
		return (0);
	if (r < 0) {
		(void)api_reply_errno(rep, r, "Failed to read request %s", id);
		return (r);
	}
	if (write ? can_write : can_read)
		return (0);
	return (api_access_forbidden(req, rep, id, write));
}

/* A task or pending task id's request, or NULL when it is not one. */
static const char *
api_access_task_request(const char *id, int pending, char *buf, size_t len)
{
	struct task_id		t;
	struct pending_task_id	p;

	if (id == NULL)
		return (NULL);
	if (pending ? pending_task_id_parse(id, &p) < 0 :
	    task_id_parse(id, &t) < 0)
		return (NULL);
	(void)snprintf(buf, len, "%s", pending ? p.request_id : t.request_id);
	return (buf);
}

/* POST /requests: the caller must be able to change the request as it
 * is and as it would become. */
static int
api_access_request_body(const struct api_req *req, struct api_reply *rep)
{
	const char	*id = json_string_value(json_object_get(req->body,
			    "id"));
	int		 can_read, can_write, r;

	if (id != NULL && (r = api_access_check_request(req, rep, id, 1)) < 0)
		return (r);
	if (!json_is_object(req->body))
		return (0);
	api_access_rights(req->who, req->body, &can_read, &can_write);
	if (can_write)
		return (0);
	(void)api_reply_error(rep, 403, "User %s may not create request %s: "
	    "not in its group or readWriteGroups", req->who->user,
	    id != NULL ? id : "(no id)");
	return (-EPERM);
}

static const struct api_access_rule *
api_access_rule(api_handler_fn handler)
{
	size_t	i;

	for (i = 0; i < API_ACCESS_NRULES; i++)
		if (api_access_rules[i].handler == handler)
			return (&api_access_rules[i]);
	return (NULL);
}

/* The request a body-bound call touches. */
static const char *
api_access_body_request(const struct api_req *req, enum api_need need)
{
	const json_t	*deploy = json_object_get(req->body, "deploy");

	if (need == API_NEED_UPDATE_BODY)
		return (json_string_value(json_object_get(req->body,
		    "requestId")));
	return (json_string_value(json_object_get(deploy, "requestId")));
}

int
api_access_authorize(struct api_req *req, api_handler_fn handler,
    struct api_reply *rep)
{
	const struct api_access_rule	*rule;
	const char			*p;
	char				 buf[REQUEST_ID_MAX + 1];

	api_access_gen++;
	if (req->who == NULL || req->who->admin)
		return (0);
	if ((rule = api_access_rule(handler)) == NULL ||
	    rule->need == API_NEED_ADMIN) {
		(void)api_reply_error(rep, 403, "User %s may not do this: "
		    "admins only", req->who->user);
		return (-EPERM);
	}
	p = req->params[rule->param];
	switch (rule->need) {
	case API_NEED_REQUEST_READ:
	case API_NEED_REQUEST_WRITE:
		return (api_access_check_request(req, rep, p,
		    rule->need == API_NEED_REQUEST_WRITE));
	case API_NEED_TASK_READ:
	case API_NEED_TASK_WRITE:
	case API_NEED_PENDING_READ:
	case API_NEED_PENDING_WRITE:
		return (api_access_check_request(req, rep,
		    api_access_task_request(p, rule->need ==
		    API_NEED_PENDING_READ || rule->need ==
		    API_NEED_PENDING_WRITE, buf, sizeof(buf)),
		    rule->need == API_NEED_TASK_WRITE ||
		    rule->need == API_NEED_PENDING_WRITE));
	case API_NEED_REQUEST_BODY:
		return (api_access_request_body(req, rep));
	case API_NEED_DEPLOY_BODY:
	case API_NEED_UPDATE_BODY:
		return (api_access_check_request(req, rep,
		    api_access_body_request(req, rule->need), 1));
	default:
		return (0);
	}
}

/* Where a list element names its request, in the shapes lists have. */
static const char *const api_access_paths[][4] = {
	{ "requestId", NULL },
	{ "request", "id", NULL },
	{ "taskId", "requestId", NULL },
	{ "pendingTaskId", "requestId", NULL },
	{ "pendingTask", "pendingTaskId", "requestId", NULL },
	{ "deployMarker", "requestId", NULL },
	{ "deploy", "requestId", NULL },
	{ "task", "taskId", "requestId", NULL },
	{ "taskRequest", "request", "id", NULL }
};

static const char *
api_access_element_request(const json_t *e)
{
	const json_t	*v;
	size_t		 i, k;

	if (json_is_string(e))
		return (json_string_value(e));
	for (i = 0; i < sizeof(api_access_paths) / sizeof(api_access_paths[0]);
	    i++) {
		v = e;
		for (k = 0; api_access_paths[i][k] != NULL && v != NULL; k++)
			v = json_object_get(v, api_access_paths[i][k]);
		if (json_is_string(v))
			return (json_string_value(v));
	}
	return (NULL);
}

int
api_access_visible(const struct api_req *req, const json_t *element)
{
	const char	*id;
	unsigned int	 slot;
	int		 can_read, can_write;

	if (req->who == NULL || req->who->admin || req->who->read_only)
		return (1);
	if ((id = api_access_element_request(element)) == NULL)
		return (1);
	slot = api_access_slot(id);
	if (api_access_cache[slot].gen == api_access_gen &&
	    strcmp(api_access_cache[slot].id, id) == 0)
		return (api_access_cache[slot].readable);
	if (api_access_request(req, id, &can_read, &can_write) < 0)
		can_read = 0;
	if (strlen(id) < sizeof(api_access_cache[slot].id)) {
		api_access_cache[slot].gen = api_access_gen;
		api_access_cache[slot].readable = can_read;
		(void)snprintf(api_access_cache[slot].id,
		    sizeof(api_access_cache[slot].id), "%s", id);
	}
	return (can_read);
}

void
api_access_filter(const struct api_req *req, json_t *list)
{
	size_t	i;

	if (!json_is_array(list) || req->who == NULL || req->who->admin ||
	    req->who->read_only)
		return;
	for (i = 0; i < json_array_size(list);)
		if (api_access_visible(req, json_array_get(list, i)))
			i++;
		else
			(void)json_array_remove(list, i);
}
