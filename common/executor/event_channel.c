/*
 * The local event channel (event_channel.h) over AF_UNIX SOCK_DGRAM.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "event_channel.h"

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

int
event_channel_listen(const char *path)
{
	struct sockaddr_un	sun;
	int			fd, r;

	if ((r = event_channel_addr(path, &sun)) < 0)
		return (r);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return (-errno);
	/* The lock file proves no other scheduler owns it: a leftover. */
	if (unlink(path) != 0 && errno != ENOENT) {
		r = -errno;
		(void)close(fd);
		return (r);
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		r = -errno;
		(void)close(fd);
		return (r);
	}
	return (fd);
}

int
event_channel_recv(int fd, struct task_event *e,
    struct event_channel_peer *from)
{
	char		buf[TASK_EVENT_LINE_MAX + 1];
	socklen_t	alen = sizeof(from->addr);
	ssize_t		n;

	n = recvfrom(fd, buf, sizeof(buf) - 1, MSG_TRUNC,
	    (struct sockaddr *)from->addr, &alen);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return (0);
		return (-errno);
	}
	from->len = alen > sizeof(sa_family_t) ? (unsigned int)alen : 0;
	if ((size_t)n >= sizeof(buf))
		return (-EPROTO);
	buf[n] = '\0';
	return (task_event_parse(buf, (size_t)n, e) == 0 ? 1 : -EPROTO);
}

int
event_channel_ack(int fd, const struct event_channel_peer *to,
    const struct task_event_ack *a)
{
	char	buf[TASK_EVENT_LINE_MAX];
	int	n;

	if (to->len == 0)
		return (0);
	if ((n = task_event_ack_format(a, buf, sizeof(buf))) < 0)
		return (n);
	if (sendto(fd, buf, (size_t)n, MSG_DONTWAIT,
	    (const struct sockaddr *)to->addr, (socklen_t)to->len) < 0) {
		/* Gone, or not reading: it sends again and is answered then. */
		if (errno == ECONNREFUSED || errno == ENOENT ||
		    errno == EAGAIN || errno == EWOULDBLOCK)
			return (0);
		return (-errno);
	}
	return (0);
}

int
event_channel_connect(int timeout_ms)
{
	struct sockaddr_un	sun = { .sun_family = AF_UNIX };
	struct timeval		tv = { timeout_ms / 1000,
				    (timeout_ms % 1000) * 1000 };
	int			fd, r;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return (-errno);
	/* Autobind: an abstract address of the kernel's choosing. */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sa_family_t)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0) {
		r = -errno;
		(void)close(fd);
		return (r);
	}
	return (fd);
}

int
event_channel_send(int fd, const char *path, const struct task_event *e)
{
	struct sockaddr_un	sun;
	char			buf[TASK_EVENT_LINE_MAX];
	int			n, r;

	if ((r = event_channel_addr(path, &sun)) < 0)
		return (r);
	if ((n = task_event_format(e, buf, sizeof(buf))) < 0)
		return (n);
	while (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&sun,
	    sizeof(sun)) < 0) {
		if (errno != EINTR)
			return (errno == EWOULDBLOCK ? -EAGAIN : -errno);
	}
	return (0);
}

int
event_channel_recv_ack(int fd, struct task_event_ack *ret)
{
	char	buf[TASK_EVENT_LINE_MAX + 1];
	ssize_t	n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0)
			return (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR ? 0 : -errno);
		if ((size_t)n >= sizeof(buf))
			continue;	/* not ours: too long */
		buf[n] = '\0';
		if (task_event_ack_parse(buf, (size_t)n, ret) == 0)
			return (1);
	}
}
