/*
 * apid's latency by route and status.  One row of histograms per route of
 * the table (labelled by its pattern, never the raw path, so ids do not
 * multiply the series), one per status in a fixed list, allocated once at
 * start; a call costs two clock reads and two relaxed atomic adds.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "api_metrics.h"

static const unsigned int api_metrics_statuses[] = {
	200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 413, 415, 500, 503
};
#define API_METRICS_NSTATUS \
	(sizeof(api_metrics_statuses) / sizeof(api_metrics_statuses[0]) + 1)

/* Rows: the route table's, then ROUTE_NONE's, then ROUTE_SELF's. */
static struct metrics_hist	(*api_metrics_rows)[API_METRICS_NSTATUS];
static size_t			  api_metrics_nrows;

int
api_metrics_init(void)
{
	api_metrics_nrows = api_routes_count() + 2;
	api_metrics_rows = calloc(api_metrics_nrows,
	    sizeof(*api_metrics_rows));
	return (api_metrics_rows != NULL ? 0 : -ENOMEM);
}

void
api_metrics_fini(void)
{
	free(api_metrics_rows);
	api_metrics_rows = NULL;
}

static size_t
api_metrics_row(int route)
{
	size_t n = api_metrics_nrows - 2;

	if (route == API_METRICS_ROUTE_SELF)
		return (n + 1);
	if (route < 0 || (size_t)route >= n)
		return (n);
	return ((size_t)route);
}

static size_t
api_metrics_status_slot(unsigned int status)
{
	size_t i;

	for (i = 0; i < API_METRICS_NSTATUS - 1; i++)
		if (api_metrics_statuses[i] == status)
			break;
	return (i);
}

void
api_metrics_observe(int route, unsigned int status, int64_t us)
{
	if (api_metrics_rows == NULL)
		return;
	metrics_hist_observe(&api_metrics_rows[api_metrics_row(route)]
	    [api_metrics_status_slot(status)], us);
}

static uint64_t
api_metrics_count(const struct metrics_hist *h)
{
	uint64_t	n = 0;
	size_t		i;

	for (i = 0; i < METRICS_NBUCKETS; i++)
		n += atomic_load_explicit(&h->bucket[i], memory_order_relaxed);
	return (n);
}

void
api_metrics_write_hist(FILE *f, const char *name, const char *labels,
    const struct metrics_hist *h)
{
	const char	*sep = labels[0] != '\0' ? "," : "";
	uint64_t	 cum = 0;
	size_t		 i;

	for (i = 0; i < METRICS_NBOUNDS; i++) {
		cum += atomic_load_explicit(&h->bucket[i],
		    memory_order_relaxed);
		fprintf(f, "%s_bucket{%s%sle=\"%g\"} %ju\n", name, labels, sep,
		    metrics_bounds_ms[i] / 1000.0, (uintmax_t)cum);
	}
	cum += atomic_load_explicit(&h->bucket[METRICS_NBOUNDS],
	    memory_order_relaxed);
	fprintf(f, "%s_bucket{%s%sle=\"+Inf\"} %ju\n", name, labels, sep,
	    (uintmax_t)cum);
	fprintf(f, "%s_sum%s%s%s %.6f\n", name, labels[0] != '\0' ? "{" : "",
	    labels, labels[0] != '\0' ? "}" : "",
	    (double)atomic_load_explicit(&h->sum_us, memory_order_relaxed) /
	    1e6);
	fprintf(f, "%s_count%s%s%s %ju\n", name, labels[0] != '\0' ? "{" : "",
	    labels, labels[0] != '\0' ? "}" : "", (uintmax_t)cum);
}

static void
api_metrics_route_labels(size_t row, char *buf, size_t len)
{
	const struct api_route	*r = api_routes_at(row);
	size_t			 n = api_metrics_nrows - 2;

	if (r != NULL)
		(void)snprintf(buf, len, "method=\"%s\",route=\"%s\"",
		    r->method, r->pattern);
	else if (row == n)
		(void)snprintf(buf, len, "method=\"\",route=\"unmatched\"");
	else
		(void)snprintf(buf, len, "method=\"GET\",route=\"%s\"",
		    API_METRICS_PATH);
}

void
api_metrics_write_api(FILE *f)
{
	char	route[256], labels[300], status[8];
	size_t	row, s;

	fprintf(f, "# HELP kerr_api_request_duration_seconds Time apid took "
	    "to answer, by route (its pattern) and status.\n"
	    "# TYPE kerr_api_request_duration_seconds histogram\n");
	for (row = 0; api_metrics_rows != NULL && row < api_metrics_nrows;
	    row++) {
		api_metrics_route_labels(row, route, sizeof(route));
		for (s = 0; s < API_METRICS_NSTATUS; s++) {
			if (api_metrics_count(&api_metrics_rows[row][s]) == 0)
				continue;
			if (s < API_METRICS_NSTATUS - 1)
				(void)snprintf(status, sizeof(status), "%u",
				    api_metrics_statuses[s]);
			else
				(void)snprintf(status, sizeof(status), "other");
			(void)snprintf(labels, sizeof(labels),
			    "%s,status=\"%s\"", route, status);
			api_metrics_write_hist(f,
			    "kerr_api_request_duration_seconds", labels,
			    &api_metrics_rows[row][s]);
		}
	}
}
