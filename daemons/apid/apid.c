/*
 * kerr-apid: the REST API.  Validates, writes the store, then rings the
 * bus; never launches or kills anything itself.  Publishes every topic of
 * bus_msg.h whose sender is "apid"; subscribes to none.
 */
#include <stdio.h>

#include "api_http.h"
#include "daemon.h"
#include "log.h"
#include "notify.h"

int
main(int argc, char **argv)
{
	static const struct daemon_handlers handlers = { NULL, NULL, NULL };
	struct daemon	 d;
	struct api_http	*http = NULL;
	int		 r;

	if ((r = daemon_init(&d, "apid", argc, argv, NULL, 0)) != 0)
		goto out;
	if ((r = api_http_start(&d.conf, d.bus, &http)) < 0)
		goto out;
	daemon_ready(&d, "Serving the Singularity API");
	r = daemon_run(&d, &handlers, NULL);
	daemon_stopping(&d);
out:
	api_http_stop(http);
	daemon_fini(&d);
	return (daemon_exit_status(&d, r));
}
