/*
 * A task's artifacts (spec 4.1): the deploy's uris and the run-now's
 * extraArtifacts, as the list kerr-fetch reads (daemons/fetch/fetch.h),
 * each with the file name it gets in the sandbox: its outputFile, else
 * the last segment of the URI's path.  extract and executable as the
 * stored SingularityMesosArtifact says (both false unless set).  Then a
 * SingularityExecutor deploy's executorData.embeddedArtifacts (content
 * written as is) and externalArtifacts (downloaded; a .tar.gz or .tgz
 * unpacked, as that executor does), each under its filename and checked
 * against its md5sum when it has one.
 */
#include <errno.h>
#include <stdint.h>
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

/* One entry of kerr-fetch's list (stolen) and its name for the message. */
static int
sched_artifacts_push(json_t *list, json_t *names, json_t *entry)
{
	if (entry == NULL)
		return (-ENOMEM);
	if (json_array_append(names, json_object_get(entry, "name")) != 0 ||
	    json_array_append_new(list, entry) != 0)
		return (-ENOMEM);
	return (0);
}

/* An md5sum of the artifact, when it names one, into entry. */
static int
sched_artifacts_md5(json_t *entry, const json_t *a)
{
	const json_t	*md5 = json_object_get(a, "md5sum");

	if (entry == NULL || md5 == NULL)
		return (0);
	return (json_object_set(entry, "md5sum", (json_t *)(uintptr_t)md5) ==
	    0 ? 0 : -ENOMEM);
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
	r = sched_artifacts_push(list, names, json_pack("{s:s, s:s, s:b, s:b,"
	    " s:b}", "uri", uri, "name", name, "extract",
	    json_is_true(json_object_get(a, "extract")), "executable",
	    json_is_true(json_object_get(a, "executable")), "cache",
	    json_is_true(json_object_get(a, "cache"))));
	free(name);
	return (r);
}

static int
sched_artifacts_embedded(json_t *list, const json_t *a, json_t *names)
{
	json_t	*entry;
	int	 r;

	entry = json_pack("{s:O, s:O}", "name", json_object_get(a, "filename"),
	    "content", json_object_get(a, "content"));
	if ((r = sched_artifacts_md5(entry, a)) < 0) {
		json_decref(entry);
		return (r);
	}
	return (sched_artifacts_push(list, names, entry));
}

static int
sched_artifacts_tar_gz(const char *name)
{
	size_t	n = strlen(name);

	return ((n > 7 && strcmp(name + n - 7, ".tar.gz") == 0) ||
	    (n > 4 && strcmp(name + n - 4, ".tgz") == 0));
}

static int
sched_artifacts_external(json_t *list, const json_t *a, json_t *names)
{
	const char	*name = json_string_value(json_object_get(a,
			    "filename"));
	const json_t	*size = json_object_get(a, "filesize");
	json_t		*entry;
	int		 r;

	if (name == NULL)
		return (0);
	entry = json_pack("{s:O, s:s, s:b}", "uri", json_object_get(a, "url"),
	    "name", name, "extract", sched_artifacts_tar_gz(name));
	if ((r = sched_artifacts_md5(entry, a)) == 0 && entry != NULL &&
	    size != NULL && json_object_set(entry, "size",
	    (json_t *)(uintptr_t)size) != 0)
		r = -ENOMEM;
	if (r < 0) {
		json_decref(entry);
		return (r);
	}
	return (sched_artifacts_push(list, names, entry));
}

/* Every artifact of the deploy and of the run, in kerr-fetch's list. */
static int
sched_artifacts_collect(const json_t *deploy, const json_t *pending,
    json_t *list, json_t *names)
{
	const json_t	*data = json_object_get(deploy, "executorData");
	const json_t	*srcs[2] = { json_object_get(deploy, "uris"),
			    json_object_get(pending, "extraArtifacts") };
	const json_t	*a;
	size_t		 i, k;
	int		 r;

	for (k = 0; k < 2; k++)
		json_array_foreach(srcs[k], i, a)
			if ((r = sched_artifacts_add(list, a, names)) < 0)
				return (r);
	json_array_foreach(json_object_get(data, "embeddedArtifacts"), i, a)
		if ((r = sched_artifacts_embedded(list, a, names)) < 0)
			return (r);
	json_array_foreach(json_object_get(data, "externalArtifacts"), i, a)
		if ((r = sched_artifacts_external(list, a, names)) < 0)
			return (r);
	return (0);
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

/* Most tasks have nothing to fetch: found out without allocating. */
static int
sched_artifacts_none(const json_t *deploy, const json_t *pending)
{
	const json_t	*data = json_object_get(deploy, "executorData");

	return (json_array_size(json_object_get(deploy, "uris")) == 0 &&
	    json_array_size(json_object_get(pending, "extraArtifacts")) == 0 &&
	    json_array_size(json_object_get(data, "embeddedArtifacts")) == 0 &&
	    json_array_size(json_object_get(data, "externalArtifacts")) == 0);
}

int
sched_artifacts(const struct conf *c, const json_t *deploy,
    const json_t *pending, char **ret_list, char **ret_names)
{
	json_t		*list, *names, *spec;
	char		 cache[1024];
	int		 r;

	*ret_list = *ret_names = NULL;
	if (sched_artifacts_none(deploy, pending))
		return (0);
	list = json_array();
	names = json_array();
	r = list != NULL && names != NULL ? 0 : -ENOMEM;
	if (r == 0)
		r = sched_artifacts_collect(deploy, pending, list, names);
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
