/*
 * Time zones for the cron harness: UTC and, where the system has them,
 * zones with the odd cases (a 30-minute DST shift, a southern summer, a
 * zone that skipped a whole day).  Loaded once; a missing one is left out.
 */
#ifndef KERR_FUZZ_ZONES_H
#define KERR_FUZZ_ZONES_H

#include "tzif.h"

static const char *const fuzz_zone_names[] = {
	"UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe",
	"Pacific/Apia", "Asia/Kolkata", "America/Sao_Paulo",
};
#define FUZZ_NZONES (sizeof(fuzz_zone_names) / sizeof(fuzz_zone_names[0]))

static struct tzif_zone	*fuzz_zones[FUZZ_NZONES];
static size_t		 fuzz_nzones;

static inline void
fuzz_zones_init(void)
{
	size_t	 i;

	for (i = 0; i < FUZZ_NZONES; i++)
		if (tzif_zone_load(fuzz_zone_names[i],
		    &fuzz_zones[fuzz_nzones]) == 0)
			fuzz_nzones++;
	if (fuzz_nzones == 0) {
		fprintf(stderr, "no time zone loads, not even UTC\n");
		abort();
	}
}

#endif
