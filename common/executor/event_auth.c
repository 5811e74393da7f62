/*
 * HMAC-SHA256 of event datagrams (event_auth.h), with Nettle's HMAC: a
 * well-kept implementation of the primitive rather than one of our own,
 * and one the static task wrapper can link (libnettle.a, no other
 * dependency).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <nettle/hmac.h>
#include <nettle/memops.h>

#include "event_auth.h"

#define EVENT_AUTH_PREFIX	"kerr-mac 1 "

static int
event_key_read(int fd, struct event_key *ret)
{
	uint8_t	buf[EVENT_KEY_MAX + 2];
	size_t	n = 0;
	ssize_t	got;

	while (n < sizeof(buf)) {
		got = read(fd, buf + n, sizeof(buf) - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return (-errno);
		if (got == 0)
			break;
		n += (size_t)got;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
	    buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		n--;
	if (n > EVENT_KEY_MAX)
		return (-E2BIG);
	if (n < EVENT_KEY_MIN)
		return (-EINVAL);
	memcpy(ret->bytes, buf, n);
	ret->len = n;
	explicit_bzero(buf, sizeof(buf));
	return (0);
}

int
event_key_load(const char *path, struct event_key *ret)
{
	struct stat	st;
	int		fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (-errno);
	if (fstat(fd, &st) != 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	else if ((st.st_mode & (S_IROTH | S_IWOTH)) != 0)
		r = -EPERM;
	else
		r = event_key_read(fd, ret);
	(void)close(fd);
	return (r);
}

static void
event_auth_mac(const struct event_key *k, const char *msg, size_t len,
    uint8_t *digest)
{
	struct hmac_sha256_ctx ctx;

	hmac_sha256_set_key(&ctx, k->len, k->bytes);
	hmac_sha256_update(&ctx, len, (const uint8_t *)msg);
	hmac_sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
}

void
event_auth_header(const struct event_key *k, const char *msg, size_t len,
    char *buf)
{
	static const char	hex[] = "0123456789abcdef";
	uint8_t			digest[SHA256_DIGEST_SIZE];
	size_t			i, n = sizeof(EVENT_AUTH_PREFIX) - 1;

	event_auth_mac(k, msg, len, digest);
	memcpy(buf, EVENT_AUTH_PREFIX, n);
	for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
		buf[n++] = hex[digest[i] >> 4];
		buf[n++] = hex[digest[i] & 0xf];
	}
	buf[n] = '\n';
}

int
event_auth_check(const struct event_key *k, const char *dgram, size_t len,
    const char **ret_msg, size_t *ret_len)
{
	char	want[EVENT_AUTH_HEADER_LEN];

	if (len <= EVENT_AUTH_HEADER_LEN)
		return (-EPERM);
	event_auth_header(k, dgram + EVENT_AUTH_HEADER_LEN,
	    len - EVENT_AUTH_HEADER_LEN, want);
	/* In constant time: how much of a MAC matched tells nothing. */
	if (!memeql_sec(want, dgram, EVENT_AUTH_HEADER_LEN))
		return (-EPERM);
	*ret_msg = dgram + EVENT_AUTH_HEADER_LEN;
	*ret_len = len - EVENT_AUTH_HEADER_LEN;
	return (0);
}
