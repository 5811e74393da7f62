/*
 * The task's artifacts (-X FETCHER with -F NAMES): in the child, once it
 * is the task user in the sandbox with its stdout and stderr, before the
 * exec, kerr-fetch puts them in the sandbox.  Its list, root's in
 * <sandbox>/.kerr, is opened before the switch to the task user and
 * handed over as stdin; kerr-fetch itself is opened then too, so a task
 * user who cannot walk to it (a build in a private directory) still runs
 * it.  Its one-line failure comes back on a pipe and becomes the task's.  The supervisor itself links neither libcurl nor
 * libarchive: only a task with artifacts pays for them.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "executor_local.h"
#include "supervisor.h"

#define SUPERVISOR_FETCH_ERROR_FD	3	/* kerr-fetch's FETCH_ERROR_FD */
#define SUPERVISOR_FETCH_PROGRAM_FD	4

int
supervisor_fetch_open(const struct supervisor *sv, int *program)
{
	int	list, saved;

	*program = -1;
	if (sv->fetcher == NULL || sv->dirfd < 0)
		return (-1);
	if ((list = openat(sv->dirfd, EXECUTOR_LOCAL_ARTIFACTS, O_RDONLY |
	    O_NOFOLLOW | O_CLOEXEC)) < 0)
		return (-1);
	if ((*program = open(sv->fetcher, O_PATH | O_CLOEXEC)) < 0) {
		saved = errno;
		(void)close(list);
		errno = saved;
		return (-1);
	}
	return (list);
}

/*
 * The fetcher, in the grandchild: the list on stdin, the pipe as fd 3.
 * A failed exec says why on that pipe, like any other fetch failure.
 */
static void __attribute__((noreturn))
supervisor_fetch_exec(const struct supervisor *sv, int list, int program,
    int errw)
{
	char *const	argv[] = { (char *)(uintptr_t)sv->fetcher, NULL };
	extern char   **environ;

	if (dup2(list, STDIN_FILENO) < 0 ||
	    dup2(errw, SUPERVISOR_FETCH_ERROR_FD) < 0 ||
	    dup2(program, SUPERVISOR_FETCH_PROGRAM_FD) < 0 ||
	    fcntl(SUPERVISOR_FETCH_PROGRAM_FD, F_SETFD, FD_CLOEXEC) < 0)
		_exit(126);
	supervisor_close_fds(SUPERVISOR_FETCH_PROGRAM_FD + 1, 0);
	(void)execveat(SUPERVISOR_FETCH_PROGRAM_FD, "", argv, environ,
	    AT_EMPTY_PATH);
	(void)dprintf(SUPERVISOR_FETCH_ERROR_FD,
	    "cannot execute %s: %s", sv->fetcher, strerror(errno));
	_exit(127);
}

int
supervisor_fetch_run(const struct supervisor *sv, int list, int program,
    char *why, size_t len)
{
	pid_t	pid;
	ssize_t	n;
	int	p[2], status;

	why[0] = '\0';
	if (pipe2(p, O_CLOEXEC) != 0) {
		(void)snprintf(why, len, "pipe: %s", strerror(errno));
		return (-1);
	}
	if ((pid = fork()) < 0) {
		(void)snprintf(why, len, "fork: %s", strerror(errno));
		(void)close(p[0]);
		(void)close(p[1]);
		return (-1);
	}
	if (pid == 0) {
		(void)close(p[0]);
		supervisor_fetch_exec(sv, list, program, p[1]);
	}
	(void)close(p[1]);
	while ((n = read(p[0], why, len - 1)) < 0 && errno == EINTR)
		;
	why[n > 0 ? n : 0] = '\0';
	(void)close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			(void)snprintf(why, len, "waitpid: %s",
			    strerror(errno));
			return (-1);
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return (0);
	if (why[0] == '\0')
		(void)snprintf(why, len, "kerr-fetch ended with status %d",
		    WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status));
	return (-1);
}
