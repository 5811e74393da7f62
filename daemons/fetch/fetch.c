/*
 * kerr-fetch (fetch.h): the artifacts of the spec on stdin, one after
 * another, each to its own name in the current directory (the sandbox).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "fetch.h"

static void
fetch_fail(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The one line the supervisor reads, then out. */
static void
fetch_fail(const char *name, const char *fmt, ...)
{
	char	line[FETCH_ERROR_MAX], why[FETCH_ERROR_MAX];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	n = snprintf(line, sizeof(line), "artifact %s: %s", name, why);
	(void)fprintf(stderr, "kerr-fetch: %s\n", line);
	/* Nobody to tell when descriptor 3 is not there: stderr has it. */
	if (n > 0 && write(FETCH_ERROR_FD, line, (size_t)n < sizeof(line) ?
	    (size_t)n : sizeof(line) - 1) < 0)
		(void)fprintf(stderr, "kerr-fetch: %s\n", strerror(errno));
	exit(1);
}

/* A name of the sandbox's top: no directory, nothing hidden of ours. */
static int
fetch_name_ok(const char *name)
{
	return (name != NULL && name[0] != '\0' && strchr(name, '/') == NULL &&
	    strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
	    strcmp(name, ".kerr") != 0 && strcmp(name, "stdout") != 0 &&
	    strcmp(name, "stderr") != 0);
}

/* From the cache into name: 0 a hit, -1 a miss. */
static int
fetch_cached(const char *uri, const char *name,
    const struct fetch_limits *lim)
{
	char	dir[4096], key[65], path[4200];

	if (fetch_cache_open(lim->cache_root, dir, sizeof(dir)) < 0)
		return (-1);
	fetch_cache_key(uri, key);
	(void)snprintf(path, sizeof(path), "%s/%s", dir, key);
	if (fetch_copy_file(path, name) < 0)
		return (-1);
	/* Used now: the last to go. */
	(void)utimensat(AT_FDCWD, path, NULL, 0);
	return (0);
}

/* A copy of what was fetched, into the cache, whole or not at all. */
static void
fetch_cache_keep(const char *uri, const char *name,
    const struct fetch_limits *lim)
{
	char	dir[4096], key[65], path[4200], tmp[4300];

	if (fetch_cache_open(lim->cache_root, dir, sizeof(dir)) < 0)
		return;
	fetch_cache_key(uri, key);
	(void)snprintf(path, sizeof(path), "%s/%s", dir, key);
	(void)snprintf(tmp, sizeof(tmp), "%s/.%s.%ld", dir, key,
	    (long)getpid());
	if (fetch_copy_file(name, tmp) < 0 || rename(tmp, path) != 0) {
		(void)unlink(tmp);
		return;
	}
	fetch_cache_trim(dir, lim->cache_max_bytes);
}

static void
fetch_one(const json_t *a, const struct fetch_limits *lim)
{
	const char	*uri = json_string_value(json_object_get(a, "uri"));
	const char	*name = json_string_value(json_object_get(a, "name"));
	const char	*md5 = json_string_value(json_object_get(a, "md5sum"));
	char		 err[FETCH_ERROR_MAX], got[33];

	if (!fetch_name_ok(name))
		fetch_fail(name != NULL ? name : "?", "invalid file name");
	if (uri == NULL)
		fetch_fail(name, "no uri");
	if (json_is_true(json_object_get(a, "cache")) &&
	    fetch_cached(uri, name, lim) == 0)
		(void)fprintf(stderr, "kerr-fetch: %s from the cache\n", name);
	else {
		(void)fprintf(stderr, "kerr-fetch: fetching %s from %s\n", name,
		    uri);
		if (fetch_get(uri, name, lim, err, sizeof(err)) < 0) {
			(void)unlink(name);
			fetch_fail(name, "%s", err);
		}
		if (json_is_true(json_object_get(a, "cache")))
			fetch_cache_keep(uri, name, lim);
	}
	if (md5 != NULL && md5[0] != '\0') {
		if (fetch_md5(name, got) < 0)
			fetch_fail(name, "cannot read it back: %s",
			    strerror(errno));
		if (strcasecmp(got, md5) != 0)
			fetch_fail(name, "md5 %s, expected %s", got, md5);
	}
	if (json_is_true(json_object_get(a, "executable")) &&
	    chmod(name, 0755) != 0)
		fetch_fail(name, "chmod: %s", strerror(errno));
	if (json_is_true(json_object_get(a, "extract")) &&
	    fetch_is_archive(name) &&
	    fetch_unpack(name, lim, err, sizeof(err)) < 0)
		fetch_fail(name, "%s", err);
}

int
main(void)
{
	struct fetch_limits	 lim = { 1024ULL << 20, 300, NULL,
				    2048ULL << 20 };
	json_error_t		 jerr;
	json_t			*spec, *list, *a;
	size_t			 i;

	if ((spec = json_loadf(stdin, 0, &jerr)) == NULL)
		fetch_fail("?", "unreadable artifact list: %s", jerr.text);
	if (json_is_integer(json_object_get(spec, "maxMb")))
		lim.max_bytes = (uint64_t)json_integer_value(json_object_get(
		    spec, "maxMb")) << 20;
	if (json_is_integer(json_object_get(spec, "timeoutSeconds")))
		lim.timeout_s = (long)json_integer_value(json_object_get(spec,
		    "timeoutSeconds"));
	lim.cache_root = json_string_value(json_object_get(spec, "cacheDir"));
	if (json_is_integer(json_object_get(spec, "cacheMaxMb")))
		lim.cache_max_bytes = (uint64_t)json_integer_value(
		    json_object_get(spec, "cacheMaxMb")) << 20;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fetch_fail("?", "cannot start libcurl");
	list = json_object_get(spec, "artifacts");
	json_array_foreach(list, i, a)
		fetch_one(a, &lim);
	curl_global_cleanup();
	json_decref(spec);
	return (0);
}
