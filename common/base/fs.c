/*
 * File-system helpers shared by the daemons and the task supervisor (kept
 * apart from daemon.c so the supervisor does not link libsystemd).
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
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
