/*
 * The round trip of a model (request, deploy): what kerr stored, posted
 * back, must be accepted and normalise to itself.
 */
#ifndef KERR_FUZZ_ROUND_TRIP_H
#define KERR_FUZZ_ROUND_TRIP_H

#include <errno.h>

#include <jansson.h>

#include "fuzz.h"

/* r and again: what normalising norm again returned; err its refusal. */
static inline void
fuzz_check_round_trip(const json_t *norm, const json_t *again, int r,
    const char *err)
{
	if (r != 0 || !json_equal(norm, again)) {
		fprintf(stderr, "posted back: %s\n", err);
		json_dumpf(norm, stderr, JSON_SORT_KEYS);
		fputc('\n', stderr);
		if (again != NULL)
			json_dumpf(again, stderr, JSON_SORT_KEYS);
		fputc('\n', stderr);
	}
	FUZZ_ASSERT(r == 0 || r == -ENOMEM);
	FUZZ_ASSERT(r != 0 || json_equal(norm, again));
}

#endif
