/*
 * The local executor: each task is one kerr-supervisor process on this
 * host (executor.h).  launch() makes the sandbox (the task user's) and
 * its root-only .kerr directory, then spawns the supervisor
 * (executor_local.h) as a direct child of the caller, in a session of
 * its own, with the task's environment as its environment.  It does not
 * wait: the supervisor reports through its events, and the caller reaps
 * it when it exits.  kill() and probe() check the pid against its /proc
 * start time first: a bare pid may by now name another process.
 * replay() reads back the events a supervisor appended to the sandbox.
 *
 * No table, no bus message: the events go to the scheduler.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "executor.h"
#include "executor_local.h"
#include "executor_sandbox.h"
#include "proc.h"

/* The supervisor's own options, at most: see executor_local_argv. */
#define EXECUTOR_LOCAL_ARGV_OWN		32
#define EXECUTOR_LOCAL_NUM_MAX		32

/* -X kerr-fetch -F NAMES, for a task with artifacts. */
static int
executor_local_fetch_argv(const struct executor_launch *l, char **argv,
    size_t *n)
{
	char	path[PATH_MAX];
	int	r;

	if (l->artifacts == NULL)
		return (0);
	if ((r = executor_fetch_path(path, sizeof(path))) < 0 ||
	    (r = executor_argv_opt(argv, n, "-X", path)) < 0)
		return (r);
	return (executor_argv_opt(argv, n, "-F", l->artifact_names != NULL ?
	    l->artifact_names : "artifacts"));
}

/*
 * kerr-supervisor -t TASK_ID -s SANDBOX -e EVENTS [-u USER] [-c CPUS]
 * [-m MEMORY_MB] [-v LOG_LEVEL] -- COMMAND [ARG...], as owned copies.
 */
static int
executor_local_argv(const struct executor_launch *l, const char *path,
    char ***ret)
{
	char	  cpus[EXECUTOR_LOCAL_NUM_MAX], mem[EXECUTOR_LOCAL_NUM_MAX];
	char	  level[EXECUTOR_LOCAL_NUM_MAX];
	char	**argv;
	size_t	  i, n = 0;
	int	  r;

	for (i = 0; l->argv[i] != NULL; i++)
		;
	if ((argv = calloc(i + EXECUTOR_LOCAL_ARGV_OWN, sizeof(*argv))) ==
	    NULL)
		return (-ENOMEM);
	(void)snprintf(level, sizeof(level), "%d", l->log_level);
	if ((r = executor_argv_add(argv, &n, path)) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-t", l->task_id)) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-s", l->sandbox_dir)) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-e", l->events)) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-u", l->user)) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-c",
	    executor_number(cpus, sizeof(cpus), l->cpus))) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-m",
	    executor_number(mem, sizeof(mem), l->memory_mb))) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-v",
	    l->log_level > 0 ? level : NULL)) < 0 ||
	    (r = executor_local_fetch_argv(l, argv, &n)) < 0 ||
	    (r = executor_output_argv(l, argv, &n)) < 0 ||
	    (r = executor_argv_add(argv, &n, "--")) < 0)
		goto fail;
	for (i = 0; l->argv[i] != NULL; i++)
		if ((r = executor_argv_add(argv, &n, l->argv[i])) < 0)
			goto fail;
	*ret = argv;
	return (0);
fail:
	executor_argv_free(argv);
	return (r);
}

/*
 * A clean start for the supervisor whatever the caller did: its own
 * session, no blocked signals (the daemons block SIGTERM for their
 * signalfd) and every disposition back to its default.
 */
static int
executor_local_attr(posix_spawnattr_t *attr)
{
	sigset_t	none, all;
	int		r;

	sigemptyset(&none);
	sigfillset(&all);
	if ((r = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSID |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) != 0 ||
	    (r = posix_spawnattr_setsigmask(attr, &none)) != 0 ||
	    (r = posix_spawnattr_setsigdefault(attr, &all)) != 0)
		return (-r);
	return (0);
}

/* Spawn and leave it: its exit is the caller's to reap. */
static int
executor_local_spawn(const char *path, char *const *argv, char *const *envp,
    int claim)
{
	static char *const		 noenv[] = { NULL };
	posix_spawnattr_t		 attr;
	posix_spawn_file_actions_t	 fa;
	pid_t				 pid;
	int				 r;

	if ((r = posix_spawnattr_init(&attr)) != 0)
		return (-r);
	if ((r = posix_spawn_file_actions_init(&fa)) != 0) {
		(void)posix_spawnattr_destroy(&attr);
		return (-r);
	}
	if ((r = executor_local_attr(&attr)) == 0 &&
	    (r = -posix_spawn_file_actions_addopen(&fa, STDIN_FILENO,
	    "/dev/null", O_RDONLY, 0)) == 0 &&
	    (r = -posix_spawn_file_actions_adddup2(&fa, claim,
	    EXECUTOR_LOCAL_LOCK_FD)) == 0)
		r = -posix_spawn(&pid, path, &fa, &attr, argv,
		    envp != NULL ? envp : noenv);
	(void)posix_spawn_file_actions_destroy(&fa);
	(void)posix_spawnattr_destroy(&attr);
	return (r);
}

/* What the supervisor would refuse: said here, as an error, instead. */
static int
executor_local_valid(const struct executor_launch *l)
{
	if (l->task_id == NULL || l->task_id[0] == '\0' ||
	    strpbrk(l->task_id, " \t\r\n") != NULL ||
	    l->sandbox_dir == NULL || l->sandbox_dir[0] != '/' ||
	    l->events == NULL || l->events[0] == '\0' ||
	    l->argv == NULL || l->argv[0] == NULL ||
	    l->cpus < 0 || l->memory_mb < 0)
		return (-EINVAL);
	return (0);
}

static int
executor_local_launch_one(const struct executor_launch *l, const char *path)
{
	char	**argv = NULL;
	int	  claim, r;

	if ((r = executor_local_valid(l)) < 0 ||
	    (claim = r = executor_sandbox_make(l)) < 0)
		return (r);
	if ((r = executor_sandbox_artifacts(l)) == 0 &&
	    (r = executor_local_argv(l, path, &argv)) == 0)
		r = executor_local_spawn(path, argv, l->envp, claim);
	/* The supervisor holds its own copy of the claim from now on. */
	(void)close(claim);
	executor_argv_free(argv);
	return (r);
}

static void
executor_local_launch(const struct executor_launch *l, size_t n, int *ret)
{
	char	path[PATH_MAX];
	size_t	i;
	int	r;

	r = executor_supervisor_path(path, sizeof(path));
	for (i = 0; i < n; i++)
		ret[i] = r < 0 ? r : executor_local_launch_one(&l[i], path);
}

/* 0 while h->pid is still the supervisor it names, else -ESRCH. */
static int
executor_local_check(const struct executor_handle *h)
{
	uint64_t	ticks;
	int		r;

	if (h->pid <= 1)
		return (-ESRCH);
	if ((r = proc_start_ticks(h->pid, &ticks)) < 0)
		return (r);
	return (ticks == h->start_ticks ? 0 : -ESRCH);
}

static int
executor_local_kill(const char *task_id, const struct executor_handle *h,
    int sig)
{
	pid_t	target;
	int	r;

	(void)task_id;
	/* kill(-1, sig) would reach every process we may signal. */
	if (h->pgid < 0 || h->pgid == 1)
		return (-EINVAL);
	if ((r = executor_local_check(h)) < 0)
		return (r);
	target = h->pgid > 0 ? -h->pgid : h->pid;
	if (kill(target, sig) != 0)
		return (errno == ESRCH ? -ESRCH : -errno);
	return (0);
}

static int
executor_local_probe(const char *task_id, const struct executor_handle *h)
{
	int r = executor_local_check(h);

	(void)task_id;
	/* Unsure (say /proc unreadable) is not dead: never lose a task. */
	return (r == 0 || (r != -ESRCH && r != -EINVAL));
}

const struct executor_ops executor_local = {
	.name = "local",
	.flags = EXECUTOR_CHILDREN,
	.launch = executor_local_launch,
	.kill = executor_local_kill,
	.probe = executor_local_probe,
	.replay = executor_sandbox_replay,
};
