/*
 * kerr-apid: the REST API.  Validates, writes the store, then rings the
 * bus; never launches or kills anything itself.  Publishes every topic of
 * bus_msg.h whose sender is "apid"; subscribes to none.
 */
#include "api_http.h"
#include "daemon.h"

static int
apid_start(void *arg, struct daemon *d)
{
	return (api_http_start(&d->conf, d->bus, arg));
}

static void
apid_stop(void *arg)
{
	struct api_http **http = arg;

	api_http_stop(*http);
}

int
main(int argc, char **argv)
{
	static const struct daemon_role role = {
		.name = "apid", .status = "Serving the Singularity API",
		.start = apid_start, .stop = apid_stop,
	};
	struct api_http *http = NULL;

	return (daemon_main(&role, argc, argv, &http));
}
