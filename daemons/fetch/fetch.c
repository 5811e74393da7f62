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

#include "artifact.h"
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

/* Embedded content, decoded, into a new file name. */
static void
fetch_embedded(const char *name, const char *content,
    const struct fetch_limits *lim)
{
	long long	 size = artifact_base64_size(content);
	uint8_t		*buf;
	size_t		 off;
	ssize_t		 n;
	int		 fd;

	if (size < 0)
		fetch_fail(name, "content is not base64");
	if ((uint64_t)size > lim->max_bytes)
		fetch_fail(name, "%lld bytes, more than the %llu MB allowed",
		    size, (unsigned long long)(lim->max_bytes >> 20));
	if ((buf = malloc(size > 0 ? (size_t)size : 1)) == NULL)
		fetch_fail(name, "out of memory");
	if (artifact_base64_decode(content, buf, (size_t)size) < 0)
		fetch_fail(name, "content is not base64");
	if ((fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) < 0)
		fetch_fail(name, "cannot create it: %s", strerror(errno));
	for (off = 0; off < (size_t)size; off += (size_t)n)
		if ((n = write(fd, buf + off, (size_t)size - off)) < 0 &&
		    errno != EINTR)
			fetch_fail(name, "cannot write it: %s", strerror(errno));
		else if (n < 0)
			n = 0;
	if (close(fd) != 0)
		fetch_fail(name, "cannot write it: %s", strerror(errno));
	free(buf);
	(void)fprintf(stderr, "kerr-fetch: %s written (%lld bytes)\n", name,
	    size);
}

/* The size the artifact says it has, when it says one. */
static void
fetch_check_size(const json_t *a, const char *name)
{
	const json_t	*want = json_object_get(a, "size");
	struct stat	 st;

	if (!json_is_integer(want))
		return;
	if (stat(name, &st) != 0)
		fetch_fail(name, "cannot read it back: %s", strerror(errno));
	if ((long long)st.st_size != json_integer_value(want))
		fetch_fail(name, "%lld bytes, expected %lld",
		    (long long)st.st_size, (long long)json_integer_value(want));
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

/* The artifact's bytes into name: embedded, from the cache, or fetched. */
static void
fetch_place(const json_t *a, const char *name,
    const struct fetch_limits *lim)
{
	const char	*uri = json_string_value(json_object_get(a, "uri"));
	const char	*content = json_string_value(json_object_get(a,
			    "content"));
	char		 err[FETCH_ERROR_MAX];

	if (content != NULL) {
		fetch_embedded(name, content, lim);
		return;
	}
	if (uri == NULL)
		fetch_fail(name, "no uri");
	if (json_is_true(json_object_get(a, "cache")) &&
	    fetch_cached(uri, name, lim) == 0) {
		(void)fprintf(stderr, "kerr-fetch: %s from the cache\n", name);
		return;
	}
	(void)fprintf(stderr, "kerr-fetch: fetching %s from %s\n", name, uri);
	if (fetch_get(uri, name, lim, err, sizeof(err)) < 0) {
		(void)unlink(name);
		fetch_fail(name, "%s", err);
	}
	if (json_is_true(json_object_get(a, "cache")))
		fetch_cache_keep(uri, name, lim);
}

static void
fetch_one(const json_t *a, const struct fetch_limits *lim)
{
	const char	*name = json_string_value(json_object_get(a, "name"));
	const char	*md5 = json_string_value(json_object_get(a, "md5sum"));
	char		 err[FETCH_ERROR_MAX], got[33];

	if (!artifact_name_ok(name))
		fetch_fail(name != NULL ? name : "?", "invalid file name");
	fetch_place(a, name, lim);
	fetch_check_size(a, name);
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
