/*
 * Time sources.  Kept in one place so that a test clock can be injected
 * here later without touching callers.
 */
#include <time.h>

#include "clock.h"

static int64_t
clock_read_ms(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) != 0)
		return (0);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

int64_t
clock_now_ms(void)
{
	return (clock_read_ms(CLOCK_REALTIME));
}

int64_t
clock_mono_ms(void)
{
	return (clock_read_ms(CLOCK_MONOTONIC));
}
