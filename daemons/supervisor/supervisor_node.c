/*
 * The supervisor as a cluster engine's task wrapper (-N RACK): it runs as
 * a Slurm job on a node the scheduler did not choose, so it says where
 * it is.  Every event carries this node's name, the rack (the Slurm
 * partition) and the ports picked here; TASK_HOST and PORT, PORT0...
 * are set for the command to match.  Stops come to the wrapper (scancel
 * --batch reaches only it), so every one is passed on to the command.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "supervisor.h"

/* "N:MIN-MAX": N ports out of MIN..MAX; 0 or -1 when malformed. */
int
supervisor_node_parse_ports(const char *s, struct supervisor_ports *ret)
{
	int n, min, max, used;

	if (sscanf(s, "%d:%d-%d%n", &n, &min, &max, &used) != 3 ||
	    s[used] != '\0' || n < 0 || n > SUPERVISOR_PORTS_MAX ||
	    min < 1 || max > 65535 || min > max || n > max - min + 1)
		return (-1);
	ret->count = n;
	ret->min = min;
	ret->max = max;
	return (0);
}

/* Free on this node: nothing is bound to it right now. */
static int
supervisor_node_port_free(int port)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	int			fd, ok;

	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return (0);
	ok = bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	(void)close(fd);
	return (ok);
}

static int
supervisor_node_setenv_port(const char *key, int port)
{
	char v[16];

	(void)snprintf(v, sizeof(v), "%d", port);
	return (setenv(key, v, 1));
}

/*
 * Pick the ports from a start that differs per task (tasks starting on
 * one node at once rarely test the same port), in the environment and
 * in the events' ports= field.
 */
static int
supervisor_node_ports(struct supervisor *sv)
{
	const struct supervisor_ports	*p = &sv->ports;
	char				 key[16];
	size_t				 len = 0;
	int				 span = p->max - p->min + 1;
	int				 got = 0, tries, port;

	port = p->min + (int)(((unsigned)getpid() * 7919u +
	    (unsigned)clock_now_ms()) % (unsigned)span);
	for (tries = 0; got < p->count && tries < span; tries++, port++) {
		if (port > p->max)
			port = p->min;
		if (!supervisor_node_port_free(port))
			continue;
		(void)snprintf(key, sizeof(key), "PORT%d", got);
		if (supervisor_node_setenv_port(key, port) != 0 ||
		    (got == 0 && supervisor_node_setenv_port("PORT",
		    port) != 0))
			return (-errno);
		len += (size_t)snprintf(sv->placed_ports + len,
		    sizeof(sv->placed_ports) - len, "%s%d", got > 0 ? "," : "",
		    port);
		got++;
	}
	return (got == p->count ? 0 : -EADDRNOTAVAIL);
}

int
supervisor_node_setup(struct supervisor *sv)
{
	int r;

	if (sv->rack == NULL)
		return (0);
	if (sv->host[0] == '\0')
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to read the node's "
		    "name"));
	if (setenv("TASK_HOST", sv->host, 1) != 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to build the "
		    "environment: %s", strerror(errno)));
	if ((r = supervisor_node_ports(sv)) < 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_LAUNCH, "No %d free ports in %d-%d on "
		    "%s: %s", sv->ports.count, sv->ports.min, sv->ports.max,
		    sv->host, strerror(-r)));
	return (0);
}

void
supervisor_node_place(const struct supervisor *sv, struct task_event *e)
{
	if (sv->rack == NULL)
		return;
	(void)snprintf(e->host, sizeof(e->host), "%s", sv->host);
	(void)snprintf(e->rack, sizeof(e->rack), "%s", sv->rack);
	(void)snprintf(e->ports, sizeof(e->ports), "%s", sv->placed_ports);
}
