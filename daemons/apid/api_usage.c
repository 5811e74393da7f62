/*
 * Resource usage (/usage): what the active tasks of each request hold
 * (db_usage_requests) and what the local agent has, shaped as
 * Singularity's RequestUtilization, SingularityAgentUsageWithId and
 * SingularityClusterUtilization.  kerr samples no task's consumption
 * yet, so every "used" figure is 0 and no request counts as over- or
 * under-utilized; what is reserved, and the host's own memory, cpus,
 * load and disk, are real.
 */
#include <sys/statvfs.h>
#include <sys/sysinfo.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "api_request.h"
#include "clock.h"
#include "db_state.h"
#include "host.h"

#define API_USAGE_MB	(1024.0 * 1024.0)

/* The host: what the local agent has and does. */
struct api_usage_host {
	double	cpus;
	double	mem_total, mem_free;	/* bytes */
	double	disk_total, disk_used;	/* bytes, of the sandbox file system */
	double	load[3];
};

static void
api_usage_host(const struct conf *conf, struct api_usage_host *h)
{
	struct sysinfo	si;
	struct statvfs	vfs;
	char		root[1024];
	long		n = sysconf(_SC_NPROCESSORS_ONLN);

	memset(h, 0, sizeof(*h));
	h->cpus = n > 0 ? (double)n : 0;
	if (sysinfo(&si) == 0) {
		h->mem_total = (double)si.totalram * si.mem_unit;
		h->mem_free = (double)si.freeram * si.mem_unit;
	}
	if (getloadavg(h->load, 3) < 0)
		memset(h->load, 0, sizeof(h->load));
	conf_sandbox_root(conf, root, sizeof(root));
	if (statvfs(root, &vfs) == 0) {
		h->disk_total = (double)vfs.f_blocks * vfs.f_frsize;
		h->disk_used = (double)(vfs.f_blocks - vfs.f_bfree) *
		    vfs.f_frsize;
	}
}

/* A RequestUtilization from the reserved figures of db_usage_requests:
 * the used ones, sampled by nobody yet, are 0. */
static int
api_usage_request_fill(json_t *u)
{
	static const char *const used[] = { "memBytesUsed", "cpuUsed",
	    "diskBytesUsed", "maxMemBytesUsed", "minMemBytesUsed",
	    "maxCpuUsed", "minCpuUsed", "maxDiskBytesUsed",
	    "minDiskBytesUsed", "cpuBurstRating" };
	size_t i;

	for (i = 0; i < sizeof(used) / sizeof(used[0]); i++)
		if (json_object_set_new(u, used[i], json_integer(0)) != 0)
			return (-ENOMEM);
	return (0);
}

static int
api_usage_requests_read(struct api_req *req, const char *id, json_t **ret)
{
	json_t	*u;
	size_t	 i;
	int	 r;

	if ((r = db_usage_requests(req->db, id, ret)) < 0)
		return (r);
	json_array_foreach(*ret, i, u)
		if ((r = api_usage_request_fill(u)) < 0) {
			json_decref(*ret);
			return (r);
		}
	return (0);
}

int
api_usage_requests(struct api_req *req, struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 r = api_usage_requests_read(req, NULL, &list);

	return (api_reply_list(req, rep, r, list, "usage"));
}

/* One request's: zeros, not 404, for a request running nothing, so the
 * request page shows a usage of nothing rather than an error. */
int
api_usage_request(struct api_req *req, struct api_reply *rep)
{
	struct db_request	 r;
	const char		*deploy;
	json_t			*list = NULL, *u;
	int			 rc;

	if ((rc = api_request_load(req, rep, req->params[0], &r)) < 0)
		return (rc);
	if ((rc = api_usage_requests_read(req, req->params[0], &list)) < 0) {
		db_request_clear(&r);
		return (api_reply_errno(rep, rc, "Failed to read usage"));
	}
	if ((u = json_incref(json_array_get(list, 0))) == NULL) {
		u = json_pack("{s:s, s:i, s:f, s:i, s:i}", "requestId",
		    req->params[0], "numTasks", 0, "cpuReserved", 0.0,
		    "memBytesReserved", 0, "diskBytesReserved", 0);
		deploy = json_string_value(json_object_get(r.active_marker,
		    "deployId"));
		if (u != NULL && deploy != NULL)
			(void)json_object_set_new(u, "deployId",
			    json_string(deploy));
		if (u != NULL && api_usage_request_fill(u) < 0) {
			json_decref(u);
			u = NULL;
		}
	}
	json_decref(list);
	db_request_clear(&r);
	return (api_reply_json(rep, 200, u));
}

/* What the active tasks of every request hold together. */
struct api_usage_sum {
	double	cpus, mem, disk;	/* cpus; bytes */
	int64_t	tasks;
};

static void
api_usage_sum(const json_t *list, struct api_usage_sum *s)
{
	const json_t	*u;
	size_t		 i;

	memset(s, 0, sizeof(*s));
	json_array_foreach(list, i, u) {
		s->cpus += json_number_value(json_object_get(u,
		    "cpuReserved"));
		s->mem += json_number_value(json_object_get(u,
		    "memBytesReserved"));
		s->disk += json_number_value(json_object_get(u,
		    "diskBytesReserved"));
		s->tasks += json_integer_value(json_object_get(u, "numTasks"));
	}
}

static json_t *
api_usage_agent(const struct conf *conf, const struct api_usage_host *h,
    const struct api_usage_sum *s)
{
	char host[256];

	host_name(conf, host, sizeof(host));
	return (json_pack("{s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:I, s:I,"
	    " s:f, s:f, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f,"
	    " s:f, s:f, s:f, s:f}",
	    "agentId", host, "slaveId", host,
	    "cpusUsed", 0.0, "cpusReserved", s->cpus, "cpusTotal", h->cpus,
	    "memoryBytesUsed", 0.0,
	    "memoryMbReserved", s->mem / API_USAGE_MB,
	    "memoryMbTotal", (json_int_t)(h->mem_total / API_USAGE_MB),
	    "memoryBytesTotal", (json_int_t)h->mem_total,
	    "diskBytesUsed", 0.0, "diskMbReserved", s->disk / API_USAGE_MB,
	    "diskMbTotal", (json_int_t)(h->disk_total / API_USAGE_MB),
	    "diskBytesTotal", (json_int_t)h->disk_total,
	    "numTasks", (json_int_t)s->tasks,
	    "timestamp", (json_int_t)clock_now_ms(),
	    "systemMemTotalBytes", h->mem_total,
	    "systemMemFreeBytes", h->mem_free,
	    "systemCpusTotal", h->cpus,
	    "systemLoad1Min", h->load[0], "systemLoad5Min", h->load[1],
	    "systemLoad15Min", h->load[2],
	    "diskUsed", h->disk_used, "diskTotal", h->disk_total,
	    "slaveDiskUsed", h->disk_used, "slaveDiskTotal", h->disk_total));
}

/* Read every request's usage and the host's figures. */
static int
api_usage_all(struct api_req *req, struct api_reply *rep, json_t **ret,
    struct api_usage_sum *sum, struct api_usage_host *host)
{
	int r;

	if ((r = api_usage_requests_read(req, NULL, ret)) < 0)
		return (api_reply_errno(rep, r, "Failed to read usage"), r);
	api_usage_sum(*ret, sum);
	api_usage_host(req->conf, host);
	return (0);
}

int
api_usage_agents(struct api_req *req, struct api_reply *rep)
{
	struct api_usage_host	host;
	struct api_usage_sum	sum;
	json_t			*list = NULL;
	int			 r;

	if ((r = api_usage_all(req, rep, &list, &sum, &host)) < 0)
		return (r);
	json_decref(list);
	return (api_reply_json(rep, 200, json_pack("[o]", api_usage_agent(
	    req->conf, &host, &sum))));
}

/* SingularityClusterUtilization: the requests' reservations and the
 * host's totals; with no sampled use, nothing is over- or under-used. */
int
api_usage_cluster(struct api_req *req, struct api_reply *rep)
{
	static const char *const zero[] = { "numRequestsWithUnderUtilizedCpu",
	    "numRequestsWithOverUtilizedCpu",
	    "numRequestsWithUnderUtilizedMemBytes",
	    "numRequestsWithOverUtilizedMemBytes",
	    "numRequestsWithUnderUtilizedDiskBytes", "totalUnderUtilizedCpu",
	    "totalOverUtilizedCpu", "totalUnderUtilizedMemBytes",
	    "totalOverUtilizedMemBytes", "totalUnderUtilizedDiskBytes",
	    "avgUnderUtilizedCpu", "avgOverUtilizedCpu",
	    "avgUnderUtilizedMemBytes", "avgOverUtilizedMemBytes",
	    "avgUnderUtilizedDiskBytes", "maxUnderUtilizedCpu",
	    "maxOverUtilizedCpu", "maxUnderUtilizedMemBytes",
	    "maxOverUtilizedMemBytes", "maxUnderUtilizedDiskBytes",
	    "minUnderUtilizedCpu", "minOverUtilizedCpu",
	    "minUnderUtilizedMemBytes", "minOverUtilizedMemBytes",
	    "minUnderUtilizedDiskBytes", "totalMemBytesUsed", "totalCpuUsed",
	    "totalDiskBytesUsed" };
	struct api_usage_host	host;
	struct api_usage_sum	sum;
	json_t			*list = NULL, *u;
	size_t			 i;
	int			 r;

	if ((r = api_usage_all(req, rep, &list, &sum, &host)) < 0)
		return (r);
	u = json_pack("{s:o, s:I, s:f, s:I, s:I}", "requestUtilizations",
	    list, "totalMemBytesAvailable", (json_int_t)host.mem_total,
	    "totalCpuAvailable", host.cpus,
	    "totalDiskBytesAvailable", (json_int_t)host.disk_total,
	    "timestamp", (json_int_t)clock_now_ms());
	for (i = 0; u != NULL && i < sizeof(zero) / sizeof(zero[0]); i++)
		(void)json_object_set_new(u, zero[i], json_integer(0));
	return (api_reply_json(rep, 200, u));
}

/* GET /usage/tasks/{taskId}/history: no samples, so an empty history
 * (Singularity's answer before any is collected); 400/404 for bad ids. */
int
api_usage_task_history(struct api_req *req, struct api_reply *rep)
{
	int r;

	if ((r = api_task_known(req, rep, req->params[0])) < 0)
		return (r);
	return (api_reply_json(rep, 200, json_array()));
}
