/*
 * kerr-fetch: puts a task's artifacts into its sandbox before its command
 * starts.  The supervisor's child runs it as the task user, in the
 * sandbox, only when the task has artifacts:
 *
 *   kerr-fetch < .kerr/artifacts.json     (stdin: opened before the
 *                                          switch to the task user)
 *
 * Each artifact is downloaded (file://, http://, https://, with libcurl),
 * or taken from the task user's cache when it is marked "cache" and was
 * fetched before (fetch_cache.c),
 * to its name in the sandbox, checked against its md5 when one is given,
 * unpacked when asked (libarchive: tar, tar.gz, tar.bz2, tar.xz, zip,
 * never writing outside the sandbox) and made executable when asked.
 * Progress goes to stderr (the task's stderr file); a failure is one
 * line, "artifact NAME: cause", on descriptor 3 for the supervisor, and
 * exit status 1.
 */
#ifndef KERR_FETCH_H
#define KERR_FETCH_H

#include <stddef.h>
#include <stdint.h>

#define FETCH_ERROR_FD		3
#define FETCH_ERROR_MAX		400

struct fetch_limits {
	uint64_t	 max_bytes;	/* per artifact, unpacked included */
	long		 timeout_s;	/* per download */
	const char	*cache_root;	/* NULL: no cache */
	uint64_t	 cache_max_bytes; /* per task user */
};

/* fetch_get.c: uri into path (created); 0, or -1 with why in err. */
int	fetch_get(const char *uri, const char *path,
	    const struct fetch_limits *lim, char *err, size_t errlen);
/* The md5 of path as 32 hex digits into hex[33]; 0 or -1. */
int	fetch_md5(const char *path, char *hex);

/* fetch_cache.c: the task user's cache directory under root into dir
 * (made when missing); 0, or -1 when there is none to use. */
int	fetch_cache_open(const char *root, char *dir, size_t len);
/* The SHA-256 of uri as 64 hex digits into hex[65]: its entry's name. */
void	fetch_cache_key(const char *uri, char *hex);
/* Copy from into to (created); 0 or -1. */
int	fetch_copy_file(const char *from, const char *to);
/* Remove the least recently used entries down to max_bytes. */
void	fetch_cache_trim(const char *dir, uint64_t max_bytes);

/* fetch_archive.c: unpack path into the current directory; 0, or -1
 * with why in err. */
int	fetch_unpack(const char *path, const struct fetch_limits *lim,
	    char *err, size_t errlen);
/* Whether name looks like an archive fetch_unpack reads. */
int	fetch_is_archive(const char *name);

#endif
