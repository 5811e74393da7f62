/*
 * A task's artifacts (spec 4.1): the deploy's uris and the run-now's
 * extraArtifacts, as the list kerr-fetch reads (daemons/fetch/fetch.h),
 * each with the file name it gets in the sandbox: its outputFile, else
 * the last segment of the URI's path.  extract and executable as the
 * stored SingularityMesosArtifact says (both false unless set).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"

/* The name of uri in the sandbox (a copy), or NULL. */
static char *
sched_artifacts_name(const json_t *a, const char *uri)
{
	const char	*out = json_string_value(json_object_get(a,
			    "outputFile"));
	const char	*start, *end;

	if (out != NULL && out[0] != '\0')
		return (strdup(out));
	end = uri + strcspn(uri, "?#");
	while (end > uri && end[-1] == '/')
		end--;
	for (start = end; start > uri && start[-1] != '/'; start--)
		;
	return (end > start ? strndup(start, (size_t)(end - start)) : NULL);
}

static int
sched_artifacts_add(json_t *list, const json_t *a, json_t *names)
{
	const char	*uri = json_string_value(json_object_get(a, "uri"));
	char		*name;
	int		 r;

	if (uri == NULL)
		return (0);
	if ((name = sched_artifacts_name(a, uri)) == NULL)
		name = strdup("artifact");
	if (name == NULL)
		return (-ENOMEM);
	r = json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:b, s:b}",
	    "uri", uri, "name", name, "extract", json_is_true(json_object_get(
	    a, "extract")), "executable", json_is_true(json_object_get(a,
	    "executable")), "cache", json_is_true(json_object_get(a,
	    "cache")))) == 0 && json_array_append_new(names,
	    json_string(name)) == 0 ? 0 : -ENOMEM;
	free(name);
	return (r);
}

/* "a.tar.gz, run.sh": the names, for the TASK_STARTING message. */
static char *
sched_artifacts_names(const json_t *names)
{
	const json_t	*n;
	size_t		 i, len = 1;
	char		*s;

	json_array_foreach(names, i, n)
		len += strlen(json_string_value(n)) + 2;
	if ((s = calloc(1, len)) == NULL)
		return (NULL);
	json_array_foreach(names, i, n) {
		if (i > 0)
			(void)strcat(s, ", ");
		(void)strcat(s, json_string_value(n));
	}
	return (s);
}

int
sched_artifacts(const struct conf *c, const json_t *deploy,
    const json_t *pending, char **ret_list, char **ret_names)
{
	const json_t	*srcs[2] = { json_object_get(deploy, "uris"),
			    json_object_get(pending, "extraArtifacts") };
	json_t		*list = json_array(), *names = json_array(), *a, *spec;
	char		 cache[1024];
	size_t		 i, k;
	int		 r = list != NULL && names != NULL ? 0 : -ENOMEM;

	*ret_list = *ret_names = NULL;
	for (k = 0; k < 2 && r == 0; k++)
		json_array_foreach(srcs[k], i, a)
			if ((r = sched_artifacts_add(list, a, names)) < 0)
				break;
	if (r == 0 && json_array_size(list) > 0) {
		conf_artifact_cache_dir(c, cache, sizeof(cache));
		spec = json_pack("{s:O, s:i, s:i, s:s, s:i}", "artifacts", list,
		    "maxMb", c->artifact_max_mb, "timeoutSeconds",
		    c->artifact_timeout_seconds, "cacheDir", cache,
		    "cacheMaxMb", c->artifact_cache_max_mb);
		*ret_list = spec != NULL ? json_dumps(spec, JSON_COMPACT) :
		    NULL;
		*ret_names = sched_artifacts_names(names);
		json_decref(spec);
		if (*ret_list == NULL || *ret_names == NULL) {
			free(*ret_list);
			free(*ret_names);
			*ret_list = *ret_names = NULL;
			r = -ENOMEM;
		}
	}
	json_decref(list);
	json_decref(names);
	return (r);
}
