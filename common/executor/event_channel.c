/*
 * The event channel (event_channel.h): AF_UNIX SOCK_DGRAM on this host,
 * UDP with an HMAC on every datagram across the network.  Addresses are
 * numeric: the task wrapper is static and resolves no names (the
 * scheduler hands it the address it resolved itself).
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event_channel.h"

/* The longest datagram: the MAC line and the longest event line. */
#define EVENT_CHANNEL_DGRAM_MAX	(EVENT_AUTH_HEADER_LEN + TASK_EVENT_LINE_MAX)

static int
event_channel_addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return (-ENAMETOOLONG);
	(void)snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", path);
	return (0);
}

/* "HOST:PORT", HOST numeric (IPv6 in brackets), into peer. */
static int
event_channel_inet(const char *spec, struct event_channel_peer *peer,
    int *ret_family)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET };
	struct sockaddr_in6	 sin6 = { .sin6_family = AF_INET6 };
	char			 host[INET6_ADDRSTRLEN + 2], *end;
	const char		*colon;
	unsigned long		 port;
	size_t			 n;

	if ((colon = strrchr(spec, ':')) == NULL || colon == spec)
		return (-EINVAL);
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno != 0 || end == colon + 1 || *end != '\0' || port == 0 ||
	    port > 65535)
		return (-EINVAL);
	n = (size_t)(colon - spec);
	if (spec[0] == '[' && n > 2 && spec[n - 1] == ']') {
		spec++;
		n -= 2;
	}
	if (n >= sizeof(host))
		return (-EINVAL);
	memcpy(host, spec, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, &sin.sin_addr) == 1) {
		sin.sin_port = htons((uint16_t)port);
		memcpy(peer->addr, &sin, sizeof(sin));
		peer->len = sizeof(sin);
		*ret_family = AF_INET;
	} else if (inet_pton(AF_INET6, host, &sin6.sin6_addr) == 1) {
		sin6.sin6_port = htons((uint16_t)port);
		memcpy(peer->addr, &sin6, sizeof(sin6));
		peer->len = sizeof(sin6);
		*ret_family = AF_INET6;
	} else
		return (-EINVAL);
	return (0);
}

int
event_channel_dest(const char *spec, const struct event_key *key,
    struct event_channel_dest *ret)
{
	struct sockaddr_un	sun;
	size_t			n = sizeof(EVENT_CHANNEL_UDP) - 1;
	int			r;

	memset(ret, 0, sizeof(*ret));
	if (strncmp(spec, EVENT_CHANNEL_UDP, n) == 0) {
		if (key == NULL)
			return (-EINVAL);
		ret->key = key;
		return (event_channel_inet(spec + n, &ret->to, &ret->family));
	}
	if (spec[0] == '\0')
		return (-EINVAL);
	if ((r = event_channel_addr(spec, &sun)) < 0)
		return (r);
	memcpy(ret->to.addr, &sun, sizeof(sun));
	ret->to.len = sizeof(sun);
	ret->family = AF_UNIX;
	ret->key = NULL;
	return (0);
}

static int
event_channel_bind(int family, int type, const void *addr, socklen_t len)
{
	int fd, r;

	if ((fd = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return (-errno);
	if (bind(fd, (const struct sockaddr *)addr, len) != 0) {
		r = -errno;
		(void)close(fd);
		return (r);
	}
	return (fd);
}

int
event_channel_listen(const char *path)
{
	struct sockaddr_un	sun;
	int			r;

	if ((r = event_channel_addr(path, &sun)) < 0)
		return (r);
	/* The lock file proves no other scheduler owns it: a leftover. */
	if (unlink(path) != 0 && errno != ENOENT)
		return (-errno);
	return (event_channel_bind(AF_UNIX, SOCK_DGRAM, &sun, sizeof(sun)));
}

int
event_channel_listen_udp(const char *addr)
{
	struct event_channel_peer	peer;
	int				family, r;

	if ((r = event_channel_inet(addr, &peer, &family)) < 0)
		return (r);
	return (event_channel_bind(family, SOCK_DGRAM, peer.addr,
	    (socklen_t)peer.len));
}

/* The text of a datagram of n bytes in buf: past its MAC when keyed. */
static int
event_channel_text(const struct event_key *key, char *buf, ssize_t n,
    const char **ret, size_t *ret_len)
{
	if ((size_t)n >= EVENT_CHANNEL_DGRAM_MAX)
		return (-EPROTO);
	buf[n] = '\0';
	if (key == NULL) {
		*ret = buf;
		*ret_len = (size_t)n;
		return (0);
	}
	return (event_auth_check(key, buf, (size_t)n, ret, ret_len));
}

int
event_channel_recv(int fd, const struct event_key *key,
    struct task_event *e, struct event_channel_peer *from)
{
	char		 buf[EVENT_CHANNEL_DGRAM_MAX + 1];
	const char	*text;
	size_t		 len;
	socklen_t	 alen = sizeof(from->addr);
	ssize_t		 n;
	int		 r;

	n = recvfrom(fd, buf, sizeof(buf) - 1, MSG_TRUNC,
	    (struct sockaddr *)from->addr, &alen);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return (0);
		return (-errno);
	}
	from->len = alen > sizeof(sa_family_t) ? (unsigned int)alen : 0;
	if ((r = event_channel_text(key, buf, n, &text, &len)) < 0)
		return (r);
	return (task_event_parse(text, len, e) == 0 ? 1 : -EPROTO);
}

/* Send text, after its MAC line when keyed; -errno of sendto. */
static int
event_channel_sendto(int fd, const struct event_key *key, const char *text,
    size_t len, const struct event_channel_peer *to, int flags)
{
	char	buf[EVENT_CHANNEL_DGRAM_MAX];
	size_t	n = 0;

	if (key != NULL) {
		event_auth_header(key, text, len, buf);
		n = EVENT_AUTH_HEADER_LEN;
	}
	if (n + len > sizeof(buf))
		return (-EMSGSIZE);
	memcpy(buf + n, text, len);
	n += len;
	while (sendto(fd, buf, n, flags, (const struct sockaddr *)to->addr,
	    (socklen_t)to->len) < 0)
		if (errno != EINTR)
			return (errno == EWOULDBLOCK ? -EAGAIN : -errno);
	return (0);
}

int
event_channel_ack(int fd, const struct event_key *key,
    const struct event_channel_peer *to, const struct task_event_ack *a)
{
	char	buf[TASK_EVENT_LINE_MAX];
	int	n, r;

	if (to->len == 0)
		return (0);
	if ((n = task_event_ack_format(a, buf, sizeof(buf))) < 0)
		return (n);
	r = event_channel_sendto(fd, key, buf, (size_t)n, to, MSG_DONTWAIT);
	/* Gone, or not reading: it sends again and is answered then. */
	if (r == -ECONNREFUSED || r == -ENOENT || r == -EAGAIN)
		return (0);
	return (r);
}

int
event_channel_connect(const struct event_channel_dest *dest, int timeout_ms)
{
	struct sockaddr_storage	ss = { .ss_family = (sa_family_t)dest->family };
	struct timeval		tv = { timeout_ms / 1000,
				    (timeout_ms % 1000) * 1000 };
	socklen_t		len;
	int			fd, r;

	fd = socket(dest->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return (-errno);
	/* Unix: autobind, an abstract address of the kernel's choosing;
	 * UDP: any address and port, which the scheduler answers. */
	len = dest->family == AF_UNIX ? sizeof(sa_family_t) :
	    dest->family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0) {
		r = -errno;
		(void)close(fd);
		return (r);
	}
	return (fd);
}

int
event_channel_send(int fd, const struct event_channel_dest *dest,
    const struct task_event *e)
{
	char	buf[TASK_EVENT_LINE_MAX];
	int	n;

	if ((n = task_event_format(e, buf, sizeof(buf))) < 0)
		return (n);
	return (event_channel_sendto(fd, dest->key, buf, (size_t)n, &dest->to,
	    0));
}

int
event_channel_recv_ack(int fd, const struct event_channel_dest *dest,
    struct task_event_ack *ret)
{
	char		 buf[EVENT_CHANNEL_DGRAM_MAX + 1];
	const char	*text;
	size_t		 len;
	ssize_t		 n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0)
			return (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR ? 0 : -errno);
		/* Too long, unauthenticated or malformed: not ours. */
		if (event_channel_text(dest->key, buf, n, &text, &len) == 0 &&
		    task_event_ack_parse(text, len, ret) == 0)
			return (1);
	}
}
