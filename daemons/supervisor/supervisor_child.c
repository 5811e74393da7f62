/*
 * The task's command: its resource limits, its user, and the child that
 * runs it in a process group of its own inside the sandbox.  Everything
 * that allocates or reads files (the user and its groups, the cgroup
 * limits, the environment) is done before the fork: the child only makes
 * system calls between fork and exec, because the bus's threads may hold
 * locks at the moment of the fork.  The child reports a failure before
 * exec as {step, errno} on a close-on-exec pipe; end of file there means
 * the exec happened.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "supervisor.h"

#define SUPERVISOR_CHILD_PW_BUF		16384
#define SUPERVISOR_CHILD_GROUPS		32	/* first guess */
#define SUPERVISOR_CHILD_SWEEP_MS	2000
#define SUPERVISOR_CHILD_SWEEP_NS	10000000L
#define SUPERVISOR_CHILD_ENV		"MESOS_SANDBOX="

extern char **environ;

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

struct supervisor_child_error {
	int	step;
	int	err;
};

/* Limits: a failed mkdir runs the task without; a failed memory limit
 * is the task's failure, since it asked not to use more. */
static int
supervisor_child_cgroup(struct supervisor *sv)
{
	const struct executor_launch	*l = &sv->spec.launch;
	int				 r;

	if (l->cpus <= 0 && l->memory_mb <= 0)
		return (0);
	if ((r = cgroup_detect(&sv->cg)) < 0 || sv->cg.mode == CGROUP_NONE) {
		log_notice("No cgroup controllers: task %s runs without "
		    "resource limits", sv->task_id);
		return (0);
	}
	if ((r = cgroup_task_mkdir(&sv->cg, sv->task_id, l->cpus,
	    l->memory_mb)) < 0) {
		log_warnx("Failed to create the cgroups of task %s: %s, "
		    "running it without limits", sv->task_id, strerror(-r));
		return (0);
	}
	sv->cg_made = 1;
	if ((r = cgroup_task_limit_memory(&sv->cg, sv->task_id,
	    l->memory_mb)) < 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_LAUNCH, "Failed to set memory limit: %s",
		    strerror(-r)));
	if ((r = cgroup_task_limit_cpu(&sv->cg, sv->task_id, l->cpus)) < 0)
		log_warnx("Failed to set the CPU limit of task %s: %s, "
		    "ignoring", sv->task_id, strerror(-r));
	return (0);
}

static int
supervisor_child_groups(struct supervisor *sv, const char *user)
{
	gid_t	*groups;
	int	 n = SUPERVISOR_CHILD_GROUPS, prev;

	for (;;) {
		if ((groups = reallocarray(sv->groups, (size_t)n,
		    sizeof(*groups))) == NULL)
			return (-ENOMEM);
		sv->groups = groups;
		prev = n;
		if (getgrouplist(user, sv->gid, sv->groups, &n) >= 0)
			break;
		/* n now holds the size needed. */
		if (n <= prev)
			return (-EIO);
	}
	sv->ngroups = n;
	return (0);
}

/* Look the user up now: the child cannot read /etc/passwd safely. */
static int
supervisor_child_user(struct supervisor *sv)
{
	const char	*user = sv->spec.launch.user;
	struct passwd	 pw, *res = NULL;
	char		*buf;
	int		 r;

	if (user == NULL)
		return (0);
	if ((buf = malloc(SUPERVISOR_CHILD_PW_BUF)) == NULL)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Out of memory"));
	r = getpwnam_r(user, &pw, buf, SUPERVISOR_CHILD_PW_BUF, &res);
	if (r == 0 && res != NULL) {
		sv->uid = pw.pw_uid;
		sv->gid = pw.pw_gid;
	}
	free(buf);
	if (r != 0 || res == NULL)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to find user '%s': %s",
		    user, r != 0 ? strerror(r) : "no such user"));
	/* Root only when asked for by name, never through an alias. */
	if (sv->uid == 0 && strcmp(user, "root") != 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Refusing to run as user '%s': "
		    "uid 0 is only for user 'root'", user));
	if (geteuid() != 0) {
		/* Not root: we can only run it as ourselves. */
		if (sv->uid == geteuid())
			return (0);
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Cannot run as user '%s' "
		    "without root", user));
	}
	if ((r = supervisor_child_groups(sv, user)) < 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to read the groups of "
		    "user '%s': %s", user, strerror(-r)));
	sv->has_user = 1;
	return (0);
}

/* The task's environment plus MESOS_SANDBOX, which we own. */
static int
supervisor_child_env(struct supervisor *sv)
{
	char *const	*env = sv->spec.launch.envp;
	size_t		 i, n = 0, len = strlen(SUPERVISOR_CHILD_ENV);

	for (i = 0; env[i] != NULL; i++)
		;
	if ((sv->envp = calloc(i + 2, sizeof(*sv->envp))) == NULL ||
	    asprintf(&sv->sandbox_env, "%s%s", SUPERVISOR_CHILD_ENV,
	    sv->sandbox) < 0) {
		sv->sandbox_env = NULL;
		return (-ENOMEM);
	}
	for (i = 0; env[i] != NULL; i++)
		if (strncmp(env[i], SUPERVISOR_CHILD_ENV, len) != 0)
			sv->envp[n++] = env[i];
	sv->envp[n] = sv->sandbox_env;
	return (0);
}

int
supervisor_child_setup(struct supervisor *sv)
{
	int r;

	if (supervisor_child_user(sv) < 0 || supervisor_child_cgroup(sv) < 0)
		return (-1);
	if ((r = supervisor_child_env(sv)) < 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to build the "
		    "environment: %s", strerror(-r)));
	return (0);
}

/* In the child: stdin from /dev/null, stdout and stderr to the files. */
static int
supervisor_child_output(const struct supervisor *sv, const char *name,
    int target)
{
	int fd, r = 0;

	fd = open(name, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW |
	    O_CLOEXEC, 0644);
	if (fd < 0)
		return (-1);
	if ((sv->has_user && fchown(fd, sv->uid, sv->gid) != 0) ||
	    dup2(fd, target) < 0)
		r = -1;
	(void)close(fd);
	return (r);
}

static int
supervisor_child_stdio(const struct supervisor *sv)
{
	int fd, r = 0;

	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
		return (-1);
	if (dup2(fd, STDIN_FILENO) < 0)
		r = -1;
	(void)close(fd);
	if (r == 0 && (supervisor_child_output(sv, "stdout",
	    STDOUT_FILENO) < 0 || supervisor_child_output(sv, "stderr",
	    STDERR_FILENO) < 0))
		r = -1;
	return (r);
}

static int
supervisor_child_identity(const struct supervisor *sv)
{
	if (!sv->has_user)
		return (0);
	if (setgroups((size_t)sv->ngroups, sv->groups) != 0 ||
	    setgid(sv->gid) != 0 || setuid(sv->uid) != 0)
		return (-1);
	return (0);
}

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

/*
 * Past the stdio step, fd 2 is the task's stderr file: say there why the
 * command never ran, as a shell would, for whoever reads the sandbox.
 */
static void __attribute__((noreturn))
supervisor_child_fail(const struct supervisor *sv, int errfd,
    enum supervisor_child_step step)
{
	struct supervisor_child_error e = { (int)step, errno };

	if (step == SUPERVISOR_CHILD_EXEC)
		(void)dprintf(STDERR_FILENO, "kerr: cannot execute '%s': %s\n",
		    sv->spec.launch.argv[0], strerror(e.err));
	else if (step > SUPERVISOR_CHILD_STDIO)
		(void)dprintf(STDERR_FILENO, "kerr: cannot switch to the task "
		    "user: %s\n", strerror(e.err));
	(void)!write(errfd, &e, sizeof(e));
	_exit(127);
}

/* The child, from fork to exec.  Signals stay blocked until reset. */
static void __attribute__((noreturn))
supervisor_child_exec(struct supervisor *sv, int errfd)
{
	char *const *argv = sv->spec.launch.argv;

	if (setpgid(0, 0) != 0)
		supervisor_child_fail(sv, errfd, SUPERVISOR_CHILD_SETPGID);
	if (sv->cg_made && cgroup_task_join(&sv->cg, sv->task_id,
	    getpid()) < 0)
		supervisor_child_fail(sv, errfd, SUPERVISOR_CHILD_CGROUP);
	if (chdir(sv->sandbox) != 0)
		supervisor_child_fail(sv, errfd, SUPERVISOR_CHILD_CHDIR);
	if (supervisor_child_stdio(sv) < 0)
		supervisor_child_fail(sv, errfd, SUPERVISOR_CHILD_STDIO);
	if (supervisor_child_identity(sv) < 0)
		supervisor_child_fail(sv, errfd, SUPERVISOR_CHILD_USER);
	/* The daemon's sockets and the store: none of the task's business. */
	supervisor_close_fds(STDERR_FILENO + 1, 1);
	supervisor_child_reset_signals();
	/* execvpe searches the PATH of environ: make it the task's. */
	environ = sv->envp;
	(void)execvpe(argv[0], argv, sv->envp);
	supervisor_child_fail(sv, errfd, SUPERVISOR_CHILD_EXEC);
}

/* End of file: the exec happened.  Else the child's error, reaped. */
static int
supervisor_child_started(struct supervisor *sv, int fd)
{
	struct supervisor_child_error	e;
	const char			*argv0 = sv->spec.launch.argv[0];
	ssize_t				n;

	while ((n = read(fd, &e, sizeof(e))) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(e))
		return (0);
	while (waitpid(sv->child, NULL, 0) < 0 && errno == EINTR)
		;
	sv->child = 0;
	if (e.step == SUPERVISOR_CHILD_EXEC)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to execute '%s': %s",
		    argv0, strerror(e.err)));
	if (e.step < 0 || e.step > SUPERVISOR_CHILD_EXEC)
		e.step = SUPERVISOR_CHILD_EXEC;
	return (supervisor_exit_early(sv, "TASK_FAILED",
	    SUPERVISOR_REASON_FAILED, "Failed to start '%s': %s: %s", argv0,
	    supervisor_child_steps[e.step], strerror(e.err)));
}

/* Fork with the stop signals held, so none is lost or runs in the child. */
static int
supervisor_child_fork(struct supervisor *sv, int errfd)
{
	sigset_t	block, old;
	pid_t		pid;
	int		err;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	(void)sigprocmask(SIG_BLOCK, &block, &old);
	if (supervisor_stop_requested() ||
	    supervisor_exit_kill_requested(sv) == 1) {
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		return (supervisor_exit_early(sv, "TASK_KILLED",
		    SUPERVISOR_REASON_KILLED_EARLY, "Killed"));
	}
	if ((pid = fork()) == 0)
		supervisor_child_exec(sv, errfd);
	err = errno;
	if (pid > 0) {
		/* Also here: a signal may come before the child's setpgid. */
		(void)setpgid(pid, pid);
		sv->child = pid;
		supervisor_forward_signals(pid);
	}
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to start '%s': fork: %s",
		    sv->spec.launch.argv[0], strerror(err)));
	return (0);
}

int
supervisor_child_start(struct supervisor *sv)
{
	int	p[2];
	int	r;

	if (pipe2(p, O_CLOEXEC) != 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to start '%s': pipe: %s",
		    sv->spec.launch.argv[0], strerror(errno)));
	r = supervisor_child_fork(sv, p[1]);
	(void)close(p[1]);
	if (r == 0)
		r = supervisor_child_started(sv, p[0]);
	(void)close(p[0]);
	if (r < 0)
		return (r);
	sv->handle.pgid = sv->child;
	/* The process group and TASK_RUNNING go in one commit; the group
	 * is stored even when the task already ended, so it can be killed. */
	if (supervisor_exit_record_handle(sv, "TASK_RUNNING", NULL, NULL,
	    1) == -ESTALE && (r = supervisor_exit_set_handle(sv)) < 0)
		log_warnx("Failed to record the process group of task %s: "
		    "%s, ignoring", sv->task_id, strerror(-r));
	supervisor_ignore_signals();
	return (0);
}

/* Kill what is left of the group and reap it: we are its subreaper. */
static void
supervisor_child_sweep(struct supervisor *sv)
{
	struct timespec	ts = { 0, SUPERVISOR_CHILD_SWEEP_NS };
	int64_t		deadline;
	pid_t		pid;

	if (kill(-sv->child, SIGKILL) != 0 && errno != ESRCH)
		log_warn("Failed to kill what is left of task %s",
		    sv->task_id);
	deadline = clock_mono_ms() + SUPERVISOR_CHILD_SWEEP_MS;
	for (;;) {
		pid = waitpid(-sv->child, NULL, WNOHANG);
		if (pid > 0 || (pid < 0 && errno == EINTR))
			continue;
		if (pid < 0 || clock_mono_ms() >= deadline)
			break;
		(void)nanosleep(&ts, NULL);
	}
}

int
supervisor_child_wait(struct supervisor *sv, int *ret_status)
{
	pid_t	pid;
	int	status;

	for (;;) {
		pid = waitpid(-1, &status, 0);
		if (pid == sv->child)
			break;
		if (pid < 0 && errno != EINTR) {
			log_warn("Failed to wait for task %s", sv->task_id);
			return (-1);
		}
		/* Else an orphan of the task, handed to us and now reaped. */
	}
	log_info("task=%s command exited with wait status 0x%x",
	    sv->task_id, (unsigned int)status);
	supervisor_child_sweep(sv);
	*ret_status = status;
	return (0);
}
