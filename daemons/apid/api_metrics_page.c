/*
 * GET /metrics: the whole page, built in memory.  The gauges come from
 * the store as it is now; counters and histograms of the other daemons
 * from their shared tables (metrics.h), which a daemon that never started
 * has not written: it is then only `kerr_daemon_up 0`.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_metrics.h"
#include "db_metrics.h"

#define API_METRICS_CT	"text/plain; version=0.0.4; charset=utf-8"

static const char *const api_metrics_daemons[] = {
	"apid", "schedulerd", "cleanerd"
};
#define API_METRICS_NDAEMONS \
	(sizeof(api_metrics_daemons) / sizeof(api_metrics_daemons[0]))

struct api_metrics_page {
	FILE			*f;
	const char		*name;
	struct metrics_table	 t[API_METRICS_NDAEMONS];
	int			 have[API_METRICS_NDAEMONS];
};

static void
api_metrics_family(FILE *f, const char *name, const char *type,
    const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int
api_metrics_gauge1(void *arg, const char *const *labels, int64_t count)
{
	struct api_metrics_page *p = arg;

	fprintf(p->f, "%s{%s=\"%s\"} %jd\n", p->name,
	    strcmp(p->name, "kerr_queue_depth") == 0 ? "queue" : "state",
	    labels[0], (intmax_t)count);
	return (0);
}

static int
api_metrics_gauge2(void *arg, const char *const *labels, int64_t count)
{
	struct api_metrics_page *p = arg;

	fprintf(p->f, "%s{state=\"%s\",type=\"%s\"} %jd\n", p->name,
	    labels[0], labels[1], (intmax_t)count);
	return (0);
}

static int
api_metrics_store(struct api_metrics_page *p, struct db *db)
{
	int r;

	api_metrics_family(p->f, "kerr_tasks", "gauge",
	    "Active tasks by state.");
	p->name = "kerr_tasks";
	if ((r = db_metrics_tasks(db, api_metrics_gauge1, p)) < 0)
		return (r);
	api_metrics_family(p->f, "kerr_requests", "gauge",
	    "Requests by state and type.");
	p->name = "kerr_requests";
	if ((r = db_metrics_requests(db, api_metrics_gauge2, p)) < 0)
		return (r);
	api_metrics_family(p->f, "kerr_queue_depth", "gauge",
	    "Entries waiting in each of the store's queues.");
	p->name = "kerr_queue_depth";
	return (db_metrics_queues(db, api_metrics_gauge1, p));
}

static void
api_metrics_daemons_up(struct api_metrics_page *p)
{
	size_t i;

	api_metrics_family(p->f, "kerr_daemon_up", "gauge",
	    "1 while the daemon runs.");
	for (i = 0; i < API_METRICS_NDAEMONS; i++)
		fprintf(p->f, "kerr_daemon_up{daemon=\"%s\"} %d\n",
		    api_metrics_daemons[i], i == 0 ? 1 : p->have[i] &&
		    metrics_is_up(&p->t[i]));
	api_metrics_family(p->f, "kerr_daemon_restarts_total", "counter",
	    "Starts of the daemon after its first on this runtime "
	    "directory.");
	for (i = 0; i < API_METRICS_NDAEMONS; i++) {
		uint64_t starts = p->have[i] ? atomic_load(&p->t[i].starts) : 0;

		fprintf(p->f, "kerr_daemon_restarts_total{daemon=\"%s\"} %ju\n",
		    api_metrics_daemons[i],
		    (uintmax_t)(starts > 0 ? starts - 1 : 0));
	}
}

/* One counter of every daemon that shares a table. */
static void
api_metrics_per_daemon(struct api_metrics_page *p, const char *name,
    const char *help, size_t offset)
{
	size_t i;

	api_metrics_family(p->f, name, "counter", help);
	for (i = 0; i < API_METRICS_NDAEMONS; i++)
		if (p->have[i])
			fprintf(p->f, "%s{daemon=\"%s\"} %ju\n", name,
			    api_metrics_daemons[i], (uintmax_t)atomic_load(
			    (_Atomic uint64_t *)((char *)&p->t[i] + offset)));
}

static void
api_metrics_shared(struct api_metrics_page *p)
{
	struct metrics_table	*sched = p->have[1] ? &p->t[1] : NULL;
	char			 labels[64];
	size_t			 i;

	api_metrics_daemons_up(p);
	api_metrics_per_daemon(p, "kerr_bus_messages_sent_total",
	    "Wake-up messages handed to the bus.",
	    offsetof(struct metrics_table, bus_sent));
	api_metrics_per_daemon(p, "kerr_bus_messages_dropped_total",
	    "Wake-up messages lost on their way to the daemon (gaps in "
	    "each sender's numbering), and those its bus refused to send; "
	    "the store still has the change, found on the next tick.",
	    offsetof(struct metrics_table, bus_dropped));
	api_metrics_family(p->f, "kerr_store_commit_duration_seconds",
	    "histogram", "Time of each store COMMIT, by daemon.");
	for (i = 0; i < API_METRICS_NDAEMONS; i++) {
		if (!p->have[i])
			continue;
		(void)snprintf(labels, sizeof(labels), "daemon=\"%s\"",
		    api_metrics_daemons[i]);
		api_metrics_write_hist(p->f,
		    "kerr_store_commit_duration_seconds", labels,
		    &p->t[i].commit);
	}
	api_metrics_family(p->f, "kerr_task_launches_total", "counter",
	    "Tasks launched by schedulerd.");
	fprintf(p->f, "kerr_task_launches_total %ju\n", (uintmax_t)(sched ?
	    atomic_load(&sched->launches) : 0));
	api_metrics_family(p->f, "kerr_task_exits_total", "counter",
	    "Tasks ended, by their last state.");
	for (i = 0; i < METRICS_NEXITS; i++)
		fprintf(p->f, "kerr_task_exits_total{state=\"%s\"} %ju\n",
		    metrics_exit_states[i], (uintmax_t)(sched ?
		    atomic_load(&sched->exits[i]) : 0));
	api_metrics_family(p->f, "kerr_task_launch_latency_seconds",
	    "histogram", "From the API's reply asking for a task (or the "
	    "moment it was due) to its TASK_RUNNING.");
	if (sched != NULL)
		api_metrics_write_hist(p->f,
		    "kerr_task_launch_latency_seconds", "", &sched->launch);
}

int
api_metrics_get(struct api_req *req, struct api_reply *rep)
{
	struct api_metrics_page	*p;
	char			*text = NULL;
	size_t			 len = 0, i;
	int			 r;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return (-ENOMEM);
	if ((p->f = open_memstream(&text, &len)) == NULL) {
		free(p);
		return (-ENOMEM);
	}
	for (i = 0; i < API_METRICS_NDAEMONS; i++)
		p->have[i] = metrics_read(req->conf->runtime_dir,
		    api_metrics_daemons[i], &p->t[i]) == 0;
	r = api_metrics_store(p, req->db);
	if (r == 0) {
		api_metrics_shared(p);
		api_metrics_write_api(p->f);
	}
	if (fclose(p->f) != 0 && r == 0)
		r = -ENOMEM;
	free(p);
	if (r < 0) {
		free(text);
		return (api_reply_errno(rep, r, "Failed to read the metrics: "
		    "%s", strerror(-r)));
	}
	api_reply_clear(rep);
	rep->status = 200;
	rep->body = text;
	rep->len = len;
	rep->content_type = API_METRICS_CT;
	return (0);
}
