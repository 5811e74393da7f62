/*
 * One step of a daemon's pass over a queue in the store: read the list,
 * hand each item to the daemon's function for it, and log what failed
 * (daemon_scan.c).  Nothing is retried here: the store is the truth, so
 * the next tick reads a failed item again.
 */
#ifndef KERR_DAEMON_SCAN_H
#define KERR_DAEMON_SCAN_H

#include <jansson.h>

#include "db.h"

struct daemon_scan {
	const char	*list;		/* the log's name for it: "pending
					   deploys" */
	int		(*read)(struct db *db, json_t **ret);
	/* One item: 0, or negative errno to log it and go on. */
	int		(*each)(void *arg, const json_t *item);
	/*
	 * A failed item is logged as "Failed to <doing> <word>=<id>", the
	 * id read at item[in][key] (item[key] when in is NULL).
	 */
	const char	*doing;		/* "advance a deploy of" */
	const char	*word;		/* "request" */
	const char	*in;
	const char	*key;
	/*
	 * The whole step in one transaction (one commit, not one per
	 * item), each item under a savepoint so a failed one is undone
	 * alone.  Otherwise each item runs its own transactions.
	 */
	int		 one_transaction;
};

/*
 * Run scan over db with arg for each.  0, or the negative errno of the
 * read (or of the commit, with one_transaction), already logged; the
 * items' failures are logged only.
 */
int	daemon_scan_run(struct db *db, const struct daemon_scan *scan,
	    void *arg);

#endif
