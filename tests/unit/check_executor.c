/*
 * Unit tests for the local executor: common/proc.c, common/cgroup.c (on a
 * fake tree, then for real when the host has a memory controller),
 * common/executor_local.c and the kerr-supervisor it starts.  Each test
 * gets a mkdtemp state directory with a kerr.conf and a migrated store
 * opened by a checked fixture, inserts a task row and launches the real
 * supervisor binary ($KERR_SUPERVISOR, else $KERR_BUILD_DIR/
 * kerr-supervisor, which `make unit` passes).  Outcomes are awaited by
 * polling the store with a deadline, never by sleeping a fixed time.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>
#include <sqlite3.h>

#include "cgroup.h"
#include "clock.h"
#include "db.h"
#include "db_task.h"
#include "executor.h"
#include "executor_local.h"
#include "fixture.h"
#include "proc.h"

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*executor_suite(void);

#define CHECK_EXECUTOR_WAIT_MS	10000	/* longest wait for an end */
#define CHECK_EXECUTOR_KILL_MS	2000	/* SIGTERM to TASK_KILLED */
#define CHECK_EXECUTOR_QUIET_MS	500	/* alive after SIGTERM */
#define CHECK_EXECUTOR_POLL_NS	10000000L
#define CHECK_EXECUTOR_UPDATES	8

static char		 check_executor_dir[64];
static char		 check_executor_conf[PATH_MAX];
static struct db	*check_executor_db;

static const struct db_options check_executor_opt = {
	.busy_timeout_ms = 5000,
	.synchronous_full = 1,
};

static const char CHECK_SQL_TASK_STATE[] =
	"SELECT state, active FROM tasks WHERE task_id = ?1";
static const char CHECK_SQL_TASK_UPDATES[] =
	"SELECT state, coalesce(message, ''), coalesce(reason, '')"
	" FROM task_updates WHERE task_id = ?1 ORDER BY seq";
static const char CHECK_SQL_INSERT_CLEANUP[] =
	"INSERT INTO task_cleanups(task_id, request_id, cleanup_type,"
	" created_at, cleanup_json, kill_sent_at) VALUES (?1, 'r',"
	" 'USER_REQUESTED', 0, '{}', 1)";

static char *check_executor_path_env[] = {
	"PATH=/usr/local/bin:/usr/bin:/bin", NULL
};

struct check_task {
	char			id[64];
	char			sandbox[512];
	struct executor_handle	h;
};

struct check_update {
	char	state[32];
	char	message[256];
	char	reason[64];
};

/* Write text to <state dir>/<name>. */
static void
check_executor_put(const char *name, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", check_executor_dir, name);
	fixture_write_file(path, text);
}

/* <state dir>/<name> as fixture_read_file() returns it. */
static char *
check_executor_get(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", check_executor_dir, name);
	return (fixture_read_file(path, NULL));
}

static void
check_executor_setenv_supervisor(void)
{
	const char	*build = getenv("KERR_BUILD_DIR");
	char		 path[PATH_MAX];

	if (getenv(EXECUTOR_LOCAL_SUPERVISOR_ENV) != NULL)
		return;
	if (build != NULL)
		snprintf(path, sizeof(path), "%s/kerr-supervisor", build);
	else
		snprintf(path, sizeof(path), "%s/build/kerr-supervisor",
		    KERR_SRCDIR);
	ck_assert_msg(access(path, X_OK) == 0, "no supervisor at %s", path);
	ck_assert_int_eq(setenv(EXECUTOR_LOCAL_SUPERVISOR_ENV, path, 1), 0);
}

static void
check_executor_setup(void)
{
	char	path[PATH_MAX];
	char	conf[2 * PATH_MAX];

	fixture_tmpdir("/tmp/kerr-check-exec-", check_executor_dir,
	    sizeof(check_executor_dir));
	/* Another task user must reach its sandbox below. */
	ck_assert_int_eq(chmod(check_executor_dir, 0711), 0);
	snprintf(path, sizeof(path), "%s/run", check_executor_dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(conf, sizeof(conf), "[common]\nstate_dir = %s\n"
	    "runtime_dir = %s\n", check_executor_dir, path);
	snprintf(check_executor_conf, sizeof(check_executor_conf),
	    "%s/kerr.conf", check_executor_dir);
	fixture_write_file(check_executor_conf, conf);
	snprintf(path, sizeof(path), "%s/kerr.db", check_executor_dir);
	ck_assert_int_eq(db_open(path, &check_executor_opt,
	    &check_executor_db), 0);
	ck_assert_int_eq(db_schema_migrate(check_executor_db), 0);
	check_executor_setenv_supervisor();
}

/* Nothing a test started may outlive it: kill every active task. */
static void
check_executor_teardown(void)
{
	static const char	 sql[] = "SELECT task_id FROM tasks"
				    " WHERE active = 1";
	struct executor_handle	 h;
	sqlite3_stmt		*st = NULL;

	if (check_executor_db != NULL && sqlite3_prepare_v2(
	    db_handle(check_executor_db), sql, -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW)
			if (db_task_get_handle(check_executor_db,
			    (const char *)sqlite3_column_text(st, 0), &h) == 0)
				(void)executor_local.kill(&h, SIGKILL);
		sqlite3_finalize(st);
	}
	db_close(check_executor_db);
	check_executor_db = NULL;
	fixture_rmtree(check_executor_dir);
}

static void
check_executor_pause(void)
{
	struct timespec ts = { 0, CHECK_EXECUTOR_POLL_NS };

	(void)nanosleep(&ts, NULL);
}

static void
check_executor_insert_task(const char *id)
{
	json_t *task;

	task = json_pack("{s:{s:s, s:s, s:s, s:I, s:i}}", "taskId",
	    "id", id, "requestId", "r", "deployId", "d",
	    "startedAt", (json_int_t)clock_now_ms(), "instanceNo", 1);
	ck_assert_ptr_nonnull(task);
	ck_assert_int_eq(db_task_insert(check_executor_db, task, NULL, NULL,
	    clock_now_ms()), 0);
	json_decref(task);
}

static void
check_executor_prepare(struct check_task *t, const char *name)
{
	memset(t, 0, sizeof(*t));
	/* Unique across runs: cgroups are named after the task. */
	snprintf(t->id, sizeof(t->id), "check-%s-%d", name, (int)getpid());
	snprintf(t->sandbox, sizeof(t->sandbox), "%s/tasks/%s",
	    check_executor_dir, t->id);
	check_executor_insert_task(t->id);
}

static void
check_executor_start(struct check_task *t, char *const *argv,
    char *const *envp, const char *user, double memory_mb)
{
	struct executor_launch l;

	memset(&l, 0, sizeof(l));
	l.task_id = t->id;
	l.sandbox_dir = t->sandbox;
	l.argv = argv;
	l.envp = envp;
	l.user = user;
	l.memory_mb = memory_mb;
	l.conf_path = check_executor_conf;
	ck_assert_int_eq(executor_local.launch(&l, &t->h), 0);
	ck_assert_int_gt(t->h.pid, 1);
	ck_assert_int_eq(t->h.pgid, 0);
}

static void
check_executor_launch(struct check_task *t, const char *name,
    char *const *argv, const char *user, double memory_mb)
{
	check_executor_prepare(t, name);
	check_executor_start(t, argv, check_executor_path_env, user,
	    memory_mb);
}

/* sql prepared on the fixture's store, with the task's id bound to ?1. */
static sqlite3_stmt *
check_executor_stmt(const char *sql, const struct check_task *t)
{
	sqlite3_stmt *st = NULL;

	ck_assert_int_eq(sqlite3_prepare_v2(db_handle(check_executor_db), sql,
	    -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_bind_text(st, 1, t->id, -1, SQLITE_STATIC),
	    SQLITE_OK);
	return (st);
}

/* The task's state now; *active set to its active flag. */
static void
check_executor_state(const struct check_task *t, char *state,
    size_t len, int *active)
{
	sqlite3_stmt *st;

	st = check_executor_stmt(CHECK_SQL_TASK_STATE, t);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(state, len, "%s", (const char *)sqlite3_column_text(st, 0));
	*active = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
}

/* Wait for `state` (or any terminal state when NULL); returns it. */
static void
check_executor_wait(const struct check_task *t, const char *want,
    int ms, char *state, size_t len)
{
	int64_t	deadline = clock_mono_ms() + ms;
	int	active;

	for (;;) {
		check_executor_state(t, state, len, &active);
		if (want != NULL ? strcmp(state, want) == 0 : !active)
			return;
		ck_assert_msg(want == NULL || active, "task %s ended %s while "
		    "waiting for %s", t->id, state, want);
		ck_assert_msg(clock_mono_ms() < deadline, "task %s still %s "
		    "after %d ms", t->id, state, ms);
		check_executor_pause();
	}
}

/* Wait for the task's terminal state; returns it. */
static void
check_executor_end(const struct check_task *t, char *state,
    size_t len)
{
	check_executor_wait(t, NULL, CHECK_EXECUTOR_WAIT_MS, state, len);
}

static int
check_executor_updates(const struct check_task *t, struct check_update *up)
{
	sqlite3_stmt	*st;
	int		 n = 0;

	st = check_executor_stmt(CHECK_SQL_TASK_UPDATES, t);
	while (n < CHECK_EXECUTOR_UPDATES && sqlite3_step(st) == SQLITE_ROW) {
		snprintf(up[n].state, sizeof(up[n].state), "%s",
		    (const char *)sqlite3_column_text(st, 0));
		snprintf(up[n].message, sizeof(up[n].message), "%s",
		    (const char *)sqlite3_column_text(st, 1));
		snprintf(up[n].reason, sizeof(up[n].reason), "%s",
		    (const char *)sqlite3_column_text(st, 2));
		n++;
	}
	sqlite3_finalize(st);
	return (n);
}

/* The states recorded, in order, joined by spaces. */
static void
check_executor_history(const struct check_task *t, char *buf,
    size_t len, struct check_update *last)
{
	struct check_update	up[CHECK_EXECUTOR_UPDATES];
	size_t				off = 0;
	int				i, n;

	n = check_executor_updates(t, up);
	ck_assert_int_gt(n, 0);
	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    i > 0 ? " " : "", up[i].state);
	*last = up[n - 1];
}

/*
 * Wait for the task's end, which must be `state`.  With last, its last
 * update goes there and, with hist, the states recorded must read hist.
 */
static void
check_executor_ended(const struct check_task *t, const char *state,
    const char *hist, struct check_update *last)
{
	char got[32], states[256];

	check_executor_end(t, got, sizeof(got));
	ck_assert_str_eq(got, state);
	if (last == NULL)
		return;
	check_executor_history(t, states, sizeof(states), last);
	if (hist != NULL)
		ck_assert_str_eq(states, hist);
}

static char *
check_executor_sandbox_file(const struct check_task *t, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", t->sandbox, name);
	return (fixture_read_file(path, NULL));
}

/*
 * The supervisor is gone (a zombie of init counts as gone), its log shows
 * no sanitizer report, and the test process has no child left.
 */
static void
check_executor_gone(const struct check_task *t)
{
	int64_t		 deadline;
	uint64_t	 ticks;
	char		*log;

	deadline = clock_mono_ms() + CHECK_EXECUTOR_WAIT_MS;
	while (proc_start_ticks(t->h.pid, &ticks) == 0 &&
	    ticks == t->h.start_ticks) {
		ck_assert_msg(clock_mono_ms() < deadline,
		    "supervisor %d still alive", (int)t->h.pid);
		check_executor_pause();
	}
	ck_assert_int_eq(executor_local.probe(&t->h), 0);
	log = check_executor_sandbox_file(t, EXECUTOR_LOCAL_DIR "/"
	    EXECUTOR_LOCAL_LOG);
	ck_assert_msg(strstr(log, "Sanitizer") == NULL &&
	    strstr(log, "runtime error") == NULL, "supervisor log: %s", log);
	free(log);
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

static void
check_executor_request_kill(const struct check_task *t)
{
	sqlite3_stmt *st;

	st = check_executor_stmt(CHECK_SQL_INSERT_CLEANUP, t);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* The handle the supervisor stored once the command runs. */
static void
check_executor_running(struct check_task *t, struct executor_handle *h)
{
	char state[32];

	check_executor_wait(t, "TASK_RUNNING", CHECK_EXECUTOR_WAIT_MS, state,
	    sizeof(state));
	ck_assert_int_eq(db_task_get_handle(check_executor_db, t->id, h), 0);
	ck_assert_int_eq(h->pid, t->h.pid);
	ck_assert_int_eq(h->start_ticks, t->h.start_ticks);
	ck_assert_int_gt(h->pgid, 1);
	ck_assert_int_eq(executor_local.probe(h), 1);
}

/* Wait until the file holds `text` (the command got that far). */
static void
check_executor_wait_output(const struct check_task *t, const char *text)
{
	int64_t	 deadline = clock_mono_ms() + CHECK_EXECUTOR_WAIT_MS;
	char	*out;

	for (;;) {
		out = check_executor_sandbox_file(t, "stdout");
		if (strstr(out, text) != NULL)
			break;
		free(out);
		ck_assert_msg(clock_mono_ms() < deadline, "no '%s' in stdout",
		    text);
		check_executor_pause();
	}
	free(out);
}

START_TEST(test_executor_proc_start_ticks)
{
	uint64_t	a, b;
	siginfo_t	si;
	pid_t		pid;

	ck_assert_int_eq(proc_start_ticks(getpid(), &a), 0);
	/* The name is parsed around, even with ") " inside it. */
	ck_assert_int_eq(prctl(PR_SET_NAME, "a) b (c) Z 1", 0, 0, 0), 0);
	ck_assert_int_eq(proc_start_ticks(getpid(), &b), 0);
	ck_assert_uint_eq(a, b);
	ck_assert_int_eq(proc_start_ticks(0, &a), -EINVAL);
	if ((pid = fork()) == 0)
		_exit(0);
	ck_assert_int_gt(pid, 0);
	/* Exited, not yet reaped: a zombie is gone. */
	ck_assert_int_eq(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT),
	    0);
	ck_assert_int_eq(proc_start_ticks(pid, &a), -ESRCH);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	ck_assert_int_eq(proc_start_ticks(pid, &a), -ESRCH);
}
END_TEST

START_TEST(test_executor_find)
{
	ck_assert_ptr_eq(executor_find("local"), &executor_local);
	ck_assert_ptr_null(executor_find("mesos"));
	ck_assert_ptr_null(executor_find(NULL));
	ck_assert_str_eq(executor_local.name, "local");
}
END_TEST

/* A fake v2 root: files stand in for the kernel's. */
START_TEST(test_executor_cgroup_detect)
{
	struct cgroup_env	env;
	char			want[PATH_MAX];

	ck_assert_int_eq(cgroup_detect_root(check_executor_dir, &env), 0);
	ck_assert_int_eq(env.mode, CGROUP_NONE);
	check_executor_put("cgroup.controllers", "cpuset cpu io memory pids\n");
	check_executor_put("cgroup.subtree_control", "cpuset memory\n");
	ck_assert_int_eq(cgroup_detect_root(check_executor_dir, &env), 0);
	ck_assert_int_eq(env.mode, CGROUP_V2);
	ck_assert_int_eq(env.has_memory, 1);
	ck_assert_int_eq(env.has_cpu, 0);	/* cpuset is not cpu */
	snprintf(want, sizeof(want), "%s/kerr", check_executor_dir);
	ck_assert_str_eq(env.memory, want);
	check_executor_put("cgroup.subtree_control", "");
	/* Listed but not handed down: fall back to v1, absent here too. */
	ck_assert_int_eq(cgroup_detect_root(check_executor_dir, &env), 0);
	ck_assert_int_eq(env.mode, CGROUP_NONE);
	ck_assert_int_eq(setenv(CGROUP_ROOT_ENV, check_executor_dir, 1), 0);
	check_executor_put("cgroup.subtree_control", "memory cpu\n");
	ck_assert_int_eq(cgroup_detect(&env), 0);
	ck_assert_int_eq(env.mode, CGROUP_V2);
	ck_assert_int_eq(env.has_cpu, 1);
	ck_assert_str_eq(env.cpu, want);
	ck_assert_int_eq(unsetenv(CGROUP_ROOT_ENV), 0);
}
END_TEST

/* A fake v1 tree: the control files are made by hand after mkdir. */
START_TEST(test_executor_cgroup_v1_files)
{
	static const char *const files[] = {
		"memory/kerr/t/memory.limit_in_bytes",
		"memory/kerr/t/memory.memsw.limit_in_bytes",
		"memory/kerr/t/memory.oom_control",
		"cpu/kerr/t/cpu.cfs_period_us", "cpu/kerr/t/cpu.cfs_quota_us",
	};
	struct cgroup_env	env;
	char			path[PATH_MAX];
	char			*s;
	size_t			i;

	snprintf(path, sizeof(path), "%s/memory", check_executor_dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/cpu", check_executor_dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	check_executor_put("memory/memory.limit_in_bytes", "");
	check_executor_put("cpu/cpu.cfs_quota_us", "");
	ck_assert_int_eq(cgroup_detect_root(check_executor_dir, &env), 0);
	ck_assert_int_eq(env.mode, CGROUP_V1);
	ck_assert_int_eq(cgroup_task_mkdir(&env, "../x", 1, 1), -EINVAL);
	ck_assert_int_eq(cgroup_task_mkdir(&env, "t", 0.5, 32), 0);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		check_executor_put(files[i], "");
	ck_assert_int_eq(cgroup_task_limit_memory(&env, "t", 32), 0);
	ck_assert_int_eq(cgroup_task_limit_cpu(&env, "t", 0.5), 0);
	s = check_executor_get(files[1]);
	ck_assert_str_eq(s, "33554432");
	free(s);
	s = check_executor_get(files[4]);
	ck_assert_str_eq(s, "50000");
	free(s);
	/* The kernel's floor is 1 ms of every 100. */
	ck_assert_int_eq(cgroup_task_limit_cpu(&env, "t", 0.001), 0);
	s = check_executor_get(files[4]);
	ck_assert_str_eq(s, "1000");
	free(s);
	check_executor_put(files[2], "oom_kill_disable 0\nunder_oom 0\n"
	    "oom_kill 0\n");
	ck_assert_int_eq(cgroup_task_oom_killed(&env, "t"), 0);
	check_executor_put(files[2], "oom_kill_disable 0\nunder_oom 0\n"
	    "oom_kill 2\n");
	ck_assert_int_eq(cgroup_task_oom_killed(&env, "t"), 1);
	ck_assert_int_eq(cgroup_task_oom_killed(&env, "other"), 0);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", check_executor_dir,
		    files[i]);
		ck_assert_int_eq(unlink(path), 0);
	}
	ck_assert_int_eq(cgroup_task_remove(&env, "t"), 0);
	snprintf(path, sizeof(path), "%s/memory/kerr/t", check_executor_dir);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(cgroup_task_remove(&env, "t"), 0);
}
END_TEST

START_TEST(test_executor_exit_status)
{
	static char		*argv[] = { "sh", "-c",
				    "echo hello; echo oops >&2; exit 3",
				    NULL };
	struct check_task	 t;
	struct check_update	 last;
	char			*s;
	json_t			*e;

	check_executor_launch(&t, "status", argv, NULL, 0);
	check_executor_ended(&t, "TASK_FAILED",
	    "TASK_LAUNCHED TASK_STARTING TASK_RUNNING "
	    "TASK_FAILED", &last);
	ck_assert_str_eq(last.message, "Exited with status 3");
	ck_assert_str_eq(last.reason, "REASON_COMMAND_EXECUTOR_FAILED");
	s = check_executor_sandbox_file(&t, "stdout");
	ck_assert_str_eq(s, "hello\n");
	free(s);
	s = check_executor_sandbox_file(&t, "stderr");
	ck_assert_str_eq(s, "oops\n");
	free(s);
	s = check_executor_sandbox_file(&t, EXECUTOR_LOCAL_DIR "/"
	    EXECUTOR_LOCAL_EXIT);
	ck_assert_ptr_nonnull(e = json_loads(s, 0, NULL));
	ck_assert_str_eq(json_string_value(json_object_get(e, "taskState")),
	    "TASK_FAILED");
	ck_assert_int_eq(json_integer_value(json_object_get(e, "exitCode")),
	    3);
	ck_assert_int_gt(json_integer_value(json_object_get(e, "timestamp")),
	    0);
	json_decref(e);
	free(s);
	check_executor_gone(&t);
}
END_TEST

START_TEST(test_executor_finished)
{
	static char		*argv[] = { "sh", "-c", "exit 0", NULL };
	struct check_task	 t;
	struct check_update	 last;

	check_executor_launch(&t, "finished", argv, NULL, 0);
	check_executor_ended(&t, "TASK_FINISHED",
	    "TASK_LAUNCHED TASK_STARTING TASK_RUNNING "
	    "TASK_FINISHED", &last);
	ck_assert_str_eq(last.reason, "");
	check_executor_gone(&t);
}
END_TEST

START_TEST(test_executor_kill_term)
{
	static char		*argv[] = { "sleep", "100", NULL };
	struct check_task	 t;
	struct check_update	 last;
	struct executor_handle	 h;
	char			 state[32], hist[256];

	check_executor_launch(&t, "term", argv, NULL, 0);
	check_executor_running(&t, &h);
	check_executor_request_kill(&t);
	ck_assert_int_eq(executor_local.kill(&h, SIGTERM), 0);
	check_executor_wait(&t, NULL, CHECK_EXECUTOR_KILL_MS, state,
	    sizeof(state));
	ck_assert_str_eq(state, "TASK_KILLED");
	check_executor_history(&t, hist, sizeof(hist), &last);
	ck_assert_str_eq(last.message, "USER_REQUESTED");
	ck_assert_int_eq(kill(h.pgid, 0), -1);
	ck_assert_int_eq(errno, ESRCH);
	check_executor_gone(&t);
	ck_assert_int_eq(executor_local.kill(&h, SIGTERM), -ESRCH);
}
END_TEST

START_TEST(test_executor_kill_trapped)
{
	static char		*argv[] = { "sh", "-c",
				    "trap '' TERM; echo ready; sleep 100",
				    NULL };
	struct check_task	 t;
	struct executor_handle	 h;
	struct timespec		 quiet = { 0,
				    CHECK_EXECUTOR_QUIET_MS * 1000000L };
	char			 state[32];
	int			 active;

	check_executor_launch(&t, "trapped", argv, NULL, 0);
	check_executor_running(&t, &h);
	check_executor_wait_output(&t, "ready");
	ck_assert_int_eq(executor_local.kill(&h, SIGTERM), 0);
	/* Proving a negative takes a wait: it must still be there after. */
	(void)nanosleep(&quiet, NULL);
	check_executor_state(&t, state, sizeof(state), &active);
	ck_assert_str_eq(state, "TASK_RUNNING");
	ck_assert_int_eq(kill(-h.pgid, 0), 0);
	check_executor_request_kill(&t);
	ck_assert_int_eq(executor_local.kill(&h, SIGKILL), 0);
	check_executor_ended(&t, "TASK_KILLED", NULL, NULL);
	ck_assert_int_eq(kill(-h.pgid, 0), -1);
	check_executor_gone(&t);
}
END_TEST

START_TEST(test_executor_kill_stale_handle)
{
	static char		*argv[] = { "sleep", "100", NULL };
	struct check_task	 t;
	struct executor_handle	 h, stale;
	struct check_update	 last;
	char			 state[32];
	int			 active;

	check_executor_launch(&t, "stale", argv, NULL, 0);
	check_executor_running(&t, &h);
	stale = h;
	stale.start_ticks++;
	ck_assert_int_eq(executor_local.kill(&stale, SIGKILL), -ESRCH);
	ck_assert_int_eq(executor_local.probe(&stale), 0);
	stale = h;
	stale.pid = 0;
	ck_assert_int_eq(executor_local.kill(&stale, SIGKILL), -ESRCH);
	stale = h;
	stale.pgid = 1;		/* never kill(-1, ...) */
	ck_assert_int_eq(executor_local.kill(&stale, SIGKILL), -EINVAL);
	check_executor_state(&t, state, sizeof(state), &active);
	ck_assert_str_eq(state, "TASK_RUNNING");
	ck_assert_int_eq(kill(h.pgid, 0), 0);
	/* Without a cleanup a signal is a failure, not a kill. */
	ck_assert_int_eq(executor_local.kill(&h, SIGKILL), 0);
	check_executor_ended(&t, "TASK_FAILED", NULL, &last);
	ck_assert_str_eq(last.message, "Terminated by signal SIGKILL");
	ck_assert_str_eq(last.reason, "REASON_COMMAND_EXECUTOR_FAILED");
	check_executor_gone(&t);
}
END_TEST

START_TEST(test_executor_env_argv)
{
	static char		*argv[] = { "sh", "-c", "echo \"$FOO\";"
				    " echo \"$0 $1\"; echo \"$MESOS_SANDBOX\";"
				    " pwd", "zero", "one", NULL };
	static char		*envp[] = { "FOO=bar baz",
				    "PATH=/usr/bin:/bin",
				    "MESOS_SANDBOX=/wrong", NULL };
	struct check_task	 t;
	char			 want[2 * PATH_MAX];
	char			*out;

	check_executor_prepare(&t, "env");
	check_executor_start(&t, argv, envp, NULL, 0);
	check_executor_ended(&t, "TASK_FINISHED", NULL, NULL);
	out = check_executor_sandbox_file(&t, "stdout");
	snprintf(want, sizeof(want), "bar baz\nzero one\n%s\n%s\n",
	    t.sandbox, t.sandbox);
	ck_assert_str_eq(out, want);
	free(out);
	check_executor_gone(&t);
}
END_TEST

START_TEST(test_executor_user_nobody)
{
	static char		*argv[] = { "id", "-u", NULL };
	struct check_task	 t;
	struct passwd		*pw;
	struct stat		 st;
	char			 want[32], path[PATH_MAX];
	char			*out;

	if (geteuid() != 0 || (pw = getpwnam("nobody")) == NULL) {
		fprintf(stderr, "test_executor_user_nobody: skipped, needs "
		    "root and user nobody\n");
		return;
	}
	snprintf(want, sizeof(want), "%u\n", (unsigned int)pw->pw_uid);
	check_executor_launch(&t, "nobody", argv, "nobody", 0);
	check_executor_ended(&t, "TASK_FINISHED", NULL, NULL);
	out = check_executor_sandbox_file(&t, "stdout");
	ck_assert_str_eq(out, want);
	ck_assert_str_eq(out, "65534\n");
	free(out);
	snprintf(path, sizeof(path), "%s/stdout", t.sandbox);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_uid, pw->pw_uid);
	ck_assert_int_eq(stat(t.sandbox, &st), 0);
	ck_assert_uint_eq(st.st_uid, pw->pw_uid);
	check_executor_gone(&t);
}
END_TEST

START_TEST(test_executor_user_unknown)
{
	static char		*argv[] = { "true", NULL };
	struct check_task	 t;
	struct check_update	 last;

	check_executor_launch(&t, "nouser", argv, "kerr-no-such-user", 0);
	check_executor_ended(&t, "TASK_FAILED",
	    "TASK_LAUNCHED TASK_STARTING TASK_FAILED", &last);
	ck_assert_ptr_nonnull(strstr(last.message, "kerr-no-such-user"));
	check_executor_gone(&t);
}
END_TEST

START_TEST(test_executor_memory_limit)
{
	static char		*argv[] = { "sh", "-c", "a=$(head -c 200000000"
				    " /dev/zero | tr '\\0' x); echo done",
				    NULL };
	struct check_task	 t;
	struct check_update	 last;
	struct cgroup_env	 env;
	char			 state[32], hist[256], path[2 * PATH_MAX];

	ck_assert_int_eq(cgroup_detect(&env), 0);
	if (env.mode == CGROUP_NONE || !env.has_memory) {
		fprintf(stderr, "test_executor_memory_limit: skipped, no "
		    "memory cgroup controller\n");
		return;
	}
	check_executor_launch(&t, "memory", argv, NULL, 32);
	check_executor_end(&t, state, sizeof(state));
	check_executor_history(&t, hist, sizeof(hist), &last);
	ck_assert_msg(strcmp(state, "TASK_FAILED") == 0, "%s: %s", state,
	    last.message);
	ck_assert_str_eq(last.reason, "REASON_CONTAINER_LIMITATION_MEMORY");
	ck_assert_str_eq(last.message, "Memory limit exceeded: 32 MB");
	check_executor_gone(&t);
	snprintf(path, sizeof(path), "%s/%s", env.memory, t.id);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

/* Asked to die before it ran: the command never starts. */
START_TEST(test_executor_killed_during_launch)
{
	static char		*argv[] = { "sh", "-c", "echo ran", NULL };
	struct check_task	 t;
	struct check_update	 last;
	char			*out;

	check_executor_prepare(&t, "early");
	check_executor_request_kill(&t);
	check_executor_start(&t, argv, check_executor_path_env, NULL, 0);
	check_executor_ended(&t, "TASK_KILLED",
	    "TASK_LAUNCHED TASK_STARTING TASK_KILLED", &last);
	ck_assert_str_eq(last.reason, "REASON_TASK_KILLED_DURING_LAUNCH");
	out = check_executor_sandbox_file(&t, "stdout");
	ck_assert_str_eq(out, "");
	free(out);
	check_executor_gone(&t);
}
END_TEST

/* The real controllers, when this host has them. */
START_TEST(test_executor_cgroup_real)
{
	struct cgroup_env	 env;
	char			 id[64], path[2 * PATH_MAX];
	char			*s;
	pid_t			 pid;
	int			 status;

	ck_assert_int_eq(cgroup_detect(&env), 0);
	if (env.mode != CGROUP_V1 || !env.has_memory || !env.has_cpu) {
		fprintf(stderr, "test_executor_cgroup_real: skipped, needs "
		    "cgroup v1 memory and cpu\n");
		return;
	}
	snprintf(id, sizeof(id), "check-cg-%d", (int)getpid());
	ck_assert_int_eq(cgroup_task_create(&env, id, 0.5, 32), 0);
	snprintf(path, sizeof(path), "%s/%s/memory.limit_in_bytes",
	    env.memory, id);
	s = fixture_read_file(path, NULL);
	ck_assert_str_eq(s, "33554432\n");
	free(s);
	snprintf(path, sizeof(path), "%s/%s/cpu.cfs_quota_us", env.cpu, id);
	s = fixture_read_file(path, NULL);
	ck_assert_str_eq(s, "50000\n");
	free(s);
	/* A child joins and leaves: the group must be empty to go. */
	if ((pid = fork()) == 0)
		_exit(cgroup_task_join(&env, id, getpid()) == 0 ? 0 : 1);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(cgroup_task_oom_killed(&env, id), 0);
	ck_assert_int_eq(cgroup_task_remove(&env, id), 0);
	snprintf(path, sizeof(path), "%s/%s", env.memory, id);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

START_TEST(test_executor_exec_missing)
{
	static char		*argv[] = { "kerr-no-such-program", NULL };
	struct check_task	 t;
	struct check_update	 last;

	check_executor_launch(&t, "missing", argv, NULL, 0);
	check_executor_ended(&t, "TASK_FAILED",
	    "TASK_LAUNCHED TASK_STARTING TASK_FAILED", &last);
	ck_assert_str_eq(last.message, "Failed to execute "
	    "'kerr-no-such-program': No such file or directory");
	ck_assert_str_eq(last.reason, "REASON_COMMAND_EXECUTOR_FAILED");
	check_executor_gone(&t);
}
END_TEST

/* A launch the supervisor cannot even start: no zombie, an error. */
START_TEST(test_executor_launch_bad_supervisor)
{
	static char		*argv[] = { "true", NULL };
	struct executor_launch	 l;
	struct executor_handle	 h;
	char			 sandbox[PATH_MAX], saved[PATH_MAX];

	snprintf(saved, sizeof(saved), "%s",
	    getenv(EXECUTOR_LOCAL_SUPERVISOR_ENV));
	ck_assert_int_eq(setenv(EXECUTOR_LOCAL_SUPERVISOR_ENV, "/bin/false",
	    1), 0);
	snprintf(sandbox, sizeof(sandbox), "%s/tasks/bad", check_executor_dir);
	memset(&l, 0, sizeof(l));
	l.task_id = "bad";
	l.sandbox_dir = sandbox;
	l.argv = argv;
	l.envp = check_executor_path_env;
	l.conf_path = check_executor_conf;
	ck_assert_int_eq(executor_local.launch(&l, &h), -EIO);
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	l.sandbox_dir = "relative";
	ck_assert_int_eq(executor_local.launch(&l, &h), -EINVAL);
	ck_assert_int_eq(setenv(EXECUTOR_LOCAL_SUPERVISOR_ENV, saved, 1), 0);
}
END_TEST

Suite *
executor_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("core"),
		FIXTURE_CHECKED(check_executor_setup, check_executor_teardown),
		FIXTURE_TIMEOUT(30),
		FIXTURE_TEST(test_executor_proc_start_ticks),
		FIXTURE_TEST(test_executor_find),
		FIXTURE_TEST(test_executor_cgroup_detect),
		FIXTURE_TEST(test_executor_cgroup_v1_files),
		FIXTURE_TEST(test_executor_cgroup_real),
		FIXTURE_TEST(test_executor_exit_status),
		FIXTURE_TEST(test_executor_finished),
		FIXTURE_TEST(test_executor_kill_term),
		FIXTURE_TEST(test_executor_kill_stale_handle),
		FIXTURE_TEST(test_executor_env_argv),
		FIXTURE_TEST(test_executor_user_unknown),
		FIXTURE_TEST(test_executor_exec_missing),
		FIXTURE_TEST(test_executor_killed_during_launch),
		FIXTURE_TEST(test_executor_launch_bad_supervisor),
		FIXTURE_TEST(test_executor_user_nobody),
		FIXTURE_TEST(test_executor_memory_limit),
		FIXTURE_CASE("slow"),
		FIXTURE_CHECKED(check_executor_setup, check_executor_teardown),
		FIXTURE_TIMEOUT(30),
		FIXTURE_TAGS("slow"),
		FIXTURE_TEST(test_executor_kill_trapped),
		FIXTURE_END
	};

	return (fixture_suite("executor", tests));
}
