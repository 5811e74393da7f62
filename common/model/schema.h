/*
 * The shape of a posted JSON object, read from a table of its fields: each
 * field's JSON type, its deprecated input and output names, whether it is
 * required, its default, its bounds and enum spellings, and for arrays,
 * maps and nested objects what their members are.  schema_read() type
 * checks a posted object against a table and copies what it knows into
 * the object kerr stores: unknown fields dropped, JSON null taken as
 * absent, every failure a one-line 400 message naming the field by its
 * path ("healthcheck.portIndex", "uris[2].uri").  Requests, deploys and
 * every later model are tables; their own rules (Singularity's validator)
 * run on what schema_read() produced.  Pure logic: no store, no logging.
 */
#ifndef KERR_SCHEMA_H
#define KERR_SCHEMA_H

#include <stddef.h>

#include <jansson.h>

#define SCHEMA_NAME_MAX	512	/* a field path or a list of spellings */

enum schema_type {
	SCHEMA_STRING,
	SCHEMA_BOOL,
	SCHEMA_INT,		/* Java Integer: 32 bits */
	SCHEMA_LONG,		/* Java Long */
	SCHEMA_DOUBLE,		/* written as a real, as Jackson does */
	SCHEMA_ENUM,		/* a string among values */
	SCHEMA_ARRAY,		/* [elem] */
	SCHEMA_MAP,		/* {key: elem}; anything when elem is NULL */
	SCHEMA_OBJECT		/* the members of table */
};

/* Inclusive bounds of an INT or LONG. */
struct schema_range {
	long long	 min;
	long long	 max;
};

struct schema_table;

/*
 * One field.  Members that do not apply to its type stay zero, so a row
 * names only what it uses (designated initialisers, see SCHEMA_F).
 */
struct schema_field {
	const char			*in;	/* input name read first */
	const char			*in2;	/* read when in is absent */
	const char			*out;	/* output name, for checks */
	const char			*out2;	/* old name, written too */
	enum schema_type		 type;
	int				 required; /* "must not be null" */
	const char			*def;	/* JSON written when absent */
	/* INT, LONG: bounds; ENUM: the spellings, NULL-ended */
	const struct schema_range	*range;
	const char *const		*values;
	/* ARRAY, MAP: the members; an ARRAY may be a Java Set */
	const struct schema_field	*elem;
	int				 unique;
	/* MAP: allowed keys, or instance numbers; null values absent */
	const char *const		*keys;
	int				 instance_keys;
	int				 skip_null;
	/* OBJECT: the members, and the member a bare string stands for */
	const struct schema_table	*table;
	const char			*strkey;
	/* ARRAY, MAP: what the type message says it must be */
	const char			*desc;
};

/*
 * instance_keys: keys are instance numbers, Java Integers from 1, written
 * without leading zeros.  strkey: a bare string "s" is read as the object
 * {strkey: "s"} (Singularity's string forms of uris and files).  desc: by
 * default "an array" or "an object", followed by " of strings",
 * " of integers" or " of arrays" when elem is of such a type.
 */

struct schema_table {
	const struct schema_field	*fields;	/* in output order */
	size_t				 n;
	const char			*noun;	/* "Request": see below */
};

/*
 * noun starts the message about a null inside an array of strings or
 * numbers ("Request owners cannot contain null values"), as Singularity
 * words it for some models; NULL for none.
 */

#define SCHEMA_NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define SCHEMA_TABLE(a, noun)	{ (a), SCHEMA_NITEMS(a), (noun) }
/* A field read and written under one name n. */
#define SCHEMA_F(n, ty, ...)	{ .in = (n), .out = (n), .type = (ty),	\
				    __VA_ARGS__ }
/* The members of an ARRAY or MAP, e.g. SCHEMA_OF(SCHEMA_STRING). */
#define SCHEMA_ELEM(ty, ...)	(&(const struct schema_field){		\
				    .type = (ty), __VA_ARGS__ })
#define SCHEMA_OF(ty, ...)	.elem = SCHEMA_ELEM(ty, __VA_ARGS__)

extern const struct schema_range	schema_nonneg;		/* >= 0 */
extern const struct schema_range	schema_positive;	/* >= 1 */

/*
 * Read every field of table t from object in into out, in t's order,
 * under its output name and its deprecated one; a default stands in for
 * an absent field.  path prefixes field names in messages (NULL at the
 * top).  0; -EINVAL with a message naming the field in err; -ENOMEM.
 * out may hold part of the result on failure.
 */
int	schema_read(const struct schema_table *t, const json_t *in,
	    const char *path, json_t *out, char *err, size_t errlen);
/*
 * The same for a value v that must be an object ("path must be an
 * object"); on success *ret is a new object owned by the caller.
 */
int	schema_read_object(const struct schema_table *t, const char *path,
	    const json_t *v, json_t **ret, char *err, size_t errlen);
/*
 * Copy into dst the members of src that t names (both output names), in
 * t's order, so that fields a check added late still come out in place.
 * 0 or -ENOMEM.
 */
int	schema_write(const struct schema_table *t, const json_t *src,
	    json_t *dst);

/* Write the message into err (when not NULL) and return -EINVAL. */
int	schema_fail(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/*
 * End of a model's validation: for r == -ENOMEM the message becomes
 * "Out of memory"; any message is made one line, since messages quote
 * what the client sent (spec 0A).  Returns r.
 */
int	schema_result(int r, char *err, size_t errlen);
/* Member name of obj, or NULL when it is absent or JSON null. */
const json_t	*schema_get(const json_t *obj, const char *name);
/* Index of s in the NULL-ended names, or -1 (also for s NULL). */
int	schema_index(const char *const *names, const char *s);
/* "A, B or C": the names as messages list them, in buf. */
const char	*schema_list(const char *const *names, char *buf,
		    size_t len);

/*
 * Define <name>_to_str() and <name>_from_str() for an enum whose values
 * index names (NULL-ended, count long), after systemd's
 * DEFINE_STRING_TABLE_LOOKUP: NULL for a value outside the table, -EINVAL
 * for an unknown string (*ret written only on success).
 */
#define SCHEMA_ENUM_STRINGS(name, type, names, count)			\
const char *								\
name##_to_str(type v)							\
{									\
	if ((int)v < 0 || v >= (count))					\
		return (NULL);						\
	return ((names)[v]);						\
}									\
									\
int									\
name##_from_str(const char *s, type *ret)				\
{									\
	int i;								\
									\
	if ((i = schema_index((names), s)) < 0)				\
		return (-EINVAL);					\
	*ret = (type)i;							\
	return (0);							\
}

#endif
