/*
 * The task's command: its resource limits, and the child that runs it in
 * a process group of its own inside the sandbox, as the task user.  The
 * child reports a failure before exec as a whole terminal event (reason
 * and message) on a close-on-exec pipe; end of file there means the exec
 * happened, which is the moment of TASK_RUNNING.  The supervisor has a
 * single thread, so the child may allocate and read files between fork
 * and exec; what it does there (the user lookup above all) costs the
 * long-lived supervisor no memory.
 */
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "supervisor.h"
#include "supervisor_user.h"

#define SUPERVISOR_CHILD_ENV	"MESOS_SANDBOX"
#define SUPERVISOR_CHILD_STATUS	127	/* the child's, when it cannot exec */

/* Where the child failed, for the message. */
enum supervisor_child_step {
	SUPERVISOR_CHILD_SETPGID,
	SUPERVISOR_CHILD_CGROUP,
	SUPERVISOR_CHILD_CHDIR,
	SUPERVISOR_CHILD_STDIO,
	SUPERVISOR_CHILD_USER,
	SUPERVISOR_CHILD_EXEC
};

static const char *const supervisor_child_steps[] = {
	"setpgid", "joining its cgroup", "chdir to the sandbox",
	"opening stdout and stderr", "switching user", "exec"
};

/* What a child that cannot exec says: its terminal event, in short. */
struct supervisor_child_error {
	char	reason[TASK_EVENT_REASON_MAX];
	char	message[TASK_EVENT_MESSAGE_MAX];
};

/* Limits: a failed mkdir runs the task without; a failed memory limit
 * is the task's failure, since it asked not to use more. */
int
supervisor_child_limits(struct supervisor *sv)
{
	int r;

	if (sv->cpus <= 0 && sv->memory_mb <= 0)
		return (0);
	if ((r = cgroup_detect(&sv->cg)) < 0 || sv->cg.mode == CGROUP_NONE) {
		log_notice("No cgroup controllers: task %s runs without "
		    "resource limits", sv->task_id);
		return (0);
	}
	if ((r = cgroup_task_mkdir(&sv->cg, sv->task_id, sv->cpus,
	    sv->memory_mb)) < 0) {
		log_warnx("Failed to create the cgroups of task %s: %s, "
		    "running it without limits", sv->task_id, strerror(-r));
		return (0);
	}
	sv->cg_made = 1;
	if ((r = cgroup_task_limit_memory(&sv->cg, sv->task_id,
	    sv->memory_mb)) < 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_LAUNCH, "Failed to set memory limit: %s",
		    strerror(-r)));
	if ((r = cgroup_task_limit_cpu(&sv->cg, sv->task_id, sv->cpus)) < 0)
		log_warnx("Failed to set the CPU limit of task %s: %s, "
		    "ignoring", sv->task_id, strerror(-r));
	return (0);
}

/* In the child: say why on the pipe, and go. */
static void __attribute__((noreturn, format(printf, 3, 4)))
supervisor_child_fail(int errfd, const char *reason, const char *fmt, ...)
{
	struct supervisor_child_error	e;
	va_list				ap;

	memset(&e, 0, sizeof(e));
	(void)snprintf(e.reason, sizeof(e.reason), "%s", reason);
	va_start(ap, fmt);
	(void)vsnprintf(e.message, sizeof(e.message), fmt, ap);
	va_end(ap);
	/* One write below PIPE_BUF: the parent reads all of it or none. */
	(void)!write(errfd, &e, sizeof(e));
	_exit(SUPERVISOR_CHILD_STATUS);
}

/*
 * Past the stdio step, fd 2 is the task's stderr file: say there why the
 * command never ran, as a shell would, for whoever reads the sandbox.
 */
static void __attribute__((noreturn))
supervisor_child_fail_step(const struct supervisor *sv, int errfd,
    enum supervisor_child_step step, int err)
{
	const char *argv0 = sv->argv[0];

	if (step == SUPERVISOR_CHILD_EXEC) {
		(void)dprintf(STDERR_FILENO, "kerr: cannot execute '%s': %s\n",
		    argv0, strerror(err));
		supervisor_child_fail(errfd, SUPERVISOR_REASON_FAILED,
		    "Failed to execute '%s': %s", argv0, strerror(err));
	}
	if (step > SUPERVISOR_CHILD_STDIO)
		(void)dprintf(STDERR_FILENO, "kerr: cannot switch to the task "
		    "user: %s\n", strerror(err));
	supervisor_child_fail(errfd, SUPERVISOR_REASON_FAILED,
	    "Failed to start '%s': %s: %s", argv0,
	    supervisor_child_steps[step], strerror(err));
}

/* The task user: 1 to switch to u, 0 to stay ourselves; else it fails. */
static int
supervisor_child_user(const struct supervisor *sv, int errfd,
    struct supervisor_user *u)
{
	const char	*user = sv->user;
	int		 r;

	if (user == NULL)
		return (0);
	if ((r = supervisor_user_find(user, u)) < 0)
		supervisor_child_fail(errfd, SUPERVISOR_REASON_FAILED,
		    "Failed to find user '%s': %s", user,
		    r == -ENOENT ? "no such user" : strerror(-r));
	/* Root only when asked for by name, never through an alias. */
	if (u->uid == 0 && strcmp(user, "root") != 0)
		supervisor_child_fail(errfd, SUPERVISOR_REASON_FAILED,
		    "Refusing to run as user '%s': uid 0 is only for user "
		    "'root'", user);
	if (geteuid() != 0) {
		/* Not root: we can only run it as ourselves. */
		if (u->uid == geteuid())
			return (0);
		supervisor_child_fail(errfd, SUPERVISOR_REASON_FAILED,
		    "Cannot run as user '%s' without root", user);
	}
	if ((r = supervisor_user_groups(user, u)) < 0)
		supervisor_child_fail(errfd, SUPERVISOR_REASON_FAILED,
		    "Failed to read the groups of user '%s': %s", user,
		    strerror(-r));
	return (1);
}

/* stdin on /dev/null; stdout and stderr our pipes (supervisor_output.c). */
static int
supervisor_child_stdio(const struct supervisor *sv)
{
	int fd, r = 0;

	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
		return (-1);
	if (dup2(fd, STDIN_FILENO) < 0)
		r = -1;
	(void)close(fd);
	if (r == 0 && supervisor_output_child(sv) < 0)
		r = -1;
	return (r);
}

static int
supervisor_child_identity(const struct supervisor_user *u)
{
	if (setgroups(u->ngroups, u->groups) != 0 || setgid(u->gid) != 0 ||
	    setuid(u->uid) != 0)
		return (-1);
	return (0);
}

/*
 * The command dies with us (set after the switch of user, which clears
 * it): a supervisor that is gone is a task reported lost and replaced,
 * and its output would have nowhere to go.  We may be gone already.
 */
static int
supervisor_child_die_with(pid_t supervisor)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0L, 0L, 0L) != 0)
		return (-1);
	if (getppid() != supervisor) {
		errno = ESRCH;
		return (-1);
	}
	return (0);
}

/* The command starts with no signal blocked or ignored. */
static void
supervisor_child_reset_signals(void)
{
	sigset_t	none;
	int		sig;

	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The child, from fork to exec; signals stay blocked until the end. */
static void __attribute__((noreturn))
supervisor_child_exec(const struct supervisor *sv, int errfd)
{
	struct supervisor_user	u;
	char			why[TASK_EVENT_MESSAGE_MAX - 64];
	int			switch_user, list, program, r;

	memset(&u, 0, sizeof(u));
	/* Root's file, opened while we still are root. */
	list = supervisor_fetch_open(sv, &program);
	if (sv->fetcher != NULL && list < 0)
		supervisor_child_fail(errfd, SUPERVISOR_REASON_LAUNCH,
		    "Failed to open the artifact list or %s: %s", sv->fetcher,
		    strerror(errno));
	if (setpgid(0, 0) != 0)
		supervisor_child_fail_step(sv, errfd, SUPERVISOR_CHILD_SETPGID,
		    errno);
	if (sv->cg_made && (r = cgroup_task_join(&sv->cg, sv->task_id,
	    getpid())) < 0)
		supervisor_child_fail_step(sv, errfd, SUPERVISOR_CHILD_CGROUP,
		    -r);
	if (chdir(sv->sandbox) != 0)
		supervisor_child_fail_step(sv, errfd, SUPERVISOR_CHILD_CHDIR,
		    errno);
	switch_user = supervisor_child_user(sv, errfd, &u);
	if (supervisor_child_stdio(sv) < 0)
		supervisor_child_fail_step(sv, errfd, SUPERVISOR_CHILD_STDIO,
		    errno);
	if (switch_user && supervisor_child_identity(&u) < 0)
		supervisor_child_fail_step(sv, errfd, SUPERVISOR_CHILD_USER,
		    errno);
	if (supervisor_child_die_with(sv->report.pid) < 0)
		supervisor_child_fail(errfd, SUPERVISOR_REASON_FAILED,
		    "Failed to tie the command to its supervisor: %s",
		    strerror(errno));
	/* Ours (the channel, the journal, the log): not the task's. */
	supervisor_close_fds(STDERR_FILENO + 1, 1);
	if (list >= 0 && supervisor_fetch_run(sv, list, program, why,
	    sizeof(why)) < 0)
		supervisor_child_fail(errfd, SUPERVISOR_REASON_LAUNCH,
		    "Failed to fetch %s", why);
	if (setenv(SUPERVISOR_CHILD_ENV, sv->sandbox, 1) != 0)
		supervisor_child_fail(errfd, SUPERVISOR_REASON_FAILED,
		    "Failed to build the environment: %s", strerror(errno));
	supervisor_child_reset_signals();
	/* Our environment is the task's: PATH is searched as it says. */
	(void)execvp(sv->argv[0], sv->argv);
	supervisor_child_fail_step(sv, errfd, SUPERVISOR_CHILD_EXEC, errno);
}

int
supervisor_child_start(struct supervisor *sv)
{
	int	p[2];
	pid_t	pid;
	int	err;

	/* Stops are blocked and read here: none can slip past this check. */
	supervisor_signals(sv);
	if (sv->stop)
		return (supervisor_exit_early(sv, "TASK_KILLED",
		    SUPERVISOR_REASON_KILLED_EARLY, "Killed"));
	if ((err = supervisor_output_open(sv)) < 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to start '%s': %s: %s",
		    sv->argv[0], supervisor_child_steps[SUPERVISOR_CHILD_STDIO],
		    strerror(-err)));
	if (pipe2(p, O_CLOEXEC) != 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to start '%s': pipe: %s",
		    sv->argv[0], strerror(errno)));
	if ((pid = fork()) == 0) {
		(void)close(p[0]);
		supervisor_child_exec(sv, p[1]);
	}
	err = errno;
	(void)close(p[1]);
	supervisor_output_started(sv);
	if (pid < 0) {
		(void)close(p[0]);
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to start '%s': fork: %s",
		    sv->argv[0], strerror(err)));
	}
	/* Also here: a stop may be forwarded before the child's setpgid. */
	(void)setpgid(pid, pid);
	sv->child = pid;
	sv->exec_fd = p[0];
	return (0);
}

void
supervisor_child_exec_done(struct supervisor *sv)
{
	struct supervisor_child_error	e;
	struct task_event		ev;
	int64_t				now = clock_now_ms();
	ssize_t				n;

	while ((n = read(sv->exec_fd, &e, sizeof(e))) < 0 && errno == EINTR)
		;
	if (n < 0)
		log_warn("Failed to read the exec pipe of task %s, assuming "
		    "it started", sv->task_id);
	(void)close(sv->exec_fd);
	sv->exec_fd = -1;
	if (n == (ssize_t)sizeof(e)) {
		e.reason[sizeof(e.reason) - 1] = '\0';
		e.message[sizeof(e.message) - 1] = '\0';
		(void)supervisor_exit_early(sv, "TASK_FAILED", e.reason, "%s",
		    e.message);
		return;
	}
	sv->report.pgid = sv->child;
	task_event_init(&ev, sv->task_id);
	(void)snprintf(ev.state, sizeof(ev.state), "TASK_RUNNING");
	ev.at_ms = now;
	supervisor_report_record(sv, &ev);
}

/* The command is over: its group goes with it, then its event. */
static void
supervisor_child_ended(struct supervisor *sv, int status)
{
	struct task_event	e;
	pid_t			pgid = sv->child;

	log_info("task=%s command exited with wait status 0x%x",
	    sv->task_id, (unsigned int)status);
	sv->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) :
	    WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
	/* Its pipe is at end of file, or holds why it never ran. */
	if (sv->exec_fd >= 0)
		supervisor_child_exec_done(sv);
	sv->child = 0;
	/* The rest of the group dies now and is reaped as it comes back. */
	if (kill(-pgid, SIGKILL) != 0 && errno != ESRCH)
		log_warn("Failed to kill what is left of task %s",
		    sv->task_id);
	/* What the group wrote, in the files before the end is told. */
	supervisor_output_drain(sv);
	if (sv->ended)
		return;
	supervisor_exit_outcome(sv, status, &e);
	supervisor_report_record(sv, &e);
}

void
supervisor_child_reap(struct supervisor *sv)
{
	pid_t	pid;
	int	status;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			break;
		/* Else an orphan of the task, handed to us and now reaped. */
		if (pid == sv->child)
			supervisor_child_ended(sv, status);
	}
}
