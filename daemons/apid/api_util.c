/*
 * Helpers shared by the handlers: the acting user, optional bodies and
 * their typed fields, paging, the ?property= filter and the write
 * transaction wrapper.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "api.h"
#include "api_access.h"
#include "api_tokens.h"
#include "api_writer.h"
#include "json_filter.h"
#include "request.h"

#define API_PROPERTIES_MAX	32
#define API_PAGE_COUNT_DEFAULT	100
#define API_PAGE_COUNT_MAX	1000

struct api_query_iter {
	const char	 *key;
	const char	**vals;
	size_t		  max;
	size_t		  n;
};

static enum MHD_Result
api_query_collect(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct api_query_iter *it = cls;

	(void)kind;
	if (strcmp(key, it->key) == 0 && value != NULL && it->n < it->max)
		it->vals[it->n++] = value;
	return (MHD_YES);
}

size_t
api_query_all(const struct api_req *req, const char *key, const char **vals,
    size_t max)
{
	struct api_query_iter it = { key, vals, max, 0 };

	(void)MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND,
	    api_query_collect, &it);
	return (it.n);
}

const char *
api_user(const struct api_req *req)
{
	const char *user;

	if (req->who != NULL)
		return (req->who->user);
	user = api_query(req, "user");

	return (user != NULL && user[0] != '\0' ? user : NULL);
}

int
api_body_object(const struct api_req *req, struct api_reply *rep,
    const char *schema, json_t **ret)
{
	if (req->body == NULL || json_is_null(req->body)) {
		*ret = NULL;
		return (0);
	}
	if (!json_is_object(req->body)) {
		(void)api_reply_error(rep, 400, "%s must be a JSON object",
		    schema);
		return (-EINVAL);
	}
	*ret = req->body;
	return (0);
}

/* A present, non-null field of the wrong kind is a 400 naming it. */
static int
api_body_wrong(struct api_reply *rep, const char *key, const char *kind)
{
	(void)api_reply_error(rep, 400, "%s must be %s", key, kind);
	return (-EINVAL);
}

/*
 * Define api_body_<name>(): the optional field key of body as a <type>
 * (value(v)) when it is present, not null and is(v); a field of another
 * kind is api_body_wrong().  One definition for the three typed getters,
 * after systemd's DEFINE_* macros.
 */
#define API_BODY_GETTER(name, type, is, kind, value)			\
int									\
api_body_##name(const json_t *body, const char *key,			\
    struct api_reply *rep, type *ret)					\
{									\
	json_t *v = json_object_get(body, key);				\
									\
	if (v == NULL || json_is_null(v))				\
		return (0);						\
	if (!is(v))							\
		return (api_body_wrong(rep, key, kind));		\
	*ret = value(v);						\
	return (0);							\
}

/* api_body_string(), api_body_bool(), api_body_int() */
API_BODY_GETTER(string, const char *, json_is_string, "a string",
    json_string_value)
API_BODY_GETTER(bool, int, json_is_boolean, "true or false", json_is_true)
API_BODY_GETTER(int, json_int_t, json_is_integer, "an integer",
    json_integer_value)

int
api_query_bool(const struct api_req *req, const char *key, int def)
{
	const char *v = api_query(req, key);

	if (v == NULL)
		return (def);
	return (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
	    (v[0] == '\0'));
}

int
api_reply_filtered(const struct api_req *req, struct api_reply *rep,
    json_t *value)
{
	const char	*props[API_PROPERTIES_MAX];
	size_t		 n = api_query_all(req, "property", props,
			    API_PROPERTIES_MAX);
	json_t		*filtered;

	api_access_filter(req, value);
	if (n == 0)
		return (api_reply_json(rep, 200, value));
	filtered = json_filter_properties(value, props, n);
	json_decref(value);
	return (api_reply_json(rep, 200, filtered));
}

int
api_reply_list(const struct api_req *req, struct api_reply *rep, int r,
    json_t *list, const char *what)
{
	if (r < 0)
		return (api_reply_errno(rep, r, "Failed to read %s: %s", what,
		    strerror(-r)));
	return (api_reply_filtered(req, rep, list));
}

/*
 * A list reply written one element at a time: each element is filtered
 * by ?property= and dumped into the reply text as it comes, then freed,
 * so a long list never exists as one tree (GET /requests/active of
 * 10 000 requests held ~19 MiB of jansson objects for ~1 MiB of text).
 */
#define API_ARRAY_CAP_MIN	4096

int
api_array_init(struct api_array *a, const struct api_req *req)
{
	const char	*props[API_PROPERTIES_MAX];
	size_t		 n = api_query_all(req, "property", props,
			    API_PROPERTIES_MAX);

	memset(a, 0, sizeof(*a));
	a->req = req;
	if (n > 0 && (a->filter = json_filter_new(props, n)) == NULL)
		return (-ENOMEM);
	return (0);
}

static int
api_array_put(const char *buf, size_t len, void *arg)
{
	struct api_array	*a = arg;
	size_t			 cap;
	char			*nb;

	if (a->len + len + 2 > a->cap) {	/* room for "]" and NUL */
		cap = a->cap != 0 ? a->cap : API_ARRAY_CAP_MIN;
		while (cap < a->len + len + 2)
			cap *= 2;
		if ((nb = realloc(a->buf, cap)) == NULL)
			return (-1);
		a->buf = nb;
		a->cap = cap;
	}
	memcpy(a->buf + a->len, buf, len);
	a->len += len;
	return (0);
}

int
api_array_add(struct api_array *a, json_t *value)
{
	json_t	*kept = value;
	int	 r = -ENOMEM;

	if (value == NULL)
		return (-ENOMEM);
	if (!api_access_visible(a->req, value)) {
		json_decref(value);
		return (0);
	}
	if (a->filter != NULL &&
	    (kept = json_filter_apply(a->filter, value)) == NULL)
		goto out;
	if (api_array_put(a->n == 0 ? "[" : ",", 1, a) == 0 &&
	    json_dump_callback(kept, api_array_put, a, JSON_COMPACT |
	    JSON_ENCODE_ANY) == 0) {
		a->n++;
		r = 0;
	}
out:
	if (kept != value)
		json_decref(kept);
	json_decref(value);
	return (r);
}

int
api_array_reply(struct api_array *a, struct api_reply *rep)
{
	int r;

	if ((a->n == 0 && api_array_put("[", 1, a) < 0) ||
	    api_array_put("]", 1, a) < 0) {
		api_array_clear(a);
		return (-ENOMEM);
	}
	a->buf[a->len] = '\0';
	r = api_reply_text(rep, 200, a->buf, a->len);
	a->buf = NULL;
	api_array_clear(a);
	return (r);
}

void
api_array_clear(struct api_array *a)
{
	json_filter_free(a->filter);
	free(a->buf);
	memset(a, 0, sizeof(*a));
}

static int
api_query_long(const struct api_req *req, const char *key, long def,
    long *ret)
{
	const char	*v = api_query(req, key);
	char		*end;
	long		 n;

	if (v == NULL || v[0] == '\0') {
		*ret = def;
		return (0);
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0')
		return (-EINVAL);
	*ret = n;
	return (0);
}

int
api_paging(const struct api_req *req, struct api_reply *rep, int *ret_count,
    int *ret_page)
{
	long count, page;

	if (api_query_long(req, "count", API_PAGE_COUNT_DEFAULT, &count) < 0 ||
	    count < 0) {
		(void)api_reply_error(rep, 400,
		    "count must be a non-negative integer");
		return (-EINVAL);
	}
	if (api_query_long(req, "page", 1, &page) < 0 || page < 1 ||
	    page > 1000000) {
		(void)api_reply_error(rep, 400,
		    "page must be an integer of 1 or more");
		return (-EINVAL);
	}
	*ret_count = count > API_PAGE_COUNT_MAX ? API_PAGE_COUNT_MAX :
	    (int)count;
	*ret_page = (int)page;
	return (0);
}

int
api_reply_history(struct api_req *req, struct api_reply *rep,
    int (*read)(struct db *db, const char *request_id, int count, int page,
    json_t **ret), const char *what)
{
	json_t	*list = NULL;
	int	 count, page, r;

	if (!request_id_is_valid(req->params[0]))
		return (api_reply_error(rep, 400, "Invalid request id '%s'",
		    req->params[0]));
	if (api_paging(req, rep, &count, &page) < 0)
		return (0);
	r = read(req->db, req->params[0], count, page, &list);
	return (api_reply_list(req, rep, r, list, what));
}

int
api_tx(struct api_req *req, struct api_reply *rep,
    int (*fn)(struct api_req *, struct api_reply *, void *), void *arg)
{
	int r = api_writer_run(req->writer, req, rep, fn, arg);

	if (r < 0 && rep->status == 0)
		(void)api_reply_errno(rep, r, "Failed to write the store: %s",
		    strerror(-r));
	return (r);
}
