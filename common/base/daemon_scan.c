/*
 * The scan step of schedulerd's and cleanerd's passes (see daemon_scan.h):
 * how a pass reads a queue from the store, steps through it and reports
 * what failed, said once for all of them.
 */
#include <string.h>

#include "daemon_scan.h"
#include "log.h"

static int
daemon_scan_read(struct db *db, const struct daemon_scan *scan, json_t **ret)
{
	int r;

	if (scan->one_transaction && (r = db_begin(db)) < 0)
		goto fail;
	if ((r = scan->read(db, ret)) == 0)
		return (0);
	if (scan->one_transaction)
		db_rollback(db);
fail:
	log_warnx("Failed to read %s: %s, retrying on the next tick",
	    scan->list, strerror(-r));
	return (r);
}

static const char *
daemon_scan_item_id(const struct daemon_scan *scan, const json_t *item)
{
	if (scan->in != NULL)
		item = json_object_get(item, scan->in);
	return (json_string_value(json_object_get(item, scan->key)));
}

static void
daemon_scan_item(struct db *db, const struct daemon_scan *scan,
    const json_t *item, void *arg)
{
	int r = scan->each(arg, item);

	if (scan->one_transaction && r < 0)
		db_savepoint_rollback(db);
	else if (scan->one_transaction)
		db_savepoint_release(db);
	if (r < 0)
		log_warnx("Failed to %s %s=%s: %s, retrying on the next tick",
		    scan->doing, scan->word, daemon_scan_item_id(scan, item),
		    strerror(-r));
}

int
daemon_scan_run(struct db *db, const struct daemon_scan *scan, void *arg)
{
	json_t	*list, *item;
	size_t	 i;
	int	 r;

	if ((r = daemon_scan_read(db, scan, &list)) < 0)
		return (r);
	json_array_foreach(list, i, item) {
		if (scan->one_transaction && db_savepoint(db) < 0)
			break;	/* the commit keeps what was done */
		daemon_scan_item(db, scan, item, arg);
	}
	json_decref(list);
	if (scan->one_transaction && (r = db_commit(db)) < 0)
		log_warnx("Failed to commit %s: %s, retrying on the next tick",
		    scan->list, strerror(-r));
	return (r);
}
