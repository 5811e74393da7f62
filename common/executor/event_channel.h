/*
 * The local event channel: task events (task_event.h) from reporters on
 * this host to kerr-schedulerd, and acknowledgements back.  A Unix
 * datagram socket, <runtime_dir>/schedulerd.events: unlike the bus's
 * pub/sub it never drops a message (a full queue blocks the sender, a
 * missing reader is an error the sender sees), and each datagram is one
 * whole event.  A reporter binds an autobound abstract address so the
 * scheduler can answer it; acknowledgements say "committed up to seq N".
 * Reporters keep what they sent until it is acknowledged and send it
 * again after a pause, so a scheduler that restarts loses nothing and
 * sees some events twice (which the sequence numbers make harmless).
 */
#ifndef KERR_EVENT_CHANNEL_H
#define KERR_EVENT_CHANNEL_H

#include <sys/types.h>

#include <stddef.h>

#include "task_event.h"

#define EVENT_CHANNEL_PATH_MAX	108	/* sun_path */

/* Where an event came from: the address to acknowledge it to. */
struct event_channel_peer {
	unsigned char	addr[EVENT_CHANNEL_PATH_MAX + 2];
	unsigned int	len;		/* socklen_t; 0: cannot answer */
};

/* The scheduler's end: bound to path, non-blocking.  fd or -errno. */
int	event_channel_listen(const char *path);
/*
 * Read one datagram into e, with the sender's address for the reply.
 * 1 read, 0 nothing waiting, -EPROTO a malformed line (skipped), other
 * negative errno on error.
 */
int	event_channel_recv(int fd, struct task_event *e,
	    struct event_channel_peer *from);
/* Acknowledge to a reporter; a reporter gone meanwhile is not an error. */
int	event_channel_ack(int fd, const struct event_channel_peer *to,
	    const struct task_event_ack *a);

/*
 * A reporter's end: an autobound abstract address, close-on-exec,
 * send timeout timeout_ms (the scheduler's queue may be full).
 * fd or -errno.
 */
int	event_channel_connect(int timeout_ms);
/* Send one event to the scheduler at path: 0 sent, or -errno
 * (-ENOENT/-ECONNREFUSED: no scheduler now, -EAGAIN: its queue is full). */
int	event_channel_send(int fd, const char *path,
	    const struct task_event *e);
/* Read one acknowledgement if one waits: 1 read, 0 none, or -errno. */
int	event_channel_recv_ack(int fd, struct task_event_ack *ret);

#endif
