/*
 * The `?property=` response filter.  The property paths are first turned
 * into two trees of JSON objects, one of included and one of excluded
 * paths: each key maps to `true` where a path ends (the whole value is
 * named) or to the object holding the longer paths below it.  The value
 * is then walked against a tree: arrays are transparent (each element is
 * filtered by the same node, at every level), objects keep or lose keys.
 * Includes are applied first, then excludes.  Kept values are shared with
 * the input (json_incref), not copied.  Pure logic, no logging.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json_filter.h"

enum json_filter_verdict {
	JSON_FILTER_KEEP,	/* *ret holds the filtered value */
	JSON_FILTER_DROP	/* the path goes on below a non-container */
};

/* "a.b", not "", ".a", "a." or "a..b" (those name no property). */
static int
json_filter_path_ok(const char *path)
{
	size_t	 n = strlen(path);

	return (n > 0 && path[0] != '.' && path[n - 1] != '.' &&
	    strstr(path, "..") == NULL);
}

static int
json_filter_tree_add(json_t *tree, const char *path)
{
	const char	*dot;
	json_t		*node = tree, *child;
	size_t		 len;

	if (!json_filter_path_ok(path))
		return (0);
	for (;;) {
		dot = strchr(path, '.');
		len = dot != NULL ? (size_t)(dot - path) : strlen(path);
		child = json_object_getn(node, path, len);
		if (json_is_true(child))
			return (0);	/* a shorter path names it all */
		if (dot == NULL)
			return (json_object_setn_new(node, path, len,
			    json_true()) < 0 ? -ENOMEM : 0);
		if (child == NULL) {
			child = json_object();
			if (json_object_setn_new(node, path, len, child) < 0)
				return (-ENOMEM);
		}
		node = child;
		path = dot + 1;
	}
}

static int	json_filter_include(json_t *, json_t *, int, json_t **);

static int
json_filter_include_array(json_t *v, json_t *node, int root, json_t **ret)
{
	json_t	*out, *e, *kept;
	size_t	 i;
	int	 r;

	if ((out = json_array()) == NULL)
		return (-ENOMEM);
	json_array_foreach(v, i, e) {
		if ((r = json_filter_include(e, node, root, &kept)) < 0 ||
		    (r == JSON_FILTER_KEEP &&
		    json_array_append_new(out, kept) < 0)) {
			json_decref(out);
			return (-ENOMEM);
		}
	}
	*ret = out;
	return (JSON_FILTER_KEEP);
}

static int
json_filter_include_object(json_t *v, json_t *node, json_t **ret)
{
	const char	*key;
	json_t		*out, *child, *sub, *kept;
	int		 r = 0;

	if ((out = json_object()) == NULL)
		return (-ENOMEM);
	/* walk the value, not the tree, to keep the value's key order */
	json_object_foreach(v, key, child) {
		if ((sub = json_object_get(node, key)) == NULL)
			continue;
		if (json_is_true(sub)) {
			kept = json_incref(child);
			r = JSON_FILTER_KEEP;
		} else if ((r = json_filter_include(child, sub, 0,
		    &kept)) < 0)
			break;
		if (r == JSON_FILTER_KEEP &&
		    (r = json_object_set_new(out, key, kept)) < 0)
			break;
	}
	if (r < 0) {
		json_decref(out);
		return (-ENOMEM);
	}
	*ret = out;
	return (JSON_FILTER_KEEP);
}

/*
 * Keep only what the tree names below v.  Scalars with a path still to go
 * are dropped, except at the root where no path segment was applied yet.
 */
static int
json_filter_include(json_t *v, json_t *node, int root, json_t **ret)
{
	if (json_is_array(v))
		return (json_filter_include_array(v, node, root, ret));
	if (json_is_object(v))
		return (json_filter_include_object(v, node, ret));
	if (!root)
		return (JSON_FILTER_DROP);
	*ret = json_incref(v);
	return (JSON_FILTER_KEEP);
}

static json_t	*json_filter_exclude(json_t *, json_t *);

static json_t *
json_filter_exclude_array(json_t *v, json_t *node)
{
	json_t	*out, *e;
	size_t	 i;

	if ((out = json_array()) == NULL)
		return (NULL);
	json_array_foreach(v, i, e)
		if (json_array_append_new(out,
		    json_filter_exclude(e, node)) < 0) {
			json_decref(out);
			return (NULL);
		}
	return (out);
}

static json_t *
json_filter_exclude_object(json_t *v, json_t *node)
{
	const char	*key;
	json_t		*out, *child, *sub, *kept;

	if ((out = json_object()) == NULL)
		return (NULL);
	json_object_foreach(v, key, child) {
		sub = json_object_get(node, key);
		if (json_is_true(sub))
			continue;
		kept = sub == NULL ? json_incref(child) :
		    json_filter_exclude(child, sub);
		if (json_object_set_new(out, key, kept) < 0) {
			json_decref(out);
			return (NULL);
		}
	}
	return (out);
}

/* Everything below v except what the tree names; NULL on OOM. */
static json_t *
json_filter_exclude(json_t *v, json_t *node)
{
	if (json_is_array(v))
		return (json_filter_exclude_array(v, node));
	if (json_is_object(v))
		return (json_filter_exclude_object(v, node));
	return (json_incref(v));
}

static int
json_filter_trees(const char *const *props, size_t n, json_t *incl,
    json_t *excl)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (props[i] == NULL)
			continue;
		if (props[i][0] == '!') {
			if (json_filter_tree_add(excl, props[i] + 1) < 0)
				return (-ENOMEM);
		} else if (json_filter_tree_add(incl, props[i]) < 0)
			return (-ENOMEM);
	}
	return (0);
}

struct json_filter {
	json_t	*incl;		/* paths to keep; empty: keep everything */
	json_t	*excl;		/* paths to drop */
};

struct json_filter *
json_filter_new(const char *const *props, size_t n)
{
	struct json_filter *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return (NULL);
	if ((f->incl = json_object()) == NULL ||
	    (f->excl = json_object()) == NULL ||
	    json_filter_trees(props, n, f->incl, f->excl) < 0) {
		json_filter_free(f);
		return (NULL);
	}
	return (f);
}

void
json_filter_free(struct json_filter *f)
{
	if (f == NULL)
		return;
	json_decref(f->incl);
	json_decref(f->excl);
	free(f);
}

json_t *
json_filter_apply(const struct json_filter *f, json_t *value)
{
	json_t	*kept = NULL, *out;

	if (json_object_size(f->incl) == 0)
		kept = json_incref(value);
	else if (json_filter_include(value, f->incl, 1, &kept) < 0)
		return (NULL);
	if (json_object_size(f->excl) == 0)
		return (kept);
	out = json_filter_exclude(kept, f->excl);
	json_decref(kept);
	return (out);
}

json_t *
json_filter_properties(json_t *value, const char *const *props, size_t n)
{
	struct json_filter	*f;
	json_t			*out;

	if (n == 0)
		return (json_incref(value));
	if ((f = json_filter_new(props, n)) == NULL)
		return (NULL);
	out = json_filter_apply(f, value);
	json_filter_free(f);
	return (out);
}
