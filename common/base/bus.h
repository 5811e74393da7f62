/*
 * The event bus: nng pub/sub over ipc:// in the runtime directory.
 *
 * Topology: every daemon that wants wake-ups *listens* with a SUB socket on
 * <runtime_dir>/<daemon>.sub, and every sender *dials* each of them with a
 * PUB socket of its own, so that a message goes only to the daemons the
 * catalogue (bus_msg.h) names as its readers: a change no daemon acts on
 * wakes none.  Senders dial so that a new sender needs no listener.
 *
 * Delivery is best effort (nng pub/sub drops when a reader lags or is not
 * there yet); every reader also re-scans the store on its tick.
 */
#ifndef KERR_BUS_H
#define KERR_BUS_H

#include <stddef.h>

#include "bus_msg.h"

#define BUS_ID_MAX	512

struct bus;

/*
 * Open the bus for `self`.  When nsubs > 0 a SUB socket listens on
 * <runtime_dir>/<self>.sub subscribed to those topics.  The PUB socket
 * dials every other daemon's address without waiting, and redials on its
 * own.  With BUS_DIAL_WAIT it first tries a blocking dial of each, so a
 * short-lived sender's first message is not lost to a connect in flight.
 */
#define BUS_DIAL_WAIT	0x1
int	bus_open(const char *runtime_dir, const char *self,
	    const enum bus_msg_type *subs, size_t nsubs, int flags,
	    struct bus **ret);
void	bus_close(struct bus *bus);		/* accepts NULL */

/* Publish after commit, to the readers bus_msg.h names for type.  0, or
 * negative errno (the message is dropped). */
int	bus_send(struct bus *bus, enum bus_msg_type type, const char *id);

/*
 * Take one message without blocking: 0 with *ret_type and ret_id filled,
 * -EAGAIN when none is waiting, -EPROTO for a malformed or foreign message
 * (consumed; the caller logs and ignores it).
 */
int	bus_recv(struct bus *bus, enum bus_msg_type *ret_type, char *ret_id,
	    size_t idlen);

/* A descriptor that polls readable while a message waits; -1 if none. */
int	bus_fd(struct bus *bus);

const char *bus_msg_topic(enum bus_msg_type type);

#endif
