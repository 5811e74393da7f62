/*
 * The local executor: each task is one kerr-supervisor process on this
 * host (executor.h).  launch() makes the sandbox, writes the launch as
 * <sandbox>/.kerr/launch.json and spawns the supervisor, which forks
 * itself off for good and reports that long-lived pid on a pipe; the
 * short-lived process is reaped here at once, so no daemon keeps zombies
 * and a supervisor outlives a restart of the daemon that started it.
 * kill() and probe() check the pid against its /proc start time first:
 * a bare pid may by now name another process.
 *
 * No table, no bus message: the supervisor writes the store itself.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

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

#include <jansson.h>

#include "fs.h"
#include "executor.h"
#include "executor_local.h"
#include "proc.h"

#define EXECUTOR_LOCAL_PW_BUF		16384
#define EXECUTOR_LOCAL_REPORT_MAX	64
#define EXECUTOR_LOCAL_ARGV_MAX		8

extern char **environ;

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

/* The sandbox (the task user's) and its root-only .kerr directory. */
static int
executor_local_make_sandbox(const struct executor_launch *l, int *ret_dirfd)
{
	char	path[PATH_MAX];
	uid_t	uid;
	gid_t	gid;
	int	fd, n, r;

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
	n = snprintf(path, sizeof(path), "%s/%s", l->sandbox_dir,
	    EXECUTOR_LOCAL_DIR);
	if (n < 0 || (size_t)n >= sizeof(path))
		return (-ENAMETOOLONG);
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return (-errno);
	/* O_NOFOLLOW: the task user owns the directory around it. */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return (-errno);
	*ret_dirfd = fd;
	return (0);
}

/* A string vector as a JSON array (NULL: empty); NULL on OOM. */
static json_t *
executor_local_strv_json(char *const *v)
{
	json_t	*a;
	size_t	 i;

	if ((a = json_array()) == NULL)
		return (NULL);
	for (i = 0; v != NULL && v[i] != NULL; i++)
		if (json_array_append_new(a, json_string(v[i])) != 0) {
			json_decref(a);
			return (NULL);
		}
	return (a);
}

static int
executor_local_write_spec(const struct executor_launch *l, int dirfd)
{
	json_t	*doc;
	int	 fd, r = 0;

	doc = json_pack("{s:s, s:s, s:o, s:o, s:s?, s:f, s:f, s:s?}",
	    "task_id", l->task_id, "sandbox_dir", l->sandbox_dir,
	    "argv", executor_local_strv_json(l->argv),
	    "envp", executor_local_strv_json(l->envp),
	    "user", l->user, "cpus", l->cpus, "memory_mb", l->memory_mb,
	    "conf_path", l->conf_path);
	if (doc == NULL)
		return (-ENOMEM);
	fd = openat(dirfd, EXECUTOR_LOCAL_LAUNCH, O_WRONLY | O_CREAT |
	    O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		r = -errno;
	else if (json_dumpfd(doc, fd, JSON_COMPACT) != 0)
		r = -EIO;
	if (fd >= 0 && close(fd) != 0 && r == 0)
		r = -errno;
	json_decref(doc);
	return (r);
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

	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
}

/* kerr-supervisor [-c conf] -t task_id -s sandbox, as owned copies. */
static int
executor_local_argv(const struct executor_launch *l, const char *path,
    char **argv)
{
	const char	*src[EXECUTOR_LOCAL_ARGV_MAX];
	size_t		 i, n = 0;

	src[n++] = path;
	if (l->conf_path != NULL) {
		src[n++] = "-c";
		src[n++] = l->conf_path;
	}
	src[n++] = "-t";
	src[n++] = l->task_id;
	src[n++] = "-s";
	src[n++] = l->sandbox_dir;
	memset(argv, 0, EXECUTOR_LOCAL_ARGV_MAX * sizeof(*argv));
	for (i = 0; i < n; i++)
		if ((argv[i] = strdup(src[i])) == NULL) {
			executor_local_argv_free(argv);
			return (-ENOMEM);
		}
	return (0);
}

/*
 * A clean start for the supervisor whatever the caller did: its own
 * session, no blocked signals (the daemons block SIGTERM for their
 * signalfd) and default dispositions.
 */
static int
executor_local_attr(posix_spawnattr_t *attr)
{
	static const int	 defsigs[] = { SIGTERM, SIGINT, SIGHUP,
				    SIGPIPE, SIGCHLD };
	sigset_t		 none, def;
	size_t			 i;
	int			 r;

	sigemptyset(&none);
	sigemptyset(&def);
	for (i = 0; i < sizeof(defsigs) / sizeof(defsigs[0]); i++)
		sigaddset(&def, defsigs[i]);
	if ((r = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSID |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) != 0 ||
	    (r = posix_spawnattr_setsigmask(attr, &none)) != 0 ||
	    (r = posix_spawnattr_setsigdefault(attr, &def)) != 0)
		return (-r);
	return (0);
}

/* stdin from /dev/null, the report pipe on EXECUTOR_LOCAL_REPORT_FD. */
static int
executor_local_actions(posix_spawn_file_actions_t *fa, int wfd)
{
	int r;

	if ((r = posix_spawn_file_actions_addopen(fa, STDIN_FILENO,
	    "/dev/null", O_RDONLY, 0)) != 0 ||
	    (r = posix_spawn_file_actions_adddup2(fa, wfd,
	    EXECUTOR_LOCAL_REPORT_FD)) != 0)
		return (-r);
	return (0);
}

static int
executor_local_spawn(const char *path, char *const *argv, int wfd,
    pid_t *ret_pid)
{
	posix_spawnattr_t		attr;
	posix_spawn_file_actions_t	fa;
	int				r;

	if ((r = posix_spawnattr_init(&attr)) != 0)
		return (-r);
	if ((r = posix_spawn_file_actions_init(&fa)) != 0) {
		(void)posix_spawnattr_destroy(&attr);
		return (-r);
	}
	if ((r = executor_local_attr(&attr)) == 0 &&
	    (r = executor_local_actions(&fa, wfd)) == 0)
		r = -posix_spawn(ret_pid, path, &fa, &attr, argv, environ);
	(void)posix_spawn_file_actions_destroy(&fa);
	(void)posix_spawnattr_destroy(&attr);
	return (r);
}

/* Read "<pid> <start_ticks>\n" up to the newline or end of file. */
static int
executor_local_read_report(int fd, struct executor_handle *ret)
{
	char			 buf[EXECUTOR_LOCAL_REPORT_MAX];
	char			*end;
	size_t			 off = 0;
	ssize_t			 n;
	long			 pid;
	unsigned long long	 ticks;

	while (off < sizeof(buf) - 1 && memchr(buf, '\n', off) == NULL) {
		if ((n = read(fd, buf + off, sizeof(buf) - 1 - off)) < 0) {
			if (errno == EINTR)
				continue;
			return (-errno);
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	buf[off] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (end == buf || *end != ' ' || pid <= 1 || errno != 0)
		return (-EIO);
	ticks = strtoull(end + 1, &end, 10);
	if (*end != '\n' || errno != 0)
		return (-EIO);
	memset(ret, 0, sizeof(*ret));
	ret->pid = (pid_t)pid;
	ret->start_ticks = (uint64_t)ticks;
	return (0);
}

static int
executor_local_reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return (-errno);
	return (WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO);
}

/* Spawn the supervisor, read where it lives, reap the short-lived one. */
static int
executor_local_start(const struct executor_launch *l,
    struct executor_handle *ret)
{
	char	 path[PATH_MAX];
	char	*argv[EXECUTOR_LOCAL_ARGV_MAX];
	int	 p[2] = { -1, -1 };
	pid_t	 pid = -1;
	int	 r, r2;

	if ((r = executor_local_supervisor_path(path, sizeof(path))) < 0)
		return (r);
	if ((r = executor_local_argv(l, path, argv)) < 0)
		return (r);
	if (pipe2(p, O_CLOEXEC) != 0) {
		r = -errno;
		goto out;
	}
	/* dup2 onto itself would keep O_CLOEXEC: move it out of the way. */
	if (p[1] == EXECUTOR_LOCAL_REPORT_FD) {
		if ((r = fcntl(p[1], F_DUPFD_CLOEXEC,
		    EXECUTOR_LOCAL_REPORT_FD + 1)) < 0) {
			r = -errno;
			goto out;
		}
		(void)close(p[1]);
		p[1] = r;
	}
	if ((r = executor_local_spawn(path, argv, p[1], &pid)) < 0)
		goto out;
	/* Our copy closed, end of file means every writer is gone. */
	(void)close(p[1]);
	p[1] = -1;
	r = executor_local_read_report(p[0], ret);
	/* Always reaped; its status only matters when nothing came. */
	if ((r2 = executor_local_reap(pid)) < 0 && r < 0 && r2 != -ECHILD)
		r = r2;
out:
	if (p[0] >= 0)
		(void)close(p[0]);
	if (p[1] >= 0)
		(void)close(p[1]);
	executor_local_argv_free(argv);
	return (r);
}

static int
executor_local_launch(const struct executor_launch *l,
    struct executor_handle *ret)
{
	struct executor_handle	h;
	int			dirfd = -1, r;

	if (l->task_id == NULL || l->sandbox_dir == NULL ||
	    l->sandbox_dir[0] != '/' || l->argv == NULL ||
	    l->argv[0] == NULL)
		return (-EINVAL);
	if ((r = executor_local_make_sandbox(l, &dirfd)) < 0)
		goto out;
	if ((r = executor_local_write_spec(l, dirfd)) < 0)
		goto out;
	if ((r = executor_local_start(l, &h)) < 0)
		goto out;
	*ret = h;
out:
	if (dirfd >= 0)
		(void)close(dirfd);
	return (r);
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

const struct executor_ops executor_local = {
	.name = "local",
	.launch = executor_local_launch,
	.kill = executor_local_kill,
	.probe = executor_local_probe,
};

const struct executor_ops *
executor_find(const char *name)
{
	if (name != NULL && strcmp(name, executor_local.name) == 0)
		return (&executor_local);
	return (NULL);
}

/* Copies of the strings of a JSON array, NULL-terminated. */
static int
executor_local_strv(const json_t *a, char ***ret)
{
	char	**v;
	size_t	  i, n = json_array_size(a);

	if (!json_is_array(a))
		return (-EINVAL);
	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		return (-ENOMEM);
	for (i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(a, i));

		if (s == NULL || (v[i] = strdup(s)) == NULL) {
			executor_local_argv_free(v);
			free(v);
			return (s == NULL ? -EINVAL : -ENOMEM);
		}
	}
	*ret = v;
	return (0);
}

static int
executor_local_spec_parse(json_t *doc, struct executor_local_spec *spec)
{
	struct executor_launch	*l = &spec->launch;
	int			 r;

	l->task_id = json_string_value(json_object_get(doc, "task_id"));
	l->sandbox_dir = json_string_value(json_object_get(doc,
	    "sandbox_dir"));
	l->user = json_string_value(json_object_get(doc, "user"));
	l->conf_path = json_string_value(json_object_get(doc, "conf_path"));
	l->cpus = json_number_value(json_object_get(doc, "cpus"));
	l->memory_mb = json_number_value(json_object_get(doc, "memory_mb"));
	if (l->task_id == NULL || l->sandbox_dir == NULL)
		return (-EINVAL);
	if ((r = executor_local_strv(json_object_get(doc, "argv"),
	    &spec->argv)) < 0 ||
	    (r = executor_local_strv(json_object_get(doc, "envp"),
	    &spec->envp)) < 0)
		return (r);
	if (spec->argv[0] == NULL)
		return (-EINVAL);
	l->argv = spec->argv;
	l->envp = spec->envp;
	return (0);
}

int
executor_local_spec_read(int dirfd, struct executor_local_spec *ret)
{
	struct executor_local_spec	 spec;
	json_error_t			 err;
	int				 fd, r;

	memset(&spec, 0, sizeof(spec));
	fd = openat(dirfd, EXECUTOR_LOCAL_LAUNCH, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return (-errno);
	spec.doc = json_loadfd(fd, JSON_REJECT_DUPLICATES, &err);
	(void)close(fd);
	if (spec.doc == NULL)
		return (-EINVAL);
	if ((r = executor_local_spec_parse(spec.doc, &spec)) < 0) {
		executor_local_spec_free(&spec);
		return (r);
	}
	*ret = spec;
	return (0);
}

void
executor_local_spec_free(struct executor_local_spec *spec)
{
	if (spec->argv != NULL)
		executor_local_argv_free(spec->argv);
	if (spec->envp != NULL)
		executor_local_argv_free(spec->envp);
	free(spec->argv);
	free(spec->envp);
	json_decref(spec->doc);
	memset(spec, 0, sizeof(*spec));
}

int
executor_local_report(int fd, const struct executor_handle *h)
{
	char	buf[EXECUTOR_LOCAL_REPORT_MAX];
	size_t	off = 0;
	ssize_t	n;
	int	len;

	len = snprintf(buf, sizeof(buf), "%d %llu\n", (int)h->pid,
	    (unsigned long long)h->start_ticks);
	if (len < 0 || (size_t)len >= sizeof(buf))
		return (-EINVAL);
	while (off < (size_t)len) {
		if ((n = write(fd, buf + off, (size_t)len - off)) < 0) {
			if (errno == EINTR)
				continue;
			return (-errno);
		}
		off += (size_t)n;
	}
	return (0);
}
