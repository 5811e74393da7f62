/*
 * IANA time zones read from the system's TZif files, without TZ/tzset(),
 * so every function here is safe in threads; and the proleptic Gregorian
 * calendar that zone rules and fire times are computed in.
 */
#ifndef KERR_TZIF_H
#define KERR_TZIF_H

#include <stdint.h>

#define TZIF_DAY	86400
#define TZIF_OFF_MAX	93599		/* largest UTC offset, RFC 8536 */

struct tzif_zone;

/* A stretch of one UTC offset: [begin, end), INT64_MIN/MAX when open. */
struct tzif_period {
	int64_t	 begin;
	int64_t	 end;
	int32_t	 prev;		/* the offset before begin */
	int32_t	 off;		/* seconds east of UTC */
};

/* A wall-clock time broken down. */
struct tzif_tm {
	int	 y;
	int	 mo;		/* 1-12 */
	int	 d;		/* 1-31 */
	int	 h;
	int	 mi;
	int	 s;
};

/*
 * Load zone tz; NULL, "", "UTC" and "GMT" are UTC without a file.  0 and
 * *ret (the caller's; release with tzif_zone_free(), may be shared by
 * threads), -EINVAL for an unsafe name or a file that is not TZif data,
 * -ENOENT for no such zone, -ENOMEM, or another -errno from reading.
 */
int	tzif_zone_load(const char *tz, struct tzif_zone **ret);
/* The zone of TZif file contents p[0..len): 0 and *ret (free with
 * tzif_zone_free), -EINVAL for a malformed file, -ENOMEM. */
int	tzif_zone_parse(const uint8_t *p, size_t len, struct tzif_zone **ret);
/* Release a zone; NULL is a no-op. */
void	tzif_zone_free(struct tzif_zone *z);
/* 1 when tz is "UTC", "GMT" or a safe name of a TZif file, else 0. */
int	tzif_zone_is_valid(const char *tz);
/* The offset period of zone z (NULL: UTC) holding UTC instant t. */
void	tzif_period_at(const struct tzif_zone *z, int64_t t,
	    struct tzif_period *ret);

/* a / b rounded down. */
int64_t	tzif_floordiv(int64_t a, int64_t b);
/* Days in month m (1-12) of year y. */
int	tzif_ldom(int64_t y, int m);
/* Days since 1970-01-01 of y-m-d. */
int64_t	tzif_days(int64_t y, int m, int d);
/* Weekday of a day since 1970-01-01: 0 Sunday .. 6 Saturday. */
int	tzif_wday(int64_t days);
/* Seconds since the epoch (of a wall clock) broken down, and back. */
void	tzif_civil(int64_t secs, struct tzif_tm *ret);
int64_t	tzif_secs(const struct tzif_tm *tm);

#endif
