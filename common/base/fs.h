/*
 * File-system helpers (fs.c).
 */
#ifndef KERR_FS_H
#define KERR_FS_H

#include <stddef.h>
#include <stdint.h>

/* Create a directory and its parents (mode for the missing ones);
 * 0 or negative errno. */
int	fs_mkdirs(const char *path, unsigned int mode);
/* The directory the filesystem holding path is mounted on: the highest
 * one above path on the same device; path itself when it cannot be
 * told (never empty). */
void	fs_mount_point(const char *path, char *buf, size_t len);
/* 1 when the filesystem holding path has less than min_bytes or
 * min_inodes free for an unprivileged writer, 0 when it has them,
 * negative errno when it cannot be asked. */
int	fs_short_of_space(const char *path, unsigned long long min_bytes,
	    unsigned long long min_inodes);

/*
 * Remove everything inside the open directory dirfd (fs_remove.c), with
 * unlinkat, never following a symlink or entering another filesystem;
 * *ret_entries (may be NULL) the files and directories removed.  0, or
 * the first negative errno met (the rest is removed all the same).
 */
int	fs_empty_dir(int dirfd, int64_t *ret_entries);

#endif
