/*
 * The Slurm executor's pure parts, for tests (executor_slurm.c).
 */
#ifndef KERR_EXECUTOR_SLURM_H
#define KERR_EXECUTOR_SLURM_H

#include <stddef.h>

/*
 * The partition of rack in map ("RACK=PARTITION,..."): 1 and its name in
 * buf, 0 when the rack is not listed (Slurm's default partition), or
 * -ENAMETOOLONG.
 */
int	executor_slurm_partition(const char *map, const char *rack, char *buf,
	    size_t len);

#endif
