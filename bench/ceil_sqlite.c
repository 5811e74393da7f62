/*
 * SQLite write ceiling: WAL, one ~500-byte row per transaction
 * (BEGIN IMMEDIATE; INSERT; COMMIT), as a store without group commit
 * writes an acknowledged API request.
 *
 *   ceil_sqlite DB full|normal DURATION_MS MAX_ROWS
 *
 * Prints: BENCH commits=N secs=S rate=R p50_us=.. p99_us=..
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "bench_util.h"

#define CEIL_SQLITE_ROW_BYTES	500

static int
ceil_sqlite_exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "ceil_sqlite: %s: %s\n", sql,
		    sqlite3_errmsg(db));
		return (-1);
	}
	return (0);
}

int
main(int argc, char **argv)
{
	struct bench_samples	 lat = { 0 };
	sqlite3			*db = NULL;
	sqlite3_stmt		*st = NULL;
	char			 id[32], body[CEIL_SQLITE_ROW_BYTES + 1];
	int64_t			 start, end, t0, limit_us;
	long			 i, max;
	int			 r = 1;

	if (argc != 5 || (strcmp(argv[2], "full") != 0 &&
	    strcmp(argv[2], "normal") != 0)) {
		fprintf(stderr, "usage: ceil_sqlite DB full|normal "
		    "DURATION_MS MAX_ROWS\n");
		return (2);
	}
	limit_us = atol(argv[3]) * 1000;
	max = atol(argv[4]);
	memset(body, 'x', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	memcpy(body, "{\"request\":{\"id\":\"", 18);
	if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
	    ceil_sqlite_exec(db, "PRAGMA journal_mode=WAL") < 0 ||
	    ceil_sqlite_exec(db, strcmp(argv[2], "full") == 0 ?
	    "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL") < 0 ||
	    ceil_sqlite_exec(db, "CREATE TABLE IF NOT EXISTS requests ("
	    "id TEXT PRIMARY KEY, state TEXT NOT NULL, request_type TEXT"
	    " NOT NULL, request_json TEXT NOT NULL, state_changed_at INTEGER"
	    " NOT NULL, last_action_at INTEGER NOT NULL)") < 0)
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT INTO requests VALUES (?1,"
	    " 'ACTIVE', 'SERVICE', ?2, ?3, ?3)", -1, &st, NULL) != SQLITE_OK)
		goto out;
	start = bench_mono_us();
	end = start;
	for (i = 0; i < max && end - start < limit_us; i++) {
		t0 = bench_mono_us();
		snprintf(id, sizeof(id), "%s-%ld", argv[2], i);
		if (ceil_sqlite_exec(db, "BEGIN IMMEDIATE") < 0)
			goto out;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, body, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, bench_now_us() / 1000);
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "ceil_sqlite: insert: %s\n",
			    sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(st);
		if (ceil_sqlite_exec(db, "COMMIT") < 0)
			goto out;
		end = bench_mono_us();
		(void)bench_samples_add(&lat, end - t0);
	}
	printf("BENCH commits=%ld secs=%.3f rate=%.1f p50_us=%lld "
	    "p99_us=%lld\n", i, (double)(end - start) / 1e6,
	    (double)i * 1e6 / (double)(end - start > 0 ? end - start : 1),
	    (long long)bench_percentile(lat.v, lat.n, 50),
	    (long long)bench_percentile(lat.v, lat.n, 99));
	r = 0;
out:
	bench_samples_free(&lat);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return (r);
}
