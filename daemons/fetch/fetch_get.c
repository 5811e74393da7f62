/*
 * Downloads with libcurl (fetch.h): only file, http and https, redirects
 * followed among those, an HTTP error status an error, the size and the
 * time bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <nettle/md5.h>

#include "fetch.h"

int
fetch_get(const char *uri, const char *path, const struct fetch_limits *lim,
    char *err, size_t errlen)
{
	CURL		*c;
	CURLcode	 rc;
	FILE		*fp;
	long		 status = 0;
	int		 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL) {
		(void)snprintf(err, errlen, "cannot create %s: %s", path,
		    strerror(errno));
		if (fd >= 0)
			(void)close(fd);
		return (-1);
	}
	if ((c = curl_easy_init()) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		(void)fclose(fp);
		return (-1);
	}
	(void)curl_easy_setopt(c, CURLOPT_URL, uri);
	(void)curl_easy_setopt(c, CURLOPT_WRITEDATA, fp);
	(void)curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "file,http,https");
	(void)curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	(void)curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	(void)curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	(void)curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	(void)curl_easy_setopt(c, CURLOPT_TIMEOUT, lim->timeout_s);
	(void)curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)lim->max_bytes);
	(void)curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	(void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (fclose(fp) != 0 && rc == CURLE_OK) {
		(void)snprintf(err, errlen, "cannot write %s: %s", path,
		    strerror(errno));
		return (-1);
	}
	if (rc == CURLE_HTTP_RETURNED_ERROR)
		(void)snprintf(err, errlen, "HTTP %ld from %s", status, uri);
	else if (rc == CURLE_FILESIZE_EXCEEDED)
		(void)snprintf(err, errlen, "larger than %llu MB",
		    (unsigned long long)(lim->max_bytes >> 20));
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		(void)snprintf(err, errlen, "timed out after %ld s",
		    lim->timeout_s);
	else if (rc != CURLE_OK)
		(void)snprintf(err, errlen, "%s (%s)", curl_easy_strerror(rc),
		    uri);
	return (rc == CURLE_OK ? 0 : -1);
}

int
fetch_md5(const char *path, char *hex)
{
	static const char	digits[] = "0123456789abcdef";
	struct md5_ctx		ctx;
	uint8_t			buf[65536], d[MD5_DIGEST_SIZE];
	ssize_t			n;
	int			fd, i;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (-1);
	md5_init(&ctx);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		md5_update(&ctx, (size_t)n, buf);
	(void)close(fd);
	if (n < 0)
		return (-1);
	md5_digest(&ctx, sizeof(d), d);
	for (i = 0; i < MD5_DIGEST_SIZE; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 0xf];
	}
	hex[32] = '\0';
	return (0);
}
