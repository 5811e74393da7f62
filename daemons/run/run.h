/*
 * kerr-run: the three daemons in the foreground without systemd (what
 * `make run` runs), restarted the way systemd's Restart=on-failure would.
 *
 * run.c		main: config, the children, signals, the loop
 * run_policy.c		pure: which exits restart, after what delay, and
 *			the words for an exit status (unit-tested)
 */
#ifndef KERR_RUN_H
#define KERR_RUN_H

#include <stddef.h>
#include <stdint.h>

#define RUN_DELAY_FIRST_S	1	/* then doubled ... */
#define RUN_DELAY_MAX_S		30	/* ... up to this */
#define RUN_RESET_AFTER_MS	60000	/* a run this long resets the delay */

/*
 * The delay in seconds before restarting a daemon that failed after
 * running ran_ms.  *next holds the delay for the next failure (start it at
 * 0): it doubles up to RUN_DELAY_MAX_S, and a run of RUN_RESET_AFTER_MS or
 * more starts it again from RUN_DELAY_FIRST_S.
 */
unsigned int	run_policy_delay(unsigned int *next, int64_t ran_ms);

/*
 * 1 when a daemon that ended with this wait status is to be restarted:
 * it failed.  0 for a clean exit (status 0, or killed by SIGHUP, SIGINT,
 * SIGTERM or SIGPIPE: someone asked it to stop, as systemd counts them)
 * and for DAEMON_EXIT_RUNNING: another copy holds its lock, so it is
 * running already.
 */
int		run_policy_restart(int status);

/* "exited with status 1", "killed by signal 9 (KILL)" into buf. */
void		run_policy_describe(int status, char *buf, size_t len);

#endif
