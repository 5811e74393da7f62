/*
 * sd_notify / sd_listen_fds wrappers.  Kept apart so that the daemons
 * never call libsystemd directly and behave the same without systemd.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <systemd/sd-daemon.h>

#include "notify.h"

int
notify_ready(const char *status)
{
	if (status == NULL)
		return (sd_notify(0, "READY=1"));
	return (sd_notifyf(0, "READY=1\nSTATUS=%s", status));
}

int
notify_status(const char *fmt, ...)
{
	char	buf[256];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return (sd_notifyf(0, "STATUS=%s", buf));
}

int
notify_enabled(void)
{
	const char *s = getenv("NOTIFY_SOCKET");

	return (s != NULL && s[0] != '\0');
}

int
notify_stopping(void)
{
	return (sd_notify(0, "STOPPING=1"));
}

int
notify_watchdog(void)
{
	return (sd_notify(0, "WATCHDOG=1"));
}

uint64_t
notify_watchdog_usec(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return (0);
	return (usec);
}

int
notify_listen_fd(int *ret_fd)
{
	int n = sd_listen_fds(1);

	if (n < 0)
		return (n);
	if (n == 0)
		return (0);
	if (n > 1)
		return (-E2BIG);
	*ret_fd = SD_LISTEN_FDS_START;
	return (1);
}
