/*
 * The HTTP server of kerr-apid (libmicrohttpd).  Listens on the socket
 * systemd passed, or on listen_address:port.
 */
#ifndef KERR_API_HTTP_H
#define KERR_API_HTTP_H

#include "bus.h"
#include "conf.h"

struct api_http;

/* Start serving; *ret owned by the caller.  Logs its own failures. */
int	api_http_start(const struct conf *conf, struct bus *bus,
	    struct api_http **ret);
/* Stop accepting, finish the requests already accepted (10 s at most),
 * stop the worker threads and close our listening descriptor without
 * shutting the socket down; accepts NULL. */
void	api_http_stop(struct api_http *h);

#endif
