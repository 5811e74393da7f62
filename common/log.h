/*
 * Logging: one line per call on stderr.  Under systemd (stderr not a tty)
 * each line starts with the sd-daemon priority prefix "<N>" so journald
 * files it at the right level; on a terminal it reads
 * "2026-11-25 12:00:00.123 ident: LEVEL message".
 * Code in common/ logs at debug at most; daemons log what goes wrong once.
 */
#ifndef KERR_LOG_H
#define KERR_LOG_H

#include <syslog.h>

#define LOG_LINE_MAX	2048		/* longer messages are cut */

extern int log_verbosity;		/* highest priority printed */

void	log_init(const char *ident, int level);
void	log_set_level(int level);
const char *log_get_ident(void);

/*
 * Where formatted lines go instead of stderr (NULL: stderr).  msg has no
 * prefix and no newline; a sink returns 0 when it took the line, negative
 * to have it written to stderr after all.
 */
typedef int (*log_sink_fn)(int pri, const char *msg);
void	log_set_sink(log_sink_fn sink);
/* Parse "err", "warning", "notice", "info", "debug"; -1 if unknown. */
int	log_level_from_str(const char *s);
const char *log_level_to_str(int level);

void	log_emit(int pri, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* log_warn and fatal append ": strerror(errno)". */
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* The level is checked before the arguments are formatted. */
#define log_at(pri, ...)						\
	do {								\
		if ((pri) <= log_verbosity)				\
			log_emit((pri), __VA_ARGS__);			\
	} while (0)
#define log_err(...)	log_at(LOG_ERR, __VA_ARGS__)
#define log_warnx(...)	log_at(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	log_at(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_at(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_at(LOG_DEBUG, __VA_ARGS__)

#endif
