/*
 * Fire times of SCHEDULED requests: the first instant after a given one at
 * which a Quartz expression (as cron_validate_quartz() accepts it) fires in
 * an IANA time zone (tzif.h).  Every function here is safe in threads.
 */
#ifndef KERR_CRON_NEXT_H
#define KERR_CRON_NEXT_H

#include <stdint.h>

struct tzif_zone;

/*
 * First fire time of quartz strictly after after_ms (ms since the epoch),
 * evaluated in zone z (NULL: UTC), into *ret_ms.  0, -EINVAL when quartz
 * is not a valid expression, -ENOENT when it never fires again (up to the
 * year 2199, the last year a Quartz year field may name).
 */
int	cron_next_fire_zone(const char *quartz, const struct tzif_zone *z,
	    int64_t after_ms, int64_t *ret_ms);
/*
 * The same with the zone named by tz, loaded and released on each call.
 * An unknown or unreadable zone is -EINVAL here: it is a bad schedule, not
 * the "no further fire time" that -ENOENT means.
 */
int	cron_next_fire(const char *quartz, const char *tz, int64_t after_ms,
	    int64_t *ret_ms);

#endif
