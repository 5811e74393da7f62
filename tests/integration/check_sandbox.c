/*
 * Sandbox API on the real daemons: browse and read a task's sandbox, the
 * MesosFileChunkObject offsets, UTF-8 trimming at chunk edges, grep, and
 * above all that no path, symlink or task id leads outside the sandbox.
 * Tasks cannot be launched through the API here, so each test writes its
 * own task row and sandbox directory.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "harness.h"

Suite	*sandbox_suite(void);

#define V1	"/singularity/v1"
#define API	"/singularity/api"
#define TASK	"web-d1-1700000000000-1-host-DEFAULT"
#define STDOUT	"line one\nline two\nmatch me\n"
/* "é" is bytes 1-2 and "ö" bytes 8-9 of this 14-byte file. */
#define UTF8	"h\xc3\xa9llo w\xc3\xb6rld\n"
#define MTIME	1700000000

static void
task_row(const char *id)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "INSERT INTO tasks (task_id, request_id,"
	    " deploy_id, instance_no, state, active, started_at, updated_at,"
	    " task_json) VALUES ('%s', 'web', 'd1', 1, 'TASK_RUNNING', 1, 1,"
	    " 1, '{}')", id);
	harness_sql(&harness_env, sql);
}

/* <dir>/state/tasks/<id>[/<name>] */
static void
sandbox_path(const char *id, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/state/tasks/%s%s%s", harness_env.dir, id,
	    name != NULL ? "/" : "", name != NULL ? name : "");
}

static void
make_dir(const char *path, mode_t mode)
{
	ck_assert_msg(mkdir(path, mode) == 0 || errno == EEXIST,
	    "mkdir %s: %s", path, strerror(errno));
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void
write_file(const char *id, const char *name, const char *content)
{
	char path[PATH_MAX];

	sandbox_path(id, name, path, sizeof(path));
	fixture_write_file(path, content);
	ck_assert_int_eq(chmod(path, 0644), 0);
}

static void
make_link(const char *id, const char *name, const char *target)
{
	char path[PATH_MAX];

	sandbox_path(id, name, path, sizeof(path));
	ck_assert_int_eq(symlink(target, path), 0);
}

/* The task row and an empty sandbox directory. */
static void
sandbox_empty(const char *id)
{
	char path[PATH_MAX];

	task_row(id);
	snprintf(path, sizeof(path), "%s/state/tasks", harness_env.dir);
	make_dir(path, 0755);
	sandbox_path(id, NULL, path, sizeof(path));
	make_dir(path, 0755);
}

static void
sandbox_fixture(void)
{
	struct timespec	 ts[2] = { { MTIME, 0 }, { MTIME, 0 } };
	char		 path[PATH_MAX];

	sandbox_empty(TASK);
	write_file(TASK, "stdout", STDOUT);
	sandbox_path(TASK, "stdout", path, sizeof(path));
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
	write_file(TASK, "utf8.txt", UTF8);
	/* The supervisor's own directory is listed like any other. */
	sandbox_path(TASK, ".kerr", path, sizeof(path));
	make_dir(path, 0755);
	sandbox_path(TASK, "logs", path, sizeof(path));
	make_dir(path, 0755);
	write_file(TASK, "logs/app.log", "abc\n");
	make_link(TASK, "escape", "/etc");
	make_link(TASK, "passwd", "/etc/passwd");
	make_link(TASK, "latest", "stdout");
}

static const char *
jstr(json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

static long long
jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_integer(v), "'%s' is not an integer", key);
	return (json_integer_value(v));
}

static json_t *
file_entry(json_t *sb, const char *name)
{
	json_t	*f;
	size_t	 i;

	json_array_foreach(json_object_get(sb, "files"), i, f)
		if (strcmp(jstr(f, "name"), name) == 0)
			return (f);
	ck_abort_msg("no file '%s' in the listing", name);
	return (NULL);
}

/* GET path answers 400 or 404 in plain text and shows no file. */
static void
expect_refused(const char *path)
{
	struct http_resp resp;

	ck_assert_int_eq(http_do(&harness_env, "GET", path, NULL, &resp), 0);
	ck_assert_msg(resp.status == 400 || resp.status == 404,
	    "GET %s: status %ld: %s", path, resp.status, resp.body);
	ck_assert_msg(strstr(resp.content_type, "text/plain") != NULL,
	    "GET %s: content type %s", path, resp.content_type);
	ck_assert_msg(strstr(resp.body, "root:") == NULL &&
	    strstr(resp.body, "[common]") == NULL && strstr(resp.body,
	    "line one") == NULL, "GET %s leaked: %s", path, resp.body);
	http_resp_free(&resp);
}

/* GET <root>/sandbox/TASK/<verb>?path=<p><rest>: refused as outside. */
static void
expect_outside(const char *root, const char *verb, const char *p,
    const char *rest)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/sandbox/" TASK "/%s?path=%s%s", root,
	    verb, p, rest);
	http_expect_error(&harness_env, "GET", path, NULL, 400,
	    "outside the sandbox");
}

/* Read ?query: refused with status and a message that says needle. */
static void
expect_read_error(const char *query, long status, const char *needle)
{
	char path[512];

	snprintf(path, sizeof(path), V1 "/sandbox/" TASK "/read?%s", query);
	http_expect_error(&harness_env, "GET", path, NULL, status, needle);
}

/* Read ?query and check the whole chunk object. */
static void
expect_chunk(const char *query, const char *data, long long offset,
    long long next)
{
	char	 path[512];
	json_t	*c;

	snprintf(path, sizeof(path), V1 "/sandbox/" TASK "/read?%s", query);
	c = harness_get_json(path);
	ck_assert_msg(strcmp(jstr(c, "data"), data) == 0,
	    "%s: data '%s', expected '%s'", query, jstr(c, "data"), data);
	ck_assert_int_eq(jint(c, "offset"), offset);
	ck_assert_int_eq(jint(c, "nextOffset"), next);
	json_decref(c);
}

START_TEST(test_sandbox_browse_root)
{
	static const char *const names[] = { ".kerr", "escape", "latest",
	    "logs", "passwd", "stdout", "utf8.txt" };
	char	 root[PATH_MAX], real[PATH_MAX];
	json_t	*sb, *files, *f;
	size_t	 i;

	sandbox_fixture();
	sb = harness_get_json(V1 "/sandbox/" TASK "/browse");
	files = json_object_get(sb, "files");
	ck_assert_int_eq(json_array_size(files), 7);
	for (i = 0; i < 7; i++)
		ck_assert_str_eq(jstr(json_array_get(files, i), "name"),
		    names[i]);
	f = file_entry(sb, "stdout");
	ck_assert_int_eq(jint(f, "size"), strlen(STDOUT));
	ck_assert_int_eq(jint(f, "mtime"), MTIME);
	ck_assert_str_eq(jstr(f, "mode"), "-rw-r--r--");
	ck_assert_str_eq(jstr(file_entry(sb, "logs"), "mode"), "drwxr-xr-x");
	ck_assert_str_eq(jstr(file_entry(sb, ".kerr"), "mode"), "drwxr-xr-x");
	/* Listed as links, not as what they point at. */
	ck_assert_str_eq(jstr(file_entry(sb, "escape"), "mode"),
	    "lrwxrwxrwx");
	ck_assert_int_eq(jint(file_entry(sb, "utf8.txt"), "size"), 14);
	sandbox_path(TASK, NULL, root, sizeof(root));
	ck_assert_ptr_nonnull(realpath(root, real));
	ck_assert_str_eq(jstr(sb, "fullPathToRoot"), real);
	ck_assert_str_eq(jstr(sb, "currentDirectory"), "");
	ck_assert_ptr_nonnull(jstr(sb, "agentHostname"));
	ck_assert_str_eq(jstr(sb, "agentHostname"),
	    jstr(sb, "slaveHostname"));
	json_decref(sb);
	/* The other root, and "/" as the root. */
	sb = harness_get_json(API "/sandbox/" TASK "/browse?path=/");
	ck_assert_int_eq(json_array_size(json_object_get(sb, "files")), 7);
	ck_assert_str_eq(jstr(sb, "currentDirectory"), "");
	json_decref(sb);
}
END_TEST

START_TEST(test_sandbox_browse_subdirectory)
{
	json_t *sb, *f;

	sandbox_fixture();
	sb = harness_get_json(API "/sandbox/" TASK "/browse?path=logs//");
	ck_assert_str_eq(jstr(sb, "currentDirectory"), "logs");
	ck_assert_int_eq(json_array_size(json_object_get(sb, "files")), 1);
	f = json_array_get(json_object_get(sb, "files"), 0);
	ck_assert_str_eq(jstr(f, "name"), "app.log");
	ck_assert_int_eq(jint(f, "size"), 4);
	json_decref(sb);
	sb = harness_get_json(V1 "/sandbox/" TASK "/browse?path=./logs/.");
	ck_assert_str_eq(jstr(sb, "currentDirectory"), "logs");
	json_decref(sb);
	/* As Singularity: a directory that is not there lists nothing. */
	sb = harness_get_json(V1 "/sandbox/" TASK "/browse?path=nothere");
	ck_assert_int_eq(json_array_size(json_object_get(sb, "files")), 0);
	json_decref(sb);
	http_expect_error(&harness_env, "GET", V1 "/sandbox/" TASK
	    "/browse?path=stdout", NULL, 400, "not a directory");
}
END_TEST

START_TEST(test_sandbox_browse_outside)
{
	static const char *const paths[] = { "..", "../", "../../",
	    "logs/../..", "logs/..", "escape", "escape/", "escape/ssl",
	    "escape/nothere", "%2E%2E" };
	size_t i;

	sandbox_fixture();
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		expect_outside(V1, "browse", paths[i], "");
}
END_TEST

START_TEST(test_sandbox_read_whole_and_size)
{
	json_t *c;

	sandbox_fixture();
	expect_chunk("path=stdout&offset=0", STDOUT, 0, strlen(STDOUT));
	/* A symlink that stays inside is followed. */
	expect_chunk("path=latest&offset=0", STDOUT, 0, strlen(STDOUT));
	expect_chunk("path=logs/app.log&offset=0", "abc\n", 0, 4);
	/* No offset: the size, to start tailing at the end (spec 4.5). */
	c = harness_get_json(API "/sandbox/" TASK "/read?path=stdout");
	ck_assert_str_eq(jstr(c, "data"), "");
	ck_assert_int_eq(jint(c, "offset"), strlen(STDOUT));
	json_decref(c);
	/* Past the end: nothing, and no progress. */
	expect_chunk("path=stdout&offset=100", "", 100, 100);
}
END_TEST

START_TEST(test_sandbox_read_offset_length)
{
	sandbox_fixture();
	expect_chunk("path=stdout&offset=5&length=8", "one\nline", 5, 13);
	expect_chunk("path=stdout&offset=18&length=1000", "match me\n", 18,
	    27);
	expect_read_error("path=stdout&offset=-1", 400, "offset");
	expect_chunk("path=stdout&offset=5&length=0", "", 5, 5);
	expect_read_error("path=stdout&offset=0&length=-1", 400, "length");
	expect_read_error("path=stdout&offset=x", 400, "offset");
	expect_read_error("offset=0", 400, "path is required");
}
END_TEST

START_TEST(test_sandbox_read_utf8_edges)
{
	sandbox_fixture();
	expect_chunk("path=utf8.txt&offset=0", UTF8, 0, 14);
	/* The chunk ends inside "é": it is left for the next read. */
	expect_chunk("path=utf8.txt&offset=0&length=2", "h", 0, 1);
	expect_chunk("path=utf8.txt&offset=1&length=2", "\xc3\xa9", 1, 3);
	/* The chunk starts inside "é": the offset moves past it. */
	expect_chunk("path=utf8.txt&offset=2&length=4", "llo", 3, 6);
	/* Both ends at once, around "ö". */
	expect_chunk("path=utf8.txt&offset=2&length=7", "llo w", 3, 8);
}
END_TEST

START_TEST(test_sandbox_read_grep)
{
	sandbox_fixture();
	expect_chunk("path=stdout&offset=0&grep=match", "match me\n", 0, 27);
	expect_chunk("path=stdout&offset=0&grep=%5Eline%20t", "line two\n", 0,
	    27);
	expect_chunk("path=stdout&offset=0&grep=one%7Ctwo",
	    "line one\nline two\n", 0, 27);
	/* nextOffset covers the whole chunk, matched or not. */
	expect_chunk("path=stdout&offset=0&length=12&grep=nothing", "", 0, 12);
	expect_read_error("path=stdout&offset=0&grep=%5B", 400, "grep");
	/* Nested bounds that glibc would unroll into gigabytes. */
	expect_read_error("path=stdout&offset=0&grep=((a%7B1,1000%7D)"
	    "%7B1,1000%7D)%7B1,1000%7D", 400, "grep");
	expect_read_error("path=stdout&offset=0&grep=(a*)*%5C1", 400, "grep");
	/* Stacked '+', each doubling what regcomp builds (found by fuzzing:
	 * 22 of them took 2 GB). */
	expect_read_error("path=stdout&offset=0&grep=a%2B%2B%2B%2B%2B%2B%2B"
	    "%2B%2B%2B%2B%2B%2B%2B%2B%2B%2B%2B%2B%2B%2B%2B%2B%2B%2B%2B%2B%2B"
	    "%2B%2B%2B%2B%2B%2B%2B%2B", 400, "grep");
	expect_chunk("path=stdout&offset=0&grep=ma.%2Bh", "match me\n", 0,
	    27);
	expect_chunk("path=stdout&offset=0&grep=m%7B1%7Da%5C.?t", "match me\n",
	    0, 27);
}
END_TEST

START_TEST(test_sandbox_read_outside)
{
	static const char *const paths[] = { "passwd", "escape/passwd",
	    "../../kerr.conf", "..%2F..%2Fkerr.conf",
	    "logs/../../../kerr.conf", "escape/nothere" };
	size_t i;

	sandbox_fixture();
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		expect_outside(V1, "read", paths[i], "&offset=0");
		expect_outside(API, "read", paths[i], "");
	}
	/* An absolute path is taken relative to the sandbox. */
	expect_read_error("path=/etc/passwd&offset=0", 404, "not found");
}
END_TEST

START_TEST(test_sandbox_read_missing_and_special)
{
	char path[PATH_MAX];

	sandbox_fixture();
	expect_read_error("path=nothere&offset=0", 404,
	    "File nothere not found");
	expect_read_error("path=stdout/x&offset=0", 404, "not found");
	expect_read_error("path=logs&offset=0", 400, "directory");
	/* A FIFO is refused at once rather than waited on. */
	sandbox_path(TASK, "fifo", path, sizeof(path));
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	expect_read_error("path=fifo&offset=0", 400, "not a regular file");
}
END_TEST

START_TEST(test_sandbox_unknown_task_and_no_sandbox)
{
	http_expect_error(&harness_env, "GET", V1 "/sandbox/nosuchtask/browse",
	    NULL, 404, "Task nosuchtask not found");
	http_expect_error(&harness_env, "GET", API "/sandbox/nosuchtask/read?"
	    "path=stdout&offset=0", NULL, 404, "Task nosuchtask not found");
	task_row("bare-task");
	http_expect_error(&harness_env, "GET", V1 "/sandbox/bare-task/browse",
	    NULL, 400, "check again soon");
	http_expect_error(&harness_env, "GET", V1 "/sandbox/bare-task/read?"
	    "path=stdout&offset=0", NULL, 400, "check again soon");
}
END_TEST

START_TEST(test_sandbox_bad_task_ids)
{
	static const char *const ids[] = { "a%20b", "..", "%2E%2E", ".",
	    "x%2F..%2F" TASK, "..%2F..%2F..", "%2E%2E%2F%2E%2E%2Fkerr.conf",
	    TASK "%2F..", "a%00b", "a%5Cb" };
	char	path[512], longid[300];
	size_t	i;

	sandbox_fixture();
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		snprintf(path, sizeof(path), V1 "/sandbox/%s/read?"
		    "path=stdout&offset=0", ids[i]);
		expect_refused(path);
		snprintf(path, sizeof(path), API "/sandbox/%s/browse", ids[i]);
		expect_refused(path);
	}
	http_expect_error(&harness_env, "GET", V1 "/sandbox/a%20b/browse",
	    NULL, 400, "Invalid task id");
	memset(longid, 'a', 256);
	longid[256] = '\0';
	snprintf(path, sizeof(path), V1 "/sandbox/%s/browse", longid);
	http_expect_error(&harness_env, "GET", path, NULL, 400,
	    "Invalid task id");
}
END_TEST

Suite *
sandbox_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("api"),
		FIXTURE_CHECKED(harness_setup, harness_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_sandbox_browse_root),
		FIXTURE_TEST(test_sandbox_browse_subdirectory),
		FIXTURE_TEST(test_sandbox_browse_outside),
		FIXTURE_TEST(test_sandbox_read_whole_and_size),
		FIXTURE_TEST(test_sandbox_read_offset_length),
		FIXTURE_TEST(test_sandbox_read_utf8_edges),
		FIXTURE_TEST(test_sandbox_read_grep),
		FIXTURE_TEST(test_sandbox_read_outside),
		FIXTURE_TEST(test_sandbox_read_missing_and_special),
		FIXTURE_TEST(test_sandbox_unknown_task_and_no_sandbox),
		FIXTURE_TEST(test_sandbox_bad_task_ids),
		FIXTURE_END
	};

	return (fixture_suite("sandbox", tests));
}
