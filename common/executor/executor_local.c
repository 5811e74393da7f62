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

#include "fs.h"
#include "executor.h"
#include "executor_local.h"
#include "proc.h"

#define EXECUTOR_LOCAL_PW_BUF		16384
/* The supervisor's own options, at most: see executor_local_argv. */
#define EXECUTOR_LOCAL_ARGV_OWN		18
#define EXECUTOR_LOCAL_NUM_MAX		32
/* Lines read at once by replay(); a longer line is not an event. */
#define EXECUTOR_LOCAL_REPLAY_BUF	(4 * TASK_EVENT_LINE_MAX)

static int
executor_local_lookup(const char *user, uid_t *ret_uid, gid_t *ret_gid)
{
	struct passwd	 pw, *res = NULL;
	char		*buf;
	int		 r;

	if ((buf = malloc(EXECUTOR_LOCAL_PW_BUF)) == NULL)
		return (-ENOMEM);
	r = getpwnam_r(user, &pw, buf, EXECUTOR_LOCAL_PW_BUF, &res);
	if (r != 0)
		r = -r;
	else if (res == NULL)
		r = -ENOENT;
	else {
		*ret_uid = pw.pw_uid;
		*ret_gid = pw.pw_gid;
	}
	free(buf);
	return (r);
}

/*
 * <sandbox>/.kerr: ours (root), 0700.  The task user owns the sandbox
 * and may have put something in its place: only a real directory of
 * ours will do.
 */
static int
executor_local_make_state_dir(const char *sandbox, char *path, size_t len)
{
	struct stat	st;
	int		n;

	n = snprintf(path, len, "%s/%s", sandbox, EXECUTOR_LOCAL_DIR);
	if (n < 0 || (size_t)n >= len)
		return (-ENAMETOOLONG);
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return (-errno);
	if (lstat(path, &st) != 0)
		return (-errno);
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return (-EEXIST);
	if ((st.st_mode & 07777) != 0700 && chmod(path, 0700) != 0)
		return (-errno);
	return (0);
}

/* The claim (executor_local.h): its descriptor, or -EALREADY. */
static int
executor_local_claim(const char *state_dir)
{
	char	path[PATH_MAX];
	int	fd, n, r;

	n = snprintf(path, sizeof(path), "%s/%s", state_dir,
	    EXECUTOR_LOCAL_LOCK);
	if (n < 0 || (size_t)n >= sizeof(path))
		return (-ENAMETOOLONG);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return (-errno);
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		r = errno == EWOULDBLOCK ? -EALREADY : -errno;
		(void)close(fd);
		return (r);
	}
	return (fd);
}

/* The sandbox (the task user's), its root-only .kerr directory and the
 * claim on the launch: the claim's descriptor, or negative errno. */
static int
executor_local_make_sandbox(const struct executor_launch *l)
{
	char	state[PATH_MAX];
	uid_t	uid;
	gid_t	gid;
	int	r;

	if ((r = fs_mkdirs(l->sandbox_dir, 0755)) < 0)
		return (r);
	/* Not left to the daemon's umask: other users may browse it. */
	if (chmod(l->sandbox_dir, 0755) != 0)
		return (-errno);
	/* An unknown user becomes the task's failure, in the supervisor. */
	if (l->user != NULL && geteuid() == 0 &&
	    executor_local_lookup(l->user, &uid, &gid) == 0 &&
	    chown(l->sandbox_dir, uid, gid) != 0)
		return (-errno);
	if ((r = executor_local_make_state_dir(l->sandbox_dir, state,
	    sizeof(state))) < 0)
		return (r);
	return (executor_local_claim(state));
}

static int
executor_local_supervisor_path(char *buf, size_t len)
{
	const char	*env = getenv(EXECUTOR_LOCAL_SUPERVISOR_ENV);
	char		 self[PATH_MAX];
	char		*slash;
	ssize_t		 n;
	int		 w;

	if (env != NULL && env[0] != '\0')
		w = snprintf(buf, len, "%s", env);
	else {
		if ((n = readlink("/proc/self/exe", self,
		    sizeof(self) - 1)) < 0)
			return (-errno);
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) == NULL)
			return (-ENOENT);
		*slash = '\0';
		w = snprintf(buf, len, "%s/%s", self,
		    EXECUTOR_LOCAL_SUPERVISOR);
	}
	return (w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0);
}

static void
executor_local_argv_free(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* Append a copy of s; the vector has room (executor_local_argv). */
static int
executor_local_argv_add(char **argv, size_t *n, const char *s)
{
	if ((argv[*n] = strdup(s)) == NULL)
		return (-ENOMEM);
	(*n)++;
	return (0);
}

/* An option and its value, or nothing when the value is NULL. */
static int
executor_local_argv_opt(char **argv, size_t *n, const char *opt,
    const char *value)
{
	int r;

	if (value == NULL)
		return (0);
	if ((r = executor_local_argv_add(argv, n, opt)) < 0)
		return (r);
	return (executor_local_argv_add(argv, n, value));
}

/* "%.15g": the number back as it was written, in the fewest digits. */
static const char *
executor_local_number(char *buf, size_t len, double v)
{
	if (v <= 0)
		return (NULL);
	(void)snprintf(buf, len, "%.15g", v);
	return (buf);
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
	if ((r = executor_local_argv_add(argv, &n, path)) < 0 ||
	    (r = executor_local_argv_opt(argv, &n, "-t", l->task_id)) < 0 ||
	    (r = executor_local_argv_opt(argv, &n, "-s", l->sandbox_dir)) < 0 ||
	    (r = executor_local_argv_opt(argv, &n, "-e", l->events)) < 0 ||
	    (r = executor_local_argv_opt(argv, &n, "-u", l->user)) < 0 ||
	    (r = executor_local_argv_opt(argv, &n, "-c",
	    executor_local_number(cpus, sizeof(cpus), l->cpus))) < 0 ||
	    (r = executor_local_argv_opt(argv, &n, "-m",
	    executor_local_number(mem, sizeof(mem), l->memory_mb))) < 0 ||
	    (r = executor_local_argv_opt(argv, &n, "-v",
	    l->log_level > 0 ? level : NULL)) < 0 ||
	    (r = executor_local_argv_add(argv, &n, "--")) < 0)
		goto fail;
	for (i = 0; l->argv[i] != NULL; i++)
		if ((r = executor_local_argv_add(argv, &n, l->argv[i])) < 0)
			goto fail;
	*ret = argv;
	return (0);
fail:
	executor_local_argv_free(argv);
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
	    (claim = r = executor_local_make_sandbox(l)) < 0)
		return (r);
	if ((r = executor_local_argv(l, path, &argv)) == 0)
		r = executor_local_spawn(path, argv, l->envp, claim);
	/* The supervisor holds its own copy of the claim from now on. */
	(void)close(claim);
	executor_local_argv_free(argv);
	return (r);
}

static void
executor_local_launch(const struct executor_launch *l, size_t n, int *ret)
{
	char	path[PATH_MAX];
	size_t	i;
	int	r;

	r = executor_local_supervisor_path(path, sizeof(path));
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
executor_local_kill(const struct executor_handle *h, int sig)
{
	pid_t	target;
	int	r;

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
executor_local_probe(const struct executor_handle *h)
{
	int r = executor_local_check(h);

	/* Unsure (say /proc unreadable) is not dead: never lose a task. */
	return (r == 0 || (r != -ESRCH && r != -EINVAL));
}

/* One line of the events file: fn's answer, 0 for a line to skip. */
static int
executor_local_replay_line(const char *line, size_t len,
    const char *task_id, unsigned after,
    int (*fn)(void *, const struct task_event *), void *arg)
{
	struct task_event e;

	if (task_event_parse(line, len, &e) < 0 || e.seq <= after ||
	    strcmp(e.task_id, task_id) != 0)
		return (0);
	return (fn(arg, &e));
}

/*
 * The events file line by line.  A line without its newline is one being
 * written (or cut short by a full disk): it is left for the channel.
 * A line too long for the buffer is no event and is skipped whole.
 */
static int
executor_local_replay_fd(int fd, const char *task_id, unsigned after,
    int (*fn)(void *, const struct task_event *), void *arg)
{
	char	 buf[EXECUTOR_LOCAL_REPLAY_BUF];
	char	*nl;
	size_t	 off = 0, start;
	ssize_t	 n;
	int	 skipping = 0, r;

	for (;;) {
		if ((n = read(fd, buf + off, sizeof(buf) - off)) < 0) {
			if (errno == EINTR)
				continue;
			return (-errno);
		}
		if (n == 0)
			return (0);
		off += (size_t)n;
		start = 0;
		while ((nl = memchr(buf + start, '\n', off - start)) != NULL) {
			r = skipping ? 0 : executor_local_replay_line(
			    buf + start, (size_t)(nl - buf - start), task_id,
			    after, fn, arg);
			if (r != 0)
				return (r);
			skipping = 0;
			start = (size_t)(nl - buf) + 1;
		}
		if (start == 0 && off == sizeof(buf)) {
			skipping = 1;
			start = off;
		}
		memmove(buf, buf + start, off - start);
		off -= start;
	}
}

/* fn returns 0 to go on; anything else stops and is returned. */
static int
executor_local_replay(const char *sandbox_dir, const char *task_id,
    unsigned after, int (*fn)(void *, const struct task_event *),
    void *arg)
{
	char	path[PATH_MAX];
	int	fd, n, r;

	n = snprintf(path, sizeof(path), "%s/%s/%s", sandbox_dir,
	    EXECUTOR_LOCAL_DIR, TASK_EVENT_FILE);
	if (n < 0 || (size_t)n >= sizeof(path))
		return (-ENAMETOOLONG);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return (-errno);
	r = executor_local_replay_fd(fd, task_id, after, fn, arg);
	(void)close(fd);
	return (r);
}

const struct executor_ops executor_local = {
	.name = "local",
	.launch = executor_local_launch,
	.kill = executor_local_kill,
	.probe = executor_local_probe,
	.replay = executor_local_replay,
};

const struct executor_ops *
executor_find(const char *name)
{
	if (name != NULL && strcmp(name, executor_local.name) == 0)
		return (&executor_local);
	return (NULL);
}
