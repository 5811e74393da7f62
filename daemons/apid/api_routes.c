/*
 * The route table: every endpoint kerr serves, relative to the API root
 * (/singularity/v1 or /singularity/api, stripped by api_http.c).  A {x}
 * segment matches one non-empty path segment and is handed to the handler
 * in req->params, in order.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "api_request.h"
#include "route_match.h"

/* Literal segments before {x} ones where both could match. */
static const struct api_route api_routes[] = {
	{ "GET",	"/state",			api_state_get },
	{ "GET",	"/state/requests/under-provisioned",
	    api_state_under_provisioned },
	{ "GET",	"/state/requests/over-provisioned",
	    api_state_over_provisioned },
	{ "GET",	"/auth/user",			api_auth_user },

	{ "POST",	"/requests",			api_request_post },
	{ "GET",	"/requests",			api_request_list_all },
	{ "GET",	"/requests/active",		api_request_list_active },
	{ "GET",	"/requests/paused",		api_request_list_paused },
	{ "GET",	"/requests/cooldown",		api_request_list_cooldown },
	{ "GET",	"/requests/finished",		api_request_list_finished },
	{ "GET",	"/requests/ids",		api_request_ids },
	{ "GET",	"/requests/ids/active",		api_request_ids_active },
	{ "GET",	"/requests/batch",		api_request_batch },
	{ "GET",	"/requests/queued/pending",	api_request_queued_pending },
	{ "GET",	"/requests/queued/cleanup",	api_request_queued_cleanup },
	{ "GET",	"/requests/request/{id}",	api_request_get },
	{ "DELETE",	"/requests/request/{id}",	api_request_delete },
	{ "DELETE",	"/requests/request/{id}/paused", api_request_delete_paused },
	{ "POST",	"/requests/request/{id}/pause",	api_request_pause },
	{ "POST",	"/requests/request/{id}/unpause", api_request_unpause },
	{ "POST",	"/requests/request/{id}/exit-cooldown",
	    api_request_exit_cooldown },
	{ "POST",	"/requests/request/{id}/bounce", api_request_bounce },
	{ "POST",	"/requests/request/{id}/run",	api_request_run },
	{ "PUT",	"/requests/request/{id}/scale",	api_request_scale },
	{ "GET",	"/requests/request/{id}/run/{runId}", api_run_task_id },
	{ "POST",	"/requests/request/{id}/deploy", api_deploy_post_legacy },
	{ "DELETE",	"/requests/request/{id}/{action}",
	    api_request_expiring_delete },

	{ "POST",	"/deploys",			api_deploy_post },
	{ "GET",	"/deploys/pending",		api_deploy_pending_list },
	{ "POST",	"/deploys/update",		api_deploy_update },
	{ "DELETE",	"/deploys/deploy/{deployId}/request/{id}",
	    api_deploy_cancel },
	{ "GET",	"/history/request/{id}/deploys", api_deploy_history },
	{ "GET",	"/history/request/{id}/deploy/{deployId}",
	    api_deploy_history_one },
	{ "GET",	"/history/request/{id}/deploy/{deployId}/tasks/active",
	    api_task_deploy_history_active },
	{ "GET",
	    "/history/request/{id}/deploy/{deployId}/tasks/inactive",
	    api_task_deploy_history_inactive },

	{ "GET",	"/history/request/{id}/requests", api_request_history },
	{ "GET",	"/history/request/{id}/tasks",	api_task_request_history },
	{ "GET",	"/history/request/{id}/tasks/active",
	    api_task_request_history_active },
	{ "GET",	"/history/task/{taskId}",	api_task_history },
	{ "GET",	"/history/request/{id}/run/{runId}", api_run_history },
	{ "GET",	"/history/tasks",		api_task_search },
	{ "GET",	"/history/tasks/withmetadata",	api_task_search_meta },

	{ "GET",	"/tasks/active",		api_task_active },
	{ "GET",	"/tasks/active/ids",		api_task_active_ids },
	{ "GET",	"/tasks/scheduled",		api_task_scheduled },
	{ "GET",	"/tasks/scheduled/ids",		api_task_scheduled_ids },
	{ "GET",	"/tasks/scheduled/request/{id}",
	    api_task_scheduled },
	{ "GET",	"/tasks/ids/request/{id}",	api_task_ids_request },
	{ "GET",	"/tasks/counts/request/{id}",	api_task_counts_request },
	{ "GET",	"/tasks/cleaning",		api_task_cleaning },
	{ "GET",	"/tasks/killed",		api_task_killed },
	{ "GET",	"/tasks/task/{taskId}",		api_task_get },
	{ "DELETE",	"/tasks/task/{taskId}",		api_task_kill },
	{ "GET",	"/tasks/task/{taskId}/cleanup",	api_task_cleanup_get },
	{ "GET",	"/tasks/task/{taskId}/statistics",
	    api_task_statistics },
	{ "GET",	"/track/task/{taskId}",		api_task_track },
	{ "GET",	"/track/run/{id}/{runId}",	api_run_track },
	{ "GET",	"/tasks/scheduled/task/{pendingTaskId}",
	    api_run_pending_get },
	{ "DELETE",	"/tasks/scheduled/task/{pendingTaskId}",
	    api_run_pending_delete },

	{ "GET",	"/sandbox/{id}/browse",		api_sandbox_browse },
	{ "GET",	"/sandbox/{id}/read",		api_sandbox_read },

	/* What SingularityUI reads beside the core (issue 20). */
	{ "GET",	"/groups",			api_groups_list },
	{ "POST",	"/groups",			api_groups_post },
	{ "GET",	"/groups/group/{id}",		api_groups_get },
	{ "DELETE",	"/groups/group/{id}",		api_groups_delete },
	{ "GET",	"/shuffle/blacklist",		api_cluster_shuffle_list },
	{ "GET",	"/shuffle/blacklist/{id}",	api_cluster_shuffle_get },
	{ "POST",	"/shuffle/blacklist/{id}",	api_cluster_shuffle_add },
	{ "DELETE",	"/shuffle/blacklist/{id}",
	    api_cluster_shuffle_remove },
	{ "GET",	"/inactive",			api_cluster_inactive_list },
	{ "POST",	"/inactive",			api_cluster_inactive_add },
	{ "DELETE",	"/inactive",		api_cluster_inactive_remove },
	{ "DELETE",	"/inactive/all",		api_cluster_inactive_clear },
	{ "GET",	"/priority/freeze",		api_cluster_freeze_get },
	{ "POST",	"/priority/freeze",		api_cluster_freeze_post },
	{ "DELETE",	"/priority/freeze",		api_cluster_freeze_delete },
	{ "GET",	"/disasters/stats",		api_disasters_stats },
	{ "GET",	"/disasters/active",		api_disasters_active },
	{ "POST",	"/disasters/active/{id}",	api_disasters_add },
	{ "DELETE",	"/disasters/active/{id}",	api_disasters_remove },
	{ "POST",	"/disasters/disable",	api_disasters_automation_off },
	{ "POST",	"/disasters/enable",	api_disasters_automation_on },
	{ "GET",	"/disasters/disabled-actions",
	    api_disasters_disabled_actions },
	{ "POST",	"/disasters/disabled-actions/{id}",
	    api_disasters_disable },
	{ "DELETE",	"/disasters/disabled-actions/{id}",
	    api_disasters_enable },
	{ "GET",	"/usage/requests",		api_usage_requests },
	{ "GET",	"/usage/requests/request/{id}",	api_usage_request },
	{ "GET",	"/usage/agents",		api_usage_agents },
	{ "GET",	"/usage/slaves",		api_usage_agents },
	{ "GET",	"/usage/cluster/utilization",	api_usage_cluster },
	{ "GET",	"/usage/tasks/{taskId}/history",
	    api_usage_task_history },
	{ "GET",	"/logs/task/{taskId}",		api_absent_task_logs },
	{ "GET",	"/logs/request/{id}",		api_absent_request_logs },
	{ "GET",	"/logs/request/{id}/deploy/{deployId}",
	    api_absent_request_logs },
	{ "GET",	"/webhooks",			api_webhooks_list },
	{ "POST",	"/webhooks",			api_webhooks_post },
	{ "DELETE",	"/webhooks",			api_webhooks_delete },
	{ "GET",	"/webhooks/summary",		api_webhooks_summary },
	{ "GET",	"/webhooks/request",	api_webhooks_queue_request },
	{ "GET",	"/webhooks/deploy",	api_webhooks_queue_deploy },
	{ "GET",	"/webhooks/task",		api_webhooks_queue_task },
	{ "GET",	"/webhooks/elevated-access",
	    api_webhooks_queue_elevated },
	/* Singularity's deprecated forms, the id in the path. */
	{ "DELETE",	"/webhooks/{id}",		api_webhooks_delete },
	{ "GET",	"/webhooks/request/{id}", api_webhooks_queue_request },
	{ "GET",	"/webhooks/deploy/{id}",	api_webhooks_queue_deploy },
	{ "GET",	"/webhooks/task/{id}",		api_webhooks_queue_task },
	{ "GET",	"/tasks/lbcleanup",		api_absent_list },
	{ "GET",	"/requests/lbcleanup",		api_absent_list },
	{ "GET",	"/agents/expiring",		api_absent_list },
	{ "GET",	"/slaves/expiring",		api_absent_list },
	{ "GET",	"/racks/expiring",		api_absent_list },
	{ "GET",	"/agents",			api_agents_list },
	{ "DELETE",	"/agents/dead",		api_agents_forget_dead },
	{ "GET",	"/agents/agent/{id}",	api_agents_history },
	{ "DELETE",	"/agents/agent/{id}",	api_agents_forget },
	{ "GET",	"/agents/agent/{id}/details", api_agents_details },
	{ "POST",	"/agents/agent/{id}/decommission",
	    api_agents_decommission },
	{ "POST",	"/agents/agent/{id}/freeze", api_agents_freeze },
	{ "POST",	"/agents/agent/{id}/activate", api_agents_activate },
	{ "GET",	"/slaves",			api_agents_list },
	{ "DELETE",	"/slaves/dead",		api_agents_forget_dead },
	{ "GET",	"/slaves/slave/{id}",	api_agents_history },
	{ "DELETE",	"/slaves/slave/{id}",	api_agents_forget },
	{ "GET",	"/slaves/slave/{id}/details", api_agents_details },
	{ "POST",	"/slaves/slave/{id}/decommission",
	    api_agents_decommission },
	{ "POST",	"/slaves/slave/{id}/freeze", api_agents_freeze },
	{ "POST",	"/slaves/slave/{id}/activate", api_agents_activate },
	{ "GET",	"/racks",			api_racks_list },
	{ "DELETE",	"/racks/dead",		api_racks_forget_dead },
	{ "GET",	"/racks/rack/{id}",	api_racks_history },
	{ "DELETE",	"/racks/rack/{id}",	api_racks_forget },
	{ "GET",	"/racks/rack/{id}/details", api_racks_details },
	{ "POST",	"/racks/rack/{id}/decommission",
	    api_racks_decommission },
	{ "POST",	"/racks/rack/{id}/freeze", api_racks_freeze },
	{ "POST",	"/racks/rack/{id}/activate", api_racks_activate },
};

#define API_NROUTES	(sizeof(api_routes) / sizeof(api_routes[0]))

static void
api_routes_allow_add(char *buf, size_t len, const char *method)
{
	size_t used = strlen(buf);

	(void)snprintf(buf + used, len - used, "%s%s",
	    used > 0 ? ", " : "", method);
}

int
api_routes_match(const char *method, const char *path, struct api_req *req,
    api_handler_fn *ret, char *allow_buf, size_t allow_len)
{
	static __thread char	 pathbuf[4096];
	const char		*params[API_MAX_PARAMS];
	size_t			 i, len = strlen(path);
	int			 path_known = 0;

	if (len >= sizeof(pathbuf))
		return (-ENOENT);
	allow_buf[0] = '\0';
	for (i = 0; i < API_NROUTES; i++) {
		memcpy(pathbuf, path, len + 1);
		memset(params, 0, sizeof(params));
		if (!route_match(api_routes[i].pattern, pathbuf, params,
		    API_MAX_PARAMS))
			continue;
		if (strcmp(api_routes[i].method, method) == 0) {
			memcpy(req->params, params, sizeof(params));
			req->route = (int)i;
			*ret = api_routes[i].handler;
			return (0);
		}
		path_known = 1;
		if (strstr(allow_buf, api_routes[i].method) == NULL)
			api_routes_allow_add(allow_buf, allow_len,
			    api_routes[i].method);
	}
	return (path_known ? -EPERM : -ENOENT);
}

size_t
api_routes_count(void)
{
	return (API_NROUTES);
}

const struct api_route *
api_routes_at(size_t i)
{
	return (i < API_NROUTES ? &api_routes[i] : NULL);
}
