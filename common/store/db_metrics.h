/*
 * The store's figures for GET /metrics: how many of each thing there is
 * now (Prometheus gauges), each row a label set and its count.
 */
#ifndef KERR_DB_METRICS_H
#define KERR_DB_METRICS_H

#include <stdint.h>

#include "db.h"

/* Called once per row: labels[0..nlabels) and the count. */
typedef int	(*db_metrics_row_fn)(void *arg, const char *const *labels,
		    int64_t count);

/* Active tasks by state: one label, the state. */
int	db_metrics_tasks(struct db *db, db_metrics_row_fn fn, void *arg);
/* Requests by state and type: two labels. */
int	db_metrics_requests(struct db *db, db_metrics_row_fn fn, void *arg);
/* The queues' depths: one label, the queue's name (pending_requests,
 * pending_tasks, request_cleanups, task_cleanups, webhooks). */
int	db_metrics_queues(struct db *db, db_metrics_row_fn fn, void *arg);

#endif
