/*
 * The event bus over nng pub/sub (see bus.h for the topology).  Sends and
 * receives the messages of bus_msg.h; knows nothing about what they mean.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/pubsub0/sub.h>

#include "bus.h"
#include "metrics.h"

#define BUS_URL_MAX		300
#define BUS_RECV_QUEUE		1024	/* messages nng buffers per reader */
#define BUS_REDIAL_MIN_MS	10
#define BUS_REDIAL_MAX_MS	250

/*
 * One pub socket per peer daemon, each dialed to that daemon alone: a
 * message goes only to the daemons bus_msg.h names as its readers, so a
 * daemon with nothing to do for a change is not woken by it.
 */
struct bus {
	nng_socket	pub[BUS_NDAEMONS];
	int		has_pub[BUS_NDAEMONS];
	/* Bit i: a message of this type goes to pub[i].  Read off the
	 * catalogue once, at open, not on every send. */
	unsigned	routes[BUS_MSG_COUNT];
	nng_socket	sub;
	int		has_sub;
	int		recv_fd;
	/*
	 * Each message to daemon i carries the next of seq[i], numbered
	 * and sent under send_lock so the numbers go out in order (apid
	 * sends from many threads); a reader counts the numbers it never
	 * got from each sender as lost (GET /metrics).
	 */
	char		self[32];
	pthread_mutex_t	send_lock;
	uint64_t	seq[BUS_NDAEMONS];
	struct bus_peer {
		int64_t		pid;	/* 0: nothing from it yet */
		uint64_t	seq;	/* the last it sent us */
	} from[BUS_NDAEMONS];
};

static const char *const bus_daemons[] = BUS_DAEMONS;

static const char *const bus_topics[] = {
#define BUS_MSG_TOPIC(id, topic, from, to, what)	topic,
	BUS_MESSAGES(BUS_MSG_TOPIC)
#undef BUS_MSG_TOPIC
};

static const char *const bus_readers[] = {
#define BUS_MSG_TO(id, topic, from, to, what)	to,
	BUS_MESSAGES(BUS_MSG_TO)
#undef BUS_MSG_TO
};

/* 1 when daemon is among the readers of type (a ","-separated list). */
static int
bus_is_reader(enum bus_msg_type type, const char *daemon)
{
	const char	*to = bus_readers[type], *p;
	size_t		 n = strlen(daemon);

	for (p = to; (p = strstr(p, daemon)) != NULL; p += n)
		if ((p == to || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return (1);
	return (0);
}

const char *
bus_msg_topic(enum bus_msg_type type)
{
	if ((int)type < 0 || type >= BUS_MSG_COUNT)
		return (NULL);
	return (bus_topics[type]);
}

/* The nng errors our callers tell apart; any other is -EIO. */
static const struct {
	int	nng;
	int	err;
} bus_errnos[] = {
	{ 0, 0 }, { NNG_EAGAIN, EAGAIN }, { NNG_ENOMEM, ENOMEM },
	{ NNG_EADDRINUSE, EADDRINUSE }, { NNG_ECONNREFUSED, ECONNREFUSED },
	{ NNG_ENOENT, ENOENT }, { NNG_EINVAL, EINVAL },
	{ NNG_EADDRINVAL, EINVAL },
};

static int
bus_errno(int rv)
{
	size_t i;

	for (i = 0; i < sizeof(bus_errnos) / sizeof(bus_errnos[0]); i++)
		if (bus_errnos[i].nng == rv)
			return (-bus_errnos[i].err);
	return (-EIO);
}

static int
bus_url(char *buf, size_t len, const char *runtime_dir, const char *daemon)
{
	int n = snprintf(buf, len, "ipc://%s/%s.sub", runtime_dir, daemon);

	return (n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0);
}

static int
bus_open_sub(struct bus *bus, const char *runtime_dir, const char *self,
    const enum bus_msg_type *subs, size_t nsubs)
{
	char	url[BUS_URL_MAX];
	size_t	i;
	int	r;

	if ((r = bus_url(url, sizeof(url), runtime_dir, self)) < 0)
		return (r);
	if ((r = bus_errno(nng_sub0_open(&bus->sub))) < 0)
		return (r);
	bus->has_sub = 1;
	for (i = 0; i < nsubs; i++) {
		const char *topic = bus_msg_topic(subs[i]);

		if (topic == NULL)
			return (-EINVAL);
		/* The NUL is part of the prefix: exact topic match. */
		r = bus_errno(nng_socket_set(bus->sub, NNG_OPT_SUB_SUBSCRIBE,
		    topic, strlen(topic) + 1));
		if (r < 0)
			return (r);
	}
	if ((r = bus_errno(nng_socket_set_int(bus->sub, NNG_OPT_RECVBUF,
	    BUS_RECV_QUEUE))) < 0)
		return (r);
	if ((r = bus_errno(nng_listen(bus->sub, url, NULL, 0))) < 0)
		return (r);
	return (bus_errno(nng_socket_get_int(bus->sub, NNG_OPT_RECVFD,
	    &bus->recv_fd)));
}

static int
bus_open_pub(struct bus *bus, const char *runtime_dir, const char *self,
    int flags)
{
	const char *const *daemons = bus_daemons;
	char	url[BUS_URL_MAX];
	size_t	i;
	int	type, reads, r;

	for (i = 0; i < BUS_NDAEMONS; i++) {
		if (strcmp(daemons[i], self) == 0)
			continue;
		for (type = 0, reads = 0; type < BUS_MSG_COUNT; type++)
			if (bus_is_reader((enum bus_msg_type)type, daemons[i])) {
				bus->routes[type] |= 1u << i;
				reads = 1;
			}
		/* A daemon that reads nothing never listens: a dialer to it
		 * would redial every BUS_REDIAL_MAX_MS for ever. */
		if (!reads)
			continue;
		if ((r = bus_url(url, sizeof(url), runtime_dir, daemons[i])) < 0)
			return (r);
		if ((r = bus_errno(nng_pub0_open(&bus->pub[i]))) < 0)
			return (r);
		bus->has_pub[i] = 1;
		(void)nng_socket_set_ms(bus->pub[i], NNG_OPT_RECONNMINT,
		    BUS_REDIAL_MIN_MS);
		(void)nng_socket_set_ms(bus->pub[i], NNG_OPT_RECONNMAXT,
		    BUS_REDIAL_MAX_MS);
		/* A failed blocking dial (peer not up) falls back to redials. */
		if ((flags & BUS_DIAL_WAIT) &&
		    nng_dial(bus->pub[i], url, NULL, 0) == 0)
			continue;
		if ((r = bus_errno(nng_dial(bus->pub[i], url, NULL,
		    NNG_FLAG_NONBLOCK))) < 0)
			return (r);
	}
	return (0);
}

void
bus_close(struct bus *bus)
{
	if (bus == NULL)
		return;
	for (size_t i = 0; i < BUS_NDAEMONS; i++)
		if (bus->has_pub[i])
			(void)nng_close(bus->pub[i]);
	if (bus->has_sub)
		(void)nng_close(bus->sub);
	(void)pthread_mutex_destroy(&bus->send_lock);
	free(bus);
}

int
bus_open(const char *runtime_dir, const char *self,
    const enum bus_msg_type *subs, size_t nsubs, int flags, struct bus **ret)
{
	struct bus	*bus;
	int		 r;

	if ((bus = calloc(1, sizeof(*bus))) == NULL)
		return (-ENOMEM);
	if (pthread_mutex_init(&bus->send_lock, NULL) != 0) {
		free(bus);
		return (-ENOMEM);
	}
	bus->recv_fd = -1;
	(void)snprintf(bus->self, sizeof(bus->self), "%s", self);
	if ((r = bus_open_pub(bus, runtime_dir, self, flags)) < 0)
		goto fail;
	if (nsubs > 0 &&
	    (r = bus_open_sub(bus, runtime_dir, self, subs, nsubs)) < 0)
		goto fail;
	*ret = bus;
	return (0);
fail:
	bus_close(bus);
	return (r);
}

/* "<topic>\0<json>" of one message to daemon i, numbered for it. */
static char *
bus_wire(struct bus *bus, const char *topic, const char *id, size_t i,
    size_t *ret_len)
{
	json_t	*body;
	char	*text, *wire = NULL;
	size_t	 tlen = strlen(topic) + 1, blen;

	body = json_pack("{s:i, s:s, s:s, s:I, s:I}", "v",
	    BUS_PROTOCOL_VERSION, "id", id, "from", bus->self, "pid",
	    (json_int_t)getpid(), "seq", (json_int_t)(bus->seq[i] + 1));
	text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (text == NULL)
		return (NULL);
	blen = strlen(text);
	if ((wire = malloc(tlen + blen)) != NULL) {
		memcpy(wire, topic, tlen);
		memcpy(wire + tlen, text, blen);
		*ret_len = tlen + blen;
	}
	free(text);
	return (wire);
}

int
bus_send(struct bus *bus, enum bus_msg_type type, const char *id)
{
	const char	*topic = bus_msg_topic(type);
	char		*wire;
	size_t		 len = 0;
	int		 r = 0, rv;

	/* Receivers drop ids this long: refuse them here, visibly. */
	if (topic == NULL || id == NULL || strlen(id) >= BUS_ID_MAX)
		return (-EINVAL);
	if (bus->routes[type] == 0)
		return (0);		/* no daemon acts on it */
	(void)pthread_mutex_lock(&bus->send_lock);
	/* Without a reader pub/sub drops the message: that is acceptable. */
	for (size_t i = 0; i < BUS_NDAEMONS; i++) {
		if (!bus->has_pub[i] || !(bus->routes[type] & (1u << i)))
			continue;
		if ((wire = bus_wire(bus, topic, id, i, &len)) == NULL) {
			r = -ENOMEM;
			break;
		}
		rv = bus_errno(nng_send(bus->pub[i], wire, len,
		    NNG_FLAG_NONBLOCK));
		free(wire);
		metrics_count_bus(rv == 0);
		if (rv < 0)
			r = rv;
		else
			bus->seq[i]++;
	}
	(void)pthread_mutex_unlock(&bus->send_lock);
	return (r);
}

/*
 * The numbers a sender skipped since its last message to us: lost on the
 * way (nng pub/sub drops when our queue is full).  A new pid is a sender
 * that started again, numbering from 1; a number not past the last one
 * cannot happen from one sender and counts nothing.
 */
static void
bus_track(struct bus *bus, const json_t *body)
{
	const char	*from = json_string_value(json_object_get(body,
			    "from"));
	const json_t	*pid = json_object_get(body, "pid");
	const json_t	*seq = json_object_get(body, "seq");
	struct bus_peer	*p = NULL;
	uint64_t	 n;

	for (size_t i = 0; from != NULL && i < BUS_NDAEMONS; i++)
		if (strcmp(from, bus_daemons[i]) == 0)
			p = &bus->from[i];
	if (p == NULL || !json_is_integer(pid) || !json_is_integer(seq) ||
	    json_integer_value(seq) < 1)
		return;
	n = (uint64_t)json_integer_value(seq);
	if (p->pid == json_integer_value(pid) && n > p->seq + 1)
		metrics_count_bus_lost(n - p->seq - 1);
	if (p->pid != json_integer_value(pid) || n > p->seq) {
		p->pid = json_integer_value(pid);
		p->seq = n;
	}
}

/* Split "<topic>\0<json>" and check it against the catalogue. */
static int
bus_parse(struct bus *bus, const char *buf, size_t len,
    enum bus_msg_type *ret_type, char *ret_id, size_t idlen)
{
	const char	*nul = memchr(buf, '\0', len);
	json_t		*body = NULL, *v, *id;
	int		 type, r = -EPROTO;

	if (nul == NULL)
		return (-EPROTO);
	for (type = 0; type < BUS_MSG_COUNT; type++)
		if (strcmp(buf, bus_topics[type]) == 0)
			break;
	if (type == BUS_MSG_COUNT)
		return (-EPROTO);
	body = json_loadb(nul + 1, len - (size_t)(nul + 1 - buf), 0, NULL);
	v = json_object_get(body, "v");
	id = json_object_get(body, "id");
	if (json_is_integer(v) &&
	    json_integer_value(v) == BUS_PROTOCOL_VERSION &&
	    json_is_string(id) && json_string_length(id) < idlen) {
		memcpy(ret_id, json_string_value(id),
		    json_string_length(id) + 1);
		*ret_type = (enum bus_msg_type)type;
		bus_track(bus, body);
		r = 0;
	}
	json_decref(body);
	return (r);
}

int
bus_recv(struct bus *bus, enum bus_msg_type *ret_type, char *ret_id,
    size_t idlen)
{
	char	*buf = NULL;
	size_t	 len = 0;
	int	 r;

	if (!bus->has_sub)
		return (-EAGAIN);
	r = bus_errno(nng_recv(bus->sub, &buf, &len,
	    NNG_FLAG_ALLOC | NNG_FLAG_NONBLOCK));
	if (r < 0)
		return (r);
	r = bus_parse(bus, buf, len, ret_type, ret_id, idlen);
	nng_free(buf, len);
	return (r);
}

int
bus_fd(struct bus *bus)
{
	return (bus->recv_fd);
}
