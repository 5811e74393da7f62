/*
 * A task's output on the real daemons: its stdout and stderr rotated at
 * task_log_max_mb keeping task_log_keep files, nothing lost when the
 * task dies, the command gone with a supervisor killed under it, and
 * task_output = journal or both: every line received, as journald would
 * receive it, on a native-protocol socket this test binds itself.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "clock.h"
#include "fixture.h"
#include "harness.h"

Suite	*output_suite(void);

#define V1		"/singularity/v1"
/* 0.01 MB: rotated every 10485 bytes, two old files kept. */
#define OUTPUT_MAX	10485
#define OUTPUT_CONF	"[executor]\ntask_log_max_mb = 0.01\n" \
			"task_log_keep = 2\n"
#define OUTPUT_ENTRIES	8

/* The text of `seq 1 n`, in a buffer the caller frees. */
static char *
output_seq(int n, size_t *ret_len)
{
	char	*buf;
	size_t	 len = 0, cap = (size_t)n * 8 + 1;
	int	 i;

	ck_assert_ptr_nonnull(buf = malloc(cap));
	for (i = 1; i <= n; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%d\n", i);
	*ret_len = len;
	return (buf);
}

/* The sandbox file of task as /sandbox/{id}/read gives it from 0; NULL
 * when it answers 404 (no such file). */
static char *
output_read(const char *task, const char *name)
{
	struct http_resp	 resp;
	char			 path[512], *data;
	json_t			*j;

	snprintf(path, sizeof(path), V1 "/sandbox/%s/read?path=%s&offset=0",
	    task, name);
	ck_assert_int_eq(http_do(&harness_env, "GET", path, NULL, &resp), 0);
	if (resp.status == 404) {
		http_resp_free(&resp);
		return (NULL);
	}
	ck_assert_msg(resp.status == 200, "GET %s: %ld %s", path, resp.status,
	    resp.body);
	j = fixture_json(resp.body);
	http_resp_free(&resp);
	ck_assert_ptr_nonnull(data = strdup(json_string_value(
	    json_object_get(j, "data"))));
	json_decref(j);
	return (data);
}

/* The task of a one-task request, once it reached state. */
static void
output_task(const char *request, const char *state, char *task, size_t len)
{
	harness_wait_tasks(request, state, 1, 30);
	harness_sql_text(&harness_env, "SELECT task_id FROM tasks", task, len);
}

/*
 * The rotated files, oldest first, then the live one: together the end
 * of what the task wrote, each rotated file exactly the cap.
 */
static void
output_assert_rotated(const char *task, const char *name, int lines)
{
	char	 file[64], *part[3], *all;
	size_t	 len, got = 0, i;

	all = output_seq(lines, &len);
	for (i = 0; i < 3; i++) {
		snprintf(file, sizeof(file), i < 2 ? "%s.%zu" : "%s", name,
		    2 - i);
		ck_assert_msg((part[i] = output_read(task, file)) != NULL,
		    "no %s", file);
		if (i < 2)
			ck_assert_uint_eq(strlen(part[i]), OUTPUT_MAX);
		got += strlen(part[i]);
	}
	snprintf(file, sizeof(file), "%s.3", name);
	ck_assert_ptr_null(output_read(task, file));
	ck_assert_uint_eq(strlen(part[2]), (len % OUTPUT_MAX == 0) ?
	    OUTPUT_MAX : len % OUTPUT_MAX);
	/* Each part is the next slice of the output's last `got` bytes. */
	for (i = 0, len -= got; i < 3; i++) {
		ck_assert_msg(memcmp(part[i], all + len, strlen(part[i])) ==
		    0, "%s: part %zu differs", name, i);
		len += strlen(part[i]);
		free(part[i]);
	}
	free(all);
}

/* Fewer than keep + 1 files' worth: only the files there is need for. */
static void
output_assert_rotated_once(const char *task, const char *name, int lines)
{
	char	 file[64], *cur, *old, *all;
	size_t	 len;

	all = output_seq(lines, &len);
	ck_assert_uint_gt(len, OUTPUT_MAX);
	ck_assert_uint_lt(len, 2 * OUTPUT_MAX);
	ck_assert_ptr_nonnull(cur = output_read(task, name));
	snprintf(file, sizeof(file), "%s.1", name);
	ck_assert_ptr_nonnull(old = output_read(task, file));
	snprintf(file, sizeof(file), "%s.2", name);
	ck_assert_ptr_null(output_read(task, file));
	ck_assert_uint_eq(strlen(old), OUTPUT_MAX);
	ck_assert(memcmp(old, all, OUTPUT_MAX) == 0);
	ck_assert_str_eq(cur, all + OUTPUT_MAX);
	free(cur);
	free(old);
	free(all);
}

START_TEST(test_output_rotation)
{
	char task[256];

	/* stdout: 108894 bytes, ten rotations; stderr: 13893, one. */
	harness_request("rot", "RUN_ONCE", 1);
	harness_deploy("rot", "d1", "seq 1 20000; seq 1 3000 >&2", NULL);
	output_task("rot", "TASK_FINISHED", task, sizeof(task));
	output_assert_rotated(task, "stdout", 20000);
	output_assert_rotated_once(task, "stderr", 3000);
}
END_TEST

/* A fast writer killed as it ends: every byte it wrote is in the file
 * (shipped settings: 100 MB, no rotation here). */
START_TEST(test_output_task_killed)
{
	char	 task[256], path[512], *out, *all;
	size_t	 len;
	json_t	*j;

	harness_request("dies", "RUN_ONCE", 1);
	harness_deploy("dies", "d1", "seq 1 200000; kill -9 $$", NULL);
	output_task("dies", "TASK_FAILED", task, sizeof(task));
	/* 1288895 bytes: more than the API reads at once; its size, then
	 * its end. */
	all = output_seq(200000, &len);
	snprintf(path, sizeof(path), V1 "/sandbox/%s/read?path=stdout", task);
	j = harness_get_json(path);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "offset")),
	    (json_int_t)len);
	json_decref(j);
	snprintf(path, sizeof(path), V1 "/sandbox/%s/read?path=stdout"
	    "&offset=%zu", task, len - 14);
	j = harness_get_json(path);
	ck_assert_str_eq(json_string_value(json_object_get(j, "data")),
	    "199999\n200000\n");
	json_decref(j);
	out = output_read(task, "stdout");
	ck_assert(memcmp(out, all, strlen(out)) == 0);
	free(out);
	free(all);
}
END_TEST

/* kill -9 of the supervisor: the task is lost and its command gone. */
START_TEST(test_output_dies_with_supervisor)
{
	long long	sup, pgid;
	int		i;

	harness_request("orphan", "RUN_ONCE", 1);
	harness_deploy("orphan", "d1", "while :; do echo tick; sleep 0.1;"
	    " done", NULL);
	harness_wait_tasks("orphan", "TASK_RUNNING", 1, 30);
	harness_wait_sql(1, 10, "SELECT count(*) FROM tasks WHERE"
	    " task_pgid > 0 AND supervisor_pid > 0");
	sup = harness_count("SELECT supervisor_pid FROM tasks");
	pgid = harness_count("SELECT task_pgid FROM tasks");
	ck_assert_int_eq(kill((pid_t)sup, SIGKILL), 0);
	for (i = 0; i < 100 && (kill(-(pid_t)pgid, 0) == 0 || errno !=
	    ESRCH); i++)
		usleep(50000);
	ck_assert_msg(kill(-(pid_t)pgid, 0) != 0 && errno == ESRCH,
	    "process group %lld outlived its supervisor", pgid);
	harness_wait_tasks("orphan", "TASK_LOST", 1, 30);
}
END_TEST

/* ---- task_output = journal, both ---- */

static char	output_journal_dir[64];	/* fits a sun_path */
static int	output_journal_fd = -1;

/* One entry as journald would parse it: FIELD=value lines, or FIELD,
 * newline, a 64-bit little-endian size and that many bytes, newline. */
struct output_entry {
	char	message[256];
	char	priority[8];
	char	ident[128];
	char	task_id[256];
	char	request_id[128];
};

static void
output_field(struct output_entry *e, const char *name, size_t nlen,
    const char *val, size_t vlen)
{
	static const struct {
		const char	*name;
		size_t		 off;
		size_t		 size;
	} fields[] = {
		{ "MESSAGE", offsetof(struct output_entry, message), 256 },
		{ "PRIORITY", offsetof(struct output_entry, priority), 8 },
		{ "SYSLOG_IDENTIFIER", offsetof(struct output_entry, ident),
		    128 },
		{ "KERR_TASK_ID", offsetof(struct output_entry, task_id), 256 },
		{ "KERR_REQUEST_ID", offsetof(struct output_entry, request_id),
		    128 },
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strlen(fields[i].name) == nlen &&
		    memcmp(fields[i].name, name, nlen) == 0) {
			ck_assert_uint_lt(vlen, fields[i].size);
			memcpy((char *)e + fields[i].off, val, vlen);
			((char *)e + fields[i].off)[vlen] = '\0';
		}
}

static void
output_parse(const char *p, size_t n, struct output_entry *e)
{
	const char	*end = p + n, *nl, *eq;
	uint64_t	 le;

	memset(e, 0, sizeof(*e));
	while (p < end) {
		ck_assert_ptr_nonnull(nl = memchr(p, '\n', (size_t)(end - p)));
		if ((eq = memchr(p, '=', (size_t)(nl - p))) != NULL) {
			output_field(e, p, (size_t)(eq - p), eq + 1,
			    (size_t)(nl - eq - 1));
			p = nl + 1;
			continue;
		}
		ck_assert_int_ge(end - nl - 1, 8);
		memcpy(&le, nl + 1, 8);
		le = le64toh(le);
		ck_assert_uint_le(le, (uint64_t)(end - nl - 9));
		ck_assert_int_eq(nl[9 + le], '\n');
		output_field(e, p, (size_t)(nl - p), nl + 9, le);
		p = nl + 10 + le;
	}
}

/* Entries received within limit_ms, up to want; how many. */
static int
output_receive(struct output_entry *e, int want, long limit_ms)
{
	struct pollfd	pfd = { .fd = output_journal_fd, .events = POLLIN };
	char		buf[65536];
	int64_t		until = clock_now_ms() + limit_ms;
	ssize_t		n;
	int		got = 0;

	while (got < want && clock_now_ms() < until) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		ck_assert_int_gt(n = recv(output_journal_fd, buf, sizeof(buf),
		    0), 0);
		output_parse(buf, (size_t)n, &e[got++]);
	}
	return (got);
}

/* The receiver first, then kerr told to send there. */
static void
output_journal_setup(const char *to)
{
	struct sockaddr_un	sa = { .sun_family = AF_UNIX };
	char			conf[PATH_MAX + 128];

	fixture_tmpdir("/tmp/kerr-journal.", output_journal_dir,
	    sizeof(output_journal_dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/socket",
	    output_journal_dir);
	ck_assert_int_ge(output_journal_fd = socket(AF_UNIX, SOCK_DGRAM |
	    SOCK_CLOEXEC, 0), 0);
	ck_assert_int_eq(bind(output_journal_fd, (struct sockaddr *)&sa,
	    sizeof(sa)), 0);
	snprintf(conf, sizeof(conf), "[executor]\ntask_output = %s\n"
	    "journal_socket = %s\n", to, sa.sun_path);
	harness_setup_with(conf);
}

static void
output_journal_both(void)
{
	output_journal_setup("both");
}

static void
output_journal_only(void)
{
	output_journal_setup("journal");
}

static void
output_journal_teardown(void)
{
	harness_teardown();
	if (output_journal_fd >= 0)
		(void)close(output_journal_fd);
	fixture_rmtree(output_journal_dir);
}

/* The three lines of `output_journal_task`, in the order sent. */
static void
output_journal_run(char *task, size_t len, struct output_entry *e)
{
	int i, n;

	harness_request("web", "RUN_ONCE", 1);
	harness_deploy("web", "d1", "echo hello journal; echo oops >&2;"
	    " printf partial", NULL);
	output_task("web", "TASK_FINISHED", task, len);
	ck_assert_int_eq(n = output_receive(e, 3, 10000), 3);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(e[i].ident, "web");
		ck_assert_str_eq(e[i].request_id, "web");
		ck_assert_str_eq(e[i].task_id, task);
	}
	/* Each pipe in its own order; stdout and stderr interleave. */
	for (i = 0; i < n; i++)
		if (strcmp(e[i].message, "oops") == 0)
			ck_assert_str_eq(e[i].priority, "3");
		else
			ck_assert_str_eq(e[i].priority, "6");
	for (i = 0; i < n && strcmp(e[i].message, "hello journal") != 0; i++)
		;
	ck_assert_int_lt(i, n);
	for (; i < n && strcmp(e[i].message, "partial") != 0; i++)
		;
	ck_assert_msg(i < n, "no 'partial' after 'hello journal'");
}

START_TEST(test_output_journal_and_sandbox)
{
	struct output_entry	 e[OUTPUT_ENTRIES];
	char			 task[256], *out;

	output_journal_run(task, sizeof(task), e);
	ck_assert_ptr_nonnull(out = output_read(task, "stdout"));
	ck_assert_str_eq(out, "hello journal\npartial");
	free(out);
	ck_assert_ptr_nonnull(out = output_read(task, "stderr"));
	ck_assert_str_eq(out, "oops\n");
	free(out);
}
END_TEST

START_TEST(test_output_journal_only)
{
	struct output_entry	 e[OUTPUT_ENTRIES];
	char			 task[256], *out;

	output_journal_run(task, sizeof(task), e);
	/* The files are there, for the tailers, but empty. */
	ck_assert_ptr_nonnull(out = output_read(task, "stdout"));
	ck_assert_str_eq(out, "");
	free(out);
	/* Nothing more came. */
	ck_assert_int_eq(output_receive(e, 1, 500), 0);
}
END_TEST

/* A command that cannot run: the shell said why on stderr, which went to
 * the journal alone, and the task's end still quotes it. */
START_TEST(test_output_journal_only_exit_127)
{
	struct output_entry	e[OUTPUT_ENTRIES];
	char			msg[512];

	harness_request("nocmd", "RUN_ONCE", 1);
	harness_deploy("nocmd", "d1", "kerr-no-such-command", NULL);
	harness_wait_tasks("nocmd", "TASK_FAILED", 1, 30);
	ck_assert_int_eq(output_receive(e, 1, 10000), 1);
	ck_assert_ptr_nonnull(strstr(e[0].message, "kerr-no-such-command"));
	harness_sql_text(&harness_env, "SELECT message FROM task_updates"
	    " WHERE state = 'TASK_FAILED'", msg, sizeof(msg));
	ck_assert_msg(strstr(msg, "Exited with status 127: ") == msg &&
	    strstr(msg, e[0].message) != NULL, "message: %s", msg);
}
END_TEST

static void
output_setup(void)
{
	harness_setup_with(OUTPUT_CONF);
}

Suite *
output_suite(void)
{
	Suite	*s = suite_create("output");
	TCase	*tc = tcase_create("rotation");
	TCase	*plain = tcase_create("plain");
	TCase	*both = tcase_create("journal_both");
	TCase	*only = tcase_create("journal_only");

	tcase_add_checked_fixture(tc, output_setup, harness_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_output_rotation);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(plain, harness_setup, harness_teardown);
	tcase_set_timeout(plain, 60);
	tcase_add_test(plain, test_output_task_killed);
	tcase_add_test(plain, test_output_dies_with_supervisor);
	suite_add_tcase(s, plain);
	tcase_add_checked_fixture(both, output_journal_both,
	    output_journal_teardown);
	tcase_set_timeout(both, 60);
	tcase_add_test(both, test_output_journal_and_sandbox);
	suite_add_tcase(s, both);
	tcase_add_checked_fixture(only, output_journal_only,
	    output_journal_teardown);
	tcase_set_timeout(only, 60);
	tcase_add_test(only, test_output_journal_only);
	tcase_add_test(only, test_output_journal_only_exit_127);
	suite_add_tcase(s, only);
	return (s);
}
