/*
 * The tokens of auth = token: tokens_file read once at start, each line
 * "SHA256-HEX USER GROUP,GROUP" (comments after '#'), kept as the hash of
 * the token so the file never holds one.  A caller's token is hashed and
 * compared with every hash in constant time.  Pure: no HTTP, no store.
 */
#ifndef KERR_API_TOKENS_H
#define KERR_API_TOKENS_H

#include <stddef.h>

#define API_USER_MAX		128
#define API_GROUPS_MAX		512	/* comma-separated */

/* Who is calling, and what its groups make it. */
struct api_identity {
	char	user[API_USER_MAX];
	char	groups[API_GROUPS_MAX];	/* "a,b", no spaces */
	int	admin;			/* in one of admin_groups */
	int	read_only;		/* in one of read_only_groups */
};

struct api_tokens;

/*
 * Read path: 0 and *ret, or -errno with a one-line reason in err (a file
 * others may read is -EPERM; a bad line says which).
 */
int	api_tokens_load(const char *path, struct api_tokens **ret, char *err,
	    size_t errlen);
void	api_tokens_free(struct api_tokens *t);
/* The identity of token (its groups, admin and read_only left to the
 * caller): 0, or -ENOENT when no line has its hash. */
int	api_tokens_find(const struct api_tokens *t, const char *token,
	    struct api_identity *ret);
/* Whether the comma-separated lists a and b share a member. */
int	api_groups_meet(const char *a, const char *b);
/* A new random token (64 hex digits) and its line for tokens_file; 0 or
 * -errno (a bad user or groups is -EINVAL). */
int	api_tokens_new(const char *user, const char *groups, char *token,
	    size_t token_len, char *line, size_t line_len);

#endif
