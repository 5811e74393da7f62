/*
 * Removing directory trees (task sandboxes) without a shell: unlinkat(2)
 * relative to an open directory, so no path is resolved twice; a symlink
 * is removed, never followed; nothing on another filesystem (a bind
 * mount) is entered.  A directory the owner made unreadable is made
 * readable first (root needs not).  Depth costs an open directory per
 * level, so past FS_REMOVE_DEPTH_MAX a subtree is moved up into the
 * directory being emptied and removed from there in turn.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"

#define FS_REMOVE_DEPTH_MAX	32

struct fs_remove {
	int	 topfd;		/* the directory being emptied */
	dev_t	 dev;		/* its filesystem */
	int64_t	 entries;	/* removed so far */
	unsigned deep;		/* subtrees moved up, this round */
	unsigned moved;		/* ever: names them uniquely */
};

static int	fs_remove_at(struct fs_remove *, int, const char *, int);

static int
fs_remove_open_dir(int parentfd, const char *name)
{
	int fd;

	fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0 && errno == EACCES &&
	    fchmodat(parentfd, name, 0700, 0) == 0)
		fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
	return (fd < 0 ? -errno : fd);
}

/* Remove every entry of the open directory fd; fd is consumed. */
static int
fs_remove_children(struct fs_remove *rm, int fd, int depth)
{
	struct dirent	*de;
	DIR		*dir;
	int		 r, first = 0;

	if ((dir = fdopendir(fd)) == NULL) {
		r = -errno;
		(void)close(fd);
		return (r);
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(dir)) == NULL) {
			if (errno != 0 && first == 0)
				first = -errno;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((r = fs_remove_at(rm, dirfd(dir), de->d_name, depth)) < 0 &&
		    first == 0)
			first = r;
	}
	(void)closedir(dir);
	return (first);
}

/* Too deep: move the subtree up into the top directory, for later. */
static int
fs_remove_defer(struct fs_remove *rm, int parentfd, const char *name)
{
	char	up[64];

	rm->deep++;
	(void)snprintf(up, sizeof(up), ".deep-%ld-%u", (long)getpid(),
	    rm->moved++);
	return (renameat(parentfd, name, rm->topfd, up) == 0 ? 0 : -errno);
}

static int
fs_remove_at(struct fs_remove *rm, int parentfd, const char *name, int depth)
{
	struct stat	st;
	int		fd, r;

	if (fstatat(parentfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return (errno == ENOENT ? 0 : -errno);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(parentfd, name, 0) != 0)
			return (errno == ENOENT ? 0 : -errno);
		rm->entries++;
		return (0);
	}
	if (st.st_dev != rm->dev)
		return (-EXDEV);
	if (depth >= FS_REMOVE_DEPTH_MAX)
		return (fs_remove_defer(rm, parentfd, name));
	if ((fd = fs_remove_open_dir(parentfd, name)) < 0)
		return (fd);
	if ((r = fs_remove_children(rm, fd, depth + 1)) < 0)
		return (r);
	if (unlinkat(parentfd, name, AT_REMOVEDIR) != 0)
		return (errno == ENOENT ? 0 : -errno);
	rm->entries++;
	return (0);
}

int
fs_empty_dir(int dirfd, int64_t *ret_entries)
{
	struct fs_remove	rm = { .topfd = dirfd };
	struct stat		st;
	int			fd, r;

	if (fstat(dirfd, &st) != 0)
		return (-errno);
	rm.dev = st.st_dev;
	/* Subtrees moved up land here too: go round until none is left. */
	do {
		rm.deep = 0;
		if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) < 0)
			return (-errno);
		r = fs_remove_children(&rm, fd, 0);
	} while (r == 0 && rm.deep > 0);
	if (ret_entries != NULL)
		*ret_entries = rm.entries;
	return (r);
}
