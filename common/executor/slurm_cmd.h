/*
 * Running Slurm's commands (sbatch, squeue, scancel, scontrol) for the
 * Slurm executor: spawned directly (no shell), their output read whole,
 * bounded in time, reaped by pid.
 */
#ifndef KERR_SLURM_CMD_H
#define KERR_SLURM_CMD_H

#include <stddef.h>

/* The longest a command may take: slurmctld answers in milliseconds;
 * one that does not is down, and the caller retries on a later tick. */
#define SLURM_CMD_TIMEOUT_MS	30000

/*
 * Run argv[0] (through PATH) with envp, stdin from /dev/null.  Its stdout
 * in *ret_out (NUL-terminated, the caller frees; NULL not wanted), the
 * first line of its stderr in err.  The exit status (0-255), or negative
 * errno (-ETIMEDOUT: killed after SLURM_CMD_TIMEOUT_MS).  keep_fd, when
 * not -1, is passed on to the command as descriptor 3 (a claim the
 * command must hold while it runs).
 */
int	slurm_cmd_run(char *const *argv, char *const *envp, int keep_fd,
	    char **ret_out, char *err, size_t errlen);

#endif
