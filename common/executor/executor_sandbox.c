/*
 * What every executor whose reporter is kerr-supervisor shares: the task's
 * sandbox with its root-only .kerr directory and the claim on the
 * launch, the supervisor's command line, and the replay of the events it
 * appended to the sandbox (executor_local.h names the files).
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "executor_local.h"
#include "executor_sandbox.h"
#include "fs.h"
#include "task_id.h"

#define EXECUTOR_SANDBOX_PW_BUF		16384
/* Lines read at once by replay(); a longer line is not an event. */
#define EXECUTOR_SANDBOX_REPLAY_BUF	(4 * TASK_EVENT_LINE_MAX)

static int
executor_sandbox_lookup(const char *user, uid_t *ret_uid, gid_t *ret_gid)
{
	struct passwd	 pw, *res = NULL;
	char		*buf;
	int		 r;

	if ((buf = malloc(EXECUTOR_SANDBOX_PW_BUF)) == NULL)
		return (-ENOMEM);
	r = getpwnam_r(user, &pw, buf, EXECUTOR_SANDBOX_PW_BUF, &res);
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
executor_sandbox_state_dir(const char *sandbox, char *path, size_t len)
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
executor_sandbox_claim(const char *state_dir)
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
int
executor_sandbox_make(const struct executor_launch *l)
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
	    executor_sandbox_lookup(l->user, &uid, &gid) == 0 &&
	    chown(l->sandbox_dir, uid, gid) != 0)
		return (-errno);
	if ((r = executor_sandbox_state_dir(l->sandbox_dir, state,
	    sizeof(state))) < 0)
		return (r);
	return (executor_sandbox_claim(state));
}


/* $env, else name beside our own binary. */
static int
executor_program_path(const char *env_name, const char *name, char *buf,
    size_t len)
{
	const char	*env = getenv(env_name);
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
		w = snprintf(buf, len, "%s/%s", self, name);
	}
	return (w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0);
}

int
executor_supervisor_path(char *buf, size_t len)
{
	return (executor_program_path(EXECUTOR_LOCAL_SUPERVISOR_ENV,
	    EXECUTOR_LOCAL_SUPERVISOR, buf, len));
}

int
executor_fetch_path(char *buf, size_t len)
{
	return (executor_program_path(EXECUTOR_LOCAL_FETCH_ENV,
	    EXECUTOR_LOCAL_FETCH, buf, len));
}

int
executor_sandbox_artifacts(const struct executor_launch *l)
{
	char	path[PATH_MAX];
	size_t	len;
	ssize_t	n;
	int	fd, r = 0, w;

	if (l->artifacts == NULL)
		return (0);
	w = snprintf(path, sizeof(path), "%s/%s/%s", l->sandbox_dir,
	    EXECUTOR_LOCAL_DIR, EXECUTOR_LOCAL_ARTIFACTS);
	if (w < 0 || (size_t)w >= sizeof(path))
		return (-ENAMETOOLONG);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return (-errno);
	len = strlen(l->artifacts);
	while (r == 0 && len > 0) {
		if ((n = write(fd, l->artifacts + strlen(l->artifacts) - len,
		    len)) < 0) {
			if (errno != EINTR)
				r = -errno;
			continue;
		}
		len -= (size_t)n;
	}
	if (close(fd) != 0 && r == 0)
		r = -errno;
	return (r);
}


void
executor_argv_free(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* Append a copy of s; the vector has room (executor_local_argv). */
int
executor_argv_add(char **argv, size_t *n, const char *s)
{
	if ((argv[*n] = strdup(s)) == NULL)
		return (-ENOMEM);
	(*n)++;
	return (0);
}

/* An option and its value, or nothing when the value is NULL. */
int
executor_argv_opt(char **argv, size_t *n, const char *opt,
    const char *value)
{
	int r;

	if (value == NULL)
		return (0);
	if ((r = executor_argv_add(argv, n, opt)) < 0)
		return (r);
	return (executor_argv_add(argv, n, value));
}

int
executor_output_argv(const struct executor_launch *l, char **argv,
    size_t *n)
{
	struct task_id	tid;
	char		max[32], keep[16];
	int		r;

	(void)snprintf(max, sizeof(max), "%lld", l->log_max_bytes);
	(void)snprintf(keep, sizeof(keep), "%d", l->log_keep);
	if ((r = executor_argv_opt(argv, n, "-l", l->log_max_bytes > 0 ? max :
	    NULL)) < 0 || (r = executor_argv_opt(argv, n, "-K", keep)) < 0)
		return (r);
	if (l->output == NULL || strcmp(l->output, "sandbox") == 0)
		return (0);
	/* The journal names the service: the request the task runs for. */
	if (task_id_parse(l->task_id, &tid) < 0)
		return (-EINVAL);
	if ((r = executor_argv_opt(argv, n, "-o", l->output)) < 0 ||
	    (r = executor_argv_opt(argv, n, "-j", l->journal_socket)) < 0)
		return (r);
	return (executor_argv_opt(argv, n, "-R", tid.request_id));
}

/* "%.15g": the number back as it was written, in the fewest digits. */
const char *
executor_number(char *buf, size_t len, double v)
{
	if (v <= 0)
		return (NULL);
	(void)snprintf(buf, len, "%.15g", v);
	return (buf);
}


/* One line of the events file: fn's answer, 0 for a line to skip. */
static int
executor_sandbox_replay_line(const char *line, size_t len,
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
executor_sandbox_replay_fd(int fd, const char *task_id, unsigned after,
    int (*fn)(void *, const struct task_event *), void *arg)
{
	char	 buf[EXECUTOR_SANDBOX_REPLAY_BUF];
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
			r = skipping ? 0 : executor_sandbox_replay_line(
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
int
executor_sandbox_replay(const char *sandbox_dir, const char *task_id,
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
	r = executor_sandbox_replay_fd(fd, task_id, after, fn, arg);
	(void)close(fd);
	return (r);
}

