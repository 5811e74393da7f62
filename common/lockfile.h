/*
 * One running copy per daemon: an advisory flock(2) on a file in the
 * runtime directory, which names its holder's pid (lockfile.c).
 */
#ifndef KERR_LOCKFILE_H
#define KERR_LOCKFILE_H

#include <sys/types.h>

/*
 * Create path (mode 0644) if needed and lock it without waiting.  On
 * success returns 0 with *ret_fd, an O_CLOEXEC descriptor that holds the
 * lock until closed (exec'd children never inherit it), and our pid
 * written into the file.  -EWOULDBLOCK when another process holds it:
 * *ret_holder is then the pid written in the file, or 0 if none is.
 * Other negative errno when the file cannot be opened, locked or written.
 */
int	lockfile_take(const char *path, int *ret_fd, pid_t *ret_holder);

/* The pid written in path, 0 if none; negative errno if unreadable. */
int	lockfile_read_pid(const char *path, pid_t *ret);

#endif
