/*
 * kerr-apid internals: the HTTP glue (api_http.c) turns each libmicrohttpd
 * request into a struct api_req, finds its handler in the route table
 * (api_routes.c) and sends the struct api_reply the handler filled in
 * (api_reply.c).  Handlers validate, write the store, ring the bus after
 * commit, and reply.
 */
#ifndef KERR_API_H
#define KERR_API_H

#include <stddef.h>

#include <jansson.h>

#include "bus.h"
#include "conf.h"
#include "db.h"

#define API_MAX_PARAMS	4

struct MHD_Connection;
struct api_writer;
struct api_identity;

struct api_req {
	const char		*method;
	const char		*path;		/* below /singularity/{v1,api} */
	const char		*params[API_MAX_PARAMS];	/* {x} parts */
	json_t			*body;		/* NULL when none was sent */
	struct MHD_Connection	*conn;
	struct db		*db;		/* this thread's connection */
	struct bus		*bus;		/* thread-safe, shared */
	const struct conf	*conf;
	struct api_writer	*writer;	/* group commit (api_tx) */
	const struct api_identity *who;		/* NULL: auth = none */
	int			 route;		/* api_routes_at() */
};

struct api_reply {
	unsigned int	 status;
	char		*body;			/* malloc'd */
	size_t		 len;
	const char	*content_type;
	const char	*allow;			/* Allow header for 405 */
};

typedef int	(*api_handler_fn)(struct api_req *req, struct api_reply *rep);

struct api_route {
	const char	*method;
	const char	*pattern;	/* "/requests/request/{id}" */
	api_handler_fn	 handler;
};

/* api_routes.c: 0 and *ret set; -ENOENT no such path; -EPERM method not
 * allowed (allow_buf lists the methods that are). */
int	api_routes_match(const char *method, const char *path,
	    struct api_req *req, api_handler_fn *ret, char *allow_buf,
	    size_t allow_len);
/* The table itself, for GET /metrics' route labels. */
size_t	api_routes_count(void);
const struct api_route *api_routes_at(size_t i);

/* api_reply.c.  Each returns 0 so a handler can `return (api_reply_*())`. */
int	api_reply_json(struct api_reply *rep, unsigned int status,
	    json_t *json);		/* takes ownership; NULL: 500 */
/* JSON already written out (malloc'd, NUL-terminated): takes ownership. */
int	api_reply_text(struct api_reply *rep, unsigned int status, char *json,
	    size_t len);
/* A reply with no body: 204 for Singularity's void calls. */
int	api_reply_empty(struct api_reply *rep, unsigned int status);
int	api_reply_error(struct api_reply *rep, unsigned int status,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Map -errno to a status (ENOENT 404, EINVAL 400, EEXIST/ESTALE 409,
 * E2BIG 413, EBUSY 503, ENOSPC 507, else 500) and reply with the
 * message; ENOSPC replies as api_reply_full. */
int	api_reply_errno(struct api_reply *rep, int err, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	api_reply_clear(struct api_reply *rep);
unsigned int api_errno_status(int err);
/* 507 Insufficient Storage: the filesystem of the store is full. */
int	api_reply_full(struct api_reply *rep);
/* Where the store is, for api_reply_full; before any request. */
void	api_reply_set_store(const char *db_path);

/* A query argument, or NULL. */
const char *api_query(const struct api_req *req, const char *key);
/* Every value of a repeatable query argument, in order; returns how many
 * (at most max) were stored in vals. */
size_t	api_query_all(const struct api_req *req, const char *key,
	    const char **vals, size_t max);

/* api_util.c: small pieces every handler uses. */
/* ?user=NAME: the acting user (spec 0A), or NULL; with auth = token the
 * token's user, whatever ?user= says. */
const char *api_user(const struct api_req *req);
/* The optional JSON object body: 0 with *ret (NULL when no body), or
 * replies 400 and returns -EINVAL when the body is not an object. */
int	api_body_object(const struct api_req *req, struct api_reply *rep,
	    const char *schema, json_t **ret);
/* Optional typed fields of a body: -EINVAL (after replying 400) when the
 * field is present with the wrong type. */
int	api_body_string(const json_t *body, const char *key,
	    struct api_reply *rep, const char **ret);
int	api_body_bool(const json_t *body, const char *key,
	    struct api_reply *rep, int *ret);
int	api_body_int(const json_t *body, const char *key,
	    struct api_reply *rep, json_int_t *ret);
/* Boolean query argument ("true"/"false"): def when absent. */
int	api_query_bool(const struct api_req *req, const char *key, int def);
/* Reply 200 with value filtered by the request's ?property= values. */
int	api_reply_filtered(const struct api_req *req, struct api_reply *rep,
	    json_t *value);
/* The same for list, the result of a read that returned r; when r < 0,
 * the error "Failed to read <what>". */
int	api_reply_list(const struct api_req *req, struct api_reply *rep, int r,
	    json_t *list, const char *what);
/* GET .../history/request/{id}/...: the ?count= and ?page= page of the
 * request's history that read (a db_*_history) returns. */
int	api_reply_history(struct api_req *req, struct api_reply *rep,
	    int (*read)(struct db *db, const char *request_id, int count,
	    int page, json_t **ret), const char *what);
/*
 * A list reply built one element at a time (api_util.c): each element is
 * filtered by ?property= and written out as it comes, so a long list
 * never exists as one tree.  add takes ownership of value (-ENOMEM);
 * reply sends 200 with the array and clears a.
 */
struct json_filter;
struct api_array {
	const struct api_req	*req;		/* whose rights filter */
	struct json_filter	*filter;	/* NULL: no ?property= */
	char			*buf;
	size_t			 len, cap;
	size_t			 n;		/* elements so far */
};
int	api_array_init(struct api_array *a, const struct api_req *req);
int	api_array_add(struct api_array *a, json_t *value);
int	api_array_reply(struct api_array *a, struct api_reply *rep);
void	api_array_clear(struct api_array *a);
/* Parse ?count= and ?page= (defaults 100 and 1, count clamped to 1000);
 * replies 400 and returns -EINVAL when out of range. */
int	api_paging(const struct api_req *req, struct api_reply *rep,
	    int *ret_count, int *ret_page);

/*
 * Run fn inside a write transaction, grouped with the writes of other
 * connections by the writer thread (api_writer.c) under a savepoint of
 * its own: kept when fn returns 0 with no error reply, rolled back
 * otherwise, so a rejected call changes nothing.  Returns after the commit
 * that holds the change (0), or negative with an error reply.
 */
int	api_tx(struct api_req *req, struct api_reply *rep,
	    int (*fn)(struct api_req *, struct api_reply *, void *),
	    void *arg);

/*
 * The handlers, by file: api_routes.c maps each route to one.  Each
 * returns 0 once it filled in rep, or negative errno with no reply for
 * the errno's status.
 */
/* api_state.c, api_auth.c */
int	api_state_get(struct api_req *req, struct api_reply *rep);
int	api_state_under_provisioned(struct api_req *req,
	    struct api_reply *rep);
int	api_state_over_provisioned(struct api_req *req, struct api_reply *rep);
int	api_auth_user(struct api_req *req, struct api_reply *rep);

/* api_request.c */
int	api_request_post(struct api_req *req, struct api_reply *rep);
int	api_request_get(struct api_req *req, struct api_reply *rep);
int	api_request_list_all(struct api_req *req, struct api_reply *rep);
int	api_request_list_active(struct api_req *req, struct api_reply *rep);
int	api_request_list_paused(struct api_req *req, struct api_reply *rep);
int	api_request_list_cooldown(struct api_req *req, struct api_reply *rep);
int	api_request_list_finished(struct api_req *req, struct api_reply *rep);
int	api_request_ids(struct api_req *req, struct api_reply *rep);
int	api_request_ids_active(struct api_req *req, struct api_reply *rep);
int	api_request_batch(struct api_req *req, struct api_reply *rep);
int	api_request_queued_pending(struct api_req *req, struct api_reply *rep);
int	api_request_queued_cleanup(struct api_req *req, struct api_reply *rep);
int	api_request_history(struct api_req *req, struct api_reply *rep);

/* api_request_action.c, api_request_run.c */
int	api_request_delete(struct api_req *req, struct api_reply *rep);
int	api_request_delete_paused(struct api_req *req, struct api_reply *rep);
int	api_request_pause(struct api_req *req, struct api_reply *rep);
int	api_request_unpause(struct api_req *req, struct api_reply *rep);
int	api_request_exit_cooldown(struct api_req *req, struct api_reply *rep);
int	api_request_bounce(struct api_req *req, struct api_reply *rep);
int	api_request_run(struct api_req *req, struct api_reply *rep);
int	api_request_scale(struct api_req *req, struct api_reply *rep);
int	api_request_expiring_delete(struct api_req *req,
	    struct api_reply *rep);

/* api_deploy.c */
int	api_deploy_post(struct api_req *req, struct api_reply *rep);
int	api_deploy_post_legacy(struct api_req *req, struct api_reply *rep);
int	api_deploy_cancel(struct api_req *req, struct api_reply *rep);
int	api_deploy_pending_list(struct api_req *req, struct api_reply *rep);
int	api_deploy_history(struct api_req *req, struct api_reply *rep);
int	api_deploy_history_one(struct api_req *req, struct api_reply *rep);
/* api_deploy_update.c */
int	api_deploy_update(struct api_req *req, struct api_reply *rep);

/* api_task.c */
int	api_task_active(struct api_req *req, struct api_reply *rep);
int	api_task_active_ids(struct api_req *req, struct api_reply *rep);
int	api_task_scheduled(struct api_req *req, struct api_reply *rep);
int	api_task_scheduled_ids(struct api_req *req, struct api_reply *rep);
int	api_task_ids_request(struct api_req *req, struct api_reply *rep);
int	api_task_counts_request(struct api_req *req, struct api_reply *rep);
int	api_task_get(struct api_req *req, struct api_reply *rep);
int	api_task_history(struct api_req *req, struct api_reply *rep);
int	api_task_track(struct api_req *req, struct api_reply *rep);
int	api_task_request_history(struct api_req *req, struct api_reply *rep);
int	api_task_request_history_active(struct api_req *req,
	    struct api_reply *rep);
int	api_task_deploy_history_active(struct api_req *req,
	    struct api_reply *rep);
int	api_task_deploy_history_inactive(struct api_req *req,
	    struct api_reply *rep);
int	api_task_cleaning(struct api_req *req, struct api_reply *rep);
int	api_task_cleanup_get(struct api_req *req, struct api_reply *rep);
int	api_task_kill(struct api_req *req, struct api_reply *rep);
int	api_task_killed(struct api_req *req, struct api_reply *rep);

/* api_task_search.c: GET /history/tasks[/withmetadata] */
int	api_task_search(struct api_req *req, struct api_reply *rep);
int	api_task_search_meta(struct api_req *req, struct api_reply *rep);

/* api_task_stats.c: GET /tasks/task/{id}/statistics */
int	api_task_statistics(struct api_req *req, struct api_reply *rep);

/* api_run.c: run ids and pending tasks */
int	api_run_task_id(struct api_req *req, struct api_reply *rep);
int	api_run_history(struct api_req *req, struct api_reply *rep);
int	api_run_track(struct api_req *req, struct api_reply *rep);
int	api_run_pending_get(struct api_req *req, struct api_reply *rep);
int	api_run_pending_delete(struct api_req *req, struct api_reply *rep);

/* 0 when task id is well formed and known; else -errno after a 400 or
 * 404 reply (api_task.c). */
int	api_task_known(struct api_req *req, struct api_reply *rep,
	    const char *id);

/* api_groups.c: request groups */
int	api_groups_list(struct api_req *req, struct api_reply *rep);
int	api_groups_get(struct api_req *req, struct api_reply *rep);
int	api_groups_post(struct api_req *req, struct api_reply *rep);
int	api_groups_delete(struct api_req *req, struct api_reply *rep);

/* api_machines.c: /agents (/slaves) and /racks */
int	api_agents_list(struct api_req *req, struct api_reply *rep);
int	api_agents_history(struct api_req *req, struct api_reply *rep);
int	api_agents_details(struct api_req *req, struct api_reply *rep);
int	api_agents_decommission(struct api_req *req, struct api_reply *rep);
int	api_agents_freeze(struct api_req *req, struct api_reply *rep);
int	api_agents_activate(struct api_req *req, struct api_reply *rep);
int	api_agents_forget(struct api_req *req, struct api_reply *rep);
int	api_agents_forget_dead(struct api_req *req, struct api_reply *rep);
int	api_racks_list(struct api_req *req, struct api_reply *rep);
int	api_racks_history(struct api_req *req, struct api_reply *rep);
int	api_racks_details(struct api_req *req, struct api_reply *rep);
int	api_racks_decommission(struct api_req *req, struct api_reply *rep);
int	api_racks_freeze(struct api_req *req, struct api_reply *rep);
int	api_racks_activate(struct api_req *req, struct api_reply *rep);
int	api_racks_forget(struct api_req *req, struct api_reply *rep);
int	api_racks_forget_dead(struct api_req *req, struct api_reply *rep);
/* api_cluster.c: shuffle blacklist, inactive hosts, priority freeze */
int	api_cluster_shuffle_list(struct api_req *req, struct api_reply *rep);
int	api_cluster_shuffle_get(struct api_req *req, struct api_reply *rep);
int	api_cluster_shuffle_add(struct api_req *req, struct api_reply *rep);
int	api_cluster_shuffle_remove(struct api_req *req,
	    struct api_reply *rep);
int	api_cluster_inactive_list(struct api_req *req, struct api_reply *rep);
int	api_cluster_inactive_add(struct api_req *req, struct api_reply *rep);
int	api_cluster_inactive_remove(struct api_req *req,
	    struct api_reply *rep);
int	api_cluster_inactive_clear(struct api_req *req,
	    struct api_reply *rep);
int	api_cluster_freeze_get(struct api_req *req, struct api_reply *rep);
int	api_cluster_freeze_post(struct api_req *req, struct api_reply *rep);
int	api_cluster_freeze_delete(struct api_req *req, struct api_reply *rep);

/* api_disasters.c: disabled actions and disasters */
int	api_disasters_stats(struct api_req *req, struct api_reply *rep);
int	api_disasters_active(struct api_req *req, struct api_reply *rep);
int	api_disasters_add(struct api_req *req, struct api_reply *rep);
int	api_disasters_remove(struct api_req *req, struct api_reply *rep);
int	api_disasters_automation_off(struct api_req *req,
	    struct api_reply *rep);
int	api_disasters_automation_on(struct api_req *req,
	    struct api_reply *rep);
int	api_disasters_disabled_actions(struct api_req *req,
	    struct api_reply *rep);
int	api_disasters_disable(struct api_req *req, struct api_reply *rep);
int	api_disasters_enable(struct api_req *req, struct api_reply *rep);

/* api_webhooks.c: webhooks and their queues */
int	api_webhooks_list(struct api_req *req, struct api_reply *rep);
int	api_webhooks_summary(struct api_req *req, struct api_reply *rep);
int	api_webhooks_post(struct api_req *req, struct api_reply *rep);
int	api_webhooks_delete(struct api_req *req, struct api_reply *rep);
int	api_webhooks_queue_request(struct api_req *req, struct api_reply *rep);
int	api_webhooks_queue_deploy(struct api_req *req, struct api_reply *rep);
int	api_webhooks_queue_task(struct api_req *req, struct api_reply *rep);
int	api_webhooks_queue_elevated(struct api_req *req,
	    struct api_reply *rep);

/* api_usage.c: resource usage */
int	api_usage_requests(struct api_req *req, struct api_reply *rep);
int	api_usage_request(struct api_req *req, struct api_reply *rep);
int	api_usage_agents(struct api_req *req, struct api_reply *rep);
int	api_usage_cluster(struct api_req *req, struct api_reply *rep);
int	api_usage_task_history(struct api_req *req, struct api_reply *rep);

/* api_absent.c: the empty answers of features kerr does not have */
int	api_absent_list(struct api_req *req, struct api_reply *rep);
int	api_absent_task_logs(struct api_req *req, struct api_reply *rep);
int	api_absent_request_logs(struct api_req *req, struct api_reply *rep);

/* api_sandbox.c: a task's sandbox read from the local disk in place of
 * the Mesos agent's files API (spec 1.6, 4.5) */
/* 200 with the SingularitySandbox of directory ?path= (default: root). */
int	api_sandbox_browse(struct api_req *req, struct api_reply *rep);
/* 200 with the MesosFileChunkObject of file ?path= at ?offset= (with
 * ?length= and ?grep=); without ?offset=, the file's size. */
int	api_sandbox_read(struct api_req *req, struct api_reply *rep);

#endif
