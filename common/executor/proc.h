/*
 * What /proc says about a process: enough to tell a live process from a
 * dead one whose pid has since been handed to someone else.
 */
#ifndef KERR_PROC_H
#define KERR_PROC_H

#include <stdint.h>
#include <sys/types.h>

/*
 * The start time of pid in clock ticks since boot (field 22 of
 * /proc/<pid>/stat): with the pid it names one process for good.  0 with
 * *ret set; -ESRCH when there is no such process or it is a zombie;
 * -EINVAL for pid <= 0; other negative errno when /proc cannot be read.
 */
int	proc_start_ticks(pid_t pid, uint64_t *ret);

#endif
