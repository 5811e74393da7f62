/*
 * auth = token's tokens_file (api_tokens.h).  SHA-256 from Nettle, which
 * apid links already; the random token from getrandom(2).
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/memops.h>
#include <nettle/sha2.h>

#include "api_tokens.h"

struct api_token {
	uint8_t	hash[SHA256_DIGEST_SIZE];
	char	user[API_USER_MAX];
	char	groups[API_GROUPS_MAX];
};

struct api_tokens {
	struct api_token	*v;
	size_t			 n;
};

static int
api_tokens_hex(const char *hex, uint8_t *out, size_t n)
{
	size_t	i;
	int	hi, lo;

	if (strlen(hex) != 2 * n)
		return (-EINVAL);
	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)hex[2 * i]) ||
		    !isxdigit((unsigned char)hex[2 * i + 1]))
			return (-EINVAL);
		hi = isdigit((unsigned char)hex[2 * i]) ? hex[2 * i] - '0' :
		    tolower((unsigned char)hex[2 * i]) - 'a' + 10;
		lo = isdigit((unsigned char)hex[2 * i + 1]) ?
		    hex[2 * i + 1] - '0' :
		    tolower((unsigned char)hex[2 * i + 1]) - 'a' + 10;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (0);
}

static void
api_tokens_to_hex(const uint8_t *in, size_t n, char *hex)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[in[i] >> 4];
		hex[2 * i + 1] = digits[in[i] & 0xf];
	}
	hex[2 * n] = '\0';
}

/* A user or group name: no spaces, commas or control characters. */
static int
api_tokens_name_ok(const char *s, int commas)
{
	if (s[0] == '\0')
		return (0);
	for (; *s != '\0'; s++)
		if (!isgraph((unsigned char)*s) || (*s == ',' && !commas))
			return (0);
	return (1);
}

/* "HASH USER [GROUPS]" into t; -EINVAL when it is not that. */
static int
api_tokens_parse_line(char *line, struct api_token *t)
{
	char	*hash, *user, *groups, *extra, *save = NULL;

	if ((hash = strtok_r(line, " \t", &save)) == NULL ||
	    (user = strtok_r(NULL, " \t", &save)) == NULL)
		return (-EINVAL);
	groups = strtok_r(NULL, " \t", &save);
	extra = strtok_r(NULL, " \t", &save);
	if (extra != NULL || api_tokens_hex(hash, t->hash, sizeof(t->hash)) <
	    0 || !api_tokens_name_ok(user, 0) || strlen(user) >=
	    sizeof(t->user) || (groups != NULL && (!api_tokens_name_ok(groups,
	    1) || strlen(groups) >= sizeof(t->groups))))
		return (-EINVAL);
	(void)snprintf(t->user, sizeof(t->user), "%s", user);
	(void)snprintf(t->groups, sizeof(t->groups), "%s", groups != NULL ?
	    groups : "");
	return (0);
}

static int
api_tokens_add(struct api_tokens *t, const struct api_token *tok)
{
	struct api_token	*v;

	if ((v = reallocarray(t->v, t->n + 1, sizeof(*v))) == NULL)
		return (-ENOMEM);
	t->v = v;
	t->v[t->n++] = *tok;
	return (0);
}

/* Every line of f into t; the first bad one is reported by number. */
static int
api_tokens_read(FILE *f, const char *path, struct api_tokens *t, char *err,
    size_t errlen)
{
	struct api_token	 tok;
	char			 line[1024], *p;
	int			 lineno = 0, r;

	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		line[strcspn(line, "#\r\n")] = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0')
			continue;
		if (api_tokens_parse_line(p, &tok) < 0) {
			(void)snprintf(err, errlen, "%s:%d: not \"SHA256-HEX "
			    "USER GROUP,GROUP\"", path, lineno);
			return (-EINVAL);
		}
		if ((r = api_tokens_add(t, &tok)) < 0)
			return (r);
	}
	if (ferror(f)) {
		(void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-EIO);
	}
	return (0);
}

int
api_tokens_load(const char *path, struct api_tokens **ret, char *err,
    size_t errlen)
{
	struct api_tokens	*t;
	struct stat		 st;
	FILE			*f;
	int			 fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0) {
		r = -errno;
		(void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			(void)close(fd);
		return (r);
	}
	if (st.st_mode & (S_IROTH | S_IWOTH)) {
		(void)snprintf(err, errlen, "%s may be read or written by "
		    "other users (mode %04o): chmod o-rw it", path,
		    (unsigned int)(st.st_mode & 07777));
		(void)close(fd);
		return (-EPERM);
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		(void)close(fd);
		return (-ENOMEM);
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		r = -ENOMEM;
	else
		r = api_tokens_read(f, path, t, err, errlen);
	(void)fclose(f);
	if (r < 0) {
		api_tokens_free(t);
		return (r);
	}
	*ret = t;
	return (0);
}

void
api_tokens_free(struct api_tokens *t)
{
	if (t == NULL)
		return;
	free(t->v);
	free(t);
}

int
api_tokens_find(const struct api_tokens *t, const char *token,
    struct api_identity *ret)
{
	struct sha256_ctx	 ctx;
	uint8_t			 hash[SHA256_DIGEST_SIZE];
	size_t			 i, found = t->n;

	sha256_init(&ctx);
	sha256_update(&ctx, strlen(token), (const uint8_t *)token);
	sha256_digest(&ctx, sizeof(hash), hash);
	/* Every line compared, so the time says nothing of which. */
	for (i = 0; i < t->n; i++)
		if (memeql_sec(hash, t->v[i].hash, sizeof(hash)))
			found = i;
	if (found == t->n)
		return (-ENOENT);
	memset(ret, 0, sizeof(*ret));
	(void)snprintf(ret->user, sizeof(ret->user), "%s", t->v[found].user);
	(void)snprintf(ret->groups, sizeof(ret->groups), "%s",
	    t->v[found].groups);
	return (0);
}

/* Whether the comma-separated list has name. */
static int
api_groups_has(const char *list, const char *name, size_t len)
{
	const char	*p = list, *end;

	while (*p != '\0') {
		end = strchrnul(p, ',');
		if ((size_t)(end - p) == len && strncmp(p, name, len) == 0)
			return (1);
		p = *end == ',' ? end + 1 : end;
	}
	return (0);
}

int
api_groups_meet(const char *a, const char *b)
{
	const char	*p = a, *end;

	while (*p != '\0') {
		end = strchrnul(p, ',');
		if (end > p && api_groups_has(b, p, (size_t)(end - p)))
			return (1);
		p = *end == ',' ? end + 1 : end;
	}
	return (0);
}

int
api_tokens_new(const char *user, const char *groups, char *token,
    size_t token_len, char *line, size_t line_len)
{
	struct sha256_ctx	 ctx;
	uint8_t			 raw[32], hash[SHA256_DIGEST_SIZE];
	char			 hex[2 * SHA256_DIGEST_SIZE + 1];
	int			 w;

	if (!api_tokens_name_ok(user, 0) || strlen(user) >= API_USER_MAX ||
	    (groups[0] != '\0' && (!api_tokens_name_ok(groups, 1) ||
	    strlen(groups) >= API_GROUPS_MAX)))
		return (-EINVAL);
	if (token_len < 2 * sizeof(raw) + 1)
		return (-ENOBUFS);
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return (-EIO);
	api_tokens_to_hex(raw, sizeof(raw), token);
	sha256_init(&ctx);
	sha256_update(&ctx, strlen(token), (const uint8_t *)token);
	sha256_digest(&ctx, sizeof(hash), hash);
	api_tokens_to_hex(hash, sizeof(hash), hex);
	w = snprintf(line, line_len, "%s %s%s%s", hex, user, groups[0] != '\0'
	    ? " " : "", groups);
	return (w < 0 || (size_t)w >= line_len ? -ENOBUFS : 0);
}
