/*
 * The task user and its groups, read from /etc/passwd and /etc/group
 * with fgetpwent_r/fgetgrent_r, not through NSS (getpwnam_r).  NSS would
 * dlopen its modules into this root process, and this process runs with
 * the task's own environment (LD_LIBRARY_PATH included): a deploy could
 * have its library loaded as root.  Users only a directory service knows
 * (LDAP, sssd) are therefore unknown here.
 *
 * Called in the command's child, between fork and exec: the supervisor
 * is single-threaded, and the stdio buffers and the memory used here go
 * away with the exec instead of staying in the long-lived process.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supervisor_user.h"

#define SUPERVISOR_USER_BUF	4096	/* first guess, doubled on ERANGE */
#define SUPERVISOR_USER_BUF_MAX	(1024 * 1024)
#define SUPERVISOR_USER_GROUPS	32	/* first guess, doubled */

/* A bigger buffer for the entry that did not fit; -ENOMEM past the cap. */
static int
supervisor_user_grow(char **buf, size_t *len)
{
	char *p;

	if (*len >= SUPERVISOR_USER_BUF_MAX ||
	    (p = realloc(*buf, *len * 2)) == NULL)
		return (-ENOMEM);
	*buf = p;
	*len *= 2;
	return (0);
}

static int
supervisor_user_pwent(FILE *fp, void *ent, char *buf, size_t len)
{
	struct passwd *res;

	return (fgetpwent_r(fp, ent, buf, len, &res));
}

static int
supervisor_user_grent(FILE *fp, void *ent, char *buf, size_t len)
{
	struct group *res;

	return (fgetgrent_r(fp, ent, buf, len, &res));
}

/*
 * The next entry of an /etc file into ent, its strings in *buf, grown as
 * a long line needs (the reader sets the stream back to the line that
 * did not fit).  1 read, 0 at the end, or negative errno.
 */
static int
supervisor_user_next(int (*next)(FILE *, void *, char *, size_t), FILE *fp,
    void *ent, char **buf, size_t *len)
{
	int e;

	while ((e = next(fp, ent, *buf, *len)) == ERANGE)
		if (supervisor_user_grow(buf, len) < 0)
			return (-ENOMEM);
	if (e == ENOENT)
		return (0);
	return (e == 0 ? 1 : -e);
}

int
supervisor_user_find(const char *name, struct supervisor_user *ret)
{
	struct passwd	 pw;
	FILE		*fp;
	char		*buf;
	size_t		 len = SUPERVISOR_USER_BUF;
	int		 r;

	if ((fp = fopen(SUPERVISOR_USER_PASSWD, "re")) == NULL)
		return (-errno);
	if ((buf = malloc(len)) == NULL) {
		(void)fclose(fp);
		return (-ENOMEM);
	}
	while ((r = supervisor_user_next(supervisor_user_pwent, fp, &pw, &buf,
	    &len)) == 1)
		if (strcmp(pw.pw_name, name) == 0) {
			ret->uid = pw.pw_uid;
			ret->gid = pw.pw_gid;
			break;
		}
	free(buf);
	(void)fclose(fp);
	return (r == 1 ? 0 : r == 0 ? -ENOENT : r);
}

/* Add gid to the list unless it is there. */
static int
supervisor_user_add_group(struct supervisor_user *u, size_t *cap, gid_t gid)
{
	gid_t	*groups;
	size_t	 i;

	for (i = 0; i < u->ngroups; i++)
		if (u->groups[i] == gid)
			return (0);
	if (u->ngroups == *cap) {
		if ((groups = reallocarray(u->groups, *cap * 2,
		    sizeof(*groups))) == NULL)
			return (-ENOMEM);
		u->groups = groups;
		*cap *= 2;
	}
	u->groups[u->ngroups++] = gid;
	return (0);
}

static int
supervisor_user_member(const struct group *gr, const char *name)
{
	char **m;

	for (m = gr->gr_mem; m != NULL && *m != NULL; m++)
		if (strcmp(*m, name) == 0)
			return (1);
	return (0);
}

/* The groups that list the user, its primary group first. */
static int
supervisor_user_scan_groups(FILE *fp, const char *name,
    struct supervisor_user *u, size_t *cap)
{
	struct group	 gr;
	char		*buf;
	size_t		 len = SUPERVISOR_USER_BUF;
	int		 r;

	if ((buf = malloc(len)) == NULL)
		return (-ENOMEM);
	while ((r = supervisor_user_next(supervisor_user_grent, fp, &gr, &buf,
	    &len)) == 1)
		if (supervisor_user_member(&gr, name) &&
		    (r = supervisor_user_add_group(u, cap, gr.gr_gid)) < 0)
			break;
	free(buf);
	return (r);
}

int
supervisor_user_groups(const char *name, struct supervisor_user *u)
{
	FILE	*fp;
	size_t	 cap = SUPERVISOR_USER_GROUPS;
	int	 r;

	u->ngroups = 0;
	if ((u->groups = calloc(cap, sizeof(*u->groups))) == NULL)
		return (-ENOMEM);
	u->groups[u->ngroups++] = u->gid;
	if ((fp = fopen(SUPERVISOR_USER_GROUP, "re")) == NULL)
		/* No group file: the primary group alone, as NSS would. */
		return (errno == ENOENT ? 0 : -errno);
	r = supervisor_user_scan_groups(fp, name, u, &cap);
	(void)fclose(fp);
	return (r);
}
