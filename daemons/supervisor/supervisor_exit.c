/*
 * How the task ended, as its terminal event.  The supervisor reports the
 * raw facts (exit code, signal, the memory limit hit) with its reading
 * of them; the scheduler, which knows whether a kill was asked for, may
 * still call a signalled command TASK_KILLED.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "supervisor.h"

#define SUPERVISOR_EXIT_TAIL_MAX	512

static int
supervisor_exit_oom(struct supervisor *sv)
{
	int r;

	if (!sv->cg_made)
		return (0);
	if ((r = cgroup_task_oom_killed(&sv->cg, sv->task_id)) < 0) {
		log_warnx("Failed to read the OOM count of task %s: %s, "
		    "assuming none", sv->task_id, strerror(-r));
		return (0);
	}
	return (r);
}

static void
supervisor_exit_signame(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev != NULL)
		(void)snprintf(buf, len, "SIG%s", abbrev);
	else
		(void)snprintf(buf, len, "%d", sig);
}

/*
 * The last non-empty line the task wrote to its stderr file (with the
 * journal alone, to the journal), cut to fit len; "" when there is none.  Shells exit 126 or 127 when the command
 * cannot run at all and explain why only there ("sh: 1: /x: Permission
 * denied"), so the task's status message repeats it.
 */
static void
supervisor_exit_stderr_tail(const struct supervisor *sv, char *buf,
    size_t len)
{
	char	 tail[SUPERVISOR_EXIT_TAIL_MAX], path[PATH_MAX];
	char	*end, *start;
	ssize_t	 n;
	off_t	 size;
	int	 fd;

	/* With the journal alone, the last line that went there. */
	(void)snprintf(buf, len, "%s", sv->output.stderr_tail);
	if (snprintf(path, sizeof(path), "%s/stderr", sv->sandbox) >=
	    (int)sizeof(path) ||
	    (fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	n = size < 0 ? -1 : pread(fd, tail, sizeof(tail) - 1,
	    size > (off_t)sizeof(tail) - 1 ? size - (off_t)sizeof(tail) + 1 :
	    0);
	(void)close(fd);
	if (n <= 0)
		return;
	buf[0] = '\0';
	tail[n] = '\0';
	end = tail + n;
	while (end > tail && (end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	start = strrchr(tail, '\n');
	start = start != NULL ? start + 1 : tail;
	n = (ssize_t)strnlen(start, len - 1);
	memcpy(buf, start, (size_t)n);
	buf[n] = '\0';
}

/* Why a command that did run is over, in words. */
static void
supervisor_exit_message(const struct supervisor *sv, struct task_event *e)
{
	char signame[32], why[TASK_EVENT_MESSAGE_MAX - 32];

	if (e->oom)
		(void)snprintf(e->message, sizeof(e->message),
		    "Memory limit exceeded: %g MB", sv->memory_mb);
	else if (e->exit_code == 126 || e->exit_code == 127) {
		supervisor_exit_stderr_tail(sv, why, sizeof(why));
		(void)snprintf(e->message, sizeof(e->message),
		    "Exited with status %d%s%s", e->exit_code,
		    why[0] != '\0' ? ": " : "", why);
	} else if (e->exit_code > 0)
		(void)snprintf(e->message, sizeof(e->message),
		    "Exited with status %d", e->exit_code);
	else if (e->signal > 0) {
		supervisor_exit_signame(e->signal, signame, sizeof(signame));
		(void)snprintf(e->message, sizeof(e->message),
		    "Terminated by signal %s", signame);
	}
}

void
supervisor_exit_outcome(struct supervisor *sv, int status,
    struct task_event *e)
{
	task_event_init(e, sv->task_id);
	e->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	e->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	/* A kill inside the group counts even when the command exited 0. */
	e->oom = supervisor_exit_oom(sv);
	if (e->exit_code == 0 && !e->oom) {
		(void)snprintf(e->state, sizeof(e->state), "TASK_FINISHED");
		return;
	}
	(void)snprintf(e->state, sizeof(e->state), "TASK_FAILED");
	(void)snprintf(e->reason, sizeof(e->reason), "%s", e->oom ?
	    SUPERVISOR_REASON_MEMORY : SUPERVISOR_REASON_FAILED);
	supervisor_exit_message(sv, e);
}

int
supervisor_exit_early(struct supervisor *sv, const char *state,
    const char *reason, const char *fmt, ...)
{
	struct task_event	e;
	va_list			ap;

	task_event_init(&e, sv->task_id);
	(void)snprintf(e.state, sizeof(e.state), "%s", state);
	(void)snprintf(e.reason, sizeof(e.reason), "%s", reason);
	va_start(ap, fmt);
	(void)vsnprintf(e.message, sizeof(e.message), fmt, ap);
	va_end(ap);
	log_notice("task=%s ends before running: %s", sv->task_id, e.message);
	supervisor_report_record(sv, &e);
	return (-1);
}
