/*
 * Schedule expressions of SCHEDULED requests: the conversion of a Unix cron
 * expression into the Quartz form Singularity stores in `quartzSchedule`,
 * and Quartz syntax and range checks.  No fire times here (cron_next.h), no
 * time zones (tzif.h).
 */
#ifndef KERR_CRON_H
#define KERR_CRON_H

#include <stddef.h>

#define CRON_EXPR_MAX	256	/* longest schedule text accepted */
#define CRON_QUARTZ_MAX	512	/* an out buffer this size always suffices */

/*
 * Convert a Unix cron expression into Singularity's Quartz form: 5 fields
 * (seconds "0" prepended), 6 (a leading seconds field) or 7 (seconds, and
 * a trailing year, kept unless it is '*'); one of day-of-month and
 * day-of-week set to '?', day-of-week numbers 0-7 renamed SUN..SAT.  0
 * and out filled, or -EINVAL with a one-line reason in err (also for what
 * cannot be converted faithfully).
 */
int	cron_to_quartz(const char *cron, char *out, size_t outlen, char *err,
	    size_t errlen);
/* 0 when quartz is a valid 6- or 7-field Quartz expression, else -EINVAL. */
int	cron_validate_quartz(const char *quartz, char *err, size_t errlen);
/* The number s[0..len) of 1 to 4 digits: 0 and *ret, or -EINVAL. */
int	cron_number(const char *s, size_t len, int *ret);

#endif
