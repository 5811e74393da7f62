/*
 * GET /sandbox/{taskId}/browse and GET /sandbox/{taskId}/read: the files
 * of a task's sandbox, <state_dir>/tasks/<taskId>, read straight from the
 * local disk where Singularity asks the Mesos agent (spec 1.6, 2.7, 4.5).
 * Reads the tasks table only to learn that the task exists and whether
 * cleanerd removed its sandbox (404 saying when); sends and receives no
 * bus message.
 *
 * Every path a client names stays inside the sandbox.  A ".." component
 * is refused outright; the rest is resolved with realpath(3) and must land
 * under the sandbox, so a symlink to /etc is refused too.  The task owns
 * its sandbox and could swap a checked directory for a symlink before we
 * open it, so the open itself is done beneath the sandbox directory with
 * openat2(RESOLVE_BENEATH) where the kernel has it, and O_NOFOLLOW always.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "db_retention.h"
#include "db_task.h"
#include "host.h"
#include "sandbox_path.h"

/* Singularity sets no cap; ours keeps one reply small enough to hold. */
#define API_SANDBOX_READ_MAX	(1024L * 1024L)

/* One task's sandbox, opened. */
struct api_sandbox {
	char	root[PATH_MAX];		/* realpath of <sandbox root>/<id> */
	size_t	rootlen;
	int	rootfd;			/* O_PATH of root */
};

/* The query of a read. */
struct api_sandbox_query {
	const char	*path;
	long		 offset;	/* -1: none given */
	long		 length;
	regex_t		 grep;
	int		 has_grep;
};

/* The 404 of a sandbox the retention sweep removed (cleaner_sandbox.c):
 * the task's history stays, its files do not. */
static int
api_sandbox_removed(struct api_reply *rep, const char *id, int64_t at)
{
	struct tm	tm;
	time_t		secs = (time_t)(at / 1000);
	char		when[32] = "?";

	if (gmtime_r(&secs, &tm) != NULL)
		(void)strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	(void)api_reply_error(rep, 404, "Sandbox of task %s was removed at "
	    "%s (sandbox retention); its history is kept", id, when);
	return (-ENOENT);
}

/* Check the task id, find the task and open its sandbox; replies on
 * error. */
static int
api_sandbox_open(struct api_req *req, struct api_reply *rep,
    struct api_sandbox *sb)
{
	const char		*id = req->params[0];
	char			 base[PATH_MAX], path[PATH_MAX];
	int64_t			 removed_at = 0;
	int			 r;

	if (id == NULL || !sandbox_path_task_id_ok(id)) {
		(void)api_reply_error(rep, 400, "Invalid task id '%.300s'",
		    id != NULL ? id : "");
		return (-EINVAL);
	}
	if ((r = db_retention_sandbox_removed_at(req->db, id,
	    &removed_at)) < 0) {
		if (r == -ENOENT)
			(void)api_reply_error(rep, 404, "Task %s not found",
			    id);
		else
			(void)api_reply_errno(rep, r, "Failed to read task "
			    "%s: %s", id, strerror(-r));
		return (r);
	}
	if (removed_at > 0)
		return (api_sandbox_removed(rep, id, removed_at));
	conf_sandbox_root(req->conf, base, sizeof(base));
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", base, id) >=
	    sizeof(path)) {
		(void)api_reply_error(rep, 500, "Sandbox path of task %s is "
		    "too long", id);
		return (-ENAMETOOLONG);
	}
	if (realpath(path, sb->root) == NULL || (sb->rootfd = open(sb->root,
	    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		r = -errno;
		if (r == -ENOENT || r == -ENOTDIR)
			(void)api_reply_error(rep, 400, "Sandbox for task %s "
			    "does not exist yet, check again soon", id);
		else
			(void)api_reply_error(rep, 500, "Failed to open the "
			    "sandbox of task %s: %s", id, strerror(-r));
		return (r);
	}
	sb->rootlen = strlen(sb->root);
	return (0);
}

/*
 * Open rel beneath the sandbox: an fd, or -errno (-EXDEV or -ELOOP when
 * a symlink appeared since sandbox_path_resolve).  O_NONBLOCK because a
 * FIFO in the sandbox would otherwise hang the open until a writer came.
 */
static int
api_sandbox_openat(const struct api_sandbox *sb, const char *rel)
{
	struct open_how	how = {
		.flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long		fd;

	fd = syscall(SYS_openat2, sb->rootfd, rel, &how, sizeof(how));
	/* Before Linux 5.6 (or under seccomp) realpath is the only guard. */
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = openat(sb->rootfd, rel, (int)how.flags);
	return (fd < 0 ? -errno : (int)fd);
}

/*
 * Normalise (into norm), confine and open the client's path: 0 and
 * *ret_fd.  -ENOENT with nothing replied, since browse and read answer it
 * differently; any other error is replied here.
 */
static int
api_sandbox_path(struct api_reply *rep, const struct api_sandbox *sb,
    const char *given, char *norm, size_t normlen, int *ret_fd)
{
	char	rel[PATH_MAX];
	int	r;

	if (!sandbox_path_utf8_valid(given)) {
		(void)api_reply_error(rep, 400, "Path is not valid UTF-8");
		return (-EINVAL);
	}
	if ((r = sandbox_path_normalise(given, norm, normlen)) == 0 &&
	    (r = sandbox_path_resolve(sb->root, sb->rootlen, norm, rel,
	    sizeof(rel))) == 0 &&
	    (r = api_sandbox_openat(sb, rel)) >= 0) {
		*ret_fd = r;
		return (0);
	}
	if (r == -EXDEV)
		(void)api_reply_error(rep, 400, "Path '%s' is outside the "
		    "sandbox", given);
	else if (r == -ELOOP || r == -ENAMETOOLONG || r == -EACCES)
		(void)api_reply_error(rep, 400, "Path '%s' cannot be opened: "
		    "%s", given, strerror(-r));
	else if (r != -ENOENT)
		(void)api_reply_error(rep, 500, "Failed to open '%s': %s",
		    given, strerror(-r));
	return (r);
}

/* ls(1)'s letter for each file type; '-' for a regular file. */
static const struct {
	mode_t	type;
	char	letter;
} api_sandbox_types[] = {
	{ S_IFDIR, 'd' }, { S_IFLNK, 'l' }, { S_IFIFO, 'p' },
	{ S_IFSOCK, 's' }, { S_IFCHR, 'c' }, { S_IFBLK, 'b' },
};

static char
api_sandbox_type_char(mode_t m)
{
	size_t i;

	for (i = 0; i < sizeof(api_sandbox_types) /
	    sizeof(api_sandbox_types[0]); i++)
		if ((m & S_IFMT) == api_sandbox_types[i].type)
			return (api_sandbox_types[i].letter);
	return ('-');
}

/* ls(1)'s ten-character mode string, as the Mesos agent reports it. */
static void
api_sandbox_mode(mode_t m, char *buf)
{
	static const char	rwx[] = "rwxrwxrwx";
	int			i;

	buf[0] = api_sandbox_type_char(m);
	for (i = 0; i < 9; i++)
		buf[i + 1] = (m & (0400u >> i)) ? rwx[i] : '-';
	if (m & S_ISUID)
		buf[3] = buf[3] == 'x' ? 's' : 'S';
	if (m & S_ISGID)
		buf[6] = buf[6] == 'x' ? 's' : 'S';
	if (m & S_ISVTX)
		buf[9] = buf[9] == 'x' ? 't' : 'T';
	buf[10] = '\0';
}

/* SingularitySandboxFile of one entry, or NULL when it vanished. */
static json_t *
api_sandbox_file_json(int dirfd, const char *name)
{
	struct stat	 st;
	char		 mode[11];
	char		*uname;
	size_t		 len;
	json_t		*f;

	/* lstat: a symlink is listed as itself, telling nothing of where it
	 * points. */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return (NULL);
	/* A name that is not UTF-8 is still listed, mended. */
	if ((uname = sandbox_path_utf8_clean((const unsigned char *)name,
	    strlen(name), &len)) == NULL)
		return (NULL);
	api_sandbox_mode(st.st_mode, mode);
	f = json_pack("{s:s, s:I, s:I, s:s}", "name", uname,
	    "mtime", (json_int_t)st.st_mtime, "size", (json_int_t)st.st_size,
	    "mode", mode);
	free(uname);
	return (f);
}

static int
api_sandbox_not_dots(const struct dirent *d)
{
	return (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0);
}

static int
api_sandbox_by_name(const struct dirent **a, const struct dirent **b)
{
	return (strcmp((*a)->d_name, (*b)->d_name));
}

/* The entries of the open directory fd, sorted by name; replies on
 * error. */
static int
api_sandbox_list(struct api_reply *rep, int fd, const char *given,
    json_t **ret)
{
	struct dirent	**ents = NULL;
	struct stat	  st;
	json_t		 *files = NULL, *f;
	int		  i, n = 0, r = 0;

	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) {
		(void)api_reply_error(rep, 400, "Path '%s' is not a directory",
		    given);
		return (-ENOTDIR);
	}
	if ((n = scandirat(fd, ".", &ents, api_sandbox_not_dots,
	    api_sandbox_by_name)) < 0 || (files = json_array()) == NULL) {
		r = n < 0 ? -errno : -ENOMEM;
		(void)api_reply_error(rep, 500, "Failed to list '%s': %s",
		    given, strerror(-r));
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((f = api_sandbox_file_json(fd, ents[i]->d_name)) != NULL)
			(void)json_array_append_new(files, f);
	*ret = files;
	files = NULL;
out:
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	json_decref(files);
	return (r);
}

/* SingularitySandbox; takes the reference to files. */
static json_t *
api_sandbox_json(const struct conf *conf, const struct api_sandbox *sb,
    const char *cur, json_t *files)
{
	char host[256];

	host_name(conf, host, sizeof(host));
	return (json_pack("{s:o, s:s, s:s, s:s, s:s}", "files", files,
	    "fullPathToRoot", sb->root, "currentDirectory", cur,
	    "agentHostname", host, "slaveHostname", host));
}

int
api_sandbox_browse(struct api_req *req, struct api_reply *rep)
{
	struct api_sandbox	 sb = { .rootfd = -1 };
	const char		*given = api_query(req, "path");
	char			 cur[PATH_MAX];
	json_t			*files = NULL;
	int			 fd = -1, r;

	if ((r = api_sandbox_open(req, rep, &sb)) < 0)
		goto out;
	r = api_sandbox_path(rep, &sb, given != NULL ? given : "", cur,
	    sizeof(cur), &fd);
	if (r == 0)
		r = api_sandbox_list(rep, fd, given != NULL ? given : "",
		    &files);
	else if (r == -ENOENT) {
		/* Singularity lists nothing where the agent answers 404. */
		files = json_array();
		r = 0;
	}
	if (r < 0)
		goto out;
	r = api_reply_json(rep, 200, api_sandbox_json(req->conf, &sb, cur,
	    files));
out:
	if (fd >= 0)
		close(fd);
	if (sb.rootfd >= 0)
		close(sb.rootfd);
	return (r);
}

/* A whole decimal long, or -EINVAL. */
static int
api_sandbox_long(const char *v, long *ret)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0')
		return (-EINVAL);
	*ret = n;
	return (0);
}

static int
api_sandbox_bad(struct api_reply *rep, const char *msg)
{
	(void)api_reply_error(rep, 400, "%s", msg);
	return (-EINVAL);
}

/* ?path=, ?offset=, ?length= and ?grep= of a read; replies 400 when one
 * is wrong.  The caller regfree()s q->grep when q->has_grep is set. */
static int
api_sandbox_query_parse(const struct api_req *req, struct api_reply *rep,
    struct api_sandbox_query *q)
{
	const char	*off = api_query(req, "offset");
	const char	*len = api_query(req, "length");
	const char	*grep = api_query(req, "grep");
	char		 err[256];
	int		 r;

	q->path = api_query(req, "path");
	q->offset = -1;
	q->length = API_SANDBOX_READ_MAX;
	if (q->path == NULL || q->path[0] == '\0')
		return (api_sandbox_bad(rep, "path is required"));
	if (off != NULL && off[0] != '\0' &&
	    (api_sandbox_long(off, &q->offset) < 0 || q->offset < 0))
		return (api_sandbox_bad(rep, "offset must be an integer of 0 "
		    "or more"));
	/* length=0 is how the UI's tailer asks for the size alone. */
	if (len != NULL && len[0] != '\0' &&
	    (api_sandbox_long(len, &q->length) < 0 || q->length < 0))
		return (api_sandbox_bad(rep, "length must be an integer of 0 "
		    "or more"));
	if (q->length > API_SANDBOX_READ_MAX)
		q->length = API_SANDBOX_READ_MAX;
	/* As Singularity, an empty grep is no grep. */
	if (grep == NULL || grep[0] == '\0')
		return (0);
	if (!sandbox_path_grep_ok(grep))
		return (api_sandbox_bad(rep, "grep pattern too costly: at "
		    "most 1024 characters, 1000 repeats in all, no "
		    "back-references and no repeat of a repeat"));
	if ((r = regcomp(&q->grep, grep, REG_EXTENDED | REG_NOSUB)) != 0) {
		(void)regerror(r, &q->grep, err, sizeof(err));
		(void)api_reply_error(rep, 400,
		    "Invalid grep pattern '%s': %s", grep, err);
		return (-EINVAL);
	}
	q->has_grep = 1;
	return (0);
}

/* Up to len bytes at off into a malloc'd buffer (caller frees). */
static int
api_sandbox_pread(int fd, long off, long len, unsigned char **ret,
    size_t *ret_n)
{
	unsigned char	*buf;
	size_t		 n = 0;
	ssize_t		 k;
	int		 r;

	if ((buf = malloc((size_t)len + 1)) == NULL)
		return (-ENOMEM);
	while (n < (size_t)len) {
		k = pread(fd, buf + n, (size_t)len - n, (off_t)off + (off_t)n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			r = -errno;
			free(buf);
			return (r);
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	*ret = buf;
	*ret_n = n;
	return (0);
}

/*
 * The lines of text that match re, each followed by "\n" as Singularity
 * writes them (caller frees); a line the chunk cuts is matched as it is.
 * text must be NUL-terminated at len; its newlines are overwritten.
 */
static char *
api_sandbox_grep(const regex_t *re, char *text, size_t len, size_t *ret_len)
{
	char	*out, *line, *nl;
	size_t	 n = 0, l;

	if ((out = malloc(len + 2)) == NULL)
		return (NULL);
	for (line = text; line < text + len; line += l + 1) {
		nl = memchr(line, '\n', (size_t)(text + len - line));
		l = nl != NULL ? (size_t)(nl - line) :
		    (size_t)(text + len - line);
		line[l] = '\0';
		if (regexec(re, line, 0, NULL, 0) != 0)
			continue;
		memcpy(out + n, line, l);
		n += l;
		out[n++] = '\n';
	}
	out[n] = '\0';
	*ret_len = n;
	return (out);
}

/* Reply the MesosFileChunkObject at q->offset of the open file fd. */
static int
api_sandbox_chunk(struct api_reply *rep, int fd,
    const struct api_sandbox_query *q)
{
	unsigned char	*raw = NULL;
	char		*text = NULL, *found = NULL;
	size_t		 n = 0, skip, keep, tlen;
	long		 len = q->length;
	int		 r;

	/* Near LONG_MAX, stop where nextOffset would stop fitting. */
	if (len > LONG_MAX - q->offset)
		len = LONG_MAX - q->offset;
	if ((r = api_sandbox_pread(fd, q->offset, len, &raw, &n)) < 0) {
		(void)api_reply_error(rep, 500, "Failed to read '%s': %s",
		    q->path, strerror(-r));
		goto out;
	}
	sandbox_path_utf8_edges(raw, n, &skip, &keep);
	if ((text = sandbox_path_utf8_clean(raw + skip, keep, &tlen)) == NULL ||
	    (q->has_grep && (found = api_sandbox_grep(&q->grep, text, tlen,
	    &tlen)) == NULL)) {
		r = -ENOMEM;
		(void)api_reply_error(rep, 500, "Out of memory");
		goto out;
	}
	/* With grep too, the client reads on after the whole chunk. */
	r = api_reply_json(rep, 200, json_pack("{s:s%, s:I, s:I}",
	    "data", found != NULL ? found : text, tlen,
	    "offset", (json_int_t)(q->offset + (long)skip),
	    "nextOffset", (json_int_t)(q->offset + (long)(skip + keep))));
out:
	free(found);
	free(text);
	free(raw);
	return (r);
}

/* The file is regular: a FIFO would block, a directory has no bytes. */
static int
api_sandbox_check_file(struct api_reply *rep, int fd, const char *given,
    struct stat *ret)
{
	if (fstat(fd, ret) != 0) {
		(void)api_reply_error(rep, 500, "Failed to stat '%s': %s",
		    given, strerror(errno));
		return (-EIO);
	}
	if (S_ISDIR(ret->st_mode)) {
		(void)api_reply_error(rep, 400, "Path '%s' is a directory",
		    given);
		return (-EISDIR);
	}
	if (!S_ISREG(ret->st_mode)) {
		(void)api_reply_error(rep, 400, "Path '%s' is not a regular "
		    "file", given);
		return (-EINVAL);
	}
	return (0);
}

/*
 * Offsets are bytes of the file as it is now.  A task's stdout and
 * stderr are rotated by its supervisor (renamed stdout.1, a new stdout
 * begun): the live file starts again at 0 and a reader past its end
 * gets empty chunks; what it missed is in stdout.1 (README, Task output).
 */
int
api_sandbox_read(struct api_req *req, struct api_reply *rep)
{
	struct api_sandbox		sb = { .rootfd = -1 };
	struct api_sandbox_query	q = { .has_grep = 0 };
	struct stat			st;
	char				norm[PATH_MAX];
	int				fd = -1, r;

	if ((r = api_sandbox_query_parse(req, rep, &q)) < 0 ||
	    (r = api_sandbox_open(req, rep, &sb)) < 0)
		goto out;
	r = api_sandbox_path(rep, &sb, q.path, norm, sizeof(norm), &fd);
	if (r == -ENOENT)
		(void)api_reply_error(rep, 404, "File %s not found", q.path);
	if (r < 0 || (r = api_sandbox_check_file(rep, fd, q.path, &st)) < 0)
		goto out;
	/* No offset: where the file ends, so the UI can tail from there. */
	if (q.offset < 0)
		r = api_reply_json(rep, 200, json_pack("{s:s, s:I}",
		    "data", "", "offset", (json_int_t)st.st_size));
	else
		r = api_sandbox_chunk(rep, fd, &q);
out:
	if (fd >= 0)
		close(fd);
	if (sb.rootfd >= 0)
		close(sb.rootfd);
	if (q.has_grep)
		regfree(&q.grep);
	return (r);
}
