/*
 * Logging backend for log.h.  Every call builds its whole line in a stack
 * buffer and hands it to one write(2) on stderr, so lines from concurrent
 * threads never interleave and nothing here needs a lock.  Under systemd
 * (stderr not a tty) the line carries the sd-daemon "<N>" priority prefix
 * and no timestamp, since journald records both; on a terminal it carries a
 * local timestamp and the level name instead.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

int		 log_verbosity = LOG_NOTICE;
static char	 log_ident[64] = "kerr";
static log_sink_fn log_sink;

/* Indexed by syslog priority; also the names the config file accepts. */
static const char *const log_names[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"
};

void
log_init(const char *ident, int level)
{
	snprintf(log_ident, sizeof(log_ident), "%s", ident);
	log_set_level(level);
}

void
log_set_level(int level)
{
	log_verbosity = level;
}

void
log_set_sink(log_sink_fn sink)
{
	log_sink = sink;
}

const char *
log_get_ident(void)
{
	return (log_ident);
}

int
log_level_from_str(const char *s)
{
	int	 pri;

	if (s == NULL)
		return (-1);
	for (pri = LOG_ERR; pri <= LOG_DEBUG; pri++)
		if (strcmp(s, log_names[pri]) == 0)
			return (pri);
	return (-1);
}

const char *
log_level_to_str(int level)
{
	if (level < LOG_EMERG || level > LOG_DEBUG)
		return ("unknown");
	return (log_names[level]);
}

/* Prefix for a terminal: "YYYY-MM-DD HH:MM:SS.mmm ident: LEVEL ". */
static size_t
log_tty_prefix(char *buf, size_t len, int pri)
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 level[16];
	size_t		 i, n;
	int		 r;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	for (i = 0; i < sizeof(level) - 1 && log_names[pri][i] != '\0'; i++)
		level[i] = toupper((unsigned char)log_names[pri][i]);
	level[i] = '\0';
	r = snprintf(buf + n, len - n, ".%03ld %s: %s ", ts.tv_nsec / 1000000,
	    log_ident, level);
	return (n + (r < 0 ? 0 : (size_t)r));
}

/*
 * Format and write one line; errstr, if set, is appended after ": ".  It
 * comes from strerror(), which glibc has made thread-safe since 2.32.
 */
static void
log_vemit(int pri, const char *errstr, const char *fmt, va_list ap)
{
	char	 msg[LOG_LINE_MAX], line[LOG_LINE_MAX + 128];
	size_t	 n;
	int	 r, saved_errno = errno;

	pri &= LOG_PRIMASK;
	r = vsnprintf(msg, sizeof(msg), fmt, ap);
	n = r < 0 ? 0 : (size_t)r;
	if (errstr != NULL && n < sizeof(msg))
		(void)snprintf(msg + n, sizeof(msg) - n, ": %s", errstr);
	/* A sink that fails (journald gone) falls back to plain stderr. */
	if (log_sink != NULL && log_sink(pri, msg) == 0) {
		errno = saved_errno;
		return;
	}
	if (isatty(STDERR_FILENO))
		n = log_tty_prefix(line, sizeof(line), pri);
	else {
		r = snprintf(line, sizeof(line), "<%d>%s: ", pri, log_ident);
		n = r < 0 ? 0 : (size_t)r;
	}
	if (n < sizeof(line)) {
		r = snprintf(line + n, sizeof(line) - n, "%s", msg);
		n += r < 0 ? 0 : (size_t)r;
	}
	/* A truncated line still ends in a newline. */
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';

	while (write(STDERR_FILENO, line, n) == -1 && errno == EINTR)
		;
	errno = saved_errno;
}

void
log_emit(int pri, const char *fmt, ...)
{
	va_list	 ap;

	if ((pri & LOG_PRIMASK) > log_verbosity)
		return;
	va_start(ap, fmt);
	log_vemit(pri, NULL, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved_errno = errno;

	if (LOG_WARNING > log_verbosity)
		return;
	va_start(ap, fmt);
	log_vemit(LOG_WARNING, strerror(saved_errno), fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved_errno = errno;

	va_start(ap, fmt);
	log_vemit(LOG_CRIT, strerror(saved_errno), fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vemit(LOG_CRIT, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
