/*
 * GET /history/tasks and /history/tasks/withmetadata: Singularity's
 * search of finished tasks (HistoryResource.getTaskHistory), its filters
 * read from the query string, checked one by one (a bad value is a 400
 * naming the parameter) and handed to db_task_search.c.  An empty value
 * counts as absent, as an empty form field would.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_access.h"
#include "db_task_search.h"
#include "request.h"
#include "schema.h"
#include "task_id.h"

#define API_TASK_SEARCH_RUN_ID_MAX	100	/* Singularity's runId limit */

/* ExtendedTaskState: the values lastTaskStatus may take. */
static const char *const api_task_search_states[] = {
	"TASK_LAUNCHED", "TASK_STAGING", "TASK_STARTING", "TASK_RUNNING",
	"TASK_CLEANING", "TASK_KILLING", "TASK_FINISHED", "TASK_FAILED",
	"TASK_KILLED", "TASK_LOST", "TASK_LOST_WHILE_DOWN", "TASK_ERROR",
	"TASK_DROPPED", "TASK_GONE", "TASK_UNREACHABLE",
	"TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN", NULL
};

/* The time bounds, each an exclusive limit in ms since the epoch. */
static const char *const api_task_search_bounds[] = {
	"startedAfter", "startedBefore", "updatedAfter", "updatedBefore"
};

/* The parameter's value, NULL when it is absent or empty. */
static const char *
api_task_search_param(const struct api_req *req, const char *key)
{
	const char *v = api_query(req, key);

	return (v != NULL && v[0] != '\0' ? v : NULL);
}

/* Printable ASCII, as a run id may be anything else Singularity takes. */
static int
api_task_search_run_id_ok(const char *s)
{
	size_t	 n = strlen(s);

	if (n > API_TASK_SEARCH_RUN_ID_MAX)
		return (0);
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return (0);
	return (1);
}

/*
 * A task id holds its host sanitised ('-' made '_'), and that is what the
 * search compares: the name as `hostname` prints it finds its tasks too.
 */
static int
api_task_search_host(const char *host, char *buf, size_t len)
{
	size_t	 i;

	for (i = 0; host[i] != '\0'; i++)
		if (!(host[i] == '-' || host[i] == '_' || host[i] == '.' ||
		    (host[i] >= '0' && host[i] <= '9') ||
		    (host[i] >= 'a' && host[i] <= 'z') ||
		    (host[i] >= 'A' && host[i] <= 'Z')))
			return (-EINVAL);
	return (task_id_sanitize(buf, len, host));
}

static int
api_task_search_ids(const struct api_req *req, struct api_reply *rep,
    struct db_task_query *q, char *host, size_t hostlen)
{
	const char	*v;

	q->request_id = api_task_search_param(req, "requestId");
	if (q->request_id != NULL && !request_id_is_valid(q->request_id))
		return (api_reply_error(rep, 400, "requestId '%s' is not a "
		    "valid request id", q->request_id), -EINVAL);
	q->deploy_id = api_task_search_param(req, "deployId");
	if (q->deploy_id != NULL && !deploy_id_is_valid(q->deploy_id))
		return (api_reply_error(rep, 400, "deployId '%s' is not a "
		    "valid deploy id", q->deploy_id), -EINVAL);
	q->run_id = api_task_search_param(req, "runId");
	if (q->run_id != NULL && !api_task_search_run_id_ok(q->run_id))
		return (api_reply_error(rep, 400, "runId must be at most %d "
		    "printable characters", API_TASK_SEARCH_RUN_ID_MAX),
		    -EINVAL);
	if ((v = api_task_search_param(req, "host")) != NULL) {
		if (api_task_search_host(v, host, hostlen) < 0)
			return (api_reply_error(rep, 400, "host '%s' is not a "
			    "host name", v), -EINVAL);
		q->host = host;
	}
	return (0);
}

static int
api_task_search_bound(const struct api_req *req, struct api_reply *rep,
    const char *param, int64_t *ret)
{
	const char	*v = api_task_search_param(req, param);
	char		*end;
	long long	 n;

	if (v == NULL)
		return (0);
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0')
		return (api_reply_error(rep, 400, "%s must be an integer "
		    "(ms since the epoch), not '%s'", param, v), -EINVAL);
	*ret = (int64_t)n;
	return (0);
}

/* Every filter of the query string into q: 0, or -EINVAL after a 400. */
static int
api_task_search_query(const struct api_req *req, struct api_reply *rep,
    struct db_task_query *q, char *host, size_t hostlen)
{
	int64_t		*bounds[] = { &q->started_after, &q->started_before,
			    &q->updated_after, &q->updated_before };
	const char	*v;
	size_t		 i;

	db_task_query_init(q);
	if (api_task_search_ids(req, rep, q, host, hostlen) < 0)
		return (-EINVAL);
	q->state = api_task_search_param(req, "lastTaskStatus");
	if (q->state != NULL &&
	    schema_index(api_task_search_states, q->state) < 0)
		return (api_reply_error(rep, 400, "lastTaskStatus '%s' is not "
		    "a task state such as TASK_FAILED", q->state), -EINVAL);
	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++)
		if (api_task_search_bound(req, rep, api_task_search_bounds[i],
		    bounds[i]) < 0)
			return (-EINVAL);
	if ((v = api_task_search_param(req, "orderDirection")) != NULL) {
		if (strcmp(v, "ASC") != 0 && strcmp(v, "DESC") != 0)
			return (api_reply_error(rep, 400, "orderDirection must "
			    "be ASC or DESC, not '%s'", v), -EINVAL);
		q->ascending = strcmp(v, "ASC") == 0;
	}
	return (0);
}

/* GET /history/tasks: [SingularityTaskIdHistory], newest first. */
int
api_task_search(struct api_req *req, struct api_reply *rep)
{
	struct db_task_query	 q;
	char			 host[TASK_ID_MAX + 1];
	json_t			*list = NULL;
	int			 count, page, r;

	if (api_task_search_query(req, rep, &q, host, sizeof(host)) < 0 ||
	    api_paging(req, rep, &count, &page) < 0)
		return (0);
	r = db_task_search(req->db, &q, count, page, &list);
	return (api_reply_list(req, rep, r, list, "task history"));
}

/*
 * GET /history/tasks/withmetadata: SingularityPaginatedResponse, with
 * page only when the query named one, as Singularity echoes it.  With
 * count=0 no page can hold a task and pageCount is left out (Singularity
 * divides by zero and sends 2147483647).
 */
int
api_task_search_meta(struct api_req *req, struct api_reply *rep)
{
	struct db_task_query	 q;
	char			 host[TASK_ID_MAX + 1];
	json_t			*list = NULL, *out;
	int64_t			 total = 0;
	int			 count, page, r;

	if (api_task_search_query(req, rep, &q, host, sizeof(host)) < 0 ||
	    api_paging(req, rep, &count, &page) < 0)
		return (0);
	if ((r = db_task_search_count(req->db, &q, &total)) < 0 ||
	    (r = db_task_search(req->db, &q, count, page, &list)) < 0)
		return (api_reply_errno(rep, r, "Failed to read task history"));
	api_access_filter(req, list);
	/* Singularity's order of fields; a NULL out makes the reply a 500 */
	out = json_object();
	if (json_object_set_new(out, "dataCount",
	    json_integer((json_int_t)total)) < 0 || (count > 0 &&
	    json_object_set_new(out, "pageCount",
	    json_integer((json_int_t)((total + count - 1) / count))) < 0) ||
	    (api_task_search_param(req, "page") != NULL &&
	    json_object_set_new(out, "page", json_integer(page)) < 0)) {
		json_decref(list);
		list = NULL;
	}
	if (json_object_set_new(out, "objects", list) < 0) {
		json_decref(out);
		out = NULL;
	}
	return (api_reply_json(rep, 200, out));
}
