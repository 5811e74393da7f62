/*
 * Connection handling for the store: open with WAL, busy_timeout, foreign
 * keys and the configured synchronous mode; a per-connection cache of
 * prepared statements keyed by the address of their static SQL text; and
 * the transaction helpers.  Touches no table itself (see db_schema.c and
 * the per-table db_*.c files).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "metrics.h"

#define DB_STMT_CACHE_SIZE	256	/* power of two, > number of SQL texts */

struct db_stmt_slot {
	const char	*sql;
	sqlite3_stmt	*st;
};

struct db {
	sqlite3			*handle;
	int			 busy_timeout_ms;
	struct db_stmt_slot	 cache[DB_STMT_CACHE_SIZE];
};

int
db_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return (0);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return (-EBUSY);
	case SQLITE_CONSTRAINT:
		return (-EEXIST);
	case SQLITE_NOMEM:
		return (-ENOMEM);
	case SQLITE_CANTOPEN:
		return (-ENOENT);
	case SQLITE_FULL:
		return (-ENOSPC);	/* the disk, not the database */
	default:
		return (-EIO);
	}
}

static int
db_exec_sql(struct db *db, const char *sql)
{
	return (db_errno(sqlite3_exec(db->handle, sql, NULL, NULL, NULL)));
}

int
db_set_cache_kb(struct db *db, int kb)
{
	char sql[64];

	/* A pragma takes no bound parameters; kb is our own integer. */
	(void)snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%d", kb);
	return (db_exec_sql(db, sql));
}

int
db_set_synchronous(struct db *db, int full)
{
	return (db_exec_sql(db, full ? "PRAGMA synchronous=FULL" :
	    "PRAGMA synchronous=NORMAL"));
}

int
db_set_bulk_delete(struct db *db)
{
	int r;

	if ((r = db_set_synchronous(db, 0)) < 0)
		return (r);
	/* Debian's SQLite zeroes every deleted byte (SECURE_DELETE): FAST
	 * zeroes only what costs no extra page write, twice as fast here. */
	if ((r = db_exec_sql(db, "PRAGMA secure_delete=FAST")) < 0)
		return (r);
	/* A long run of deletes under steady reads can grow the WAL far
	 * (it restarts only when no reader is in it); past 64 MiB it is
	 * cut back when it restarts, not left at its high-water mark. */
	return (db_exec_sql(db, "PRAGMA journal_size_limit=67108864"));
}

/* journal_mode answers with the mode in force: check it really is WAL. */
static int
db_set_wal(struct db *db)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	r = db_errno(sqlite3_prepare_v2(db->handle, "PRAGMA journal_mode=WAL",
	    -1, &st, NULL));
	if (r == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *mode = sqlite3_column_text(st, 0);

		if (mode == NULL || strcmp((const char *)mode, "wal") != 0)
			r = -EIO;
	} else if (r == 0)
		r = db_errno(sqlite3_errcode(db->handle));
	sqlite3_finalize(st);
	return (r);
}

static int
db_set_pragmas(struct db *db, const struct db_options *opt)
{
	int r, waited_ms;

	/* Before journal_mode: a new file takes auto_vacuum only before its
	 * first page is written (db_space.c); an older file ignores it. */
	if ((r = db_exec_sql(db, "PRAGMA auto_vacuum=INCREMENTAL")) < 0)
		return (r);
	/*
	 * Switching a new file to WAL needs an exclusive lock, and SQLite
	 * does not call the busy handler for it: when several daemons
	 * start at once, wait here within the same busy budget.
	 */
	for (waited_ms = 0; (r = db_set_wal(db)) == -EBUSY &&
	    waited_ms < opt->busy_timeout_ms; waited_ms += 10)
		(void)usleep(10000);
	if (r < 0)
		return (r);
	if ((r = db_exec_sql(db, "PRAGMA foreign_keys=ON")) < 0)
		return (r);
	/* Each connection caches pages of its own: bounded, since every
	 * thread of every daemon has one (SQLite's default is 2 MiB). */
	if (opt->cache_kb > 0 && (r = db_set_cache_kb(db, opt->cache_kb)) < 0)
		return (r);
	return (db_set_synchronous(db, opt->synchronous_full));
}

/*
 * SQLite's own busy handler backs off to 100 ms sleeps: with a writer per
 * task supervisor that turns a short lock wait into a long stall.  Wait in
 * small steps instead, up to the configured timeout; a commit holds the
 * lock for well under a millisecond.
 */
static int
db_busy_wait(void *arg, int count)
{
	struct db	*db = arg;
	int		 step_us = count < 10 ? 100 : 1000;
	int64_t		 waited_us;

	/* The first ten waits are short: most locks are released by then. */
	waited_us = count < 10 ? (int64_t)count * 100 :
	    1000 + (int64_t)(count - 10) * 1000;
	if (waited_us >= (int64_t)db->busy_timeout_ms * 1000)
		return (0);
	(void)usleep((useconds_t)step_us);
	return (1);
}

int
db_open(const char *path, const struct db_options *opt, struct db **ret)
{
	struct db	*db;
	int		 r;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return (-ENOMEM);
	r = sqlite3_open_v2(path, &db->handle, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (r != SQLITE_OK) {
		r = db_errno(r);
		goto fail;
	}
	/* Set before the first statement: journal_mode itself may wait. */
	db->busy_timeout_ms = opt->busy_timeout_ms;
	sqlite3_busy_handler(db->handle, db_busy_wait, db);
	if ((r = db_set_pragmas(db, opt)) < 0)
		goto fail;
	*ret = db;
	return (0);
fail:
	db_close(db);
	return (r < 0 ? r : -EIO);
}

void
db_close(struct db *db)
{
	size_t i;

	if (db == NULL)
		return;
	for (i = 0; i < DB_STMT_CACHE_SIZE; i++)
		sqlite3_finalize(db->cache[i].st);
	sqlite3_close(db->handle);
	free(db);
}

void
db_interrupt(struct db *db)
{
	sqlite3_interrupt(db->handle);
}

sqlite3 *
db_handle(struct db *db)
{
	return (db->handle);
}

const char *
db_errmsg(struct db *db)
{
	return (sqlite3_errmsg(db->handle));
}

int
db_in_transaction(struct db *db)
{
	return (!sqlite3_get_autocommit(db->handle));
}

int
db_begin(struct db *db)
{
	return (db_exec_sql(db, "BEGIN IMMEDIATE"));
}

int
db_commit(struct db *db)
{
	int64_t	start = metrics_now_us();
	int	r;

	if ((r = db_exec_sql(db, "COMMIT")) < 0)
		db_rollback(db);
	else
		metrics_count_commit(metrics_now_us() - start);
	return (r);
}

void
db_rollback(struct db *db)
{
	/* Fails harmlessly when SQLite already rolled back on its own. */
	(void)sqlite3_exec(db->handle, "ROLLBACK", NULL, NULL, NULL);
}

int
db_savepoint(struct db *db)
{
	return (db_exec_sql(db, "SAVEPOINT item"));
}

void
db_savepoint_release(struct db *db)
{
	(void)sqlite3_exec(db->handle, "RELEASE item", NULL, NULL, NULL);
}

void
db_savepoint_rollback(struct db *db)
{
	(void)sqlite3_exec(db->handle, "ROLLBACK TO item; RELEASE item", NULL,
	    NULL, NULL);
}

static size_t
db_stmt_hash(const char *sql)
{
	uintptr_t p = (uintptr_t)sql;

	return ((size_t)((p >> 3) * 2654435761u) & (DB_STMT_CACHE_SIZE - 1));
}

int
db_stmt(struct db *db, const char *sql, sqlite3_stmt **ret)
{
	struct db_stmt_slot	*slot;
	size_t			 i, h = db_stmt_hash(sql);
	int			 rc;

	for (i = 0; i < DB_STMT_CACHE_SIZE; i++) {
		slot = &db->cache[(h + i) & (DB_STMT_CACHE_SIZE - 1)];
		if (slot->sql == sql) {
			*ret = slot->st;
			return (0);
		}
		if (slot->sql == NULL)
			break;
	}
	if (i == DB_STMT_CACHE_SIZE)
		return (-ENOBUFS);
	rc = sqlite3_prepare_v3(db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &slot->st, NULL);
	if (rc != SQLITE_OK) {
		slot->st = NULL;
		return (db_errno(rc) < 0 ? db_errno(rc) : -EIO);
	}
	slot->sql = sql;
	*ret = slot->st;
	return (0);
}

void
db_release(sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int
db_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return (1);
	if (rc == SQLITE_DONE)
		return (0);
	return (db_errno(rc) < 0 ? db_errno(rc) : -EIO);
}

int
db_exec_stmt(sqlite3_stmt *st)
{
	int r;

	while ((r = db_step(st)) == 1)
		;
	return (r);
}

int
db_exec_text(struct db *db, const char *sql, const char *text)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, sql, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, text)) == 0)
		r = db_exec_stmt(st);
	db_release(st);
	return (r);
}

char *
db_column_strdup(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return (strdup(s != NULL ? (const char *)s : ""));
}

int
db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	int rc;

	if (s == NULL)
		rc = sqlite3_bind_null(st, idx);
	else
		rc = sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
	return (db_errno(rc));
}

json_t *
db_column_json(sqlite3_stmt *st, int col)
{
	const char	*text = (const char *)sqlite3_column_text(st, col);
	int		 len = sqlite3_column_bytes(st, col);

	if (text == NULL)
		return (NULL);
	return (json_loadb(text, (size_t)len, JSON_DECODE_ANY, NULL));
}

int
db_bind_json(sqlite3_stmt *st, int idx, const json_t *value)
{
	char *text;

	if (value == NULL)
		return (db_errno(sqlite3_bind_null(st, idx)));
	if ((text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL)
		return (-ENOMEM);
	return (db_errno(sqlite3_bind_text(st, idx, text, -1, free)));
}

int
db_collect_json(sqlite3_stmt *st, int col, json_t **ret)
{
	json_t	*array = json_array(), *item;
	int	 r;

	if (array == NULL)
		return (-ENOMEM);
	while ((r = db_step(st)) == 1) {
		if ((item = db_column_json(st, col)) == NULL)
			continue;	/* a row we cannot parse is skipped */
		if (json_array_append_new(array, item) != 0) {
			r = -ENOMEM;
			break;
		}
	}
	if (r < 0) {
		json_decref(array);
		return (r);
	}
	*ret = array;
	return (0);
}

static int
db_bindv(sqlite3_stmt *st, const char *types, va_list ap)
{
	int i, r = 0;

	for (i = 0; types[i] != '\0' && r == 0; i++) {
		switch (types[i]) {
		case 's':
			r = db_bind_text(st, i + 1, va_arg(ap, const char *));
			break;
		case 'i':
			r = db_errno(sqlite3_bind_int64(st, i + 1,
			    va_arg(ap, int64_t)));
			break;
		case 'j':
			r = db_bind_json(st, i + 1, va_arg(ap, const json_t *));
			break;
		default:
			r = -EINVAL;
		}
	}
	return (r);
}

/* Prepare (cached) and bind; the caller steps and releases. */
static int
db_preparev(struct db *db, const char *sql, sqlite3_stmt **ret,
    const char *types, va_list ap)
{
	int r;

	if ((r = db_stmt(db, sql, ret)) < 0)
		return (r);
	if ((r = db_bindv(*ret, types, ap)) < 0)
		db_release(*ret);
	return (r);
}

/* Read the result of a stepped-through query (the three forms below). */
typedef int (*db_reader_fn)(struct db *db, sqlite3_stmt *st, void *out,
    int n);

static int
db_queryv(struct db *db, const char *sql, db_reader_fn read, void *out,
    int n, const char *types, va_list ap)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_preparev(db, sql, &st, types, ap)) < 0)
		return (r);
	r = read(db, st, out, n);
	db_release(st);
	return (r);
}

static int
db_read_changes(struct db *db, sqlite3_stmt *st, void *out, int n)
{
	int r;

	(void)n;
	if ((r = db_exec_stmt(st)) == 0 && out != NULL)
		*(int *)out = sqlite3_changes(db->handle);
	return (r);
}

static int
db_read_ints(struct db *db, sqlite3_stmt *st, void *out, int n)
{
	int i, r;

	(void)db;
	if ((r = db_step(st)) == 1) {
		for (i = 0; i < n; i++)
			((int64_t *)out)[i] = sqlite3_column_int64(st, i);
		return (0);
	}
	return (r == 0 ? -ENOENT : r);
}

static int
db_read_json(struct db *db, sqlite3_stmt *st, void *out, int n)
{
	json_t	**ret = out;
	int	  r;

	(void)db;
	(void)n;
	if ((r = db_step(st)) == 1) {
		*ret = db_column_json(st, 0);
		return (*ret != NULL ? 0 : -EIO);
	}
	return (r == 0 ? -ENOENT : r);
}

static int
db_read_json_list(struct db *db, sqlite3_stmt *st, void *out, int n)
{
	(void)db;
	(void)n;
	return (db_collect_json(st, 0, out));
}

int
db_run(struct db *db, const char *sql, int *ret_changes, const char *types,
    ...)
{
	va_list	ap;
	int	r;

	va_start(ap, types);
	r = db_queryv(db, sql, db_read_changes, ret_changes, 0, types, ap);
	va_end(ap);
	return (r);
}

int
db_run_changed(struct db *db, const char *sql, const char *types, ...)
{
	va_list	ap;
	int	changes = 0, r;

	va_start(ap, types);
	r = db_queryv(db, sql, db_read_changes, &changes, 0, types, ap);
	va_end(ap);
	if (r < 0)
		return (r);
	return (changes > 0 ? 0 : 1);
}

int
db_query_ints(struct db *db, const char *sql, int64_t *out, int n,
    const char *types, ...)
{
	va_list	ap;
	int	r;

	va_start(ap, types);
	r = db_queryv(db, sql, db_read_ints, out, n, types, ap);
	va_end(ap);
	return (r);
}

int
db_query_json(struct db *db, const char *sql, json_t **ret,
    const char *types, ...)
{
	va_list	ap;
	int	r;

	va_start(ap, types);
	r = db_queryv(db, sql, db_read_json, ret, 0, types, ap);
	va_end(ap);
	return (r);
}

int
db_query_json_list(struct db *db, const char *sql, json_t **ret,
    const char *types, ...)
{
	va_list	ap;
	int	r;

	va_start(ap, types);
	r = db_queryv(db, sql, db_read_json_list, ret, 0, types, ap);
	va_end(ap);
	return (r);
}

int
db_end(struct db *db, int rc)
{
	if (rc < 0) {
		db_rollback(db);
		return (rc);
	}
	return (db_commit(db));
}
