/*
 * Wall-clock time in milliseconds since the epoch: the unit of every
 * timestamp kerr stores or serves, as in Singularity.
 */
#ifndef KERR_CLOCK_H
#define KERR_CLOCK_H

#include <stdint.h>

int64_t	clock_now_ms(void);
/* Monotonic milliseconds, for timeouts and ticks. */
int64_t	clock_mono_ms(void);

#endif
