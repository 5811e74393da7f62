/*
 * All libmicrohttpd glue.  MHD calls api_http_access() first with no body,
 * then once per body chunk, then with *upload_data_size == 0; we gather the
 * body (capped: 413 past max_body_bytes), parse it as JSON once, strip the
 * API root, route, run the handler and send its reply.  The web UI's
 * paths (/singularity/, /singularity/ui/...) are answered by api_ui.c
 * instead.  MHD runs a small pool of threads; each opens its own store
 * connection on first use.
 *
 * Stopping never shuts the listening socket down: it may be the one systemd
 * passed, which must keep queueing connections for the next apid.  MHD is
 * quiesced (it stops accepting and hands the socket back), the requests
 * already accepted are finished, and only then is MHD stopped and our own
 * descriptor closed.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "api.h"
#include "api_access.h"
#include "api_disasters.h"
#include "api_http.h"
#include "api_listen.h"
#include "api_ui.h"
#include "api_metrics.h"
#include "api_writer.h"
#include "clock.h"
#include "daemon.h"
#include "log.h"

/* How long a stop waits for the requests already accepted. */
#define API_HTTP_DRAIN_MS	10000
#define API_HTTP_DRAIN_POLL_NS	20000000L

static const char *const api_http_roots[] = {
	"/singularity/v1",
	"/singularity/api",
};

struct api_http {
	struct MHD_Daemon	*mhd;
	struct api_listen	 listen;
	struct api_writer	*writer;
	const struct conf	*conf;
	struct bus		*bus;
	char			 db_path[PATH_MAX];
	/* Set once a stop began: replies then close their connection. */
	atomic_int		 draining;
};

/* One upload being gathered. */
struct api_conn {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	int	 too_large;
	int	 too_many_headers;
	int	 answered;
	int64_t	 started_us;	/* for GET /metrics' latency */
};

static pthread_key_t	api_http_db_key;
static pthread_once_t	api_http_db_once = PTHREAD_ONCE_INIT;

static void
api_http_db_destroy(void *db)
{
	db_close(db);
}

static void
api_http_db_key_create(void)
{
	if (pthread_key_create(&api_http_db_key, api_http_db_destroy) != 0)
		fatalx("pthread_key_create failed");
}

/* This thread's store connection, opened on first use. */
static struct db *
api_http_thread_db(struct api_http *h)
{
	struct db	*db = pthread_getspecific(api_http_db_key);
	int		 r;

	if (db != NULL)
		return (db);
	if ((r = daemon_db_open(h->conf, &db)) < 0) {
		log_err("Failed to open database '%s': %s", h->db_path,
		    strerror(-r));
		return (NULL);
	}
	if (pthread_setspecific(api_http_db_key, db) != 0) {
		db_close(db);
		return (NULL);
	}
	return (db);
}

const char *
api_query(const struct api_req *req, const char *key)
{
	return (MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
	    key));
}

/* The path below the API root, or NULL when the URL is outside it. */
static const char *
api_http_strip_root(const char *url)
{
	size_t i, n;

	for (i = 0; i < sizeof(api_http_roots) / sizeof(api_http_roots[0]);
	    i++) {
		n = strlen(api_http_roots[i]);
		if (strncmp(url, api_http_roots[i], n) == 0 &&
		    (url[n] == '/' || url[n] == '\0'))
			return (url[n] == '\0' ? "/" : url + n);
	}
	return (NULL);
}

static int
api_http_append(struct api_conn *c, const char *data, size_t len,
    size_t max)
{
	if (c->too_large || c->len + len > max) {
		c->too_large = 1;
		return (0);
	}
	if (c->len + len + 1 > c->cap) {
		size_t	 cap = c->cap == 0 ? 4096 : c->cap;
		char	*nbuf;

		while (cap < c->len + len + 1)
			cap *= 2;
		if ((nbuf = realloc(c->buf, cap)) == NULL)
			return (-ENOMEM);
		c->buf = nbuf;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, data, len);
	c->len += len;
	return (0);
}

static enum MHD_Result
api_http_send(struct api_http *h, struct MHD_Connection *conn,
    struct api_reply *rep)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;

	if (rep->body != NULL)
		resp = MHD_create_response_from_buffer(rep->len, rep->body,
		    MHD_RESPMEM_MUST_FREE);
	else
		resp = MHD_create_response_from_buffer(0, NULL,
		    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL) {
		api_reply_clear(rep);
		return (MHD_NO);
	}
	rep->body = NULL;		/* now owned by the response */
	if (rep->content_type != NULL)
		(void)MHD_add_response_header(resp,
		    MHD_HTTP_HEADER_CONTENT_TYPE, rep->content_type);
	if (rep->allow != NULL)
		(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
		    rep->allow);
	if (rep->status == 401)
		(void)MHD_add_response_header(resp,
		    MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"kerr\"");
	/* A keep-alive client must not hold a stopping apid up. */
	if (atomic_load(&h->draining))
		(void)MHD_add_response_header(resp,
		    MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(conn, rep->status, resp);
	MHD_destroy_response(resp);
	return (ret);
}

static void
api_http_parse_body(struct api_conn *c, struct api_req *req,
    struct api_reply *rep)
{
	json_error_t err;

	if (c->len == 0)
		return;
	req->body = json_loadb(c->buf, c->len, JSON_DECODE_ANY, &err);
	if (req->body == NULL)
		(void)api_reply_error(rep, 400,
		    "Malformed JSON at line %d, column %d: %s",
		    err.line, err.column, err.text);
}

/* GET /metrics lives beside the API root, where Prometheus looks. */
static int
api_http_match(const char *url, const char *method, struct api_req *req,
    api_handler_fn *ret, char *allow, size_t allow_len)
{
	if (strcmp(url, API_METRICS_PATH) == 0) {
		(void)snprintf(allow, allow_len, "GET");
		if (strcmp(method, "GET") != 0)
			return (-EPERM);
		req->route = API_METRICS_ROUTE_SELF;
		*ret = api_metrics_get;
		return (0);
	}
	if ((req->path = api_http_strip_root(url)) == NULL)
		return (-ENOENT);
	return (api_routes_match(method, req->path, req, ret, allow,
	    allow_len));
}

static void
api_http_dispatch(struct api_http *h, struct MHD_Connection *conn,
    const char *url, const char *method, struct api_conn *c,
    struct api_reply *rep, char *allow, size_t allow_len, int *ret_route)
{
	struct api_req		 req = { .method = method, .conn = conn,
				     .bus = h->bus, .conf = h->conf,
				     .writer = h->writer,
				     .route = API_METRICS_ROUTE_NONE };
	struct api_identity	 who;
	api_handler_fn		 handler;
	int			 r;

	r = api_http_match(url, method, &req, &handler, allow, allow_len);
	*ret_route = req.route;
	/* Below the API root and /metrics, a token first: even a path we
	 * do not serve says nothing to a caller without one. */
	if (h->conf->auth_token && (req.path != NULL ||
	    req.route == API_METRICS_ROUTE_SELF)) {
		if (api_access_authenticate(h->conf, conn, &who, rep) < 0)
			return;
		req.who = &who;
	}
	if (r == -ENOENT) {
		(void)api_reply_error(rep, 404, "Not found: %s", url);
		return;
	}
	if (r == -EPERM) {
		(void)api_reply_error(rep, 405,
		    "Method %s not allowed on %s (allowed: %s)", method, url,
		    allow);
		rep->allow = allow;
		return;
	}
	api_http_parse_body(c, &req, rep);
	if (rep->status != 0)
		return;
	if ((req.db = api_http_thread_db(h)) == NULL) {
		(void)api_reply_error(rep, 503, "Database unavailable");
		goto out;
	}
	if (api_access_authorize(&req, handler, rep) < 0 ||
	    api_disasters_gate(handler, &req, rep))
		goto out;
	/* A handler that failed without replying gets its errno's status. */
	if ((r = handler(&req, rep)) < 0 && rep->status == 0)
		(void)api_reply_errno(rep, r, "Internal error: %s",
		    strerror(-r));
	else if (rep->status == 0)
		(void)api_reply_error(rep, 500, "Internal error");
out:
	json_decref(req.body);
}

static enum MHD_Result
api_http_complete(struct api_http *h, struct MHD_Connection *conn,
    const char *url, const char *method, struct api_conn *c)
{
	struct api_reply	rep = { 0 };
	char			allow[64];
	int			route = API_METRICS_ROUTE_NONE;

	c->answered = 1;
	if (!c->too_large && !c->too_many_headers && api_ui_owns(url))
		return (api_ui_serve(conn, method, url,
		    atomic_load(&h->draining)));
	if (c->too_large)
		(void)api_reply_error(&rep, 413,
		    "Request body larger than %d bytes",
		    h->conf->max_body_bytes);
	else if (c->too_many_headers)
		(void)api_reply_error(&rep, 431, "More than %d request headers",
		    h->conf->max_headers);
	else
		api_http_dispatch(h, conn, url, method, c, &rep, allow,
		    sizeof(allow), &route);
	api_metrics_observe(route, rep.status,
	    metrics_now_us() - c->started_us);
	log_debug("%s %s -> %u", method, url, rep.status);
	return (api_http_send(h, conn, &rep));
}

static enum MHD_Result
api_http_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct api_http	*h = cls;
	struct api_conn	*c = *con_cls;
	const char	*clen;

	(void)version;
	if (c == NULL) {
		if ((c = calloc(1, sizeof(*c))) == NULL)
			return (MHD_NO);
		c->started_us = metrics_now_us();
		*con_cls = c;
		if (MHD_get_connection_values(conn, MHD_HEADER_KIND, NULL,
		    NULL) > h->conf->max_headers) {
			c->too_many_headers = 1;
			return (api_http_complete(h, conn, url, method, c));
		}
		clen = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		/* Refuse before reading a body we would throw away. */
		if (clen != NULL && strtoull(clen, NULL, 10) >
		    (unsigned long long)h->conf->max_body_bytes) {
			c->too_large = 1;
			return (api_http_complete(h, conn, url, method, c));
		}
		return (MHD_YES);
	}
	if (c->answered) {
		*upload_data_size = 0;	/* a refused body is thrown away */
		return (MHD_YES);
	}
	if (*upload_data_size > 0) {
		if (api_http_append(c, upload_data, *upload_data_size,
		    (size_t)h->conf->max_body_bytes) < 0)
			return (MHD_NO);
		*upload_data_size = 0;
		return (MHD_YES);
	}
	return (api_http_complete(h, conn, url, method, c));
}

static void
api_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct api_conn *c = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (c == NULL)
		return;
	free(c->buf);
	free(c);
	*con_cls = NULL;
}

static void
api_http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];

	(void)cls;
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	log_info("libmicrohttpd: %s", buf);
}

static struct MHD_Daemon *
api_http_mhd_start(struct api_http *h, unsigned int flags)
{
	return (MHD_start_daemon(flags | h->listen.flags,
	    (uint16_t)h->conf->port, NULL, NULL, api_http_access, h,
	    MHD_OPTION_EXTERNAL_LOGGER, api_http_mhd_log, h,
	    MHD_OPTION_NOTIFY_COMPLETED, api_http_completed, h,
	    MHD_OPTION_ARRAY, h->listen.options,
	    MHD_OPTION_END));
}

int
api_http_start(const struct conf *conf, struct bus *bus,
    struct api_http **ret)
{
	struct api_http		*h;
	/* MHD_USE_ITC: MHD_quiesce_daemon needs it with internal threads. */
	unsigned int		 flags = MHD_USE_AUTO_INTERNAL_THREAD |
				     MHD_USE_ERROR_LOG | MHD_USE_ITC;
	char			 err[512];
	int			 r;

	(void)pthread_once(&api_http_db_once, api_http_db_key_create);
	if (api_metrics_init() < 0 || (h = calloc(1, sizeof(*h))) == NULL) {
		api_metrics_fini();
		return (-ENOMEM);
	}
	h->conf = conf;
	h->bus = bus;
	atomic_init(&h->draining, 0);
	if ((r = api_access_start(conf, err, sizeof(err))) < 0) {
		log_err("Failed to read the tokens: %s", err);
		free(h);
		return (r);
	}
	if ((r = api_listen_prepare(conf, &h->listen)) < 0) {
		api_access_stop();
		free(h);
		return (r);
	}
	if ((r = api_writer_start(conf, &h->writer)) < 0) {
		log_err("Failed to start the store writer: %s", strerror(-r));
		api_listen_clear(&h->listen);
		api_access_stop();
		free(h);
		return (r);
	}
	conf_db_path(conf, h->db_path, sizeof(h->db_path));
	api_reply_set_store(h->db_path);
	h->mhd = api_http_mhd_start(h, flags);
	if (h->mhd == NULL) {
		log_err("Failed to listen on %s port %d%s", h->listen.fd >= 0 ?
		    "the socket from systemd" : conf->listen_address,
		    conf->port, h->listen.cert_pem != NULL ? " with TLS (is "
		    "the key the certificate's?)" : "");
		r = -EADDRNOTAVAIL;
		goto fail;
	}
	if (h->listen.fd >= 0)
		log_notice("Serving the API%s on the socket systemd passed",
		    h->listen.cert_pem != NULL ? " over TLS" : "");
	else
		log_notice("Serving the API on %s://%s:%d/singularity/v1%s",
		    h->listen.cert_pem != NULL ? "https" : "http",
		    conf->listen_address, conf->port, conf->auth_token ?
		    " (auth = token)" : "");
	*ret = h;
	return (0);
fail:
	api_writer_stop(h->writer);
	api_listen_clear(&h->listen);
	api_access_stop();
	free(h);
	api_metrics_fini();
	return (r);
}

static unsigned int
api_http_connections(struct api_http *h)
{
	const union MHD_DaemonInfo *info;

	info = MHD_get_daemon_info(h->mhd,
	    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return (info != NULL ? info->num_connections : 0);
}

/* Wait, bounded, until the connections MHD accepted are all done. */
static void
api_http_drain(struct api_http *h)
{
	const struct timespec	 pause = { 0, API_HTTP_DRAIN_POLL_NS };
	int64_t			 deadline = clock_mono_ms() + API_HTTP_DRAIN_MS;
	unsigned int		 n;

	if ((n = api_http_connections(h)) == 0)
		return;
	log_notice("Finishing %u open connection%s", n, n == 1 ? "" : "s");
	while ((n = api_http_connections(h)) > 0 &&
	    clock_mono_ms() < deadline)
		(void)nanosleep(&pause, NULL);
	if (n > 0)
		log_warnx("%u connection%s still open after %d ms, closing "
		    "them", n, n == 1 ? "" : "s", API_HTTP_DRAIN_MS);
}

void
api_http_stop(struct api_http *h)
{
	MHD_socket fd = MHD_INVALID_SOCKET;

	if (h == NULL)
		return;
	if (h->mhd != NULL) {
		atomic_store(&h->draining, 1);
		/* From here the kernel queues new connections on the socket,
		 * for the next apid when systemd passed it. */
		if ((fd = MHD_quiesce_daemon(h->mhd)) == MHD_INVALID_SOCKET)
			log_warnx("Failed to stop accepting connections, "
			    "ignoring");
		else
			api_http_drain(h);
		MHD_stop_daemon(h->mhd);
		/* Quiesced, MHD left the socket to us: close, never shut
		 * down, so systemd's copy keeps listening. */
		if (fd != MHD_INVALID_SOCKET)
			(void)close(fd);
	}
	api_writer_stop(h->writer);
	api_listen_clear(&h->listen);
	api_access_stop();
	free(h);
	api_metrics_fini();
}
