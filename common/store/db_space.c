/*
 * The store's room on disk: its size in pages, the free pages inside it,
 * and giving those back to the filesystem.  The store runs with
 * auto_vacuum = INCREMENTAL (set by db_open before anything else, which
 * is when a new file takes it): freed pages then stay on a free list
 * until db_space_vacuum_step() moves them to the end of the file and
 * truncates it, a few at a time, so no one step holds the write lock for
 * long.  A file made before that needs one full VACUUM to take the
 * setting (db_space_convert).  Touches no table.
 */
#include <errno.h>
#include <stdio.h>

#include "db.h"

#define DB_SPACE_INCREMENTAL	2	/* PRAGMA auto_vacuum's value */

static const char SQL_SPACE_GET[] =
	"SELECT p.page_count, f.freelist_count, s.page_size, a.auto_vacuum"
	" FROM pragma_page_count() p, pragma_freelist_count() f,"
	" pragma_page_size() s, pragma_auto_vacuum() a";

int
db_space_get(struct db *db, struct db_space *ret)
{
	int64_t	v[4];
	int	r;

	if ((r = db_query_ints(db, SQL_SPACE_GET, v, 4, "")) < 0)
		return (r);
	ret->page_count = v[0];
	ret->free_pages = v[1];
	ret->page_size = v[2];
	ret->incremental = v[3] == DB_SPACE_INCREMENTAL;
	return (0);
}

int
db_space_convert(struct db *db, int *ret_converted)
{
	struct db_space	sp;
	int		r;

	*ret_converted = 0;
	if ((r = db_space_get(db, &sp)) < 0 || sp.incremental)
		return (r);
	/* The setting only takes with a VACUUM, which rewrites the file. */
	if ((r = db_errno(sqlite3_exec(db_handle(db),
	    "PRAGMA auto_vacuum=INCREMENTAL", NULL, NULL, NULL))) < 0 ||
	    (r = db_errno(sqlite3_exec(db_handle(db), "VACUUM", NULL, NULL,
	    NULL))) < 0)
		return (r);
	*ret_converted = 1;
	return (0);
}

int
db_space_vacuum_step(struct db *db, int pages, int64_t *ret_freed)
{
	struct db_space	before, after;
	char		sql[64];
	int		r;

	if ((r = db_space_get(db, &before)) < 0)
		return (r);
	/* A pragma takes no bound parameters; pages is our own integer. */
	(void)snprintf(sql, sizeof(sql), "PRAGMA incremental_vacuum(%d)",
	    pages > 0 ? pages : 1);
	if ((r = db_errno(sqlite3_exec(db_handle(db), sql, NULL, NULL,
	    NULL))) < 0)
		return (r);
	if ((r = db_space_get(db, &after)) < 0)
		return (r);
	*ret_freed = (before.page_count - after.page_count) *
	    before.page_size;
	return (0);
}

int
db_space_checkpoint(struct db *db)
{
	/* PASSIVE: never waits on readers; the file shrinks once the WAL
	 * holding the truncation is written back, now or at a later one. */
	return (db_errno(sqlite3_wal_checkpoint_v2(db_handle(db), NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL)));
}
