/*
 * systemd integration: thin wrappers over sd_notify and sd_listen_fds.
 * With no NOTIFY_SOCKET (no systemd) every call is a harmless no-op.
 */
#ifndef KERR_NOTIFY_H
#define KERR_NOTIFY_H

#include <stdint.h>

int	notify_ready(const char *status);
int	notify_status(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* 1 when a service manager listens (NOTIFY_SOCKET): what only goes
 * into STATUS= need not be computed otherwise. */
int	notify_enabled(void);
int	notify_stopping(void);
int	notify_watchdog(void);
/* Watchdog interval in microseconds, or 0 when the watchdog is off. */
uint64_t notify_watchdog_usec(void);
/*
 * The one socket systemd passed us (socket activation): 1 with *ret_fd set,
 * 0 when none was passed, negative errno on error (e.g. more than one).
 */
int	notify_listen_fd(int *ret_fd);

#endif
