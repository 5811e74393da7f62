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

#endif
