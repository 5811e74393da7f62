/*
 * SCHEDULED requests' schedules: cron_to_quartz() of any text,
 * cron_validate_quartz() of any text, and the next fire time
 * (cron_next_fire_zone(), daemons/schedulerd/cron_next.c) of what they
 * accept, in several zones from several instants.  The first input byte
 * picks the zone and the instant, the rest is the expression.
 *
 * Properties: a refusal is -EINVAL with a one-line reason; a conversion
 * is a valid Quartz expression; a fire is on a whole second strictly
 * after the instant asked, and the fire after it later still.
 */
#include <errno.h>

#include "cron.h"
#include "cron_next.h"
#include "fuzz.h"
#include "fuzz_zones.h"

/* ms: the epoch, 2000-02-29, November 2023, New York's spring-forward
 * and fall-back of 2024, 2100, and the last second of 2199. */
static const int64_t fuzz_cron_afters[] = {
	0, 951782400000LL, 1700000000000LL, 1710054000000LL,
	1730595600000LL, 4102444800000LL, 7258118399000LL,
};
#define FUZZ_CRON_NAFTERS \
	(sizeof(fuzz_cron_afters) / sizeof(fuzz_cron_afters[0]))

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_zones_init();
	return (0);
}

static void
fuzz_cron_next(const char *quartz, const struct tzif_zone *z, int64_t after)
{
	int64_t	 next, later;
	int	 r;

	r = cron_next_fire_zone(quartz, z, after, &next);
	FUZZ_ASSERT(r == 0 || r == -ENOENT);
	if (r != 0)
		return;
	FUZZ_ASSERT(next > after);
	FUZZ_ASSERT(next % 1000 == 0);
	r = cron_next_fire_zone(quartz, z, next, &later);
	FUZZ_ASSERT(r == 0 || r == -ENOENT);
	FUZZ_ASSERT(r != 0 || later > next);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct tzif_zone	*z;
	char			*text, quartz[CRON_QUARTZ_MAX], err[512];
	int64_t			 after;
	int			 r;

	if (size < 1 || (text = fuzz_cstr(data + 1, size - 1)) == NULL)
		return (0);
	z = fuzz_zones[data[0] % fuzz_nzones];
	after = fuzz_cron_afters[data[0] / fuzz_nzones % FUZZ_CRON_NAFTERS];

	err[0] = '\0';
	r = cron_to_quartz(text, quartz, sizeof(quartz), err, sizeof(err));
	if (r < 0 && !fuzz_one_line(err))
		fprintf(stderr, "refused: '%s'\n", err);
	FUZZ_ASSERT(r == 0 || (r == -EINVAL && fuzz_one_line(err)));
	if (r == 0) {
		FUZZ_ASSERT(strlen(quartz) < sizeof(quartz));
		err[0] = '\0';
		r = cron_validate_quartz(quartz, err, sizeof(err));
		if (r != 0)
			fprintf(stderr, "'%s' -> '%s': %s\n", text, quartz,
			    err);
		FUZZ_ASSERT(r == 0);
		fuzz_cron_next(quartz, z, after);
	}

	err[0] = '\0';
	r = cron_validate_quartz(text, err, sizeof(err));
	if (r < 0 && !fuzz_one_line(err))
		fprintf(stderr, "refused: '%s'\n", err);
	FUZZ_ASSERT(r == 0 || (r == -EINVAL && fuzz_one_line(err)));
	if (r == 0)
		fuzz_cron_next(text, z, after);
	free(text);
	return (0);
}
