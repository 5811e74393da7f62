/*
 * Singularity's `?property=` response filter (jackson-jaxrs-propertyfiltering):
 * each value is a dotted path ("request.id", "requestDeployState.activeDeploy");
 * the response keeps only the named paths, arrays filtered element-wise; a
 * value prefixed with '!' removes that path instead.
 */
#ifndef KERR_JSON_FILTER_H
#define KERR_JSON_FILTER_H

#include <stddef.h>

#include <jansson.h>

/*
 * Return a new reference: `value` filtered by the n property expressions.
 * With n == 0 returns a new reference to value itself.  NULL on OOM.
 */
json_t	*json_filter_properties(json_t *value, const char *const *props,
	    size_t n);

/* The same expressions parsed once, for many values (a list's elements:
 * filtering an array filters each element alike).  NULL on OOM. */
struct json_filter;
struct json_filter *json_filter_new(const char *const *props, size_t n);
/* A new reference to value filtered; NULL on OOM. */
json_t	*json_filter_apply(const struct json_filter *f, json_t *value);
void	 json_filter_free(struct json_filter *f);

#endif
