/*
 * GET /sandbox/{taskId}/browse and /read: the pure half of their input
 * handling (daemons/apid/sandbox_path.c).  The input, split at its first
 * two NUL bytes, is a path, a grep pattern and a file chunk; the path is
 * also tried as a task id.  Paths resolve against a real sandbox made at
 * start-up, holding a directory, a file and symlinks out of it (to /etc,
 * to its parent, to itself in a loop) and within it.
 *
 * Properties: a normalised path has no empty, "." or ".." component and
 * normalises to itself; what resolves lies inside the sandbox; a task id
 * accepted is one path component; mended text is valid UTF-8; a chunk's
 * whole characters lie within it; a grep pattern accepted compiles and
 * runs (libFuzzer's -timeout and -rss_limit_mb catch a costly one).
 */
#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <regex.h>
#include <unistd.h>

#include "fuzz.h"
#include "sandbox_path.h"

static char	fuzz_sb_root[PATH_MAX];
static size_t	fuzz_sb_rootlen;

static int
fuzz_sb_rm(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

static void
fuzz_sb_cleanup(void)
{
	if (fuzz_sb_rootlen > 0)
		(void)nftw(fuzz_sb_root, fuzz_sb_rm, 16, FTW_DEPTH | FTW_PHYS);
}

static void
fuzz_sb_make(const char *rel, const char *link_to)
{
	char	 path[PATH_MAX];
	FILE	*fp;

	(void)snprintf(path, sizeof(path), "%s/%s", fuzz_sb_root, rel);
	if (link_to != NULL) {
		if (symlink(link_to, path) < 0)
			abort();
	} else if (rel[strlen(rel) - 1] == '/') {
		if (mkdir(path, 0700) < 0)
			abort();
	} else {
		if ((fp = fopen(path, "w")) == NULL)
			abort();
		(void)fputs("stdout of a task\n", fp);
		(void)fclose(fp);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*tmp = getenv("TMPDIR");
	char		 made[PATH_MAX];

	(void)argc;
	(void)argv;
	(void)snprintf(made, sizeof(made), "%s/kerr-fuzz-sandbox.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(made) == NULL || realpath(made, fuzz_sb_root) == NULL)
		abort();
	fuzz_sb_rootlen = strlen(fuzz_sb_root);
	atexit(fuzz_sb_cleanup);
	fuzz_sb_make("logs/", NULL);
	fuzz_sb_make("logs/stdout", NULL);
	fuzz_sb_make("etc", "/etc");
	fuzz_sb_make("up", "..");
	fuzz_sb_make("loop", "loop");
	fuzz_sb_make("logs/out", "stdout");
	fuzz_sb_make("logs/root", "../..");
	fuzz_sb_make("here", ".");
	return (0);
}

/* "" or components joined by single slashes, none "." or "..". */
static int
fuzz_sb_canonical(const char *norm)
{
	size_t	 n;

	if (*norm == '\0')
		return (1);
	for (;;) {
		n = strcspn(norm, "/");
		if (n == 0 || (n == 1 && norm[0] == '.') ||
		    (n == 2 && norm[0] == '.' && norm[1] == '.'))
			return (0);
		if (norm[n] == '\0')
			return (1);
		norm += n + 1;
	}
}

static void
fuzz_sb_path(const char *given)
{
	char	 norm[PATH_MAX], again[PATH_MAX], rel[PATH_MAX];
	char	 path[2 * PATH_MAX], real[PATH_MAX];
	int	 r;

	(void)sandbox_path_utf8_valid(given);
	r = sandbox_path_normalise(given, norm, sizeof(norm));
	FUZZ_ASSERT(r == 0 || r == -EXDEV || r == -ENAMETOOLONG);
	if (r != 0)
		return;
	FUZZ_ASSERT(fuzz_sb_canonical(norm));
	FUZZ_ASSERT(sandbox_path_normalise(norm, again, sizeof(again)) == 0 &&
	    strcmp(norm, again) == 0);

	r = sandbox_path_resolve(fuzz_sb_root, fuzz_sb_rootlen, norm, rel,
	    sizeof(rel));
	FUZZ_ASSERT(r == 0 || r == -EXDEV || r == -ENOENT ||
	    r == -ENAMETOOLONG || r == -ELOOP);
	if (r != 0)
		return;
	(void)snprintf(path, sizeof(path), "%s/%s", fuzz_sb_root, rel);
	FUZZ_ASSERT(realpath(path, real) != NULL);
	FUZZ_ASSERT(strncmp(real, fuzz_sb_root, fuzz_sb_rootlen) == 0 &&
	    (real[fuzz_sb_rootlen] == '\0' || real[fuzz_sb_rootlen] == '/'));
}

static void
fuzz_sb_task_id(const char *id)
{
	if (!sandbox_path_task_id_ok(id))
		return;
	FUZZ_ASSERT(strchr(id, '/') == NULL && strcmp(id, "..") != 0 &&
	    strcmp(id, ".") != 0 && strlen(id) <= SANDBOX_PATH_ID_MAX);
}

static void
fuzz_sb_grep(const char *pattern, const char *text)
{
	regex_t	 re;

	if (!sandbox_path_grep_ok(pattern))
		return;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return;
	(void)regexec(&re, text, 0, NULL, 0);
	regfree(&re);
}

static void
fuzz_sb_chunk(const uint8_t *buf, size_t n)
{
	size_t	 skip, keep, len;
	char	*clean;

	sandbox_path_utf8_edges(buf, n, &skip, &keep);
	FUZZ_ASSERT(skip <= n && keep <= n - skip);
	if ((clean = sandbox_path_utf8_clean(buf + skip, keep, &len)) == NULL)
		return;
	FUZZ_ASSERT(clean[len] == '\0');
	/* NUL bytes are copied through, so check up to the first. */
	FUZZ_ASSERT(sandbox_path_utf8_valid(clean));
	free(clean);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*grep, *chunk, *end = data + size;
	char		*given, *pattern;

	grep = memchr(data, '\0', size);
	grep = grep != NULL ? grep + 1 : end;
	chunk = memchr(grep, '\0', (size_t)(end - grep));
	chunk = chunk != NULL ? chunk + 1 : end;
	if ((given = fuzz_cstr(data, (size_t)(grep - data))) == NULL)
		return (0);
	if ((pattern = fuzz_cstr(grep, (size_t)(chunk - grep))) == NULL) {
		free(given);
		return (0);
	}
	fuzz_sb_path(given);
	fuzz_sb_task_id(given);
	fuzz_sb_grep(pattern, "2026-12-07 stdout of a task: ok\n");
	fuzz_sb_chunk(chunk, (size_t)(end - chunk));
	fuzz_sb_chunk(data, size);
	free(pattern);
	free(given);
	return (0);
}
