/*
 * The pure half of the sandbox endpoints (api_sandbox.c): which task ids
 * may name a sandbox directory, the client's path made canonical and
 * confined to the sandbox, the UTF-8 a JSON reply needs, and which grep
 * patterns are cheap enough to compile.  No libmicrohttpd, no database:
 * the fuzzer (tests/fuzz/fuzz_sandbox_path.c) links this file alone.  The
 * only system calls are realpath(3)'s, in sandbox_path_resolve().
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_path.h"

#define SANDBOX_PATH_ID_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
				"abcdefghijklmnopqrstuvwxyz0123456789_.-"

int
sandbox_path_task_id_ok(const char *id)
{
	size_t n = strspn(id, SANDBOX_PATH_ID_CHARS);

	/* The id becomes a path component: "." and ".." would leave it. */
	return (n >= 1 && n <= SANDBOX_PATH_ID_MAX && id[n] == '\0' &&
	    strcmp(id, ".") != 0 && strcmp(id, "..") != 0);
}

/* Length of the UTF-8 sequence a byte starts; 0 when it starts none. */
static size_t
sandbox_path_utf8_need(unsigned char c)
{
	if (c < 0x80)
		return (1);
	if (c >= 0xc2 && c <= 0xdf)
		return (2);
	if (c >= 0xe0 && c <= 0xef)
		return (3);
	if (c >= 0xf0 && c <= 0xf4)
		return (4);
	return (0);
}

/*
 * Bytes of the well-formed sequence at s (n available), 0 when there is
 * none.  Overlong forms, surrogates and values past U+10FFFF count as
 * invalid because jansson refuses them in a string.
 */
static size_t
sandbox_path_utf8_seq(const unsigned char *s, size_t n)
{
	size_t		need = sandbox_path_utf8_need(s[0]), i;
	uint32_t	cp;

	if (need == 1)
		return (1);
	if (need == 0 || need > n)
		return (0);
	cp = s[0] & (0x7fu >> need);
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return (0);
	return (need);
}

int
sandbox_path_utf8_valid(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s), k;

	for (; n > 0; p += k, n -= k)
		if ((k = sandbox_path_utf8_seq(p, n)) == 0)
			return (0);
	return (1);
}

/*
 * Copy buf to dst (NULL: only count) with each byte that is not part of
 * a well-formed sequence replaced by U+FFFD, as Singularity's decoder
 * does: a JSON string must be valid UTF-8.  Returns the output length.
 */
static size_t
sandbox_path_utf8_copy(const unsigned char *buf, size_t n, char *dst)
{
	static const char	 repl[] = "\xef\xbf\xbd";
	size_t			 i, k, out = 0;

	for (i = 0; i < n; i += k > 0 ? k : 1) {
		k = sandbox_path_utf8_seq(buf + i, n - i);
		if (dst != NULL)
			memcpy(dst + out, k > 0 ? (const char *)buf + i : repl,
			    k > 0 ? k : 3);
		out += k > 0 ? k : 3;
	}
	return (out);
}

/* A NUL-terminated, valid UTF-8 copy of buf (caller frees), or NULL. */
char *
sandbox_path_utf8_clean(const unsigned char *buf, size_t n, size_t *ret_len)
{
	size_t	 len = sandbox_path_utf8_copy(buf, n, NULL);
	char	*s;

	if ((s = malloc(len + 1)) == NULL)
		return (NULL);
	(void)sandbox_path_utf8_copy(buf, n, s);
	s[len] = '\0';
	*ret_len = len;
	return (s);
}

/*
 * Where a chunk cut out of a UTF-8 file is whole: up to three
 * continuation bytes at the start end a character begun before the
 * chunk, and a character the chunk cuts at its end is left out.  The
 * client reads on from offset + skip + keep and so gets that character
 * whole next time.
 */
void
sandbox_path_utf8_edges(const unsigned char *buf, size_t n, size_t *ret_skip,
    size_t *ret_keep)
{
	size_t	skip = 0, end = n, i;

	while (skip < n && skip < 3 && (buf[skip] & 0xc0) == 0x80)
		skip++;
	for (i = 1; i <= 3 && i <= n - skip; i++) {
		if ((buf[n - i] & 0xc0) == 0x80)
			continue;
		/* buf[n - i] starts the last character: is it complete? */
		if (sandbox_path_utf8_need(buf[n - i]) > i)
			end = n - i;
		break;
	}
	*ret_skip = skip;
	*ret_keep = end - skip;
}

/*
 * The client's path made canonical: no empty or "." components, no
 * leading or trailing slash ("" is the root).  -EXDEV for a ".."
 * component: whatever it would resolve to, it names a way out.
 */
int
sandbox_path_normalise(const char *in, char *out, size_t len)
{
	size_t	used = 0, n;

	out[0] = '\0';
	for (in += strspn(in, "/"); *in != '\0'; in += strspn(in, "/")) {
		n = strcspn(in, "/");
		if (n == 2 && in[0] == '.' && in[1] == '.')
			return (-EXDEV);
		if (!(n == 1 && in[0] == '.')) {
			if (used + 1 + n >= len)
				return (-ENAMETOOLONG);
			if (used > 0)
				out[used++] = '/';
			memcpy(out + used, in, n);
			used += n;
			out[used] = '\0';
		}
		in += n;
	}
	return (0);
}

static int
sandbox_path_inside(const char *root, size_t rootlen, const char *path)
{
	return (strncmp(path, root, rootlen) == 0 &&
	    (path[rootlen] == '/' || path[rootlen] == '\0'));
}

/*
 * Resolve rel (normalised) under the sandbox into ret, relative to the
 * sandbox ("." for the root).  -EXDEV when it resolves outside, -ENOENT
 * when it does not exist.  A missing path is judged by its deepest
 * existing ancestor, so "escape/nothere" is refused like "escape/passwd"
 * and the answer tells nothing of what exists outside.
 */
int
sandbox_path_resolve(const char *root, size_t rootlen, const char *rel,
    char *ret, size_t len)
{
	char	 path[PATH_MAX], real[PATH_MAX];
	char	*slash;
	int	 missing = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s%s%s", root,
	    rel[0] != '\0' ? "/" : "", rel) >= sizeof(path))
		return (-ENAMETOOLONG);
	while (realpath(path, real) == NULL) {
		if (errno != ENOENT && errno != ENOTDIR)
			return (-errno);
		/* Never above the root, which exists (or did a moment ago). */
		if ((slash = strrchr(path, '/')) == NULL ||
		    (size_t)(slash - path) < rootlen)
			return (-ENOENT);
		*slash = '\0';
		missing = 1;
	}
	if (!sandbox_path_inside(root, rootlen, real))
		return (-EXDEV);
	if (missing)
		return (-ENOENT);
	if ((size_t)snprintf(ret, len, "%s", real[rootlen] == '\0' ? "." :
	    real + rootlen + 1) >= len)
		return (-ENAMETOOLONG);
	return (0);
}

/*
 * The ']' closing the bracket expression opening at p, or NULL.  A ']'
 * first (after any '^') is a member, as are "[:alpha:]"-style classes.
 */
static const char *
sandbox_path_bracket_end(const char *p)
{
	const char	*close;
	char		 delim[3] = { 0, ']', '\0' };

	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	for (; *p != '\0'; p++) {
		if (p[0] == '[' && p[1] != '\0' && strchr(":.=", p[1]) != NULL) {
			delim[0] = p[1];
			if ((close = strstr(p + 2, delim)) == NULL)
				return (NULL);
			p = close + 1;
			continue;
		}
		if (*p == ']')
			return (p);
	}
	return (NULL);
}

/*
 * Whether a grep pattern is cheap enough to compile and run.  glibc's
 * regcomp unrolls every {m,n} bound, so nested bounds multiply
 * ("((a{1,1000}){1,1000}){1,1000}" asks for gigabytes), and a
 * back-reference makes matching exponential.  It also copies the operand
 * of every '+' (x+ is xx*), so nested ones double the size each, and so
 * a '+' counts as a bound of 2.  Repeats stacked on one atom ("a++",
 * "a*?", "a{2}*") mean nothing in an ERE and cost the most: "a" and 22
 * '+' took 3.6 s and 2 GB, "^a" and 126 '*' 5.6 s; they are refused.  The
 * product of all bounds over-counts bounds side by side, which only
 * refuses a few odd patterns.
 */
int
sandbox_path_grep_ok(const char *p)
{
	unsigned long	 cost = 1, m;
	const char	*close;
	char		*end;
	int		 repeat, after_repeat = 0;

	if (strlen(p) > SANDBOX_PATH_GREP_LEN_MAX)
		return (0);
	for (; *p != '\0'; p++) {
		if (p[0] == '\\' && p[1] >= '1' && p[1] <= '9')
			return (0);
		repeat = 1;
		m = 1;
		if (p[0] == '\\' && p[1] != '\0') {
			p++;
			repeat = 0;
		} else if (p[0] == '[') {
			/* Unclosed: regcomp refuses it. */
			if ((close = sandbox_path_bracket_end(p)) == NULL)
				return (1);
			p = close;
			repeat = 0;
		} else if (p[0] == '+')
			m = 2;
		else if (p[0] == '{' && p[1] >= '0' && p[1] <= '9') {
			m = strtoul(p + 1, &end, 10);
			if (end[0] == ',' && end[1] >= '0' && end[1] <= '9')
				m = strtoul(end + 1, &end, 10);
			if (*end == '}')
				p = end;
		} else if (p[0] != '*' && p[0] != '?')
			repeat = 0;
		if (repeat && after_repeat)
			return (0);
		after_repeat = repeat;
		if (m > SANDBOX_PATH_GREP_REPEAT_MAX ||
		    (cost *= m > 1 ? m : 1) > SANDBOX_PATH_GREP_REPEAT_MAX)
			return (0);
	}
	return (1);
}
