/*
 * GET /metrics (Prometheus text format 0.0.4), served beside the API root
 * on apid's port: the store's gauges, the figures each daemon shares in
 * its metrics table (metrics.h), and apid's own latency by route and
 * status, counted here with relaxed atomic adds on every call.
 */
#ifndef KERR_API_METRICS_H
#define KERR_API_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include "api.h"
#include "metrics.h"

#define API_METRICS_PATH	"/metrics"
/* Route labels beyond the route table's own. */
#define API_METRICS_ROUTE_NONE	(-1)	/* no route matched */
#define API_METRICS_ROUTE_SELF	(-2)	/* GET /metrics */

/* The latency table, one row per route.  0 or -ENOMEM. */
int	api_metrics_init(void);
void	api_metrics_fini(void);
void	api_metrics_observe(int route, unsigned int status, int64_t us);

/* Writing the text: one histogram's samples (labels may be ""), and the
 * API latency family. */
void	api_metrics_write_hist(FILE *f, const char *name,
	    const char *labels, const struct metrics_hist *h);
void	api_metrics_write_api(FILE *f);

/* The handler of GET /metrics (api_metrics_page.c). */
int	api_metrics_get(struct api_req *req, struct api_reply *rep);

#endif
