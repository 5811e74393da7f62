/*
 * The artifact cache (fetch.h): artifacts marked "cache" are kept under
 * <cache root>/<uid>, one directory per task user, so no user's download
 * can stand in for another's.  kerr-fetch runs as the task user and makes
 * its own directory (the root is sticky and world-writable, as /tmp is);
 * one it did not make (another owner, other modes) is not used.  An entry
 * is named after the SHA-256 of its URI; it is written to a temporary
 * name and renamed into place, so tasks fetching the same URI at once
 * never see half a file.  A hit is copied into the sandbox and its mtime
 * renewed; past the size limit the least recently used entries go.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "fetch.h"

int
fetch_cache_open(const char *root, char *dir, size_t len)
{
	struct stat	st;
	int		n;

	if (root == NULL || root[0] == '\0')
		return (-1);
	n = snprintf(dir, len, "%s/%u", root, (unsigned)getuid());
	if (n < 0 || (size_t)n >= len)
		return (-1);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return (-1);
	/* Ours alone, or not used: another user may have made it first. */
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != getuid() || (st.st_mode & 077) != 0)
		return (-1);
	return (0);
}

void
fetch_cache_key(const char *uri, char *hex)
{
	static const char	digits[] = "0123456789abcdef";
	struct sha256_ctx	ctx;
	uint8_t			d[SHA256_DIGEST_SIZE];
	int			i;

	sha256_init(&ctx);
	sha256_update(&ctx, strlen(uri), (const uint8_t *)uri);
	sha256_digest(&ctx, sizeof(d), d);
	for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 0xf];
	}
	hex[2 * SHA256_DIGEST_SIZE] = '\0';
}

int
fetch_copy_file(const char *from, const char *to)
{
	char	buf[65536];
	ssize_t	n;
	int	in, out, r = 0;

	if ((in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return (-1);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (out < 0) {
		(void)close(in);
		return (-1);
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			r = -1;
			break;
		}
	if (n < 0)
		r = -1;
	(void)close(in);
	if (close(out) != 0)
		r = -1;
	return (r);
}

/* The oldest entry of dir and the total size; 0, or -1 empty. */
static int
fetch_cache_oldest(const char *dir, char *oldest, size_t len,
    uint64_t *ret_total)
{
	struct dirent	*e;
	struct stat	 st;
	DIR		*d;
	char		 path[4096];
	time_t		 when = 0;
	int		 found = 0;

	*ret_total = 0;
	if ((d = opendir(dir)) == NULL)
		return (-1);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		*ret_total += (uint64_t)st.st_size;
		if (!found || st.st_mtime < when) {
			when = st.st_mtime;
			(void)snprintf(oldest, len, "%s", path);
			found = 1;
		}
	}
	(void)closedir(d);
	return (found ? 0 : -1);
}

void
fetch_cache_trim(const char *dir, uint64_t max_bytes)
{
	char		oldest[4096];
	uint64_t	total;

	while (fetch_cache_oldest(dir, oldest, sizeof(oldest), &total) == 0 &&
	    total > max_bytes)
		if (unlink(oldest) != 0)
			break;
}
