/*
 * The event channel: task events (task_event.h) from reporters to
 * kerr-schedulerd, and acknowledgements back, one whole event per
 * datagram.  Two kinds, one protocol:
 *
 *  - local: a Unix datagram socket, <runtime_dir>/schedulerd.events, for
 *    the supervisors on this host.  Unlike the bus's pub/sub it never
 *    drops a message (a full queue blocks the sender, a missing reader is
 *    an error the sender sees).  A reporter binds an autobound abstract
 *    address so the scheduler can answer it.
 *  - network: UDP ("udp:HOST:PORT"), for task wrappers on cluster nodes.
 *    Every datagram both ways is authenticated with the shared key
 *    (event_auth.h); the scheduler drops what is not.
 *
 * Acknowledgements say "committed up to seq N".  Reporters keep what they
 * sent until it is acknowledged and send it again after a pause, so a
 * scheduler that restarts, or a datagram the network lost, loses
 * nothing, and the scheduler sees some events twice (which the sequence
 * numbers make harmless).
 */
#ifndef KERR_EVENT_CHANNEL_H
#define KERR_EVENT_CHANNEL_H

#include <sys/types.h>

#include <stddef.h>

#include "event_auth.h"
#include "task_event.h"

#define EVENT_CHANNEL_PATH_MAX	108	/* sun_path */
#define EVENT_CHANNEL_UDP	"udp:"

/* A datagram address: a Unix path or an IPv4/IPv6 one. */
struct event_channel_peer {
	unsigned char	addr[EVENT_CHANNEL_PATH_MAX + 2];
	unsigned int	len;		/* socklen_t; 0: cannot answer */
};

/* Where a reporter sends: the scheduler's socket, and the key to sign
 * with (NULL on the local channel). */
struct event_channel_dest {
	struct event_channel_peer	 to;
	int				 family;	/* AF_UNIX, AF_INET... */
	const struct event_key		*key;
};

/*
 * "udp:HOST:PORT" (HOST a name, an IPv4 address or a bracketed IPv6
 * one) or a socket path.  A UDP destination needs key.  0, -EINVAL
 * (malformed, or UDP without a key), -ENOENT (HOST unknown),
 * -ENAMETOOLONG.
 */
int	event_channel_dest(const char *spec, const struct event_key *key,
	    struct event_channel_dest *ret);

/* The scheduler's local end: bound to path, non-blocking.  fd or -errno. */
int	event_channel_listen(const char *path);
/* Its network end: "HOST:PORT" (as above, without "udp:").  fd or -errno. */
int	event_channel_listen_udp(const char *addr);
/*
 * Read one datagram into e, with the sender's address for the reply;
 * with key, only an authenticated one.  1 read, 0 nothing waiting,
 * -EPROTO a malformed line, -EPERM one not authenticated (both skipped),
 * other negative errno on error.
 */
int	event_channel_recv(int fd, const struct event_key *key,
	    struct task_event *e, struct event_channel_peer *from);
/* Acknowledge to a reporter (signed with key, when given); a reporter
 * gone meanwhile is not an error. */
int	event_channel_ack(int fd, const struct event_key *key,
	    const struct event_channel_peer *to,
	    const struct task_event_ack *a);

/*
 * A reporter's end for dest: close-on-exec, send timeout timeout_ms (the
 * scheduler's queue may be full); on the local channel an autobound
 * abstract address.  fd or -errno.
 */
int	event_channel_connect(const struct event_channel_dest *dest,
	    int timeout_ms);
/* Send one event: 0 sent, or -errno (-ENOENT/-ECONNREFUSED: no
 * scheduler now, -EAGAIN: its queue is full). */
int	event_channel_send(int fd, const struct event_channel_dest *dest,
	    const struct task_event *e);
/* Read one acknowledgement if one waits (an unauthenticated one is
 * skipped when dest has a key): 1 read, 0 none, or -errno. */
int	event_channel_recv_ack(int fd, const struct event_channel_dest *dest,
	    struct task_event_ack *ret);

#endif
