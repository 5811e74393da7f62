/*
 * Unit tests for common/db.c, db_schema.c and db_state.c: the migration
 * ladder, the pragmas db_open promises (WAL, foreign keys, synchronous,
 * busy_timeout), the statement cache, the transaction helpers and their
 * errno mapping, several processes writing one file at once, and every
 * counter of db_state_counts.  Each test gets a fresh database in its own
 * mkdtemp directory under /tmp, opened by a checked fixture so that the
 * connection is made in check's forked child; tests that fork close it
 * first, because a connection must never cross a fork.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "db.h"
#include "db_state.h"
#include "fixture.h"

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*db_suite(void);

#define CHECK_DB_BUSY_MS	5000
#define CHECK_DB_WRITERS	2
#define CHECK_DB_TXNS		200	/* per writer */
#define CHECK_DB_RACERS		3	/* daemons starting at once */
#define CHECK_DB_RACE_ROUNDS	10

static char		 check_db_dir[64];
static char		 check_db_path[PATH_MAX];
static struct db	*check_db;

static const struct db_options check_db_opt = {
	.busy_timeout_ms = CHECK_DB_BUSY_MS,
	.synchronous_full = 1,
};

/* Test rows go in through bound parameters, never through formatting. */
static const char CHECK_SQL_INSERT_REQUEST[] =
	"INSERT INTO requests(id, state, request_type, request_json,"
	" state_changed_at, last_action_at)"
	" VALUES (?1, ?2, 'SERVICE', '{}', ?3, ?3)";
static const char CHECK_SQL_INSERT_PENDING_REQUEST[] =
	"INSERT INTO pending_requests(request_id, deploy_id, created_at,"
	" pending_type, pending_json) VALUES (?1, ?2, ?3, 'IMMEDIATE', '{}')";
static const char CHECK_SQL_INSERT_REQUEST_CLEANUP[] =
	"INSERT INTO request_cleanups(request_id, cleanup_type, created_at,"
	" cleanup_json) VALUES (?1, ?2, ?3, '{}')";
static const char CHECK_SQL_INSERT_TASK[] =
	"INSERT INTO tasks(task_id, request_id, deploy_id, instance_no, state,"
	" active, started_at, updated_at, task_json)"
	" VALUES (?1, 'r', 'd', 1, ?2, ?3, 0, 0, '{}')";
static const char CHECK_SQL_INSERT_PENDING_TASK[] =
	"INSERT INTO pending_tasks(pending_task_id, request_id, deploy_id,"
	" instance_no, next_run_at, pending_type, created_at, pending_json)"
	" VALUES (?1, ?2, 'd', 1, ?3, 'IMMEDIATE', 0, '{}')";
static const char CHECK_SQL_INSERT_TASK_CLEANUP[] =
	"INSERT INTO task_cleanups(task_id, request_id, cleanup_type,"
	" created_at, cleanup_json) VALUES (?1, ?2, 'BOUNCING', ?3, '{}')";

static const char CHECK_SQL_COUNT_REQUESTS[] =
	"SELECT count(*) FROM requests";
static const char CHECK_SQL_COUNT_REQUEST_ID[] =
	"SELECT count(*) FROM requests WHERE id = ?1";
static const char CHECK_SQL_HAS_TABLE[] =
	"SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	" AND name = ?1";
static const char CHECK_SQL_COUNT_SCHEMA[] =
	"SELECT count(*) FROM sqlite_master";
static const char CHECK_SQL_USER_VERSION[] = "PRAGMA user_version";

static const char *const check_db_tables[] = {
	"requests", "request_history", "pending_requests",
	"request_cleanups", "tasks", "pending_tasks", "task_cleanups",
};

static void
check_db_setup(void)
{
	fixture_tmpdir("/tmp/kerr-check-db-", check_db_dir,
	    sizeof(check_db_dir));
	snprintf(check_db_path, sizeof(check_db_path), "%s/kerr.db",
	    check_db_dir);
	ck_assert_int_eq(db_open(check_db_path, &check_db_opt, &check_db), 0);
	ck_assert_int_eq(db_schema_migrate(check_db), 0);
}

static void
check_db_teardown(void)
{
	db_close(check_db);
	check_db = NULL;
	fixture_rmtree(check_db_dir);
}

/* A path for another database file in the test's directory. */
static void
check_db_sibling(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", check_db_dir, name);
}

/*
 * Run a one-row query whose first column is an integer.  text, when not
 * NULL, is bound to ?1.
 */
static int64_t
check_db_int(sqlite3 *h, const char *sql, const char *text)
{
	sqlite3_stmt	*st = NULL;
	int64_t		 v;

	ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (text != NULL)
		ck_assert_int_eq(sqlite3_bind_text(st, 1, text, -1,
		    SQLITE_TRANSIENT), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (v);
}

/* Run a one-row query whose first column is text, copied into buf. */
static void
check_db_text(sqlite3 *h, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt		*st = NULL;
	const unsigned char	*s;

	ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	s = sqlite3_column_text(st, 0);
	snprintf(buf, len, "%s", s != NULL ? (const char *)s : "(null)");
	sqlite3_finalize(st);
}

/*
 * Insert one row with the test's own statement: ?1 = a, then ?2 = b and
 * ?3 = n for the statements that have them.
 */
static void
check_db_insert(sqlite3 *h, const char *sql, const char *a, const char *b,
    int64_t n)
{
	sqlite3_stmt	*st = NULL;
	int		 np;

	ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	np = sqlite3_bind_parameter_count(st);
	ck_assert_int_eq(sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT),
	    SQLITE_OK);
	if (np >= 2)
		ck_assert_int_eq(sqlite3_bind_text(st, 2, b, -1,
		    SQLITE_TRANSIENT), SQLITE_OK);
	if (np >= 3)
		ck_assert_int_eq(sqlite3_bind_int64(st, 3, n), SQLITE_OK);
	ck_assert_msg(sqlite3_step(st) == SQLITE_DONE, "insert '%s': %s", a,
	    sqlite3_errmsg(h));
	sqlite3_finalize(st);
}

/* A second, plain SQLite connection: sees only what was committed. */
static sqlite3 *
check_db_peer(const char *path)
{
	sqlite3	*h = NULL;

	ck_assert_int_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(h, CHECK_DB_BUSY_MS);
	return (h);
}

/* Another kerr connection to the fixture's database, with these options. */
static struct db *
check_db_other(int busy_timeout_ms, int synchronous_full)
{
	struct db_options	 opt = {
		.busy_timeout_ms = busy_timeout_ms,
		.synchronous_full = synchronous_full,
	};
	struct db		*db = NULL;

	ck_assert_int_eq(db_open(check_db_path, &opt, &db), 0);
	return (db);
}

/* Close the fixture's connection before a fork (see the top comment). */
static void
check_db_close_fixture(void)
{
	db_close(check_db);
	check_db = NULL;
}

static void
check_db_assert_tables(sqlite3 *h)
{
	size_t i;

	for (i = 0; i < sizeof(check_db_tables) / sizeof(check_db_tables[0]);
	    i++)
		ck_assert_msg(check_db_int(h, CHECK_SQL_HAS_TABLE,
		    check_db_tables[i]) == 1, "table %s is missing",
		    check_db_tables[i]);
}

START_TEST(test_db_migrate_from_empty_file)
{
	struct db	*db = NULL;
	char		 path[PATH_MAX];
	int		 fd, version = -1;

	check_db_sibling("empty.db", path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);

	ck_assert_int_eq(db_open(path, &check_db_opt, &db), 0);
	ck_assert_int_eq(check_db_int(db_handle(db), CHECK_SQL_USER_VERSION,
	    NULL), 0);
	ck_assert_int_ge(db_schema_current, 1);
	ck_assert_int_eq(db_schema_migrate(db), 0);
	ck_assert_int_eq(check_db_int(db_handle(db), CHECK_SQL_USER_VERSION,
	    NULL), db_schema_current);
	ck_assert_int_eq(db_schema_version(db, &version), 0);
	ck_assert_int_eq(version, db_schema_current);
	check_db_assert_tables(db_handle(db));
	/* The migration committed: nothing is left open. */
	ck_assert_int_eq(sqlite3_get_autocommit(db_handle(db)), 1);
	db_close(db);
}
END_TEST

START_TEST(test_db_migrate_twice_is_idempotent)
{
	sqlite3	*h = db_handle(check_db);
	int64_t	 objects;
	int	 version = -1;

	check_db_insert(h, CHECK_SQL_INSERT_REQUEST, "r-keep", "ACTIVE", 1);
	objects = check_db_int(h, CHECK_SQL_COUNT_SCHEMA, NULL);
	ck_assert_int_gt(objects, 0);

	ck_assert_int_eq(db_schema_migrate(check_db), 0);
	ck_assert_int_eq(db_schema_migrate(check_db), 0);
	ck_assert_int_eq(db_schema_version(check_db, &version), 0);
	ck_assert_int_eq(version, db_schema_current);
	ck_assert_int_eq(check_db_int(h, CHECK_SQL_COUNT_SCHEMA, NULL),
	    objects);
	ck_assert_int_eq(check_db_int(h, CHECK_SQL_COUNT_REQUEST_ID,
	    "r-keep"), 1);
	ck_assert_int_eq(sqlite3_get_autocommit(h), 1);
}
END_TEST

START_TEST(test_db_migrate_refuses_newer_version)
{
	struct db	*db = NULL;
	char		 path[PATH_MAX], sql[64];

	check_db_sibling("newer.db", path, sizeof(path));
	ck_assert_int_eq(db_open(path, &check_db_opt, &db), 0);
	/* A pragma takes no bound parameter; the value is our integer. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d",
	    db_schema_current + 1);
	ck_assert_int_eq(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL),
	    SQLITE_OK);

	ck_assert_int_eq(db_schema_migrate(db), -EPROTO);
	ck_assert_int_eq(check_db_int(db_handle(db), CHECK_SQL_USER_VERSION,
	    NULL), db_schema_current + 1);
	ck_assert_int_eq(check_db_int(db_handle(db), CHECK_SQL_HAS_TABLE,
	    "requests"), 0);
	/* The refused migration did not leave its transaction open. */
	ck_assert_int_eq(sqlite3_get_autocommit(db_handle(db)), 1);
	db_close(db);
}
END_TEST

START_TEST(test_db_wal_is_on)
{
	sqlite3		*h = db_handle(check_db), *peer;
	struct stat	 sb;
	char		 mode[16], wal[PATH_MAX + 8];

	check_db_text(h, "PRAGMA journal_mode", mode, sizeof(mode));
	ck_assert_str_eq(mode, "wal");

	ck_assert_int_eq(db_begin(check_db), 0);
	check_db_insert(h, CHECK_SQL_INSERT_REQUEST, "r-wal", "ACTIVE", 1);
	ck_assert_int_eq(db_commit(check_db), 0);
	snprintf(wal, sizeof(wal), "%s-wal", check_db_path);
	ck_assert_msg(stat(wal, &sb) == 0, "%s: %s", wal, strerror(errno));
	ck_assert_int_gt(sb.st_size, 0);

	/* WAL is a property of the file, so another connection sees it. */
	peer = check_db_peer(check_db_path);
	check_db_text(peer, "PRAGMA journal_mode", mode, sizeof(mode));
	ck_assert_str_eq(mode, "wal");
	sqlite3_close(peer);
}
END_TEST

START_TEST(test_db_pragmas)
{
	struct db	*db;
	sqlite3		*h = db_handle(check_db);

	ck_assert_int_eq(check_db_int(h, "PRAGMA foreign_keys", NULL), 1);
	ck_assert_int_eq(check_db_int(h, "PRAGMA synchronous", NULL), 2);
	/* Lock waits use kerr's own busy handler (db.c), not busy_timeout:
	 * test_db_concurrent_writers shows that it waits. */

	/* Both are per connection, so a second one gets its own. */
	db = check_db_other(1234, 0);
	ck_assert_int_eq(check_db_int(db_handle(db), "PRAGMA synchronous",
	    NULL), 1);
	ck_assert_int_eq(check_db_int(db_handle(db), "PRAGMA foreign_keys",
	    NULL), 1);
	db_close(db);
}
END_TEST

START_TEST(test_db_stmt_cache)
{
	/* Two arrays with equal text are two keys: the cache is by address. */
	static const char	 sql_a[] = "SELECT ?1";
	static const char	 sql_b[] = "SELECT ?1";
	static const char	 sql_bad[] = "SELECT * FROM no_such_table";
	sqlite3_stmt		*st1 = NULL, *st2 = NULL, *st3 = NULL;
	sqlite3_stmt		*bad = NULL;

	ck_assert_int_eq(db_stmt(check_db, sql_a, &st1), 0);
	ck_assert_ptr_nonnull(st1);
	ck_assert_int_eq(db_stmt(check_db, sql_a, &st2), 0);
	ck_assert_ptr_eq(st1, st2);
	ck_assert_int_eq(db_stmt(check_db, sql_b, &st3), 0);
	ck_assert_ptr_ne(st1, st3);

	/* db_release resets the statement and clears its bindings. */
	ck_assert_int_eq(sqlite3_bind_int(st1, 1, 42), SQLITE_OK);
	ck_assert_int_eq(db_step(st1), 1);
	ck_assert_int_eq(sqlite3_column_int(st1, 0), 42);
	ck_assert_int_ne(sqlite3_stmt_busy(st1), 0);
	db_release(st1);
	ck_assert_int_eq(sqlite3_stmt_busy(st1), 0);
	ck_assert_int_eq(db_step(st1), 1);
	ck_assert_int_eq(sqlite3_column_type(st1, 0), SQLITE_NULL);
	ck_assert_int_eq(db_step(st1), 0);
	db_release(st1);
	db_release(NULL);

	/* A failed prepare is an error every time, never a cached NULL. */
	ck_assert_int_eq(db_stmt(check_db, sql_bad, &bad), -EIO);
	ck_assert_int_eq(db_stmt(check_db, sql_bad, &bad), -EIO);
	ck_assert_ptr_null(bad);
	ck_assert_int_eq(db_stmt(check_db, sql_a, &st2), 0);
	ck_assert_ptr_eq(st1, st2);
}
END_TEST

/* Insert requests.id through the cached statement, as db_*.c do. */
static int
check_db_insert_request_stmt(struct db *db, const char *id)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, CHECK_SQL_INSERT_REQUEST, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, id)) == 0 &&
	    (r = db_bind_text(st, 2, "ACTIVE")) == 0 &&
	    (r = db_errno(sqlite3_bind_int64(st, 3, 1))) == 0)
		r = db_exec_stmt(st);
	db_release(st);
	return (r);
}

START_TEST(test_db_constraint_is_eexist)
{
	sqlite3	*h = db_handle(check_db), *peer;

	ck_assert_int_eq(db_begin(check_db), 0);
	ck_assert_int_eq(check_db_insert_request_stmt(check_db, "r-dup"), 0);
	ck_assert_int_eq(check_db_insert_request_stmt(check_db, "r-dup"),
	    -EEXIST);
	/* Only the failed statement is undone, not the transaction. */
	ck_assert_int_eq(db_commit(check_db), 0);
	ck_assert_int_eq(sqlite3_get_autocommit(h), 1);

	peer = check_db_peer(check_db_path);
	ck_assert_int_eq(check_db_int(peer, CHECK_SQL_COUNT_REQUEST_ID,
	    "r-dup"), 1);
	sqlite3_close(peer);
}
END_TEST

START_TEST(test_db_rollback_discards)
{
	sqlite3	*h = db_handle(check_db), *peer;

	ck_assert_int_eq(db_begin(check_db), 0);
	ck_assert_int_eq(check_db_insert_request_stmt(check_db, "r-gone"), 0);
	ck_assert_int_eq(check_db_int(h, CHECK_SQL_COUNT_REQUEST_ID,
	    "r-gone"), 1);
	db_rollback(check_db);
	ck_assert_int_eq(sqlite3_get_autocommit(h), 1);
	ck_assert_int_eq(check_db_int(h, CHECK_SQL_COUNT_REQUEST_ID,
	    "r-gone"), 0);

	peer = check_db_peer(check_db_path);
	ck_assert_int_eq(check_db_int(peer, CHECK_SQL_COUNT_REQUESTS, NULL),
	    0);
	sqlite3_close(peer);

	/* A rollback with no transaction open is harmless. */
	db_rollback(check_db);
	ck_assert_int_eq(db_begin(check_db), 0);
	ck_assert_int_eq(db_commit(check_db), 0);
}
END_TEST

START_TEST(test_db_begin_takes_write_lock)
{
	struct db *other = check_db_other(0, 1);

	ck_assert_int_eq(db_begin(check_db), 0);
	/* IMMEDIATE: the second writer is refused at BEGIN, not later. */
	ck_assert_int_eq(db_begin(other), -EBUSY);
	db_rollback(check_db);
	ck_assert_int_eq(db_begin(other), 0);
	ck_assert_int_eq(check_db_insert_request_stmt(other, "r-other"), 0);
	ck_assert_int_eq(db_commit(other), 0);
	ck_assert_int_eq(check_db_int(db_handle(check_db),
	    CHECK_SQL_COUNT_REQUEST_ID, "r-other"), 1);
	db_close(other);
}
END_TEST

/* Block until the parent closes the other end of the start pipe. */
static void
check_db_wait_start(int fd)
{
	char	c;

	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
}

/*
 * One writer process: its own connection, opened after the fork, then
 * CHECK_DB_TXNS separate transactions.  Never returns; the exit code
 * says which step failed, since check's asserts belong to the parent.
 */
static void __attribute__((noreturn))
check_db_writer(int n, int start_fd)
{
	struct db	*db = NULL;
	char		 id[32];
	int		 i;

	check_db_wait_start(start_fd);
	if (db_open(check_db_path, &check_db_opt, &db) < 0)
		_exit(2);
	for (i = 0; i < CHECK_DB_TXNS; i++) {
		snprintf(id, sizeof(id), "w%d-%d", n, i);
		if (db_begin(db) < 0)
			_exit(3);
		if (check_db_insert_request_stmt(db, id) < 0) {
			db_rollback(db);
			_exit(4);
		}
		if (db_commit(db) < 0)
			_exit(5);
	}
	db_close(db);
	_exit(0);
}

/* Fork n children running fn(i, start) and release them together. */
static void
check_db_fork_all(int n, void (*fn)(int, int), pid_t *pids)
{
	int	fds[2], i;

	ck_assert_int_eq(pipe(fds), 0);
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			close(fds[1]);
			fn(i, fds[0]);
		}
	}
	close(fds[0]);
	close(fds[1]);
}

static void
check_db_wait_all(int n, const pid_t *pids)
{
	int	i, status;

	for (i = 0; i < n; i++) {
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "child %d: status 0x%x", i, status);
	}
}

START_TEST(test_db_concurrent_writers)
{
	pid_t	 pids[CHECK_DB_WRITERS];
	sqlite3	*peer;

	check_db_close_fixture();
	check_db_fork_all(CHECK_DB_WRITERS, check_db_writer, pids);
	check_db_wait_all(CHECK_DB_WRITERS, pids);

	peer = check_db_peer(check_db_path);
	ck_assert_int_eq(check_db_int(peer, CHECK_SQL_COUNT_REQUESTS, NULL),
	    CHECK_DB_WRITERS * CHECK_DB_TXNS);
	sqlite3_close(peer);
}
END_TEST

/*
 * One daemon starting on a database nobody has created yet: open (which
 * switches a new file to WAL), migrate, and record itself with one row.
 */
static void __attribute__((noreturn))
check_db_racer(int n, int start_fd)
{
	struct db	*db = NULL;
	char		 path[PATH_MAX], id[32];
	int		 r;

	check_db_sibling("race.db", path, sizeof(path));
	check_db_wait_start(start_fd);
	if (db_open(path, &check_db_opt, &db) < 0)
		_exit(2);
	if (db_schema_migrate(db) < 0)
		_exit(3);
	snprintf(id, sizeof(id), "racer-%d", n);
	if (db_begin(db) < 0)
		_exit(4);
	if ((r = check_db_insert_request_stmt(db, id)) < 0) {
		db_rollback(db);
		_exit(5);
	}
	if (db_commit(db) < 0)
		_exit(6);
	db_close(db);
	_exit(0);
}

START_TEST(test_db_concurrent_first_open)
{
	pid_t	 pids[CHECK_DB_RACERS];
	sqlite3	*peer;
	char	 path[PATH_MAX], mode[16], extra[PATH_MAX + 8];
	int	 round;

	check_db_close_fixture();
	check_db_sibling("race.db", path, sizeof(path));
	for (round = 0; round < CHECK_DB_RACE_ROUNDS; round++) {
		check_db_fork_all(CHECK_DB_RACERS, check_db_racer, pids);
		check_db_wait_all(CHECK_DB_RACERS, pids);

		peer = check_db_peer(path);
		ck_assert_int_eq(check_db_int(peer, CHECK_SQL_USER_VERSION,
		    NULL), db_schema_current);
		ck_assert_int_eq(check_db_int(peer, CHECK_SQL_COUNT_REQUESTS,
		    NULL), CHECK_DB_RACERS);
		check_db_text(peer, "PRAGMA journal_mode", mode,
		    sizeof(mode));
		ck_assert_str_eq(mode, "wal");
		sqlite3_close(peer);

		(void)unlink(path);
		snprintf(extra, sizeof(extra), "%s-wal", path);
		(void)unlink(extra);
		snprintf(extra, sizeof(extra), "%s-shm", path);
		(void)unlink(extra);
	}
}
END_TEST

START_TEST(test_db_state_counts_empty)
{
	struct db_state_counts	c, zero;

	memset(&c, 0x55, sizeof(c));
	memset(&zero, 0, sizeof(zero));
	ck_assert_int_eq(db_state_counts(check_db, 1000, &c), 0);
	ck_assert_mem_eq(&c, &zero, sizeof(c));
	ck_assert_int_eq(sqlite3_get_autocommit(db_handle(check_db)), 1);
}
END_TEST

/* Rows for test_db_state_counts, around a fixed "now". */
#define CHECK_DB_NOW	1000000

static void
check_db_fill_state(sqlite3 *h)
{
	static const char *const requests[][2] = {
		{ "r-active", "ACTIVE" },
		{ "r-active2", "ACTIVE" },
		{ "r-unpause", "DEPLOYING_TO_UNPAUSE" },
		{ "r-paused", "PAUSED" },
		{ "r-cool", "SYSTEM_COOLDOWN" },
		{ "r-cool2", "SYSTEM_COOLDOWN" },
		{ "r-cool3", "SYSTEM_COOLDOWN" },
		{ "r-done", "FINISHED" },
		{ "r-deleting", "DELETING" },
		{ "r-deleted", "DELETED" },
	};
	static const struct {
		const char	*id;
		const char	*state;
		int		 active;
	} tasks[] = {
		{ "t-run", "TASK_RUNNING", 1 },
		{ "t-launched", "TASK_LAUNCHED", 1 },
		{ "t-staging", "TASK_STAGING", 1 },
		{ "t-starting", "TASK_STARTING", 1 },
		{ "t-run2", "TASK_RUNNING", 1 },
		{ "t-old", "TASK_FINISHED", 0 },
		{ "t-old-launch", "TASK_LAUNCHED", 0 },
	};
	static const struct {
		const char	*id;
		int64_t		 next_run_at;
	} pending[] = {
		{ "p-oldest", CHECK_DB_NOW - 5000 },	/* the lag */
		{ "p-late", CHECK_DB_NOW - 200 },
		{ "p-now", CHECK_DB_NOW },		/* due is late */
		{ "p-soon", CHECK_DB_NOW + 1 },
		{ "p-later", CHECK_DB_NOW + 60000 },
	};
	size_t	i;

	ck_assert_int_eq(sqlite3_exec(h, "BEGIN", NULL, NULL, NULL),
	    SQLITE_OK);
	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
		check_db_insert(h, CHECK_SQL_INSERT_REQUEST, requests[i][0],
		    requests[i][1], 1);
	check_db_insert(h, CHECK_SQL_INSERT_PENDING_REQUEST, "r-active",
	    "d1", 1);
	check_db_insert(h, CHECK_SQL_INSERT_PENDING_REQUEST, "r-paused",
	    NULL, 2);
	check_db_insert(h, CHECK_SQL_INSERT_REQUEST_CLEANUP, "r-deleting",
	    "DELETING", 1);
	for (i = 0; i < sizeof(tasks) / sizeof(tasks[0]); i++) {
		sqlite3_stmt *st = NULL;

		/* tasks.active is an integer, so bind it as one. */
		ck_assert_int_eq(sqlite3_prepare_v2(h, CHECK_SQL_INSERT_TASK,
		    -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, tasks[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, tasks[i].state, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, tasks[i].active);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	for (i = 0; i < sizeof(pending) / sizeof(pending[0]); i++)
		check_db_insert(h, CHECK_SQL_INSERT_PENDING_TASK,
		    pending[i].id, "r-active", pending[i].next_run_at);
	check_db_insert(h, CHECK_SQL_INSERT_TASK_CLEANUP, "t-run", "r-active",
	    1);
	check_db_insert(h, CHECK_SQL_INSERT_TASK_CLEANUP, "t-run2",
	    "r-active", 1);
	ck_assert_int_eq(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
}

START_TEST(test_db_state_counts)
{
	struct db_state_counts	c;

	check_db_fill_state(db_handle(check_db));
	memset(&c, 0x55, sizeof(c));
	ck_assert_int_eq(db_state_counts(check_db, CHECK_DB_NOW, &c), 0);
	/* DELETED rows are history, not requests; DELETING still counts. */
	ck_assert_int_eq(c.all_requests, 9);
	ck_assert_int_eq(c.active_requests, 3);
	ck_assert_int_eq(c.paused_requests, 1);
	ck_assert_int_eq(c.cooldown_requests, 3);
	ck_assert_int_eq(c.finished_requests, 1);
	ck_assert_int_eq(c.pending_requests, 2);
	ck_assert_int_eq(c.cleaning_requests, 1);
	ck_assert_int_eq(c.active_tasks, 5);
	ck_assert_int_eq(c.launching_tasks, 3);
	ck_assert_int_eq(c.scheduled_tasks, 5);
	ck_assert_int_eq(c.late_tasks, 3);
	ck_assert_int_eq(c.future_tasks, 2);
	ck_assert_int_eq(c.cleaning_tasks, 2);
	ck_assert_int_eq(c.max_task_lag_ms, 5000);
	/* A read: no transaction or lock is left behind. */
	ck_assert_int_eq(sqlite3_get_autocommit(db_handle(check_db)), 1);

	/* Earlier than every next_run_at: nothing late, no lag. */
	ck_assert_int_eq(db_state_counts(check_db, CHECK_DB_NOW - 10000, &c),
	    0);
	ck_assert_int_eq(c.late_tasks, 0);
	ck_assert_int_eq(c.future_tasks, 5);
	ck_assert_int_eq(c.max_task_lag_ms, 0);
	ck_assert_int_eq(c.scheduled_tasks, 5);

	/* Later than all of them: everything late, lag from the oldest. */
	ck_assert_int_eq(db_state_counts(check_db, CHECK_DB_NOW + 100000, &c),
	    0);
	ck_assert_int_eq(c.late_tasks, 5);
	ck_assert_int_eq(c.future_tasks, 0);
	ck_assert_int_eq(c.max_task_lag_ms, 105000);
}
END_TEST

START_TEST(test_db_state_counts_error_keeps_ret)
{
	struct db_state_counts	 c, before;
	struct db		*db = NULL;
	char			 path[PATH_MAX];

	/* No schema: the first query fails. */
	check_db_sibling("bare.db", path, sizeof(path));
	ck_assert_int_eq(db_open(path, &check_db_opt, &db), 0);
	memset(&c, 0x55, sizeof(c));
	before = c;
	ck_assert_int_lt(db_state_counts(db, 1000, &c), 0);
	ck_assert_mem_eq(&c, &before, sizeof(c));
	ck_assert_int_eq(sqlite3_get_autocommit(db_handle(db)), 1);
	db_close(db);
}
END_TEST

Suite *
db_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("core"),
		FIXTURE_CHECKED(check_db_setup, check_db_teardown),
		FIXTURE_TEST(test_db_migrate_from_empty_file),
		FIXTURE_TEST(test_db_migrate_twice_is_idempotent),
		FIXTURE_TEST(test_db_migrate_refuses_newer_version),
		FIXTURE_TEST(test_db_wal_is_on),
		FIXTURE_TEST(test_db_pragmas),
		FIXTURE_TEST(test_db_stmt_cache),
		FIXTURE_TEST(test_db_constraint_is_eexist),
		FIXTURE_TEST(test_db_rollback_discards),
		FIXTURE_TEST(test_db_begin_takes_write_lock),
		FIXTURE_TEST(test_db_state_counts_empty),
		FIXTURE_TEST(test_db_state_counts),
		FIXTURE_TEST(test_db_state_counts_error_keeps_ret),
		FIXTURE_CASE("concurrency"),
		FIXTURE_CHECKED(check_db_setup, check_db_teardown),
		FIXTURE_TIMEOUT(30),
		FIXTURE_TEST(test_db_concurrent_writers),
		FIXTURE_TEST(test_db_concurrent_first_open),
		FIXTURE_END
	};

	return (fixture_suite("db", tests));
}
