/*
 * kerr-apid: the REST API.  Validates, writes the store, then rings the
 * bus; never launches or kills anything itself.  Publishes every topic of
 * bus_msg.h whose sender is "apid"; subscribes to none.
 *
 * kerr-apid --new-token USER [GROUP,GROUP] prints a new token and the
 * line of tokens_file that lets it in, and exits.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api_http.h"
#include "api_tokens.h"
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

/* The token once on stdout, then its line: the file never holds it. */
static int
apid_new_token(int argc, char **argv)
{
	char	token[128], line[1024];
	int	r;

	if (argc < 3 || argc > 4) {
		(void)fprintf(stderr, "usage: kerr-apid --new-token USER "
		    "[GROUP,GROUP...]\n");
		return (2);
	}
	if ((r = api_tokens_new(argv[2], argc == 4 ? argv[3] : "", token,
	    sizeof(token), line, sizeof(line))) < 0) {
		(void)fprintf(stderr, "kerr-apid: %s\n", r == -EINVAL ?
		    "a user or group name with spaces, commas (in the user) "
		    "or control characters, or too long" : strerror(-r));
		return (1);
	}
	(void)printf("token: %s\n", token);
	(void)printf("add to tokens_file: %s\n", line);
	return (0);
}

int
main(int argc, char **argv)
{
	static const struct daemon_role role = {
		.name = "apid", .status = "Serving the Singularity API",
		.start = apid_start, .stop = apid_stop,
	};
	struct api_http *http = NULL;

	if (argc > 1 && strcmp(argv[1], "--new-token") == 0)
		return (apid_new_token(argc, argv));
	return (daemon_main(&role, argc, argv, &http));
}
