/*
 * GET /tasks/task/{taskId}/statistics: Singularity's
 * MesosTaskStatisticsObject of an active task, from what task_stats.c
 * reads where the task runs (this host: the one agent).  As Singularity
 * answers (TaskResource.getTaskStatistics): 404 unless the task is
 * active, and 404 when there is nothing to read it from yet (or any
 * more).  A field kerr cannot measure is left out, not sent as 0.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "clock.h"
#include "db_task.h"
#include "task_id.h"
#include "task_stats.h"

enum api_task_stats_kind { API_TS_U64, API_TS_SECS, API_TS_CPUS };

/* MesosTaskStatisticsObject's fields in its order, and where each is. */
static const struct {
	const char			*name;
	unsigned			 have;
	enum api_task_stats_kind	 kind;
	size_t				 off;
} api_task_stats_fields[] = {
#define API_TS(name, have, kind, field)					\
	{ name, have, kind, offsetof(struct task_stats, field) }
	API_TS("cpusLimit", TASK_STATS_CPU_LIMIT, API_TS_CPUS, cpus_limit),
	API_TS("cpusNrPeriods", TASK_STATS_CPU_THROTTLE, API_TS_U64,
	    cpus_nr_periods),
	API_TS("cpusNrThrottled", TASK_STATS_CPU_THROTTLE, API_TS_U64,
	    cpus_nr_throttled),
	API_TS("cpusSystemTimeSecs", TASK_STATS_CPU_TIMES, API_TS_SECS,
	    cpus_system_secs),
	API_TS("cpusThrottledTimeSecs", TASK_STATS_CPU_THROTTLE, API_TS_SECS,
	    cpus_throttled_secs),
	API_TS("cpusUserTimeSecs", TASK_STATS_CPU_TIMES, API_TS_SECS,
	    cpus_user_secs),
	API_TS("memAnonBytes", TASK_STATS_MEM_ANON, API_TS_U64,
	    mem_anon_bytes),
	API_TS("memFileBytes", TASK_STATS_MEM_FILE, API_TS_U64,
	    mem_file_bytes),
	API_TS("memLimitBytes", TASK_STATS_MEM_LIMIT, API_TS_U64,
	    mem_limit_bytes),
	API_TS("memMappedFileBytes", TASK_STATS_MEM_MAPPED, API_TS_U64,
	    mem_mapped_file_bytes),
	API_TS("memRssBytes", TASK_STATS_MEM_RSS, API_TS_U64, mem_rss_bytes),
	API_TS("memTotalBytes", TASK_STATS_MEM_TOTAL, API_TS_U64,
	    mem_total_bytes),
	API_TS("diskUsedBytes", TASK_STATS_DISK_USED, API_TS_U64,
	    disk_used_bytes),
#undef API_TS
};

static json_t *
api_task_stats_value(const struct task_stats *s, size_t i)
{
	const char	*p = (const char *)s + api_task_stats_fields[i].off;
	uint64_t	 u;
	double		 d;

	json_int_t	 n;

	switch (api_task_stats_fields[i].kind) {
	case API_TS_U64:
		memcpy(&u, p, sizeof(u));
		return (json_integer((json_int_t)(u > INT64_MAX ? INT64_MAX :
		    u)));
	case API_TS_SECS:
		memcpy(&d, p, sizeof(d));
		return (json_real(d));
	case API_TS_CPUS:
		/*
		 * An int in Singularity: a fraction such as 0.5 is rounded
		 * up, where Jackson's truncation would give 0 and a UI that
		 * divides by it nothing useful.
		 */
		memcpy(&d, p, sizeof(d));
		n = (json_int_t)d;
		return (json_integer((double)n < d ? n + 1 : n));
	}
	return (NULL);
}

/* The MesosTaskStatisticsObject; timestamp in seconds, as Mesos's. */
static json_t *
api_task_stats_json(const struct task_stats *s, int64_t now_ms)
{
	json_t	*out = json_object();
	size_t	 i;

	for (i = 0; out != NULL && i < sizeof(api_task_stats_fields) /
	    sizeof(api_task_stats_fields[0]); i++) {
		if (!(s->have & api_task_stats_fields[i].have))
			continue;
		if (json_object_set_new(out, api_task_stats_fields[i].name,
		    api_task_stats_value(s, i)) < 0) {
			json_decref(out);
			out = NULL;
		}
	}
	if (out != NULL && json_object_set_new(out, "timestamp",
	    json_real((double)now_ms / 1000.0)) < 0) {
		json_decref(out);
		out = NULL;
	}
	return (out);
}

/* cpus and mem of the resources the task was launched with. */
static void
api_task_stats_resources(const json_t *task, struct task_stats_src *src)
{
	const json_t	*res, *r;
	const char	*name;
	size_t		 i;

	res = json_object_get(json_object_get(task, "mesosTask"), "resources");
	json_array_foreach(res, i, r) {
		name = json_string_value(json_object_get(r, "name"));
		if (name == NULL)
			continue;
		if (strcmp(name, "cpus") == 0)
			src->cpus = json_number_value(json_object_get(
			    json_object_get(r, "scalar"), "value"));
		else if (strcmp(name, "mem") == 0)
			src->memory_mb = json_number_value(json_object_get(
			    json_object_get(r, "scalar"), "value"));
	}
}

int
api_task_statistics(struct api_req *req, struct api_reply *rep)
{
	const char		*id = req->params[0];
	struct task_stats_src	 src;
	struct executor_handle	 h;
	struct task_stats	 s;
	char			 state[64], root[1024], dir[1400];
	json_t			*task = NULL;
	int			 active = 0, r;

	if (!task_id_is_valid(id))
		return (api_reply_error(rep, 400, "Invalid task id '%s'", id));
	if ((r = db_task_get(req->db, id, &task)) == 0)
		r = db_task_state(req->db, id, state, sizeof(state), &active);
	if (r == 0 && active)
		r = db_task_get_handle(req->db, id, &h);
	if (r < 0 && r != -ENOENT) {
		json_decref(task);
		return (api_reply_errno(rep, r, "Failed to read task %s", id));
	}
	if (r == -ENOENT || !active) {
		json_decref(task);
		return (api_reply_error(rep, 404, "No active task with id %s",
		    id));
	}
	memset(&src, 0, sizeof(src));
	api_task_stats_resources(task, &src);
	json_decref(task);
	conf_sandbox_root(req->conf, root, sizeof(root));
	(void)snprintf(dir, sizeof(dir), "%s/%s", root, id);
	src.task_id = id;
	src.pgid = h.pgid;
	src.sandbox = dir;
	if ((r = task_stats_read(&src, &s)) == -ESRCH)
		return (api_reply_error(rep, 404, "Couldn't find the processes "
		    "of task %s on this host (not started yet, or gone)", id));
	if (r < 0)
		return (api_reply_errno(rep, r, "Failed to read the figures "
		    "of task %s", id));
	return (api_reply_json(rep, 200, api_task_stats_json(&s,
	    clock_now_ms())));
}
