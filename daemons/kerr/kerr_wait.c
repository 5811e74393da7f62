/*
 * --wait: poll the API every half second, show a progress line on a
 * terminal, and end with success (0) or the failure's message (1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "kerr.h"
#include "kerr_table.h"

#define KERR_WAIT_POLL_NS	500000000L

static const char *const kerr_terminal_states[] = {
	"TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST",
	"TASK_ERROR", "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR",
	"TASK_UNREACHABLE", "TASK_UNKNOWN", NULL
};

int
kerr_task_state_is_terminal(const char *state)
{
	size_t i;

	for (i = 0; kerr_terminal_states[i] != NULL; i++)
		if (strcmp(state, kerr_terminal_states[i]) == 0)
			return (1);
	return (0);
}

static void
kerr_wait_pause(void)
{
	const struct timespec pause = { 0, KERR_WAIT_POLL_NS };

	(void)nanosleep(&pause, NULL);
}

static void
kerr_elapsed(int64_t start, char *buf, size_t len)
{
	kerr_duration(clock_mono_ms() - start, buf, len);
}

/* GET path: *ret on 200; 0, 1 for a 404, or an exit status after
 * printing why. */
static int
kerr_wait_get(struct kerr *k, const char *path, json_t **ret)
{
	struct kerr_resp r;

	*ret = NULL;
	if (kerr_http(k, "GET", path, NULL, &r) < 0)
		return (-KERR_EXIT_FAIL);
	if (r.status == 404) {
		kerr_resp_free(&r);
		return (1);
	}
	if (r.status != 200) {
		fprintf(stderr, "kerr: %.*s\n", (int)strcspn(r.body, "\r\n"),
		    r.body);
		kerr_resp_free(&r);
		return (-KERR_EXIT_FAIL);
	}
	*ret = json_loadb(r.body, r.len, JSON_DECODE_ANY, NULL);
	kerr_resp_free(&r);
	return (*ret != NULL ? 0 : -KERR_EXIT_FAIL);
}

static int
kerr_wait_listed(const json_t *ids, const char *id)
{
	const json_t	*o;
	size_t		 i;

	json_array_foreach(ids, i, o)
		if (json_is_string(o) && strcmp(json_string_value(o), id) == 0)
			return (1);
	return (0);
}

/*
 * Of the request parent's taskIds.<which> (SingularityTaskIdsByStatus):
 * those of deploy_id (NULL: any deploy), counting only those in `old`
 * when old_only, or only those not in it when not (old NULL: all).
 */
static int
kerr_wait_count(const json_t *parent, const char *which,
    const char *deploy_id, const json_t *old, int old_only)
{
	const json_t	*tid;
	size_t		 i;
	int		 n = 0;

	json_array_foreach(json_object_get(json_object_get(parent, "taskIds"),
	    which), i, tid) {
		const char *id = kerr_str(tid, "id");
		const char *dep = kerr_str(tid, "deployId");

		if (id == NULL || (deploy_id != NULL && (dep == NULL ||
		    strcmp(dep, deploy_id) != 0)))
			continue;
		if (old == NULL || kerr_wait_listed(old, id) == old_only)
			n++;
	}
	return (n);
}

static int64_t
kerr_wait_instances(const json_t *parent)
{
	const json_t *req = json_object_get(parent, "request");

	return (json_object_get(req, "instances") != NULL ?
	    kerr_int(req, "instances") : 1);
}

/* "1/2 healthy (1 starting), step target 2 of 2": for the line. */
static void
kerr_wait_deploy_line(struct kerr *k, const char *request,
    const char *deploy_id, char *buf, size_t len)
{
	json_t	*req = NULL, *prog;
	char	*path;
	int64_t	 instances, target;

	if ((path = kerr_path(k, "/requests/request/%s", request)) != NULL)
		(void)kerr_wait_get(k, path, &req);
	free(path);
	instances = kerr_wait_instances(req);
	prog = json_object_get(json_object_get(req, "pendingDeployState"),
	    "deployProgress");
	target = prog != NULL ? kerr_int(prog, "targetActiveInstances") :
	    instances;
	(void)snprintf(buf, len, "%d/%jd healthy (%d starting), step target "
	    "%jd of %jd", kerr_wait_count(req, "healthy", deploy_id, NULL, 0),
	    (intmax_t)instances, kerr_wait_count(req, "notYetHealthy",
	    deploy_id, NULL, 0), (intmax_t)target, (intmax_t)instances);
	json_decref(req);
}

/* Why a deploy did not succeed: its message, and what its first failed
 * task said of its end. */
static int
kerr_wait_deploy_failed(struct kerr *k, const char *request,
    const char *deploy_id, const char *state, const json_t *result)
{
	const json_t	*f = json_array_get(json_object_get(result,
			    "deployFailures"), 0);
	const char	*m = kerr_str(result, "message");
	const char	*task = kerr_str2(f, "taskId", "id");
	char		 tstate[64], tmsg[512];

	if (m == NULL || m[0] == '\0')
		m = kerr_str(f, "message") != NULL ? kerr_str(f, "message") :
		    "no message";
	if (task != NULL && kerr_task_last_state(k, task, tstate,
	    sizeof(tstate), tmsg, sizeof(tmsg)) == KERR_EXIT_OK &&
	    tmsg[0] != '\0')
		return (kerr_fail("deploy %s of %s %s: %s; task %s %s: %s",
		    deploy_id, request, state, m, task, tstate, tmsg));
	return (kerr_fail("deploy %s of %s %s: %s", deploy_id, request, state,
	    m));
}

/* The end of a deploy's wait: an exit status, or -1 while it runs. */
static int
kerr_wait_deploy_end(struct kerr *k, const char *request,
    const char *deploy_id, const json_t *hist, const char *took)
{
	const json_t	*res = json_object_get(hist, "deployResult");
	const char	*st = kerr_str(res, "deployState");

	if (st == NULL || strcmp(st, "WAITING") == 0)
		return (-1);
	kerr_progress_end(k);
	if (strcmp(st, "SUCCEEDED") != 0)
		return (kerr_wait_deploy_failed(k, request, deploy_id, st,
		    res));
	fprintf(stderr, "Deploy %s of %s succeeded in %s.\n", deploy_id,
	    request, took);
	return (KERR_EXIT_OK);
}

int
kerr_wait_deploy(struct kerr *k, const char *request, const char *deploy_id,
    int timeout_s)
{
	int64_t	 start = clock_mono_ms();
	json_t	*hist = NULL;
	char	*path, line[160], took[32];
	int	 r;

	if ((path = kerr_path(k, "/history/request/%s/deploy/%s", request,
	    deploy_id)) == NULL)
		return (kerr_fail("out of memory"));
	for (;;) {
		if ((r = kerr_wait_get(k, path, &hist)) < 0) {
			r = -r;
			break;
		}
		kerr_elapsed(start, took, sizeof(took));
		if ((r = kerr_wait_deploy_end(k, request, deploy_id, hist,
		    took)) >= 0)
			break;
		if (clock_mono_ms() - start > (int64_t)timeout_s * 1000) {
			kerr_progress_end(k);
			r = kerr_fail("deploy %s of %s still in progress after "
			    "%d s", deploy_id, request, timeout_s);
			break;
		}
		json_decref(hist);
		hist = NULL;
		if (k->progress) {
			kerr_wait_deploy_line(k, request, deploy_id, line,
			    sizeof(line));
			kerr_progress(k, "deploy %s: %s, %s", deploy_id, line,
			    took);
		}
		kerr_wait_pause();
	}
	json_decref(hist);
	free(path);
	return (r);
}

/* Whether the request still has a cleanup (a bounce in progress). */
static int
kerr_wait_has_cleanup(struct kerr *k, const char *request)
{
	json_t		*list = NULL, *c;
	size_t		 i;
	int		 found = 0;

	if (kerr_wait_get(k, "/requests/queued/cleanup", &list) != 0)
		return (1);
	json_array_foreach(list, i, c)
		if (kerr_str(c, "requestId") != NULL &&
		    strcmp(kerr_str(c, "requestId"), request) == 0)
			found = 1;
	json_decref(list);
	return (found);
}

/* The old tasks a bounce has not ended yet. */
static int
kerr_wait_old_left(const json_t *parent, const json_t *old)
{
	static const char *const lists[] = { "healthy", "notYetHealthy",
	    "cleaning", "killed" };
	size_t	i;
	int	n = 0;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		n += kerr_wait_count(parent, lists[i], NULL, old, 1);
	return (n);
}

int
kerr_wait_bounce(struct kerr *k, const char *request, const json_t *old,
    int timeout_s)
{
	int64_t	 start = clock_mono_ms(), instances;
	json_t	*req = NULL;
	char	*path, took[32];
	int	 r, fresh, left;

	if ((path = kerr_path(k, "/requests/request/%s", request)) == NULL)
		return (kerr_fail("out of memory"));
	for (;;) {
		if ((r = kerr_wait_get(k, path, &req)) != 0) {
			kerr_progress_end(k);
			r = r < 0 ? -r : kerr_fail("request %s is gone",
			    request);
			break;
		}
		instances = kerr_wait_instances(req);
		fresh = kerr_wait_count(req, "healthy", NULL, old, 0);
		left = kerr_wait_old_left(req, old);
		kerr_elapsed(start, took, sizeof(took));
		/* Done: as many new tasks healthy as it runs, no old one. */
		if (fresh >= instances && left == 0 &&
		    !kerr_wait_has_cleanup(k, request)) {
			kerr_progress_end(k);
			fprintf(stderr, "Bounce of %s done in %s: %d new task%s "
			    "healthy.\n", request, took, fresh, fresh == 1 ?
			    "" : "s");
			r = KERR_EXIT_OK;
			break;
		}
		if (clock_mono_ms() - start > (int64_t)timeout_s * 1000) {
			kerr_progress_end(k);
			r = kerr_fail("bounce of %s not done after %d s: %d of "
			    "%jd new tasks healthy, %d old left", request,
			    timeout_s, fresh, (intmax_t)instances, left);
			break;
		}
		kerr_progress(k, "bounce %s: %d/%jd new tasks healthy, %d old "
		    "left, %s", request, fresh, (intmax_t)instances, left,
		    took);
		json_decref(req);
		req = NULL;
		kerr_wait_pause();
	}
	json_decref(req);
	free(path);
	return (r);
}

int
kerr_task_last_state(struct kerr *k, const char *task_id, char *state,
    size_t slen, char *msg, size_t mlen)
{
	json_t	*h = NULL, *ups, *last;
	char	*path;
	int	 r;

	if ((path = kerr_path(k, "/history/task/%s", task_id)) == NULL)
		return (kerr_fail("out of memory"));
	r = kerr_call(k, "GET", path, NULL, &h, NULL);
	free(path);
	if (r != KERR_EXIT_OK)
		return (r);
	ups = json_object_get(h, "taskUpdates");
	last = json_array_get(ups, json_array_size(ups) - 1);
	(void)snprintf(state, slen, "%s", kerr_str(last, "taskState") !=
	    NULL ? kerr_str(last, "taskState") : "TASK_LAUNCHED");
	(void)snprintf(msg, mlen, "%s", kerr_str(last, "statusMessage") !=
	    NULL ? kerr_str(last, "statusMessage") : "");
	json_decref(h);
	return (KERR_EXIT_OK);
}

/* The id of the run's task once it launched: 0, 1 not yet, or -status. */
static int
kerr_wait_run_task(struct kerr *k, const char *request, const char *run_id,
    char *task, size_t len)
{
	json_t	*tid = NULL;
	char	*path;
	int	 r;

	if ((path = kerr_path(k, "/requests/request/%s/run/%s", request,
	    run_id)) == NULL)
		return (-kerr_fail("out of memory"));
	r = kerr_wait_get(k, path, &tid);
	free(path);
	if (r == 0)
		(void)snprintf(task, len, "%s", kerr_str(tid, "id") != NULL ?
		    kerr_str(tid, "id") : "");
	json_decref(tid);
	return (r == 0 && task[0] == '\0' ? 1 : r);
}

int
kerr_wait_run(struct kerr *k, const char *request, const char *run_id,
    int timeout_s)
{
	int64_t	start = clock_mono_ms();
	char	task[512] = "", state[64] = "TASK_PENDING", msg[512], took[32];
	int	r;

	for (;;) {
		if (task[0] == '\0' && (r = kerr_wait_run_task(k, request,
		    run_id, task, sizeof(task))) < 0)
			return (-r);
		if (task[0] != '\0' && (r = kerr_task_last_state(k, task,
		    state, sizeof(state), msg, sizeof(msg))) != KERR_EXIT_OK)
			return (r);
		kerr_elapsed(start, took, sizeof(took));
		if (kerr_task_state_is_terminal(state)) {
			kerr_progress_end(k);
			if (strcmp(state, "TASK_FINISHED") == 0) {
				fprintf(stderr, "Task %s finished in %s.\n",
				    task, took);
				return (KERR_EXIT_OK);
			}
			return (kerr_fail("task %s %s: %s", task, state,
			    msg[0] != '\0' ? msg : "no message"));
		}
		if (clock_mono_ms() - start > (int64_t)timeout_s * 1000) {
			kerr_progress_end(k);
			return (kerr_fail("run %s of %s not done after %d s "
			    "(%s)", run_id, request, timeout_s, state));
		}
		kerr_progress(k, "run %s: %s, %s", run_id, state, took);
		kerr_wait_pause();
	}
}
