/*
 * File-system helpers shared by the daemons and the task supervisor (kept
 * apart from daemon.c so the supervisor does not link libsystemd).
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "fs.h"

int
fs_mkdirs(const char *path, unsigned int mode)
{
	char	buf[PATH_MAX];
	char	*p;
	size_t	len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return (-ENAMETOOLONG);
	memcpy(buf, path, len + 1);
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(buf, (mode_t)mode) != 0 && errno != EEXIST)
			return (-errno);
		*p = saved;
		if (saved == '\0')
			break;
	}
	return (0);
}

void
fs_mount_point(const char *path, char *buf, size_t len)
{
	struct stat	 sb, up;
	char		*slash;

	(void)snprintf(buf, len, "%s", path);
	if (stat(buf, &sb) != 0)
		return;
	while ((slash = strrchr(buf, '/')) != NULL) {
		if (slash == buf) {
			/* Only / itself is left above. */
			if (stat("/", &up) == 0 && up.st_dev == sb.st_dev)
				(void)snprintf(buf, len, "/");
			return;
		}
		*slash = '\0';
		if (stat(buf, &up) != 0 || up.st_dev != sb.st_dev) {
			*slash = '/';
			return;
		}
	}
}

int
fs_short_of_space(const char *path, unsigned long long min_bytes,
    unsigned long long min_inodes)
{
	struct statvfs sv;

	if (statvfs(path, &sv) != 0)
		return (-errno);
	if ((unsigned long long)sv.f_bavail * sv.f_frsize < min_bytes)
		return (1);
	/* Some filesystems (btrfs) have no inode count: 0 of 0. */
	return (sv.f_files > 0 && sv.f_favail < min_inodes);
}
