/*
 * File-system helpers (fs.c).
 */
#ifndef KERR_FS_H
#define KERR_FS_H

/* Create a directory and its parents (mode for the missing ones);
 * 0 or negative errno. */
int	fs_mkdirs(const char *path, unsigned int mode);

#endif
