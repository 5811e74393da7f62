/*
 * File-system helpers (fs.c).
 */
#ifndef KERR_FS_H
#define KERR_FS_H

#include <stdint.h>

/* Create a directory and its parents (mode for the missing ones);
 * 0 or negative errno. */
int	fs_mkdirs(const char *path, unsigned int mode);

/*
 * Remove everything inside the open directory dirfd (fs_remove.c), with
 * unlinkat, never following a symlink or entering another filesystem;
 * *ret_entries (may be NULL) the files and directories removed.  0, or
 * the first negative errno met (the rest is removed all the same).
 */
int	fs_empty_dir(int dirfd, int64_t *ret_entries);

#endif
