/*
 * Lock files: a second copy of a daemon on the same runtime directory
 * must refuse to start rather than schedule or kill twice.  flock(2) is
 * released by the kernel when the holder dies however it dies, so a stale
 * file never blocks a restart; the file itself is left in place, as
 * unlinking it would let a third process lock a fresh inode while a second
 * still holds the old one.  The descriptor is O_CLOEXEC: the supervisors
 * and tasks a daemon spawns must not keep the lock after it exits.
 */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lockfile.h"

#define LOCKFILE_PID_MAX	32

int
lockfile_read_pid(const char *path, pid_t *ret)
{
	char	 buf[LOCKFILE_PID_MAX];
	char	*end;
	ssize_t	 n;
	long	 pid;
	int	 fd, r = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return (-errno);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		r = -errno;
	(void)close(fd);
	if (r < 0)
		return (r);
	buf[n] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	*ret = end != buf && *end == '\n' && errno == 0 && pid > 0 &&
	    pid == (pid_t)pid ? (pid_t)pid : 0;
	return (0);
}

/* Replace the file's content with "<our pid>\n". */
static int
lockfile_write_pid(int fd)
{
	char	buf[LOCKFILE_PID_MAX];
	ssize_t	n;
	int	len;

	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (len < 0 || (size_t)len >= sizeof(buf))
		return (-EOVERFLOW);
	if (ftruncate(fd, 0) != 0)
		return (-errno);
	if ((n = pwrite(fd, buf, (size_t)len, 0)) < 0)
		return (-errno);
	return (n == len ? 0 : -EIO);
}

/* The pid in the file, if that process still exists (a file we could
 * not write may still name an earlier holder). */
static void
lockfile_holder(const char *path, pid_t *ret)
{
	pid_t pid = 0;

	if (lockfile_read_pid(path, &pid) < 0 ||
	    (pid > 0 && kill(pid, 0) != 0 && errno == ESRCH))
		pid = 0;
	*ret = pid;
}

int
lockfile_take(const char *path, int *ret_fd, pid_t *ret_holder)
{
	int	fd, writable = 1, r;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	/* Left by another user (root before a daemon ran as kerr): the
	 * lock works on a read-only descriptor, only the pid is not ours. */
	if (fd < 0 && errno == EACCES) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		writable = 0;
	}
	if (fd < 0)
		return (-errno);
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		r = errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;
		(void)close(fd);
		if (r == -EWOULDBLOCK)
			lockfile_holder(path, ret_holder);
		return (r);
	}
	if (writable && (r = lockfile_write_pid(fd)) < 0) {
		(void)close(fd);
		return (r);
	}
	*ret_fd = fd;
	return (0);
}
