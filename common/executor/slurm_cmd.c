/*
 * Slurm's commands as children (slurm_cmd.h).  The daemons that use the
 * Slurm executor reap no child blindly (EXECUTOR_CHILDREN is not set), so
 * waitpid on our own pid is safe from any thread.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "slurm_cmd.h"

#define SLURM_CMD_OUT_MAX	(64 * 1024 * 1024)
#define SLURM_CMD_CHUNK		65536

struct slurm_cmd_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

/* Read what fd has into b; 0 at end of file, 1 more to come, -errno. */
static int
slurm_cmd_read(int fd, struct slurm_cmd_buf *b)
{
	char	*p;
	ssize_t	 n;

	if (b->cap - b->len < SLURM_CMD_CHUNK) {
		if (b->cap >= SLURM_CMD_OUT_MAX)
			return (-EFBIG);
		if ((p = realloc(b->data, b->cap + SLURM_CMD_CHUNK + 1)) ==
		    NULL)
			return (-ENOMEM);
		b->data = p;
		b->cap += SLURM_CMD_CHUNK;
	}
	n = read(fd, b->data + b->len, b->cap - b->len);
	if (n < 0)
		return (errno == EINTR || errno == EAGAIN ? 1 : -errno);
	b->len += (size_t)n;
	b->data[b->len] = '\0';
	return (n > 0);
}

static int
slurm_cmd_spawn(char *const *argv, char *const *envp, int keep_fd,
    int out, int err, pid_t *ret)
{
	posix_spawn_file_actions_t	fa;
	posix_spawnattr_t		attr;
	sigset_t			none, dfl;
	int				r;

	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGCHLD);
	if ((r = posix_spawn_file_actions_init(&fa)) != 0)
		return (-r);
	if ((r = posix_spawnattr_init(&attr)) != 0) {
		(void)posix_spawn_file_actions_destroy(&fa);
		return (-r);
	}
	/* The daemons block their stop signals for a signalfd. */
	if ((r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF)) == 0 &&
	    (r = posix_spawnattr_setsigmask(&attr, &none)) == 0 &&
	    (r = posix_spawnattr_setsigdefault(&attr, &dfl)) == 0 &&
	    (r = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO,
	    "/dev/null", O_RDONLY, 0)) == 0 &&
	    (r = posix_spawn_file_actions_adddup2(&fa, out,
	    STDOUT_FILENO)) == 0 &&
	    (r = posix_spawn_file_actions_adddup2(&fa, err,
	    STDERR_FILENO)) == 0 &&
	    (keep_fd < 0 || (r = posix_spawn_file_actions_adddup2(&fa,
	    keep_fd, 3)) == 0))
		r = posix_spawnp(ret, argv[0], &fa, &attr, argv, envp);
	(void)posix_spawn_file_actions_destroy(&fa);
	(void)posix_spawnattr_destroy(&attr);
	return (-r);
}

/* Both pipes to their end, or the deadline; 0 or -errno. */
static int
slurm_cmd_collect(int out, int err, struct slurm_cmd_buf *o,
    struct slurm_cmd_buf *e)
{
	struct pollfd	pfd[2] = { { out, POLLIN, 0 }, { err, POLLIN, 0 } };
	int64_t		deadline = clock_mono_ms() + SLURM_CMD_TIMEOUT_MS;
	int64_t		left;
	int		r;

	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		if ((left = deadline - clock_mono_ms()) <= 0)
			return (-ETIMEDOUT);
		if (poll(pfd, 2, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return (-errno);
		}
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			if ((r = slurm_cmd_read(pfd[i].fd, i == 0 ? o :
			    e)) < 0)
				return (r);
			if (r == 0)
				pfd[i].fd = -1;
		}
	}
	return (0);
}

static int
slurm_cmd_wait(pid_t pid, int kill_first)
{
	int status;

	if (kill_first)
		(void)kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return (-errno);
	if (WIFEXITED(status))
		return (WEXITSTATUS(status));
	return (128 + WTERMSIG(status));
}

static void
slurm_cmd_first_line(const struct slurm_cmd_buf *e, char *err, size_t len)
{
	size_t n = 0;

	if (err == NULL || len == 0)
		return;
	while (e->data != NULL && n < e->len && e->data[n] != '\n' &&
	    n < len - 1) {
		err[n] = e->data[n];
		n++;
	}
	err[n] = '\0';
}

int
slurm_cmd_run(char *const *argv, char *const *envp, int keep_fd,
    char **ret_out, char *err, size_t errlen)
{
	struct slurm_cmd_buf	o = { 0 }, e = { 0 };
	pid_t			pid;
	int			po[2], pe[2], r, status;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (pipe2(po, O_CLOEXEC) != 0)
		return (-errno);
	if (pipe2(pe, O_CLOEXEC) != 0) {
		r = -errno;
		(void)close(po[0]);
		(void)close(po[1]);
		return (r);
	}
	r = slurm_cmd_spawn(argv, envp, keep_fd, po[1], pe[1], &pid);
	(void)close(po[1]);
	(void)close(pe[1]);
	if (r == 0) {
		r = slurm_cmd_collect(po[0], pe[0], &o, &e);
		/* Killed when it overran: never left behind. */
		status = slurm_cmd_wait(pid, r < 0);
		if (r == 0)
			r = status;
	}
	(void)close(po[0]);
	(void)close(pe[0]);
	slurm_cmd_first_line(&e, err, errlen);
	free(e.data);
	if (r >= 0 && ret_out != NULL) {
		*ret_out = o.data != NULL ? o.data : strdup("");
		if (*ret_out == NULL)
			r = -ENOMEM;
	} else
		free(o.data);
	return (r);
}
