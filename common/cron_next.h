/*
 * Fire times of SCHEDULED requests: the first instant after a given one at
 * which a Quartz expression (as cron_validate_quartz() accepts it) fires in
 * an IANA time zone.  Zones are read from the system's TZif files, never
 * through TZ/tzset(), so every function here is safe in threads.
 */
#ifndef KERR_CRON_NEXT_H
#define KERR_CRON_NEXT_H

#include <stdint.h>

struct cron_zone;

/*
 * Load zone tz; NULL, "", "UTC" and "GMT" are UTC without a file.  0 and
 * *ret (the caller's; release with cron_zone_free(), may be shared by
 * threads), -EINVAL for an unsafe name or a file that is not TZif data,
 * -ENOENT for no such zone, -ENOMEM, or another -errno from reading.
 */
int	cron_zone_load(const char *tz, struct cron_zone **ret);
/* Release a zone; NULL is a no-op. */
void	cron_zone_free(struct cron_zone *z);
/*
 * First fire time of quartz strictly after after_ms (ms since the epoch),
 * evaluated in zone z (NULL: UTC), into *ret_ms.  0, -EINVAL when quartz
 * is not a valid expression, -ENOENT when it never fires again (up to the
 * year 2199, the last year a Quartz year field may name).
 */
int	cron_next_fire_zone(const char *quartz, const struct cron_zone *z,
	    int64_t after_ms, int64_t *ret_ms);
/*
 * The same with the zone named by tz, loaded and released on each call.
 * An unknown or unreadable zone is -EINVAL here: it is a bad schedule, not
 * the "no further fire time" that -ENOENT means.
 */
int	cron_next_fire(const char *quartz, const char *tz, int64_t after_ms,
	    int64_t *ret_ms);

#endif
