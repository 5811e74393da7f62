/*
 * Disaster tooling (/disasters): the actions an operator disabled, the
 * disasters declared active, and the switch that keeps automated
 * detection from disabling actions, in disabled_actions,
 * active_disasters and settings.  kerr runs no disaster detector, so it
 * collects no data points and declares no disaster itself; what an
 * operator sets is kept and enforced: a call whose SingularityAction is
 * disabled is refused with 409 and the action's message before its
 * handler runs (api_disasters_gate, from api_http.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_disasters.h"
#include "db_cluster.h"
#include "db_request.h"
#include "clock.h"
#include "records.h"

/* SingularityAction, and whether Singularity lets it be disabled. */
static const struct {
	const char	*name;
	int		 can_disable;
} api_disasters_actions[] = {
	{ "BOUNCE_REQUEST", 1 }, { "SCALE_REQUEST", 1 },
	{ "REMOVE_REQUEST", 1 }, { "CREATE_REQUEST", 1 },
	{ "UPDATE_REQUEST", 1 }, { "VIEW_REQUEST", 0 },
	{ "PAUSE_REQUEST", 0 }, { "KILL_TASK", 1 }, { "BOUNCE_TASK", 1 },
	{ "RUN_SHELL_COMMAND", 1 }, { "ADD_METADATA", 1 }, { "DEPLOY", 1 },
	{ "CANCEL_DEPLOY", 1 }, { "ADD_WEBHOOK", 1 },
	{ "REMOVE_WEBHOOK", 1 }, { "VIEW_WEBHOOKS", 0 },
	{ "TASK_RECONCILIATION", 1 }, { "STARTUP_TASK_RECONCILIATION", 1 },
	{ "RUN_HEALTH_CHECKS", 1 }, { "ADD_DISASTER", 0 },
	{ "REMOVE_DISASTER", 0 }, { "DISABLE_ACTION", 0 },
	{ "ENABLE_ACTION", 0 }, { "VIEW_DISASTERS", 0 },
	{ "FREEZE_SLAVE", 1 }, { "FREEZE_AGENT", 1 },
	{ "ACTIVATE_SLAVE", 1 }, { "ACTIVATE_AGENT", 1 },
	{ "DECOMMISSION_SLAVE", 1 }, { "DECOMMISSION_AGENT", 1 },
	{ "VIEW_SLAVES", 0 }, { "VIEW_AGENTS", 0 }, { "FREEZE_RACK", 1 },
	{ "ACTIVATE_RACK", 1 }, { "DECOMMISSION_RACK", 1 },
	{ "VIEW_RACKS", 0 }, { "SEND_EMAIL", 1 }, { "PROCESS_OFFERS", 1 },
	{ "CACHE_OFFERS", 1 }, { "EXPENSIVE_API_CALLS", 1 },
	{ "RUN_CLEANUP_POLLER", 1 }, { "RUN_DEPLOY_POLLER", 1 },
	{ "RUN_SCHEDULER_POLLER", 1 }, { "RUN_EXPIRING_ACTION_POLLER", 1 },
	{ "RUN_UPSTREAM_POLLER", 1 }, { "TASK_SHUFFLE", 1 },
};

/* SingularityDisasterType. */
static const char *const api_disasters_types[] = {
	"EXCESSIVE_TASK_LAG", "LOST_SLAVES", "LOST_TASKS", "USER_INITIATED",
};

#define API_N(a)	(sizeof(a) / sizeof((a)[0]))

/* The action named in the path: its index, or -1 after a 404 (JAX-RS
 * answers an enum it cannot parse in a path with 404). */
static int
api_disasters_action(struct api_req *req, struct api_reply *rep)
{
	size_t i;

	for (i = 0; i < API_N(api_disasters_actions); i++)
		if (strcmp(req->params[0], api_disasters_actions[i].name) == 0)
			return ((int)i);
	(void)api_reply_error(rep, 404, "Unknown action '%s'",
	    req->params[0]);
	return (-1);
}

static int
api_disasters_type_ok(struct api_req *req, struct api_reply *rep)
{
	size_t i;

	for (i = 0; i < API_N(api_disasters_types); i++)
		if (strcmp(req->params[0], api_disasters_types[i]) == 0)
			return (1);
	(void)api_reply_error(rep, 404, "Unknown disaster type '%s'",
	    req->params[0]);
	return (0);
}

/* ---- reads ---- */

/* SingularityDisastersData: no data points (kerr collects none), every
 * disaster type with whether it is active, and the automation switch. */
int
api_disasters_stats(struct api_req *req, struct api_reply *rep)
{
	json_t	*active = NULL, *list, *off;
	size_t	 i, j;
	int	 r, on;

	if ((r = db_disaster_list(req->db, &active)) < 0)
		return (api_reply_errno(rep, r, "Failed to read disasters"));
	if ((r = db_setting_get(req->db,
	    DB_SETTING_AUTOMATED_ACTIONS_DISABLED, &off)) == 0)
		json_decref(off);
	else if (r != -ENOENT) {
		json_decref(active);
		return (api_reply_errno(rep, r, "Failed to read disasters"));
	}
	list = json_array();
	for (i = 0; i < API_N(api_disasters_types) && list != NULL; i++) {
		for (on = 0, j = 0; j < json_array_size(active); j++)
			on |= strcmp(json_string_value(json_array_get(active,
			    j)), api_disasters_types[i]) == 0;
		(void)json_array_append_new(list, json_pack("{s:s, s:b}",
		    "type", api_disasters_types[i], "active", on));
	}
	json_decref(active);
	return (api_reply_json(rep, 200, json_pack("{s:[], s:o, s:b}",
	    "stats", "disasters", list, "automatedActionsDisabled", r == 0)));
}

int
api_disasters_active(struct api_req *req, struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 r = db_disaster_list(req->db, &list);

	return (api_reply_list(req, rep, r, list, "disasters"));
}

int
api_disasters_disabled_actions(struct api_req *req, struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 r = db_disaster_action_list(req->db, &list);

	return (api_reply_list(req, rep, r, list, "disabled actions"));
}

/* ---- changes: each answers 204, as Singularity's void calls ---- */

enum api_disasters_op {
	API_DISASTERS_ADD,
	API_DISASTERS_REMOVE,
	API_DISASTERS_AUTOMATION_OFF,
	API_DISASTERS_AUTOMATION_ON,
	API_DISASTERS_DISABLE,
	API_DISASTERS_ENABLE,
};

struct api_disasters_change {
	enum api_disasters_op	 op;
	json_t			*disabled;	/* API_DISASTERS_DISABLE */
};

static int
api_disasters_change_tx(struct api_req *req, struct api_reply *rep,
    void *arg)
{
	struct api_disasters_change	*c = arg;
	json_t				*on;
	int				 r = -EINVAL;

	switch (c->op) {
	case API_DISASTERS_ADD:
		r = db_disaster_add(req->db, req->params[0], clock_now_ms());
		break;
	case API_DISASTERS_REMOVE:
		r = db_disaster_remove(req->db, req->params[0]);
		break;
	case API_DISASTERS_AUTOMATION_OFF:
		on = json_true();
		r = db_setting_put(req->db,
		    DB_SETTING_AUTOMATED_ACTIONS_DISABLED, on);
		json_decref(on);
		break;
	case API_DISASTERS_AUTOMATION_ON:
		r = db_setting_remove(req->db,
		    DB_SETTING_AUTOMATED_ACTIONS_DISABLED);
		r = r == -ENOENT ? 0 : r;
		break;
	case API_DISASTERS_DISABLE:
		r = db_disaster_action_put(req->db, c->disabled);
		break;
	case API_DISASTERS_ENABLE:
		r = db_disaster_action_remove(req->db, req->params[0]);
		break;
	}
	if (r < 0)
		return (r);
	return (api_reply_empty(rep, 204));
}

static int
api_disasters_change(struct api_req *req, struct api_reply *rep,
    enum api_disasters_op op, json_t *disabled)
{
	struct api_disasters_change c = { op, disabled };

	(void)api_tx(req, rep, api_disasters_change_tx, &c);
	return (0);
}

/* POST /disasters/active/{type}: a disaster an operator declares.  kerr
 * disables no action for it (Singularity's disableActionsOnDisaster is
 * empty by default). */
int
api_disasters_add(struct api_req *req, struct api_reply *rep)
{
	if (!api_disasters_type_ok(req, rep))
		return (0);
	return (api_disasters_change(req, rep, API_DISASTERS_ADD, NULL));
}

int
api_disasters_remove(struct api_req *req, struct api_reply *rep)
{
	if (!api_disasters_type_ok(req, rep))
		return (0);
	return (api_disasters_change(req, rep, API_DISASTERS_REMOVE, NULL));
}

int
api_disasters_automation_off(struct api_req *req, struct api_reply *rep)
{
	return (api_disasters_change(req, rep, API_DISASTERS_AUTOMATION_OFF,
	    NULL));
}

int
api_disasters_automation_on(struct api_req *req, struct api_reply *rep)
{
	return (api_disasters_change(req, rep, API_DISASTERS_AUTOMATION_ON,
	    NULL));
}

/* POST /disasters/disabled-actions/{action}, optional body {message}:
 * the SingularityDisabledAction Singularity writes for an operator. */
int
api_disasters_disable(struct api_req *req, struct api_reply *rep)
{
	const char	*message = NULL;
	json_t		*body, *d;
	char		*text = NULL;
	int		 i;

	if ((i = api_disasters_action(req, rep)) < 0)
		return (0);
	if (!api_disasters_actions[i].can_disable)
		return (api_reply_error(rep, 400, "Action %s cannot be "
		    "disabled", req->params[0]));
	if (api_body_object(req, rep, "SingularityDisabledActionRequest",
	    &body) < 0 || api_body_string(body, "message", rep, &message) < 0)
		return (0);
	if (asprintf(&text, "Cannot perform action %s: %s", req->params[0],
	    message != NULL ? message : "Action is currently disabled") < 0)
		return (-ENOMEM);
	d = json_pack("{s:s, s:s, s:b}", "type", req->params[0], "message",
	    text, "automaticallyClearable", 0);
	free(text);
	if (d == NULL || records_set_opt_string(d, "user", api_user(req)) <
	    0) {
		json_decref(d);
		return (-ENOMEM);
	}
	(void)api_disasters_change(req, rep, API_DISASTERS_DISABLE, d);
	json_decref(d);
	return (0);
}

int
api_disasters_enable(struct api_req *req, struct api_reply *rep)
{
	if (api_disasters_action(req, rep) < 0)
		return (0);
	return (api_disasters_change(req, rep, API_DISASTERS_ENABLE, NULL));
}

/* ---- the gate ---- */

/*
 * Which SingularityAction a call performs, as Singularity checks them,
 * by the handler the route found; NULL for calls no action covers (and
 * for POST /requests, which is the gate's own case).  A task kill that
 * waits for its replacement is a task bounce.
 */
static const char *
api_disasters_action_of(api_handler_fn h, const struct api_req *req)
{
	static const struct {
		api_handler_fn	 handler;
		const char	*action;
	} map[] = {
		{ api_request_delete, "REMOVE_REQUEST" },
		{ api_request_delete_paused, "REMOVE_REQUEST" },
		{ api_request_bounce, "BOUNCE_REQUEST" },
		{ api_request_scale, "SCALE_REQUEST" },
		{ api_deploy_post, "DEPLOY" },
		{ api_deploy_post_legacy, "DEPLOY" },
		{ api_deploy_cancel, "CANCEL_DEPLOY" },
		{ api_webhooks_post, "ADD_WEBHOOK" },
		{ api_webhooks_delete, "REMOVE_WEBHOOK" },
	};
	size_t i;

	if (h == api_task_kill)
		return (json_is_true(json_object_get(req->body,
		    "waitForReplacementTask")) ? "BOUNCE_TASK" : "KILL_TASK");
	for (i = 0; i < API_N(map); i++)
		if (map[i].handler == h)
			return (map[i].action);
	return (NULL);
}

/* The SingularityDisabledAction of action, or NULL when it is enabled
 * (or unreadable: the handler then meets the store's error itself). */
static json_t *
api_disasters_disabled(struct db *db, const char *action)
{
	json_t *d;

	return (db_disaster_action_get(db, action, &d) == 0 ? d : NULL);
}

/* POST /requests creates or updates, by whether the request exists; the
 * store is asked only when one of the two is disabled. */
static json_t *
api_disasters_request_post(struct api_req *req)
{
	struct db_request	 r;
	json_t			*create, *update;
	int			 exists;

	create = api_disasters_disabled(req->db, "CREATE_REQUEST");
	update = api_disasters_disabled(req->db, "UPDATE_REQUEST");
	if (create == NULL && update == NULL)
		return (NULL);
	exists = db_request_get(req->db, json_string_value(json_object_get(
	    req->body, "id")), &r) == 0;
	if (exists)
		db_request_clear(&r);
	json_decref(exists ? create : update);
	return (exists ? update : create);
}

int
api_disasters_gate(api_handler_fn h, struct api_req *req,
    struct api_reply *rep)
{
	const char	*action;
	json_t		*d;

	if (h == api_request_post)
		d = api_disasters_request_post(req);
	else if ((action = api_disasters_action_of(h, req)) != NULL)
		d = api_disasters_disabled(req->db, action);
	else
		d = NULL;
	if (d == NULL)
		return (0);
	(void)api_reply_error(rep, 409, "%s", json_string_value(
	    json_object_get(d, "message")));
	json_decref(d);
	return (1);
}
