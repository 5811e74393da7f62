/*
 * Request groups (/groups): SingularityRequestGroup {id, requestIds,
 * metadata}, listed, read, created or replaced, and deleted, in the
 * request_groups table.  Singularity's rules: the id is a request-style id
 * shorter than 100 characters and requestIds must be given; the requests
 * named need not exist (yet).  No daemon acts on groups: no bell rings.
 */
#include <errno.h>
#include <string.h>

#include "api.h"
#include "db_cluster.h"
#include "request.h"

/* A group id: the request id alphabet, and shorter than a request id may
 * be (Singularity's maxRequestIdSize, exclusive). */
static int
api_groups_id_ok(const char *id)
{
	return (id != NULL && request_id_is_valid(id) &&
	    strlen(id) < REQUEST_ID_MAX);
}

static int
api_groups_bad_id(struct api_reply *rep, const char *id)
{
	return (api_reply_error(rep, 400, "Invalid request group id '%s': "
	    "[a-zA-Z0-9_-], fewer than %d characters", id, REQUEST_ID_MAX));
}

/* requestIds: an array of request ids. */
static int
api_groups_request_ids(const json_t *ids, struct api_reply *rep)
{
	const json_t	*v;
	size_t		 i;

	if (!json_is_array(ids))
		return (api_reply_error(rep, 400, "requestIds cannot be null "
		    "and must be an array of request ids"), -EINVAL);
	json_array_foreach(ids, i, v)
		if (!json_is_string(v) ||
		    !request_id_is_valid(json_string_value(v)))
			return (api_reply_error(rep, 400, "requestIds[%zu] is "
			    "not a valid request id", i), -EINVAL);
	return (0);
}

/* metadata: absent, or an object of strings. */
static int
api_groups_metadata(json_t *md, struct api_reply *rep)
{
	const char	*key;
	json_t		*v;

	if (md == NULL || json_is_null(md))
		return (0);
	if (!json_is_object(md))
		return (api_reply_error(rep, 400, "metadata must be an object "
		    "of strings"), -EINVAL);
	json_object_foreach(md, key, v)
		if (!json_is_string(v))
			return (api_reply_error(rep, 400, "metadata.%s must be "
			    "a string", key), -EINVAL);
	return (0);
}

/* The group as stored and served: the three fields, metadata {} when
 * none was given; unknown fields are dropped. */
static int
api_groups_normalize(const json_t *body, struct api_reply *rep,
    json_t **ret)
{
	const json_t	*id;
	json_t		*md;

	if (!json_is_object(body))
		return (api_reply_error(rep, 400, "SingularityRequestGroup must "
		    "be a JSON object"), -EINVAL);
	id = json_object_get(body, "id");
	if (!json_is_string(id) || !api_groups_id_ok(json_string_value(id)))
		return (api_groups_bad_id(rep, json_is_string(id) ?
		    json_string_value(id) : "(none)"), -EINVAL);
	md = json_object_get(body, "metadata");
	if (api_groups_request_ids(json_object_get(body, "requestIds"),
	    rep) < 0 || api_groups_metadata(md, rep) < 0)
		return (-EINVAL);
	/* "o" takes the one reference given, whichever object it is. */
	*ret = json_pack("{s:O, s:O, s:o}", "id", id, "requestIds",
	    json_object_get(body, "requestIds"), "metadata",
	    md != NULL && !json_is_null(md) ? json_incref(md) :
	    json_object());
	return (*ret != NULL ? 0 : -ENOMEM);
}

int
api_groups_list(struct api_req *req, struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 r = db_group_list(req->db, &list);

	return (api_reply_list(req, rep, r, list, "request groups"));
}

int
api_groups_get(struct api_req *req, struct api_reply *rep)
{
	json_t	*group;
	int	 r;

	if (!api_groups_id_ok(req->params[0]))
		return (api_groups_bad_id(rep, req->params[0]));
	if ((r = db_group_get(req->db, req->params[0], &group)) == -ENOENT)
		return (api_reply_error(rep, 404, "Couldn't find request group "
		    "with id %s", req->params[0]));
	if (r < 0)
		return (api_reply_errno(rep, r, "Failed to read request group"));
	return (api_reply_json(rep, 200, group));
}

static int
api_groups_post_tx(struct api_req *req, struct api_reply *rep, void *arg)
{
	json_t	*group = arg;
	int	 r;

	if ((r = db_group_put(req->db, group, NULL)) < 0)
		return (r);
	return (api_reply_json(rep, 200, json_incref(group)));
}

int
api_groups_post(struct api_req *req, struct api_reply *rep)
{
	json_t *group = NULL;

	if (api_groups_normalize(req->body, rep, &group) < 0)
		return (rep->status != 0 ? 0 : -ENOMEM);
	(void)api_tx(req, rep, api_groups_post_tx, group);
	json_decref(group);
	return (0);
}

static int
api_groups_delete_tx(struct api_req *req, struct api_reply *rep, void *arg)
{
	int r;

	(void)arg;
	if ((r = db_group_remove(req->db, req->params[0])) == -ENOENT)
		return (api_reply_error(rep, 404, "Couldn't find request group "
		    "with id %s", req->params[0]), r);
	if (r < 0)
		return (r);
	return (api_reply_empty(rep, 204));
}

int
api_groups_delete(struct api_req *req, struct api_reply *rep)
{
	if (!api_groups_id_ok(req->params[0]))
		return (api_groups_bad_id(rep, req->params[0]));
	(void)api_tx(req, rep, api_groups_delete_tx, NULL);
	return (0);
}
