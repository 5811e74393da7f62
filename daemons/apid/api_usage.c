/*
 * Resource usage (/usage): what the active tasks of each request hold
 * (db_usage_requests) and what the local agent has, shaped as
 * Singularity's RequestUtilization, SingularityAgentUsageWithId and
 * SingularityClusterUtilization.  What is reserved comes from the
 * tasks' resources; what is used is measured when asked, from the same
 * cgroup and /proc figures as GET /tasks/task/{id}/statistics
 * (task_stats.c): memory is the tasks' resident memory now, cpu the
 * cores a task used on average since it started running (kerr keeps no
 * samples to take a rate over a shorter window).  Tasks on a cluster's
 * nodes cannot be read from here: with backend = slurm the used figures
 * stay 0.  Disk use is not measured (0), and no request counts as over-
 * or under-utilized.
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
#include "task_stats.h"

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

/* What a request's running tasks use: sums, and the extremes of one. */
struct api_usage_used {
	double	cpu, mem;
	double	max_cpu, min_cpu, max_mem, min_mem;
	int	n;
};

/* One running task's cores (average since running) and resident bytes;
 * 0 when it cannot be read (gone meanwhile, or on another machine). */
static int
api_usage_task(const json_t *t, int64_t now, double *ret_cpu,
    double *ret_mem)
{
	struct task_stats_src	src;
	struct task_stats	s;
	int64_t			ran = now - json_integer_value(
				    json_object_get(t, "runningAt"));

	memset(&src, 0, sizeof(src));
	src.task_id = json_string_value(json_object_get(t, "taskId"));
	src.pgid = (pid_t)json_integer_value(json_object_get(t, "pgid"));
	if (src.task_id == NULL || task_stats_read(&src, &s) < 0)
		return (0);
	*ret_cpu = (s.have & TASK_STATS_CPU_TIMES) && ran > 0 ?
	    (s.cpus_user_secs + s.cpus_system_secs) * 1000.0 / (double)ran :
	    0;
	*ret_mem = (s.have & TASK_STATS_MEM_RSS) ? (double)s.mem_rss_bytes : 0;
	return (1);
}

static void
api_usage_add(struct api_usage_used *u, double cpu, double mem)
{
	if (u->n == 0 || cpu > u->max_cpu)
		u->max_cpu = cpu;
	if (u->n == 0 || cpu < u->min_cpu)
		u->min_cpu = cpu;
	if (u->n == 0 || mem > u->max_mem)
		u->max_mem = mem;
	if (u->n == 0 || mem < u->min_mem)
		u->min_mem = mem;
	u->cpu += cpu;
	u->mem += mem;
	u->n++;
}

/* The used figures of RequestUtilization u. */
static int
api_usage_request_fill(json_t *u, const struct api_usage_used *m)
{
	/* Bytes are longs in Singularity, cpus doubles. */
	const struct {
		const char	*key;
		double		 v;
		int		 bytes;
	} f[] = {
		{ "memBytesUsed", m->mem, 1 }, { "cpuUsed", m->cpu, 0 },
		{ "diskBytesUsed", 0, 1 }, { "maxMemBytesUsed", m->max_mem, 1 },
		{ "minMemBytesUsed", m->min_mem, 1 },
		{ "maxCpuUsed", m->max_cpu, 0 }, { "minCpuUsed", m->min_cpu, 0 },
		{ "maxDiskBytesUsed", 0, 1 }, { "minDiskBytesUsed", 0, 1 },
		{ "cpuBurstRating", 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (json_object_set_new(u, f[i].key, f[i].bytes ?
		    json_integer((json_int_t)f[i].v) : json_real(f[i].v)) != 0)
			return (-ENOMEM);
	return (0);
}

/* Measure the running tasks of each request of list (both by request). */
static int
api_usage_measure(struct api_req *req, const char *id, json_t *list)
{
	struct api_usage_used	 m;
	json_t			*tasks = NULL, *u;
	const char		*rid;
	size_t			 i, j = 0;
	double			 cpu, mem;
	int64_t			 now = clock_now_ms();
	int			 local = strcmp(req->conf->executor, "local") == 0;
	int			 r;

	if (local && (r = db_usage_tasks(req->db, id, &tasks)) < 0)
		return (r);
	json_array_foreach(list, i, u) {
		memset(&m, 0, sizeof(m));
		rid = json_string_value(json_object_get(u, "requestId"));
		for (; j < json_array_size(tasks) && rid != NULL; j++) {
			const json_t *t = json_array_get(tasks, j);
			int c = strcmp(json_string_value(json_object_get(t,
			    "requestId")), rid);

			if (c > 0)
				break;
			if (c == 0 && api_usage_task(t, now, &cpu, &mem))
				api_usage_add(&m, cpu, mem);
		}
		if ((r = api_usage_request_fill(u, &m)) < 0) {
			json_decref(tasks);
			return (r);
		}
	}
	json_decref(tasks);
	return (0);
}

static int
api_usage_requests_read(struct api_req *req, const char *id, json_t **ret)
{
	int r;

	if ((r = db_usage_requests(req->db, id, ret)) < 0)
		return (r);
	if ((r = api_usage_measure(req, id, *ret)) < 0) {
		json_decref(*ret);
		*ret = NULL;
	}
	return (r);
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
	static const struct api_usage_used nothing;
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
		if (u != NULL && api_usage_request_fill(u, &nothing) < 0) {
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
	double	cpus_used, mem_used;
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
		s->cpus_used += json_number_value(json_object_get(u,
		    "cpuUsed"));
		s->mem_used += json_number_value(json_object_get(u,
		    "memBytesUsed"));
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
	    "cpusUsed", s->cpus_used, "cpusReserved", s->cpus,
	    "cpusTotal", h->cpus, "memoryBytesUsed", s->mem_used,
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

/* SingularityClusterUtilization: the requests' reservations and use and
 * the host's totals; nothing counts as over- or under-used. */
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
	    "minUnderUtilizedDiskBytes", "totalDiskBytesUsed" };
	struct api_usage_host	host;
	struct api_usage_sum	sum;
	json_t			*list = NULL, *u;
	size_t			 i;
	int			 r;

	if ((r = api_usage_all(req, rep, &list, &sum, &host)) < 0)
		return (r);
	u = json_pack("{s:o, s:I, s:f, s:I, s:f, s:I, s:I}",
	    "requestUtilizations",
	    list, "totalMemBytesUsed", (json_int_t)sum.mem_used,
	    "totalCpuUsed", sum.cpus_used,
	    "totalMemBytesAvailable", (json_int_t)host.mem_total,
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
