/*
 * The task user from the files (supervisor_user.c): no NSS, so nothing
 * is loaded into the supervisor at run time.
 */
#ifndef KERR_SUPERVISOR_USER_H
#define KERR_SUPERVISOR_USER_H

#include <sys/types.h>

#include <stddef.h>

#define SUPERVISOR_USER_PASSWD	"/etc/passwd"
#define SUPERVISOR_USER_GROUP	"/etc/group"

struct supervisor_user {
	uid_t	 uid;
	gid_t	 gid;		/* the primary group */
	gid_t	*groups;	/* the primary group first, then the rest */
	size_t	 ngroups;
};

/* Fill uid and gid of name: 0, -ENOENT no such user, or -errno. */
int	supervisor_user_find(const char *name, struct supervisor_user *u);
/* Fill groups (the caller frees them): 0 or -errno. */
int	supervisor_user_groups(const char *name, struct supervisor_user *u);

#endif
