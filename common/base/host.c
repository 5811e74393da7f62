/*
 * Facts about the local host, read once per call (cheap: no caching).
 */
#include <sys/sysinfo.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host.h"

void
host_name(const struct conf *conf, char *buf, size_t len)
{
	if (conf->agent_hostname[0] != '\0') {
		(void)snprintf(buf, len, "%s", conf->agent_hostname);
		return;
	}
	if (gethostname(buf, len) != 0 || buf[0] == '\0')
		(void)snprintf(buf, len, "localhost");
	buf[len - 1] = '\0';
}

long
host_uptime_ms(void)
{
	struct sysinfo si;

	if (sysinfo(&si) != 0)
		return (0);
	return (si.uptime * 1000L);
}
