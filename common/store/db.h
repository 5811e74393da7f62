/*
 * The store: one SQLite database in WAL mode shared by the three daemons.
 * One connection per thread, opened after any fork.  Every SQL text lives
 * in common/db_*.c; callers only see verb-noun functions.
 */
#ifndef KERR_DB_H
#define KERR_DB_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

struct db;

struct db_options {
	int	busy_timeout_ms;
	int	synchronous_full;	/* 1: FULL, survives power loss */
	int	cache_kb;		/* page cache; 0: SQLite's default */
};

/* Open (creating if needed) and set the pragmas.  *ret owned by caller. */
int	db_open(const char *path, const struct db_options *opt,
	    struct db **ret);
/* Accepts NULL. */
void	db_close(struct db *db);
/* Abort what the connection runs now (SQLITE_INTERRUPT, -EIO); the one
 * call that may come from another thread. */
void	db_interrupt(struct db *db);
/* This connection's page cache, in KiB (> 0). */
int	db_set_cache_kb(struct db *db, int kb);
/* This connection's synchronous mode: FULL (1) or NORMAL (0). */
int	db_set_synchronous(struct db *db, int full);
/* Tune this connection for deleting many rows whose loss on a power cut
 * costs nothing (a purge does it again): NORMAL, secure_delete FAST, the
 * WAL cut back to 64 MiB when it restarts. */
int	db_set_bulk_delete(struct db *db);

/* Bring the schema to the current version (db_schema.c).  Idempotent. */
int	db_schema_migrate(struct db *db);
int	db_schema_version(struct db *db, int *ret_version);
extern const int db_schema_current;

/* The store's room on disk (db_space.c). */
struct db_space {
	int64_t	page_count;		/* the file, in pages */
	int64_t	free_pages;		/* on the free list, to give back */
	int64_t	page_size;		/* bytes */
	int	incremental;		/* auto_vacuum = INCREMENTAL */
};
int	db_space_get(struct db *db, struct db_space *ret);
/* A file made before auto_vacuum = INCREMENTAL takes it with one full
 * VACUUM (the whole file rewritten; writers wait): *ret_converted says
 * whether that ran.  0 or negative errno. */
int	db_space_convert(struct db *db, int *ret_converted);
/* Give up to pages free pages back to the filesystem, outside any
 * transaction; *ret_freed the bytes the file shrank by. */
int	db_space_vacuum_step(struct db *db, int pages, int64_t *ret_freed);
/* A passive WAL checkpoint, so that a truncation reaches the file. */
int	db_space_checkpoint(struct db *db);

/* Transactions.  db_begin is BEGIN IMMEDIATE: a writer takes the lock up
 * front, so busy_timeout applies instead of a deadlock-style SQLITE_BUSY. */
int	db_begin(struct db *db);
int	db_commit(struct db *db);
void	db_rollback(struct db *db);
/* End a transaction by its outcome: roll back when rc < 0 (returning
 * rc), else commit. */
int	db_end(struct db *db, int rc);
/* A savepoint inside a transaction: one item of a batch can be undone
 * without the rest. */
int	db_savepoint(struct db *db);
void	db_savepoint_release(struct db *db);
void	db_savepoint_rollback(struct db *db);

/*
 * Cached prepared statement for a static SQL text (keyed by its address).
 * Release with db_release(), which resets it and accepts NULL.
 */
int	db_stmt(struct db *db, const char *sql, sqlite3_stmt **ret);
void	db_release(sqlite3_stmt *st);
/* Run a statement with no result rows to completion. */
int	db_exec_stmt(sqlite3_stmt *st);
/* Run a cached statement whose only parameter ?1 is text, to the end. */
int	db_exec_text(struct db *db, const char *sql, const char *text);

/*
 * One-call queries on cached statements.  `types` binds ?1, ?2, ... from
 * the variadic arguments: 's' const char * (NULL binds NULL), 'i' int64_t,
 * 'j' const json_t * (as compact text; NULL binds NULL).
 */
/* Run to completion; *ret_changes (may be NULL) gets the rows changed. */
int	db_run(struct db *db, const char *sql, int *ret_changes,
	    const char *types, ...);
/* The same, telling whether it changed anything: 0 when it changed a
 * row, 1 when it changed none (a row already there, or none to remove). */
int	db_run_changed(struct db *db, const char *sql, const char *types,
	    ...);
/* First row's first n integer columns; -ENOENT when there is no row. */
int	db_query_ints(struct db *db, const char *sql, int64_t *out, int n,
	    const char *types, ...);
/* First row's column 0 parsed as JSON (new reference); -ENOENT. */
int	db_query_json(struct db *db, const char *sql, json_t **ret,
	    const char *types, ...);
/* Column 0 of every row parsed as JSON, into a new array. */
int	db_query_json_list(struct db *db, const char *sql, json_t **ret,
	    const char *types, ...);
/* Step: 1 row, 0 done, negative errno on error. */
int	db_step(sqlite3_stmt *st);

/* Map an SQLite result code to 0 / -EBUSY / -EEXIST / -ENOENT / -ENOSPC
 * (SQLITE_FULL: the filesystem is full) / -EIO. */
int	db_errno(int sqlite_rc);
const char *db_errmsg(struct db *db);
/* 0 once SQLite rolled a transaction back on its own (on SQLITE_FULL,
 * for one), or none was begun. */
int	db_in_transaction(struct db *db);
sqlite3	*db_handle(struct db *db);

/* Parse a JSON text column: new reference, NULL for SQL NULL or bad text. */
json_t	*db_column_json(sqlite3_stmt *st, int col);
/* Bind a JSON value as compact text (NULL binds SQL NULL). */
int	db_bind_json(sqlite3_stmt *st, int idx, const json_t *value);
/* Step st to the end, appending column col of each row, parsed as JSON,
 * to a new array *ret. */
int	db_collect_json(sqlite3_stmt *st, int col, json_t **ret);

/* Copy of a text column ("" for NULL); caller frees. NULL on OOM. */
char	*db_column_strdup(sqlite3_stmt *st, int col);
int	db_bind_text(sqlite3_stmt *st, int idx, const char *s);

#endif
