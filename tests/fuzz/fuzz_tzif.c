/*
 * Zone files: tzif_zone_parse() of any bytes (RFC 8536 TZif, versions 1
 * to 4, with a POSIX TZ footer rule), then the offset periods and the
 * next fire times of a few schedules in the zone parsed.  Instants are
 * those the scheduler asks about: 1969 to 2200, and each side of every
 * transition there.
 *
 * Properties: a period holds the instant asked, offsets are within RFC
 * 8536's (plus the 167 hours a v3 rule may shift), a fire is strictly
 * after the instant asked.
 */
#include <errno.h>

#include "cron_next.h"
#include "fuzz.h"
#include "tzif.h"

#define FUZZ_TZIF_FIRST	(-86400LL * 366)		/* 1969 */
#define FUZZ_TZIF_LAST	(7289654400LL)			/* 2201 */
#define FUZZ_TZIF_STEP	(86400LL * 97 + 3607)		/* ~ a season */
#define FUZZ_TZIF_OFF	(168 * 3600)

static const char *const fuzz_tzif_schedules[] = {
	"0 30 2 * * ?",			/* inside a spring-forward gap */
	"0 0 0 L * ?",			/* the last day of the month */
	"0 15 1 ? 11 SUN#1",		/* inside a fall-back repeat */
	"0 */7 * * * ?",
};
#define FUZZ_TZIF_NSCHEDULES \
	(sizeof(fuzz_tzif_schedules) / sizeof(fuzz_tzif_schedules[0]))

static void
fuzz_tzif_period(const struct tzif_zone *z, int64_t t)
{
	struct tzif_period	 p;

	tzif_period_at(z, t, &p);
	FUZZ_ASSERT(p.begin <= t && t < p.end);
	FUZZ_ASSERT(p.off >= -FUZZ_TZIF_OFF && p.off <= FUZZ_TZIF_OFF);
	FUZZ_ASSERT(p.prev >= -FUZZ_TZIF_OFF && p.prev <= FUZZ_TZIF_OFF);
	/* Walk to the neighbours while they are in range. */
	if (p.end != INT64_MAX && p.end <= FUZZ_TZIF_LAST) {
		struct tzif_period	 n;

		tzif_period_at(z, p.end, &n);
		if (n.begin != p.end)
			fprintf(stderr, "at %lld: [%lld, %lld) %d, then "
			    "[%lld, %lld) %d\n", (long long)t,
			    (long long)p.begin, (long long)p.end, p.off,
			    (long long)n.begin, (long long)n.end, n.off);
		FUZZ_ASSERT(n.begin == p.end);
	}
}

static void
fuzz_tzif_next(const struct tzif_zone *z, const char *quartz, int64_t after)
{
	int64_t	 next;
	int	 r;

	r = cron_next_fire_zone(quartz, z, after * 1000, &next);
	FUZZ_ASSERT(r == 0 || r == -ENOENT);
	FUZZ_ASSERT(r != 0 || next > after * 1000);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tzif_zone	*z = NULL;
	struct tzif_period	 p;
	int64_t			 t;
	size_t			 i;
	int			 r;

	if ((r = tzif_zone_parse(data, size, &z)) < 0) {
		FUZZ_ASSERT(r == -EINVAL || r == -ENOMEM);
		FUZZ_ASSERT(z == NULL);
		return (0);
	}
	for (t = FUZZ_TZIF_FIRST; t <= FUZZ_TZIF_LAST; t += FUZZ_TZIF_STEP)
		fuzz_tzif_period(z, t);
	/* Each transition in range, from the period before it on. */
	for (t = FUZZ_TZIF_FIRST; t < FUZZ_TZIF_LAST; t = p.end) {
		tzif_period_at(z, t, &p);
		FUZZ_ASSERT(p.begin <= t && t < p.end);
		if (p.end == INT64_MAX || p.end > FUZZ_TZIF_LAST)
			break;
		fuzz_tzif_period(z, p.end - 1);
		fuzz_tzif_period(z, p.end);
	}
	for (i = 0; i < FUZZ_TZIF_NSCHEDULES; i++) {
		fuzz_tzif_next(z, fuzz_tzif_schedules[i], 0);
		fuzz_tzif_next(z, fuzz_tzif_schedules[i],
		    1700000000 + (int64_t)size * 86400 * 7);
	}
	tzif_zone_free(z);
	return (0);
}
