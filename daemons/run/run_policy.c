/*
 * The restart policy of kerr-run, as pure functions of a wait status and
 * a run time (see run.h).  No process, no clock: tests call them directly.
 */
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "run.h"

unsigned int
run_policy_delay(unsigned int *next, int64_t ran_ms)
{
	unsigned int delay;

	if (*next == 0 || ran_ms >= RUN_RESET_AFTER_MS)
		*next = RUN_DELAY_FIRST_S;
	delay = *next;
	*next = delay >= RUN_DELAY_MAX_S / 2 ? RUN_DELAY_MAX_S : delay * 2;
	return (delay);
}

int
run_policy_restart(int status)
{
	if (WIFEXITED(status))
		return (WEXITSTATUS(status) != 0 &&
		    WEXITSTATUS(status) != DAEMON_EXIT_RUNNING);
	if (WIFSIGNALED(status))
		switch (WTERMSIG(status)) {
		case SIGHUP:
		case SIGINT:
		case SIGTERM:
		case SIGPIPE:
			return (0);
		default:
			return (1);
		}
	return (0);	/* stopped or continued: not an exit */
}

void
run_policy_describe(int status, char *buf, size_t len)
{
	const char *abbrev;

	if (WIFEXITED(status)) {
		(void)snprintf(buf, len, "exited with status %d%s",
		    WEXITSTATUS(status), WEXITSTATUS(status) ==
		    DAEMON_EXIT_RUNNING ? " (another copy is running)" : "");
		return;
	}
	if (!WIFSIGNALED(status)) {
		(void)snprintf(buf, len, "changed state (wait status 0x%x)",
		    (unsigned int)status);
		return;
	}
	abbrev = sigabbrev_np(WTERMSIG(status));
	(void)snprintf(buf, len, "killed by signal %d (%s)%s",
	    WTERMSIG(status), abbrev != NULL ? abbrev : "unknown",
	    WCOREDUMP(status) ? ", core dumped" : "");
}
