/*
 * Reading /proc/<pid>/stat.  The second field is the command name in
 * parentheses and may itself hold spaces and ')', so parsing starts after
 * the last ')' of the line, as procps does.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"

/* Field numbers of proc(5): the state, and the start time. */
#define PROC_STAT_STATE	3
#define PROC_STAT_START	22

static int
proc_read_stat(pid_t pid, char *buf, size_t len)
{
	char	path[64];
	ssize_t	n;
	int	fd, r = 0;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (errno == ENOENT ? -ESRCH : -errno);
	while ((n = read(fd, buf, len - 1)) < 0 && errno == EINTR)
		;
	if (n < 0)
		r = errno == ESRCH ? -ESRCH : -errno;
	else
		buf[n] = '\0';
	(void)close(fd);
	return (r);
}

int
proc_start_ticks(pid_t pid, uint64_t *ret)
{
	char			 buf[1024];
	char			*p, *end;
	unsigned long long	 v;
	int			 i, r;

	if (pid <= 0)
		return (-EINVAL);
	if ((r = proc_read_stat(pid, buf, sizeof(buf))) < 0)
		return (r);
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return (-EIO);
	p += 2;
	/* A zombie (or a task being torn down) has no process left. */
	if (*p == 'Z' || *p == 'X' || *p == 'x')
		return (-ESRCH);
	for (i = PROC_STAT_STATE; i < PROC_STAT_START; i++) {
		if ((p = strchr(p, ' ')) == NULL)
			return (-EIO);
		p++;
	}
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno != 0 || end == p || (*end != ' ' && *end != '\n' &&
	    *end != '\0'))
		return (-EIO);
	*ret = (uint64_t)v;
	return (0);
}
