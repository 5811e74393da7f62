/*
 * Launching due pending tasks (spec 3.5).  For each: allocate ports, build
 * the SingularityTask, and in one transaction insert the task row
 * (TASK_LAUNCHED) and delete the pending task; only after the commit is
 * the launch handed to a worker.  A crash between the two leaves a
 * TASK_LAUNCHED row with no supervisor, which reconciliation turns into
 * TASK_LOST and a replacement: never a duplicate, never a lost task.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "db_deploy.h"
#include "db_machine.h"
#include "db_request.h"
#include "db_task.h"
#include "fs.h"
#include "log.h"
#include "metrics.h"
#include "sched.h"
#include "task_env.h"
#include "task_id.h"

#define SCHED_LAUNCH_BATCH	256
/* Below this free on the sandboxes' filesystem no task is started: a
 * sandbox, its files and the first output need some room. */
#define SCHED_LAUNCH_MIN_FREE		(1024ULL * 1024)
#define SCHED_LAUNCH_MIN_INODES		64
#define SCHED_PORTS_MAX		64

static const char *
sched_launch_str(const json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

/* A port is free when we can bind it right now. */
static int
sched_launch_port_free(int port)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	int			fd, ok;

	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return (0);
	ok = bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	(void)close(fd);
	return (ok);
}

static int
sched_launch_ports(struct sched *s, int n, int *ports)
{
	const struct conf	*c = &s->d->conf;
	unsigned char		 used[65536 / 8];
	int			 port, got = 0, rc;

	if (n <= 0)
		return (0);
	if (n > SCHED_PORTS_MAX)
		return (-E2BIG);
	/* A port given to a task that has not bound it yet is still taken. */
	if ((rc = db_task_ports_in_use(s->d->db, used)) < 0)
		return (rc);
	/* Rotate the start so a restarted task does not take a port that
	 * a just-finished one left in TIME_WAIT. */
	port = c->port_range_min + (int)(clock_now_ms() %
	    (c->port_range_max - c->port_range_min + 1));
	for (int tries = 0; got < n && tries <= c->port_range_max -
	    c->port_range_min; tries++, port++) {
		if (port > c->port_range_max)
			port = c->port_range_min;
		if ((used[port / 8] & (1u << (port % 8))) == 0 &&
		    sched_launch_port_free(port))
			ports[got++] = port;
	}
	return (got == n ? 0 : -EADDRNOTAVAIL);
}

static json_t *
sched_launch_resources(const json_t *res, const int *ports, int nports)
{
	json_t	*list, *ranges;
	int	 i;

	list = json_pack("[{s:s, s:s, s:{s:f}}, {s:s, s:s, s:{s:f}},"
	    " {s:s, s:s, s:{s:f}}]",
	    "name", "cpus", "type", "SCALAR", "scalar", "value",
	    json_number_value(json_object_get(res, "cpus")),
	    "name", "mem", "type", "SCALAR", "scalar", "value",
	    json_number_value(json_object_get(res, "memoryMb")),
	    "name", "disk", "type", "SCALAR", "scalar", "value",
	    json_number_value(json_object_get(res, "diskMb")));
	if (list == NULL || nports == 0)
		return (list);
	ranges = json_array();
	for (i = 0; i < nports && ranges != NULL; i++)
		(void)json_array_append_new(ranges, json_pack("{s:i, s:i}",
		    "begin", ports[i], "end", ports[i]));
	(void)json_array_append_new(list, json_pack("{s:s, s:s, s:{s:o}}",
	    "name", "ports", "type", "RANGES", "ranges", "range", ranges));
	return (list);
}

/* SingularityTask (2.5): taskId, taskRequest, offer(s), mesosTask. */
static json_t *
sched_launch_task_json(struct sched *s, const json_t *tid,
    const json_t *request, const json_t *deploy, const json_t *pending,
    const int *ports, int nports)
{
	const char	*id = sched_launch_str(tid, "id");
	json_t		*res = json_object_get(pending, "resources");
	json_t		*offer;

	if (res == NULL || json_is_null(res))
		res = json_object_get(deploy, "resources");
	offer = json_pack("{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:s}",
	    "id", "value", id, "frameworkId", "value", "kerr",
	    "agentId", "value", s->host, "slaveId", "value", s->host,
	    "hostname", s->host);
	return (json_pack("{s:O, s:{s:O, s:O, s:O}, s:[O], s:o,"
	    " s:{s:{s:s}, s:s, s:{s:s}, s:{s:s}, s:o}, s:s}",
	    "taskId", tid,
	    "taskRequest", "request", request, "deploy", deploy,
	    "pendingTask", pending,
	    "offers", offer, "offer", offer,
	    "mesosTask", "taskId", "value", id,
	    "name", sched_launch_str(request, "id"),
	    "agentId", "value", s->host, "slaveId", "value", s->host,
	    "resources", sched_launch_resources(res, ports, nports),
	    "rackId", s->d->conf.rack_id));
}

/* The task user of spec 0A; NULL runs as the daemon's own user. */
static int
sched_launch_user(struct sched *s, const json_t *deploy,
    const json_t *pending, char **ret)
{
	const char *user = task_env_user(deploy, pending);

	*ret = NULL;
	if (user == NULL && geteuid() == 0)
		user = s->d->conf.task_user;
	if (user == NULL)
		return (0);
	if (strcmp(user, "root") == 0 && !s->d->conf.allow_root_tasks)
		return (-EPERM);
	if ((*ret = strdup(user)) == NULL)
		return (-ENOMEM);
	return (0);
}

/*
 * What an executor whose tasks run elsewhere decides there: the ports
 * (picked on the node), the rack to ask for (the request's first
 * rackAffinity) and the job's time limit, for the cluster to enforce too.
 */
static void
sched_launch_remote(struct sched *s, const json_t *task, const json_t *res,
    struct sched_launch_job *job)
{
	const json_t	*request = json_object_get(json_object_get(task,
			    "taskRequest"), "request");
	const char	*rack = json_string_value(json_array_get(
			    json_object_get(request, "rackAffinity"), 0));

	if ((s->exec->flags & EXECUTOR_REMOTE) == 0)
		return;
	job->nports = (int)json_integer_value(json_object_get(res,
	    "numPorts"));
	if (rack != NULL)
		(void)snprintf(job->rack, sizeof(job->rack), "%s", rack);
	job->time_limit_ms = json_integer_value(json_object_get(request,
	    "taskExecutionTimeLimitMillis"));
}

static struct sched_launch_job *
sched_launch_job_new(struct sched *s, const json_t *task,
    const int *ports, int nports, int64_t started_at)
{
	const json_t		*tr = json_object_get(task, "taskRequest");
	const json_t		*deploy = json_object_get(tr, "deploy");
	const json_t		*pending = json_object_get(tr, "pendingTask");
	const json_t		*tid = json_object_get(task, "taskId");
	json_t			*res = json_object_get(pending, "resources");
	struct task_env_input	 in = {
		.request = json_object_get(tr, "request"), .deploy = deploy,
		.pending_task = pending,
		.task_id = sched_launch_str(tid, "id"), .host = s->host,
		.rack_id = s->d->conf.rack_id,
		.instance_no = (int)json_integer_value(json_object_get(tid,
		    "instanceNo")),
		.started_at = started_at, .ports = ports, .nports = nports,
	};
	struct sched_launch_job	*job;

	if ((job = calloc(1, sizeof(*job))) == NULL)
		return (NULL);
	if (res == NULL || json_is_null(res))
		res = json_object_get(deploy, "resources");
	(void)snprintf(job->task_id, sizeof(job->task_id), "%s", in.task_id);
	(void)snprintf(job->sandbox, sizeof(job->sandbox), "%s/%s",
	    s->sandbox_root, in.task_id);
	job->cpus = json_number_value(json_object_get(res, "cpus"));
	job->memory_mb = json_number_value(json_object_get(res, "memoryMb"));
	sched_launch_remote(s, task, res, job);
	if (task_env_build(&in, &job->envp) < 0 ||
	    task_argv_build(deploy, json_object_get(pending,
	    "cmdLineArgsList"), &job->argv) < 0 ||
	    sched_launch_user(s, deploy, pending, &job->user) < 0 ||
	    sched_artifacts(&s->d->conf, deploy, pending, &job->artifacts,
	    &job->artifact_names) < 0) {
		sched_launch_job_free(job);
		return (NULL);
	}
	return (job);
}

/* Task id with a start time unique within this scheduler (2.1). */
static int
sched_launch_task_id(struct sched *s, const json_t *ptid, json_t **ret,
    int64_t *ret_started)
{
	char	id[512];
	int64_t	now = clock_now_ms();

	if (now <= s->last_started_at)
		now = s->last_started_at + 1;
	s->last_started_at = now;
	if (task_id_format(id, sizeof(id), sched_launch_str(ptid, "requestId"),
	    sched_launch_str(ptid, "deployId"), now,
	    (int)json_integer_value(json_object_get(ptid, "instanceNo")),
	    s->host, s->d->conf.rack_id) < 0)
		return (-EINVAL);
	*ret = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s}",
	    "id", id, "requestId", sched_launch_str(ptid, "requestId"),
	    "deployId", sched_launch_str(ptid, "deployId"),
	    "startedAt", (json_int_t)now, "instanceNo",
	    json_integer_value(json_object_get(ptid, "instanceNo")),
	    "sanitizedHost", s->host_sanitized,
	    "sanitizedRackId", s->rack_sanitized,
	    "host", s->host_sanitized, "rackId", s->rack_sanitized);
	*ret_started = now;
	return (*ret != NULL ? 0 : -ENOMEM);
}

/* In one transaction: the task row in, the pending task out. */
static int
sched_launch_record(struct sched *s, const json_t *pending,
    const json_t *task, const int *ports, int nports, int64_t now)
{
	const json_t	*ptid = json_object_get(pending, "pendingTaskId");
	json_t		*jports = json_array();
	int		 i, rc;

	for (i = 0; i < nports && jports != NULL; i++)
		(void)json_array_append_new(jports, json_integer(ports[i]));
	/* The task first: it copies when it was asked for from the row. */
	rc = db_task_insert(s->d->db, task, sched_launch_str(pending, "runId"),
	    jports, now);
	if (rc == 0)
		rc = db_pending_task_remove(s->d->db, sched_launch_str(ptid,
		    "id"));
	if (rc == 0)
		metrics_count_launch();
	json_decref(jports);
	return (rc);
}

static int
sched_launch_build(struct sched *s, const json_t *pending,
    struct db_request *r, json_t **ret_task, int *ports, int *ret_nports,
    int64_t *ret_started)
{
	const json_t	*ptid = json_object_get(pending, "pendingTaskId");
	json_t		*deploy = NULL, *tid = NULL, *res;
	int		 rc, nports;

	if ((rc = db_deploy_get(s->d->db, sched_launch_str(ptid, "requestId"),
	    sched_launch_str(ptid, "deployId"), &deploy)) < 0)
		return (rc);
	res = json_object_get(pending, "resources");
	if (res == NULL || json_is_null(res))
		res = json_object_get(deploy, "resources");
	/* A remote executor's reporter picks them where the task runs. */
	nports = (s->exec->flags & EXECUTOR_REMOTE) ? 0 :
	    (int)json_integer_value(json_object_get(res, "numPorts"));
	if ((rc = sched_launch_ports(s, nports, ports)) == 0 &&
	    (rc = sched_launch_task_id(s, ptid, &tid, ret_started)) == 0) {
		*ret_task = sched_launch_task_json(s, tid, r->request, deploy,
		    pending, ports, nports);
		rc = *ret_task != NULL ? 0 : -ENOMEM;
	}
	*ret_nports = nports;
	json_decref(tid);
	json_decref(deploy);
	return (rc);
}

/*
 * One pending task inside the batch transaction, under a savepoint so a
 * task that cannot be launched does not undo the others.  On success the
 * launch job is returned, to be handed to a worker after the commit.
 */
static int
sched_launch_one(struct sched *s, const json_t *pending,
    struct sched_launch_job **ret_job)
{
	const json_t		*ptid = json_object_get(pending,
				    "pendingTaskId");
	struct db_request	 r = { 0 };
	struct sched_launch_job	*job = NULL;
	json_t			*task = NULL;
	int			 ports[SCHED_PORTS_MAX], nports = 0, rc;
	int64_t			 started = 0;

	*ret_job = NULL;
	if ((rc = db_savepoint(s->d->db)) < 0)
		return (rc);
	rc = db_request_get(s->d->db, sched_launch_str(ptid, "requestId"), &r);
	if (rc == 0 && !request_state_is_runnable(r.state))
		rc = -ENOENT;
	if (rc == 0)
		rc = sched_launch_build(s, pending, &r, &task, ports, &nports,
		    &started);
	if (rc == 0 && (job = sched_launch_job_new(s, task, ports, nports,
	    started)) == NULL)
		rc = -ENOMEM;
	if (rc == 0)
		rc = sched_launch_record(s, pending, task, ports, nports,
		    clock_now_ms());
	else if (rc == -ENOENT)		/* request or deploy gone: stale */
		rc = db_pending_task_remove(s->d->db, sched_launch_str(ptid,
		    "id"));
	db_request_clear(&r);
	json_decref(task);
	if (rc < 0) {
		db_savepoint_rollback(s->d->db);
		sched_launch_job_free(job);
		return (rc);
	}
	db_savepoint_release(s->d->db);
	*ret_job = job;
	return (0);
}

/* 1 when name is one of the comma-separated list. */
static int
sched_launch_listed(const char *list, const char *name)
{
	size_t		 n = strlen(name);
	const char	*p = list;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' ||
		    p[n] == '\0'))
			return (1);
		p += n;
	}
	return (0);
}

/*
 * The agents that take no new task (frozen, decommissioning): a cluster
 * is told to avoid them (*ret_exclude); this host being one holds every
 * launch here (1), the tasks waiting in the queue until it is active.
 */
static int
sched_launch_held(struct sched *s, char **ret_exclude)
{
	int held;

	*ret_exclude = NULL;
	if (db_machine_unplaceable(s->d->db, ret_exclude) < 0)
		return (0);	/* unsure: launch as before */
	held = (s->exec->flags & EXECUTOR_REMOTE) == 0 &&
	    sched_launch_listed(*ret_exclude, s->host);
	if (held != s->held)
		log_notice("This host (%s) %s", s->host, held ? "takes no new "
		    "task: it is frozen or decommissioned" : "takes tasks "
		    "again");
	s->held = held;
	return (held);
}

/*
 * A full filesystem under the sandboxes holds every launch: the tasks
 * stay pending (1) and start by themselves once there is room again,
 * rather than each failing for a reason that is not its own.
 */
static int
sched_launch_no_room(struct sched *s)
{
	char	mount[1024];
	int	full;

	if ((full = fs_short_of_space(s->sandbox_root, SCHED_LAUNCH_MIN_FREE,
	    SCHED_LAUNCH_MIN_INODES)) < 0)
		full = 0;	/* unsure (not made yet): launch as before */
	if (full != s->full) {
		fs_mount_point(s->sandbox_root, mount, sizeof(mount));
		if (full)
			log_warnx("No space left on the filesystem mounted on "
			    "%s (sandboxes in %s): tasks wait until there is",
			    mount, s->sandbox_root);
		else
			log_notice("Space again on the filesystem mounted on "
			    "%s: launching tasks", mount);
	}
	s->full = full;
	return (full);
}

/*
 * All due pending tasks in one transaction (one commit, not one per task),
 * then the launches.  A crash before the commit launches nothing; after
 * it, reconciliation finds rows whose supervisor never started.
 */
void
sched_launch_due(struct sched *s)
{
	struct sched_launch_job	*jobs[SCHED_LAUNCH_BATCH];
	json_t			*due, *p;
	char			*exclude = NULL;
	size_t			 i, n = 0;
	int			 rc;

	if (sched_launch_no_room(s) || sched_launch_held(s, &exclude)) {
		free(exclude);
		return;
	}
	if ((rc = db_begin(s->d->db)) < 0 ||
	    (rc = db_pending_task_due(s->d->db, clock_now_ms(),
	    SCHED_LAUNCH_BATCH, &due)) < 0) {
		if (rc != -EBUSY)
			db_rollback(s->d->db);
		log_warnx("Failed to read due tasks: %s, retrying on the next "
		    "tick", strerror(-rc));
		free(exclude);
		return;
	}
	json_array_foreach(due, i, p) {
		if ((rc = sched_launch_one(s, p, &jobs[n])) < 0)
			log_warnx("Failed to launch pending task '%s': %s, "
			    "retrying on the next tick", sched_launch_str(
			    json_object_get(p, "pendingTaskId"), "id"),
			    strerror(-rc));
		else if (jobs[n] != NULL)
			n++;
	}
	json_decref(due);
	if ((rc = db_commit(s->d->db)) < 0) {
		log_warnx("Failed to commit launches: %s, retrying on the next "
		    "tick", strerror(-rc));
		while (n > 0)
			sched_launch_job_free(jobs[--n]);
		free(exclude);
		return;
	}
	for (i = 0; i < n; i++) {
		if (exclude != NULL && exclude[0] != '\0')
			jobs[i]->exclude = strdup(exclude);
		log_info("task=%s launching", jobs[i]->task_id);
		(void)sched_pool_submit(s, jobs[i]);
	}
	free(exclude);
}

/* The ports a launched task was given, from its mesosTask resources. */
static int
sched_launch_task_ports(const json_t *task, int *ports)
{
	const json_t	*res, *r, *range;
	size_t		 i, j;
	int		 n = 0;

	res = json_object_get(json_object_get(task, "mesosTask"), "resources");
	json_array_foreach(res, i, r) {
		if (strcmp(sched_launch_str(r, "name") != NULL ?
		    sched_launch_str(r, "name") : "", "ports") != 0)
			continue;
		json_array_foreach(json_object_get(json_object_get(r,
		    "ranges"), "range"), j, range)
			if (n < SCHED_PORTS_MAX)
				ports[n++] = (int)json_integer_value(
				    json_object_get(range, "begin"));
	}
	return (n);
}

/*
 * At start: tasks committed as TASK_LAUNCHED by a scheduler that died
 * before handing them to the executor get their launch now.  The
 * executor's claim on the sandbox makes this safe for one whose launch
 * did happen: it is not started twice.
 */
void
sched_launch_resume(struct sched *s)
{
	struct executor_handle	 h;
	struct sched_launch_job	*job;
	json_t			*tasks, *t, *task;
	const char		*id, *state;
	size_t			 i;
	int			 ports[SCHED_PORTS_MAX], n = 0;

	if (db_task_active(s->d->db, NULL, NULL, &tasks) < 0)
		return;
	json_array_foreach(tasks, i, t) {
		id = sched_launch_str(t, "taskId");
		state = sched_launch_str(t, "state");
		if (id == NULL || state == NULL ||
		    strcmp(state, "TASK_LAUNCHED") != 0 ||
		    db_task_get_handle(s->d->db, id, &h) < 0 || h.pid != 0 ||
		    db_task_get(s->d->db, id, &task) < 0)
			continue;
		job = sched_launch_job_new(s, task, ports,
		    sched_launch_task_ports(task, ports), json_integer_value(
		    json_object_get(json_object_get(task, "taskId"),
		    "startedAt")));
		json_decref(task);
		if (job == NULL)
			continue;
		log_info("task=%s launching (resumed)", id);
		(void)sched_pool_submit(s, job);
		n++;
	}
	json_decref(tasks);
	if (n > 0)
		log_notice("Resumed %d launches a previous run had committed",
		    n);
}
