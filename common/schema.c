/*
 * Field tables for posted JSON (see schema.h).  One reader walks a table
 * and, for each field present, builds a checked, normalised copy of its
 * value: scalars are copied (integers given for doubles become reals),
 * arrays and maps are rebuilt member by member with their element field,
 * nested objects are read with their own table.  Every message names the
 * field by its path; the wording is Singularity's where it has one and
 * the same for every model, which the request and deploy tests pin down.
 * Pure logic: no store, no logging.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "schema.h"

const struct schema_range	schema_nonneg = { 0, LLONG_MAX };
const struct schema_range	schema_positive = { 1, LLONG_MAX };

static int	schema_value(const struct schema_field *, const char *,
		    const char *, const json_t *, json_t **, char *, size_t);

int
schema_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return (-EINVAL);
}

int
schema_result(int r, char *err, size_t errlen)
{
	char	*p;

	if (r == -ENOMEM)
		(void)schema_fail(err, errlen, "Out of memory");
	if (r >= 0 || err == NULL || errlen == 0)
		return (r);
	for (p = err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return (r);
}

const json_t *
schema_get(const json_t *obj, const char *name)
{
	const json_t	*v = json_object_get(obj, name);

	return (json_is_null(v) ? NULL : v);
}

int
schema_index(const char *const *names, const char *s)
{
	int	 i;

	if (s == NULL)
		return (-1);
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], s) == 0)
			return (i);
	return (-1);
}

const char *
schema_list(const char *const *names, char *buf, size_t len)
{
	size_t	 used = 0;
	int	 i;

	buf[0] = '\0';
	for (i = 0; names[i] != NULL && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i == 0 ? "" : names[i + 1] == NULL ? " or " : ", ",
		    names[i]);
	return (buf);
}

static void
schema_name(char *buf, size_t len, const char *path, const char *key)
{
	if (path == NULL)
		(void)snprintf(buf, len, "%s", key);
	else
		(void)snprintf(buf, len, "%s.%s", path, key);
}

/* What the type message of an ARRAY or MAP says it must be. */
static void
schema_desc(const struct schema_field *f, char *buf, size_t len)
{
	const char	*what = f->type == SCHEMA_ARRAY ? "an array" :
			    "an object";
	const char	*of = NULL;

	if (f->desc != NULL) {
		(void)snprintf(buf, len, "%s", f->desc);
		return;
	}
	if (f->instance_keys) {
		(void)snprintf(buf, len, "%s keyed by instance number", what);
		return;
	}
	if (f->elem != NULL && f->elem->type == SCHEMA_STRING)
		of = "strings";
	else if (f->elem != NULL && (f->elem->type == SCHEMA_INT ||
	    f->elem->type == SCHEMA_LONG))
		of = "integers";
	else if (f->elem != NULL && f->elem->type == SCHEMA_ARRAY)
		of = "arrays";
	(void)snprintf(buf, len, "%s%s%s", what, of != NULL ? " of " : "",
	    of != NULL ? of : "");
}

static int
schema_type_fail(const struct schema_field *f, const char *name, char *err,
    size_t errlen)
{
	char	 desc[SCHEMA_NAME_MAX];

	schema_desc(f, desc, sizeof(desc));
	return (schema_fail(err, errlen, "%s must be %s", name, desc));
}

static int
schema_enum(const struct schema_field *f, const char *name, const json_t *v,
    char *err, size_t errlen)
{
	char	 list[SCHEMA_NAME_MAX];

	if (schema_index(f->values, json_string_value(v)) >= 0)
		return (0);
	schema_list(f->values, list, sizeof(list));
	if (!json_is_string(v))
		return (schema_fail(err, errlen, "%s must be one of %s", name,
		    list));
	return (schema_fail(err, errlen, "%s '%s' is not one of %s", name,
	    json_string_value(v), list));
}

static int
schema_integer(const struct schema_field *f, const char *name,
    const json_t *v, char *err, size_t errlen)
{
	const struct schema_range	*b = f->range;
	long long			 i;

	if (!json_is_integer(v))
		return (schema_fail(err, errlen, "%s must be an integer",
		    name));
	i = json_integer_value(v);
	if (f->type == SCHEMA_INT && (i < INT32_MIN || i > INT32_MAX))
		return (schema_fail(err, errlen,
		    "%s must be a 32-bit integer", name));
	if (b == NULL || (i >= b->min && i <= b->max))
		return (0);
	if (b->max != LLONG_MAX)
		return (schema_fail(err, errlen, "%s must be between %lld and "
		    "%lld (it is %lld)", name, b->min, b->max, i));
	if (b->min == 0)
		return (schema_fail(err, errlen,
		    "%s must not be negative (it is %lld)", name, i));
	return (schema_fail(err, errlen,
	    "%s must be greater than %lld (it is %lld)", name, b->min - 1, i));
}

/* STRING to ENUM: a checked copy; an integral DOUBLE becomes a real. */
static int
schema_scalar(const struct schema_field *f, const char *name,
    const json_t *v, json_t **ret, char *err, size_t errlen)
{
	int	 r = 0;

	switch (f->type) {
	case SCHEMA_STRING:
		if (!json_is_string(v))
			r = schema_fail(err, errlen, "%s must be a string",
			    name);
		break;
	case SCHEMA_BOOL:
		if (!json_is_boolean(v))
			r = schema_fail(err, errlen, "%s must be a boolean",
			    name);
		break;
	case SCHEMA_INT:
	case SCHEMA_LONG:
		r = schema_integer(f, name, v, err, errlen);
		break;
	case SCHEMA_DOUBLE:
		if (!json_is_number(v))
			return (schema_fail(err, errlen, "%s must be a number",
			    name));
		*ret = json_real(json_number_value(v));
		return (*ret == NULL ? -ENOMEM : 0);
	default:
		r = schema_enum(f, name, v, err, errlen);
		break;
	}
	if (r < 0)
		return (r);
	*ret = json_deep_copy(v);
	return (*ret == NULL ? -ENOMEM : 0);
}

/* A Java Set keeps the first copy of each member. */
static void
schema_dedupe(json_t *a)
{
	size_t	 i, j;

	for (i = 1; i < json_array_size(a); i++)
		for (j = 0; j < i; j++)
			if (json_equal(json_array_get(a, i),
			    json_array_get(a, j))) {
				(void)json_array_remove(a, i--);
				break;
			}
}

/* Arrays, maps and objects: values with members of their own. */
static int
schema_is_nested(enum schema_type t)
{
	return (t == SCHEMA_ARRAY || t == SCHEMA_MAP || t == SCHEMA_OBJECT);
}

/*
 * One member of an ARRAY.  Members with members of their own are named by
 * index ("uris[2]"); a wrong string or number fails as the whole array
 * ("must be an array of strings"); an enum lists its spellings, also for
 * a null.
 */
static int
schema_element(const struct schema_field *f, const char *noun,
    const char *name, size_t i, const json_t *e, json_t **ret, char *err,
    size_t errlen)
{
	const struct schema_field	*el = f->elem;
	char				 ename[SCHEMA_NAME_MAX];
	int				 r;

	if (schema_is_nested(el->type))
		(void)snprintf(ename, sizeof(ename), "%s[%zu]", name, i);
	else
		(void)snprintf(ename, sizeof(ename), "%s", name);
	if (json_is_null(e) && el->type != SCHEMA_ENUM)
		return (schema_fail(err, errlen, "%s%s%s cannot contain null "
		    "values", noun != NULL ? noun : "",
		    noun != NULL ? " " : "", ename));
	if (el->type == SCHEMA_ENUM || schema_is_nested(el->type))
		return (schema_value(el, noun, ename, e, ret, err, errlen));
	if ((r = schema_value(el, noun, ename, e, ret, NULL, 0)) == -EINVAL)
		return (schema_type_fail(f, name, err, errlen));
	return (r);
}

static int
schema_array(const struct schema_field *f, const char *noun,
    const char *name, const json_t *v, json_t **ret, char *err,
    size_t errlen)
{
	json_t	*arr, *e, *c;
	size_t	 i;
	int	 r = 0;

	if (!json_is_array(v))
		return (schema_type_fail(f, name, err, errlen));
	if ((arr = json_array()) == NULL)
		return (-ENOMEM);
	json_array_foreach(v, i, e) {
		if ((r = schema_element(f, noun, name, i, e, &c, err,
		    errlen)) < 0)
			break;
		if (json_array_append_new(arr, c) < 0) {
			r = -ENOMEM;
			break;
		}
	}
	if (r < 0) {
		json_decref(arr);
		return (r);
	}
	if (f->unique)
		schema_dedupe(arr);
	*ret = arr;
	return (0);
}

/* Java reads these keys as an Integer; kerr's instances start at 1. */
static int
schema_instance_key(const char *name, const char *k, char *buf, size_t len,
    char *err, size_t errlen)
{
	long long	 n = 0;
	size_t		 i;

	for (i = 0; k[i] >= '0' && k[i] <= '9' && n <= INT32_MAX; i++)
		n = n * 10 + (k[i] - '0');
	if (i == 0 || k[i] != '\0' || n < 1 || n > INT32_MAX)
		return (schema_fail(err, errlen, "%s key '%s' must be an "
		    "instance number (a positive integer)", name, k));
	(void)snprintf(buf, len, "%lld", n);
	return (0);
}

/* The key k of a MAP as written (*ret), after the field's key rule. */
static int
schema_key(const struct schema_field *f, const char *name, const char *k,
    char *buf, size_t len, const char **ret, char *err, size_t errlen)
{
	char	 list[SCHEMA_NAME_MAX];
	int	 r;

	*ret = k;
	if (f->keys != NULL && schema_index(f->keys, k) < 0)
		return (schema_fail(err, errlen,
		    "%s key '%s' is not one of %s", name, k,
		    schema_list(f->keys, list, sizeof(list))));
	if (f->instance_keys) {
		if ((r = schema_instance_key(name, k, buf, len, err,
		    errlen)) < 0)
			return (r);
		*ret = buf;
	}
	return (0);
}

static int
schema_map_members(const struct schema_field *f, const char *noun,
    const char *name, json_t *src, json_t *obj, char *err, size_t errlen)
{
	char		 buf[16], ename[SCHEMA_NAME_MAX];
	const char	*k, *key;
	json_t		*e, *c;
	int		 r;

	/* jansson iterates only mutable objects, hence src is a copy */
	json_object_foreach(src, k, e) {
		if ((r = schema_key(f, name, k, buf, sizeof(buf), &key, err,
		    errlen)) < 0)
			return (r);
		if (json_is_null(e) && f->skip_null)
			continue;
		schema_name(ename, sizeof(ename), name, key);
		if ((r = schema_value(f->elem, noun, ename, e, &c, err,
		    errlen)) < 0)
			return (r);
		if (json_object_set_new(obj, key, c) < 0)
			return (-ENOMEM);
	}
	return (0);
}

static int
schema_map(const struct schema_field *f, const char *noun, const char *name,
    const json_t *v, json_t **ret, char *err, size_t errlen)
{
	json_t	*src, *obj;
	int	 r;

	if (!json_is_object(v))
		return (schema_type_fail(f, name, err, errlen));
	if ((src = json_deep_copy(v)) == NULL)
		return (-ENOMEM);
	if (f->elem == NULL) {
		*ret = src;
		return (0);
	}
	if ((obj = json_object()) == NULL) {
		json_decref(src);
		return (-ENOMEM);
	}
	r = schema_map_members(f, noun, name, src, obj, err, errlen);
	json_decref(src);
	if (r < 0) {
		json_decref(obj);
		return (r);
	}
	*ret = obj;
	return (0);
}

static int
schema_object(const struct schema_field *f, const char *name,
    const json_t *v, json_t **ret, char *err, size_t errlen)
{
	json_t	*tmp;
	int	 r;

	if (!json_is_string(v) || f->strkey == NULL)
		return (schema_read_object(f->table, name, v, ret, err,
		    errlen));
	if ((tmp = json_pack("{s:s%}", f->strkey, json_string_value(v),
	    json_string_length(v))) == NULL)
		return (-ENOMEM);
	r = schema_read_object(f->table, name, tmp, ret, err, errlen);
	json_decref(tmp);
	return (r);
}

/* A checked, normalised copy of v, owned by the caller. */
static int
schema_value(const struct schema_field *f, const char *noun,
    const char *name, const json_t *v, json_t **ret, char *err,
    size_t errlen)
{
	switch (f->type) {
	case SCHEMA_ARRAY:
		return (schema_array(f, noun, name, v, ret, err, errlen));
	case SCHEMA_MAP:
		return (schema_map(f, noun, name, v, ret, err, errlen));
	case SCHEMA_OBJECT:
		return (schema_object(f, name, v, ret, err, errlen));
	default:
		return (schema_scalar(f, name, v, ret, err, errlen));
	}
}

/* The posted value of f under either input name; JSON null is absent. */
static const json_t *
schema_posted(const json_t *in, const struct schema_field *f,
    const char **ret_key)
{
	const json_t	*v;

	*ret_key = f->in;
	if ((v = schema_get(in, f->in)) == NULL && f->in2 != NULL) {
		*ret_key = f->in2;
		v = schema_get(in, f->in2);
	}
	return (v);
}

static int
schema_put(json_t *out, const struct schema_field *f, json_t *v)
{
	if (json_object_set_new(out, f->out, v) < 0)
		return (-ENOMEM);
	if (f->out2 != NULL && json_object_set_new(out, f->out2,
	    json_deep_copy(v)) < 0)
		return (-ENOMEM);
	return (0);
}

int
schema_read(const struct schema_table *t, const json_t *in, const char *path,
    json_t *out, char *err, size_t errlen)
{
	const struct schema_field	*f;
	const json_t			*v;
	const char			*key;
	char				 name[SCHEMA_NAME_MAX];
	json_t				*copy = NULL;
	size_t				 i;
	int				 r;

	for (i = 0; i < t->n; i++) {
		f = &t->fields[i];
		v = schema_posted(in, f, &key);
		schema_name(name, sizeof(name), path, key);
		if (v == NULL && f->required)
			return (schema_fail(err, errlen,
			    "%s must not be null", name));
		if (v == NULL && f->def == NULL)
			continue;
		if (v == NULL)
			copy = json_loads(f->def, JSON_DECODE_ANY, NULL);
		else if ((r = schema_value(f, t->noun, name, v, &copy, err,
		    errlen)) < 0)
			return (r);
		if ((r = schema_put(out, f, copy)) < 0)
			return (r);
	}
	return (0);
}

int
schema_read_object(const struct schema_table *t, const char *path,
    const json_t *v, json_t **ret, char *err, size_t errlen)
{
	json_t	*obj;
	int	 r;

	if (!json_is_object(v))
		return (schema_fail(err, errlen, "%s must be an object",
		    path));
	if ((obj = json_object()) == NULL)
		return (-ENOMEM);
	if ((r = schema_read(t, v, path, obj, err, errlen)) < 0) {
		json_decref(obj);
		return (r);
	}
	*ret = obj;
	return (0);
}

int
schema_write(const struct schema_table *t, const json_t *src, json_t *dst)
{
	const struct schema_field	*f;
	json_t				*v;
	size_t				 i;

	for (i = 0; i < t->n; i++) {
		f = &t->fields[i];
		if ((v = json_object_get(src, f->out)) != NULL &&
		    json_object_set(dst, f->out, v) < 0)
			return (-ENOMEM);
		if (f->out2 != NULL &&
		    (v = json_object_get(src, f->out2)) != NULL &&
		    json_object_set(dst, f->out2, v) < 0)
			return (-ENOMEM);
	}
	return (0);
}
