/*
 * The load generator and stopwatch for kerr's own figures.  Every mode
 * talks to apid on 127.0.0.1:PORT and prints one "BENCH key=value ..."
 * line for the harness; progress and errors go to stderr.
 *
 * Why one file over 800 lines: bench/run.sh builds each tool from one
 * source with plain cc (no make rules of its own), and the modes share
 * the HTTP, clock and percentile code; each mode is one section below.
 *
 *   kerr_client PORT post PREFIX CLIENTS DURATION_MS MAX START
 *	CLIENTS threads, one keep-alive connection each, POST /requests
 *	with unique ids PREFIX-<START..START+MAX) until MAX ids are used or
 *	the time is up.
 *   kerr_client PORT get PATH DURATION_MS MAX
 *	Sequential GETs of PATH on one connection: latency percentiles.
 *   kerr_client PORT deploy DB PREFIX NREQ INSTANCES TIMEOUT_MS
 *	Creates NREQ SERVICE requests of INSTANCES each, then POSTs a
 *	deploy of `sleep 600` to each, back to back, noting when each reply
 *	arrived; then reads tasks.running_at from the store (DB) until every
 *	task is TASK_RUNNING.  Per task: running_at - its deploy's reply.
 *   kerr_client PORT pause DB PREFIX NREQ TIMEOUT_MS
 *	Waits for those deploys to be active, notes every process in every
 *	task's process group (tasks.task_pgid) and every supervisor, POSTs
 *	pause to each request, and waits on pidfds until all are gone.
 *   kerr_client PORT idle DB PREFIX N GAP_MS TIMEOUT_MS
 *	N one-instance SERVICE deploys of `sleep 600`, one at a time on an
 *	idle system (GAP_MS of quiet before each).  Per deploy: its reply
 *	-> TASK_RUNNING as kerr stamped it (task_updates), and -> the first
 *	GET /history/task/{id} showing TASK_RUNNING (polled every
 *	KC_POLL_US, the task id found in the store meanwhile).  Then pauses
 *	them all and waits until they have ended.
 *   kerr_client PORT runs DB PREFIX NREQ RATE DURATION_MS TIMEOUT_MS CMD
 *	NREQ ON_DEMAND requests with a deploy of CMD, then POST
 *	.../run?minimal=true at RATE per second (open loop: run k is due at
 *	k / RATE s, whatever the replies) from KC_RUNS_CONNS connections
 *	for DURATION_MS, each with its own runId; a run not sent within
 *	KC_RUNS_GRACE_MS after that is not sent at all.  Per run: its reply ->
 *	its task's TASK_RUNNING; the backlog (runs answered, not yet
 *	RUNNING) sampled every 100 ms.
 *   kerr_client PORT many DB PREFIX N IDLE_MS PID PID PID TIMEOUT_MS
 *	KC_RUN_THREADS ON_DEMAND requests of `sleep 600` and N runs of them
 *	as fast as they are answered; once all N run: the supervisors' memory
 *	(smaps_rollup), then the CPU the three daemons (PIDs) and the
 *	supervisors use over IDLE_MS of quiet; then a pause of the request
 *	and the time until every task has ended.
 */
#include <sys/syscall.h>

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench_util.h"

#define KC_MAX_TASKS	4096
#define KC_ID_LEN	64
#define KC_POLL_US	250	/* idle: how often the store and API are read */
#define KC_RUN_THREADS	4	/* many: requests and client connections */
#define KC_RUNS_CONNS	16	/* runs: enough for RATE at slow replies */
#define KC_RUNS_GRACE_MS	2000	/* runs: how late a run may still go */
#define KC_SAMPLE_MS	100	/* runs: backlog sampling period */

static int	kc_port;

/* ---- post ---- */

struct kc_post {
	pthread_t		 thread;
	const char		*prefix;
	long			 start, max;
	int64_t			 deadline;
	atomic_long		*next;
	long			 ok, errors;
	struct bench_samples	 lat;
};

static void *
kc_post_worker(void *arg)
{
	struct kc_post		*p = arg;
	struct bench_http	 h = { .fd = -1, .port = kc_port };
	char			 body[256];
	long			 n;
	int64_t			 t0;

	while (bench_mono_us() < p->deadline &&
	    (n = atomic_fetch_add(p->next, 1)) < p->max) {
		snprintf(body, sizeof(body), "{\"id\":\"%s-%06ld\","
		    "\"requestType\":\"SERVICE\",\"instances\":1}", p->prefix,
		    p->start + n);
		t0 = bench_mono_us();
		if (bench_http_do(&h, "POST", "/singularity/v1/requests",
		    body) < 0 || h.status != 200) {
			if (p->errors++ == 0)
				fprintf(stderr, "kerr_client: POST %s: %d %.200s\n",
				    body, h.status, h.body != NULL ? h.body : "");
			continue;
		}
		(void)bench_samples_add(&p->lat, bench_mono_us() - t0);
		p->ok++;
	}
	bench_http_close(&h);
	return (NULL);
}

static int
kc_post(const char *prefix, int clients, long ms, long max, long start)
{
	struct kc_post		*w;
	struct bench_samples	 all = { 0 };
	atomic_long		 next = 0;
	int64_t			 t0, secs;
	long			 ok = 0, errors = 0;
	size_t			 j;
	int			 i;

	if ((w = calloc((size_t)clients, sizeof(*w))) == NULL)
		return (1);
	t0 = bench_mono_us();
	for (i = 0; i < clients; i++) {
		w[i].prefix = prefix;
		w[i].start = start;
		w[i].max = max;
		w[i].deadline = t0 + ms * 1000;
		w[i].next = &next;
		pthread_create(&w[i].thread, NULL, kc_post_worker, &w[i]);
	}
	for (i = 0; i < clients; i++) {
		pthread_join(w[i].thread, NULL);
		ok += w[i].ok;
		errors += w[i].errors;
		for (j = 0; j < w[i].lat.n; j++)
			(void)bench_samples_add(&all, w[i].lat.v[j]);
		bench_samples_free(&w[i].lat);
	}
	secs = bench_mono_us() - t0;
	printf("BENCH requests=%ld errors=%ld secs=%.3f rps=%.1f p50_us=%lld "
	    "p99_us=%lld\n", ok, errors, (double)secs / 1e6,
	    (double)ok * 1e6 / (double)secs,
	    (long long)bench_percentile(all.v, all.n, 50),
	    (long long)bench_percentile(all.v, all.n, 99));
	bench_samples_free(&all);
	free(w);
	return (errors > 0 && ok == 0);
}

/* ---- get ---- */

static int
kc_get(const char *path, long ms, long max)
{
	struct bench_http	 h = { .fd = -1, .port = kc_port };
	struct bench_samples	 lat = { 0 };
	int64_t			 start = bench_mono_us(), t0;
	long			 n, errors = 0;
	size_t			 bytes = 0;
	int			 r;

	for (n = 0; n < max && bench_mono_us() - start < ms * 1000; n++) {
		t0 = bench_mono_us();
		if (bench_http_do(&h, "GET", path, NULL) < 0 ||
		    h.status != 200) {
			if (errors++ == 0)
				fprintf(stderr, "kerr_client: GET %s: %d\n",
				    path, h.status);
			continue;
		}
		(void)bench_samples_add(&lat, bench_mono_us() - t0);
		bytes = h.body_len;
	}
	printf("BENCH requests=%zu errors=%ld secs=%.3f rps=%.1f p50_us=%lld "
	    "p99_us=%lld bytes=%zu\n", lat.n, errors,
	    (double)(bench_mono_us() - start) / 1e6, (double)lat.n * 1e6 /
	    (double)(bench_mono_us() - start),
	    (long long)bench_percentile(lat.v, lat.n, 50),
	    (long long)bench_percentile(lat.v, lat.n, 99), bytes);
	r = lat.n == 0;
	bench_samples_free(&lat);
	bench_http_close(&h);
	return (r);
}

/* ---- the store ---- */

static sqlite3 *
kc_db_open(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "kerr_client: cannot open %s\n", path);
		sqlite3_close(db);
		return (NULL);
	}
	sqlite3_busy_timeout(db, 5000);
	return (db);
}

/* The single integer a query returns, or -1. */
static long
kc_db_count(sqlite3 *db, const char *sql, const char *like)
{
	sqlite3_stmt	*st = NULL;
	long		 n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_text(st, 1, like, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (n);
}

/* Polls a count query every 10 ms until it reaches want; 0 or -ETIME. */
static int
kc_db_wait(sqlite3 *db, const char *sql, const char *like, long want,
    long timeout_ms)
{
	int64_t deadline = bench_mono_us() + timeout_ms * 1000;

	while (kc_db_count(db, sql, like) < want) {
		if (bench_mono_us() > deadline)
			return (-ETIME);
		usleep(10000);
	}
	return (0);
}

/* ---- deploy ---- */

static int
kc_deploy(const char *dbpath, const char *prefix, int nreq, int inst,
    long timeout_ms)
{
	struct bench_http	 h = { .fd = -1, .port = kc_port };
	struct bench_samples	 lat = { 0 }, created = { 0 };
	sqlite3			*db = NULL;
	sqlite3_stmt		*st = NULL;
	char			 body[512], like[KC_ID_LEN + 2];
	int64_t			 reply[256], first, last_run = 0, run_us;
	long			 want = (long)nreq * inst, hwm, sup_hwm = 0;
	long long		 cpu, sup_cpu = 0;
	int			 i, k, r = 1;

	if (nreq < 1 || nreq > 256)
		return (2);
	snprintf(like, sizeof(like), "%s-%%", prefix);
	for (i = 0; i < nreq; i++) {
		snprintf(body, sizeof(body), "{\"id\":\"%s-%06d\",\"requestType\""
		    ":\"SERVICE\",\"instances\":%d}", prefix, i, inst);
		if (bench_http_do(&h, "POST", "/singularity/v1/requests",
		    body) < 0 || h.status != 200) {
			fprintf(stderr, "kerr_client: POST /requests: %d %.300s\n",
			    h.status, h.body != NULL ? h.body : "");
			goto out;
		}
	}
	/* Let the scheduler settle after the creates before the timed part. */
	usleep(500000);
	for (i = 0; i < nreq; i++) {
		snprintf(body, sizeof(body), "{\"deploy\":{\"requestId\":"
		    "\"%s-%06d\",\"id\":\"d1\",\"command\":\"sleep 600\","
		    "\"considerHealthyAfterRunningForSeconds\":1}}", prefix, i);
		if (bench_http_do(&h, "POST", "/singularity/v1/deploys",
		    body) < 0 || h.status != 200) {
			fprintf(stderr, "kerr_client: POST /deploys: %d %.300s\n",
			    h.status, h.body != NULL ? h.body : "");
			goto out;
		}
		reply[i] = bench_now_us();
	}
	first = reply[0];
	if ((db = kc_db_open(dbpath)) == NULL)
		goto out;
	if (kc_db_wait(db, "SELECT count(*) FROM tasks WHERE request_id LIKE"
	    " ?1 AND running_at IS NOT NULL", like, want, timeout_ms) < 0)
		fprintf(stderr, "kerr_client: not all %ld tasks RUNNING within "
		    "%ld ms\n", want, timeout_ms);
	if (sqlite3_prepare_v2(db, "SELECT request_id, running_at,"
	    " coalesce(supervisor_pid, 0), started_at FROM tasks"
	    " WHERE request_id LIKE ?1 AND running_at IS NOT NULL", -1, &st,
	    NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, like, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *rid = (const char *)sqlite3_column_text(st, 0);

		k = atoi(rid + strlen(prefix) + 1);
		if (k < 0 || k >= nreq)
			continue;
		/* running_at is in whole ms: take the middle of that ms. */
		run_us = sqlite3_column_int64(st, 1) * 1000 + 500;
		(void)bench_samples_add(&lat, run_us - reply[k]);
		(void)bench_samples_add(&created,
		    sqlite3_column_int64(st, 3) * 1000 + 500 - reply[k]);
		if (run_us > last_run)
			last_run = run_us;
		if ((hwm = bench_proc_hwm_kb((int)sqlite3_column_int64(st,
		    2))) > sup_hwm)
			sup_hwm = hwm;
		if ((cpu = bench_proc_run_us((int)sqlite3_column_int64(st,
		    2))) > 0)
			sup_cpu += cpu;
	}
	printf("BENCH tasks=%zu want=%ld p50_us=%lld p99_us=%lld max_us=%lld "
	    "all_running_us=%lld launches_per_s=%.1f supervisor_hwm_kb=%ld "
	    "created_p50_us=%lld created_p99_us=%lld supervisor_cpu_ms=%lld\n",
	    lat.n, want, (long long)bench_percentile(lat.v, lat.n, 50),
	    (long long)bench_percentile(lat.v, lat.n, 99),
	    (long long)bench_percentile(lat.v, lat.n, 100),
	    (long long)(last_run - first), lat.n > 0 && last_run > first ?
	    (double)lat.n * 1e6 / (double)(last_run - first) : 0.0, sup_hwm,
	    (long long)bench_percentile(created.v, created.n, 50),
	    (long long)bench_percentile(created.v, created.n, 99),
	    sup_cpu / 1000);
	r = (long)lat.n == want ? 0 : 1;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	bench_samples_free(&lat);
	bench_samples_free(&created);
	bench_http_close(&h);
	return (r);
}

/* ---- pause ---- */

struct kc_proc {
	int	pid;
	int	fd;		/* pidfd, -1 once gone */
	int	task;		/* index into the task table, or -1 */
};

static int
kc_pidfd(int pid)
{
	return ((int)syscall(SYS_pidfd_open, pid, 0));
}

/* Waits until every process is gone, noting when each task's last went. */
static void
kc_pause_watch(struct kc_proc *p, size_t np, int *left, int64_t *gone,
    int64_t *sup_gone, long timeout_ms)
{
	struct pollfd	*pfd;
	size_t		 i, live;
	int64_t		 deadline = bench_mono_us() + timeout_ms * 1000, now;

	if ((pfd = calloc(np, sizeof(*pfd))) == NULL)
		return;
	for (;;) {
		for (i = 0, live = 0; i < np; i++) {
			pfd[i].fd = p[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
			live += p[i].fd >= 0;
		}
		if (live == 0 || bench_mono_us() > deadline)
			break;
		if (poll(pfd, np, 100) < 0 && errno != EINTR)
			break;
		now = bench_now_us();
		for (i = 0; i < np; i++) {
			if (p[i].fd < 0 || pfd[i].revents == 0)
				continue;
			close(p[i].fd);
			p[i].fd = -1;
			if (p[i].task < 0) {
				*sup_gone = now;
				continue;
			}
			if (--left[p[i].task] == 0)
				gone[p[i].task] = now;
		}
	}
	free(pfd);
}

static int
kc_pause(const char *dbpath, const char *prefix, int nreq, long timeout_ms)
{
	struct bench_http	 h = { .fd = -1, .port = kc_port };
	struct bench_samples	 lat = { 0 };
	sqlite3			*db = NULL;
	sqlite3_stmt		*st = NULL;
	struct kc_proc		*p = NULL;
	char			 path[256], like[KC_ID_LEN + 2];
	int			 pgid[KC_MAX_TASKS], treq[KC_MAX_TASKS];
	int			 left[KC_MAX_TASKS], sup[KC_MAX_TASKS];
	int			*mpid = NULL, *mgrp = NULL;
	int64_t			 reply[256], gone[KC_MAX_TASKS];
	int64_t			 sup_gone = 0, last_reply, max_gone = 0;
	size_t			 nt = 0, nm, np = 0, i;
	long			 n_gone = 0;
	int			 k, r = 1;

	if (nreq < 1 || nreq > 256)
		return (2);
	snprintf(like, sizeof(like), "%s-%%", prefix);
	if ((db = kc_db_open(dbpath)) == NULL)
		goto out;
	if (kc_db_wait(db, "SELECT count(*) FROM request_deploy_state WHERE"
	    " request_id LIKE ?1 AND active_deploy_id IS NOT NULL AND"
	    " pending_deploy_id IS NULL", like, nreq, 30000) < 0)
		fprintf(stderr, "kerr_client: deploys not active after 30 s, "
		    "pausing anyway\n");
	if (sqlite3_prepare_v2(db, "SELECT request_id, coalesce(task_pgid, 0),"
	    " coalesce(supervisor_pid, 0) FROM tasks WHERE request_id LIKE ?1"
	    " AND active = 1", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, like, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW && nt < KC_MAX_TASKS) {
		k = atoi((const char *)sqlite3_column_text(st, 0) +
		    strlen(prefix) + 1);
		if (k < 0 || k >= nreq || sqlite3_column_int(st, 1) <= 0)
			continue;
		treq[nt] = k;
		pgid[nt] = sqlite3_column_int(st, 1);
		sup[nt] = sqlite3_column_int(st, 2);
		left[nt] = 0;
		gone[nt] = 0;
		nt++;
	}
	mpid = calloc(nt * 8 + 1, sizeof(*mpid));
	mgrp = calloc(nt * 8 + 1, sizeof(*mgrp));
	p = calloc(nt * 9 + 1, sizeof(*p));
	if (mpid == NULL || mgrp == NULL || p == NULL)
		goto out;
	nm = bench_proc_members(pgid, nt, mpid, mgrp, nt * 8);
	for (i = 0; i < nm; i++) {
		if ((p[np].fd = kc_pidfd(mpid[i])) < 0)
			continue;
		p[np].pid = mpid[i];
		p[np].task = mgrp[i];
		left[mgrp[i]]++;
		np++;
	}
	for (i = 0; i < nt; i++)
		if (sup[i] > 0 && (p[np].fd = kc_pidfd(sup[i])) >= 0) {
			p[np].pid = sup[i];
			p[np].task = -1;
			np++;
		}
	for (k = 0; k < nreq; k++) {
		snprintf(path, sizeof(path), "/singularity/v1/requests/request/"
		    "%s-%06d/pause", prefix, k);
		if (bench_http_do(&h, "POST", path, "{}") < 0 ||
		    h.status != 200) {
			fprintf(stderr, "kerr_client: POST %s: %d %.300s\n", path,
			    h.status, h.body != NULL ? h.body : "");
			goto out;
		}
		reply[k] = bench_now_us();
	}
	last_reply = reply[nreq - 1];
	kc_pause_watch(p, np, left, gone, &sup_gone, timeout_ms);
	for (i = 0; i < nt; i++)
		if (left[i] == 0 && gone[i] > 0) {
			(void)bench_samples_add(&lat, gone[i] - reply[treq[i]]);
			if (gone[i] > max_gone)
				max_gone = gone[i];
			n_gone++;
		}
	printf("BENCH tasks=%zu processes=%zu gone=%ld p50_us=%lld "
	    "p99_us=%lld max_us=%lld after_last_reply_us=%lld "
	    "supervisors_gone_us=%lld\n", nt, nm, n_gone,
	    (long long)bench_percentile(lat.v, lat.n, 50),
	    (long long)bench_percentile(lat.v, lat.n, 99),
	    (long long)bench_percentile(lat.v, lat.n, 100),
	    (long long)(max_gone > 0 ? max_gone - last_reply : -1),
	    (long long)(sup_gone > 0 ? sup_gone - reply[0] : -1));
	r = n_gone == (long)nt && nt > 0 ? 0 : 1;
out:
	for (i = 0; p != NULL && i < np; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	free(p), free(mpid), free(mgrp);
	sqlite3_finalize(st);
	sqlite3_close(db);
	bench_samples_free(&lat);
	bench_http_close(&h);
	return (r);
}

/* ---- shared by idle, runs and many ---- */

static int
kc_post_json(struct bench_http *h, const char *path, const char *body)
{
	if (bench_http_do(h, "POST", path, body) < 0 || h->status != 200) {
		fprintf(stderr, "kerr_client: POST %s: %d %.300s\n", path,
		    h->status, h->body != NULL ? h->body : "");
		return (-1);
	}
	return (0);
}

/* A request; instances 0 leaves the field out. */
static int
kc_request(struct bench_http *h, const char *rid, const char *type,
    int instances)
{
	char	body[512], inst[32] = "";

	if (instances > 0)
		snprintf(inst, sizeof(inst), ",\"instances\":%d", instances);
	snprintf(body, sizeof(body), "{\"id\":\"%s\",\"requestType\":\"%s\""
	    "%s}", rid, type, inst);
	return (kc_post_json(h, "/singularity/v1/requests", body));
}

/* A deploy "d1" of cmd, its tasks healthy after running healthy_s. */
static int
kc_deploy_one(struct bench_http *h, const char *rid, const char *cmd,
    int healthy_s)
{
	char body[1024];

	snprintf(body, sizeof(body), "{\"deploy\":{\"requestId\":\"%s\","
	    "\"id\":\"d1\",\"command\":\"%s\","
	    "\"considerHealthyAfterRunningForSeconds\":%d}}", rid, cmd,
	    healthy_s);
	return (kc_post_json(h, "/singularity/v1/deploys", body));
}

/* The first text column of a one-parameter query into buf; 0 or -1. */
static int
kc_db_text(sqlite3 *db, const char *sql, const char *arg, char *buf,
    size_t len)
{
	sqlite3_stmt	*st = NULL;
	int		 r = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL) {
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st,
		    0));
		r = 0;
	}
	sqlite3_finalize(st);
	return (r);
}

/* The request ids PREFIX-000000 .. sort between lo and hi. */
static void
kc_prefix_range(const char *prefix, char *lo, char *hi, size_t len)
{
	snprintf(lo, len, "%s-", prefix);
	snprintf(hi, len, "%s.", prefix);	/* '.' follows '-' */
}

/* A count over the prefix's tasks (the SQL binds ?1 lo and ?2 hi). */
static long
kc_db_count_range(sqlite3 *db, const char *sql, const char *lo,
    const char *hi)
{
	sqlite3_stmt	*st = NULL;
	long		 n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return (-1);
	sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (n);
}

static void
kc_sleep_until(int64_t mono_us)
{
	struct timespec ts = { mono_us / 1000000, (mono_us % 1000000) * 1000 };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

/* Pause every request PREFIX-000000 .. n-1 and wait until none of their
 * tasks is active; the time that took (µs from the first reply), or -1. */
static int64_t
kc_pause_all(struct bench_http *h, sqlite3 *db, const char *prefix, int n,
    long timeout_ms)
{
	char	path[256], lo[KC_ID_LEN], hi[KC_ID_LEN];
	int64_t	t0 = 0, deadline;
	int	i;

	kc_prefix_range(prefix, lo, hi, sizeof(lo));
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/singularity/v1/requests/request/"
		    "%s-%06d/pause", prefix, i);
		if (kc_post_json(h, path, "{}") < 0)
			return (-1);
		if (i == 0)
			t0 = bench_mono_us();
	}
	deadline = bench_mono_us() + timeout_ms * 1000;
	while (kc_db_count_range(db, "SELECT count(*) FROM tasks WHERE"
	    " request_id >= ?1 AND request_id < ?2 AND active = 1", lo,
	    hi) != 0) {
		if (bench_mono_us() > deadline)
			return (-1);
		usleep(5000);
	}
	return (bench_mono_us() - t0);
}

/* ---- idle ---- */

/* A task's LAUNCHED, STARTING and RUNNING timestamps (ms; 0 if none). */
static void
kc_task_times(sqlite3 *db, const char *tid, int64_t ts[3])
{
	static const char *const states[] = { "TASK_LAUNCHED",
	    "TASK_STARTING", "TASK_RUNNING" };
	sqlite3_stmt	*st = NULL;
	const char	*state;
	int		 i;

	ts[0] = ts[1] = ts[2] = 0;
	if (sqlite3_prepare_v2(db, "SELECT state, timestamp FROM task_updates"
	    " WHERE task_id = ?1", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, tid, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		state = (const char *)sqlite3_column_text(st, 0);
		for (i = 0; i < 3 && state != NULL; i++)
			if (strcmp(state, states[i]) == 0)
				ts[i] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
}

static int
kc_idle(const char *dbpath, const char *prefix, int n, long gap_ms,
    long timeout_ms)
{
	struct bench_http	 h = { .fd = -1, .port = kc_port };
	struct bench_samples	 run = { 0 }, vis = { 0 }, launched = { 0 };
	struct bench_samples	 ls = { 0 }, sr = { 0 };
	sqlite3			*db = NULL;
	char			 rid[KC_ID_LEN], tid[512], path[700];
	int64_t			 reply, deadline, ts[3], seen, stop_us;
	int			 i, r = 1;

	if ((db = kc_db_open(dbpath)) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		snprintf(rid, sizeof(rid), "%s-%06d", prefix, i);
		if (kc_request(&h, rid, "SERVICE", 1) < 0)
			goto out;
		/* Quiet: the request's own wake-ups and the last task's
		 * follow-ups are over before the timed deploy. */
		usleep((useconds_t)gap_ms * 1000);
		if (kc_deploy_one(&h, rid, "sleep 600", 0) < 0)
			goto out;
		reply = bench_now_us();
		deadline = bench_mono_us() + timeout_ms * 1000;
		while (kc_db_text(db, "SELECT task_id FROM tasks WHERE"
		    " request_id = ?1", rid, tid, sizeof(tid)) < 0) {
			if (bench_mono_us() > deadline)
				goto timeout;
			usleep(KC_POLL_US);
		}
		snprintf(path, sizeof(path), "/singularity/v1/history/task/%s",
		    tid);
		for (;;) {
			if (bench_http_do(&h, "GET", path, NULL) == 0 &&
			    h.status == 200 &&
			    strstr(h.body, "\"TASK_RUNNING\"") != NULL)
				break;
			if (bench_mono_us() > deadline)
				goto timeout;
			usleep(KC_POLL_US);
		}
		seen = bench_now_us();
		kc_task_times(db, tid, ts);
		/* Stamps are whole ms: take the middle of that ms. */
		(void)bench_samples_add(&vis, seen - reply);
		(void)bench_samples_add(&run, ts[2] * 1000 + 500 - reply);
		(void)bench_samples_add(&launched, ts[0] * 1000 + 500 - reply);
		(void)bench_samples_add(&ls, (ts[1] - ts[0]) * 1000);
		(void)bench_samples_add(&sr, (ts[2] - ts[1]) * 1000);
	}
	stop_us = kc_pause_all(&h, db, prefix, n, timeout_ms);
	printf("BENCH deploys=%zu want=%d p50_us=%lld p99_us=%lld "
	    "max_us=%lld visible_p50_us=%lld visible_p99_us=%lld "
	    "launched_p50_us=%lld launched_p99_us=%lld ls_p50_us=%lld "
	    "ls_p99_us=%lld sr_p50_us=%lld sr_p99_us=%lld stop_us=%lld\n",
	    run.n, n, (long long)bench_percentile(run.v, run.n, 50),
	    (long long)bench_percentile(run.v, run.n, 99),
	    (long long)bench_percentile(run.v, run.n, 100),
	    (long long)bench_percentile(vis.v, vis.n, 50),
	    (long long)bench_percentile(vis.v, vis.n, 99),
	    (long long)bench_percentile(launched.v, launched.n, 50),
	    (long long)bench_percentile(launched.v, launched.n, 99),
	    (long long)bench_percentile(ls.v, ls.n, 50),
	    (long long)bench_percentile(ls.v, ls.n, 99),
	    (long long)bench_percentile(sr.v, sr.n, 50),
	    (long long)bench_percentile(sr.v, sr.n, 99), (long long)stop_us);
	r = (int)run.n == n ? 0 : 1;
	goto out;
timeout:
	fprintf(stderr, "kerr_client: %s not RUNNING within %ld ms\n", rid,
	    timeout_ms);
out:
	sqlite3_close(db);
	bench_samples_free(&run), bench_samples_free(&vis);
	bench_samples_free(&launched), bench_samples_free(&ls);
	bench_samples_free(&sr);
	bench_http_close(&h);
	return (r);
}

/* ---- runs and many: run-now at a pace ---- */

struct kc_runs {
	const char	*prefix;
	int		 nreq;
	long		 total;
	double		 rate;		/* per second; 0: as fast as answered */
	int64_t		 t0;		/* mono µs when run 0 is due */
	int64_t		 stop;		/* mono µs: no run is sent after */
	atomic_long	 next;
	atomic_long	 replied;
	atomic_long	 errors;
	int64_t		*reply;		/* wall µs of each reply, 0: failed */
	int64_t		*late;		/* µs each was sent behind schedule */
};

static void *
kc_runs_worker(void *arg)
{
	struct kc_runs		*r = arg;
	struct bench_http	 h = { .fd = -1, .port = kc_port };
	char			 path[256], body[64];
	int64_t			 due;
	long			 k;

	while ((k = atomic_fetch_add(&r->next, 1)) < r->total) {
		if (r->rate > 0) {
			due = r->t0 + (int64_t)((double)k * 1e6 / r->rate);
			kc_sleep_until(due);
			if (bench_mono_us() > r->stop)
				break;
			r->late[k] = bench_mono_us() - due;
		}
		snprintf(path, sizeof(path), "/singularity/v1/requests/request/"
		    "%s-%06ld/run?minimal=true", r->prefix, k % r->nreq);
		snprintf(body, sizeof(body), "{\"runId\":\"run-%07ld\"}", k);
		if (bench_http_do(&h, "POST", path, body) < 0 ||
		    h.status != 200) {
			if (atomic_fetch_add(&r->errors, 1) == 0)
				fprintf(stderr, "kerr_client: POST %s: %d "
				    "%.200s\n", path, h.status, h.body != NULL ?
				    h.body : "");
			continue;
		}
		r->reply[k] = bench_now_us();
		atomic_fetch_add(&r->replied, 1);
	}
	bench_http_close(&h);
	return (NULL);
}

/* ON_DEMAND requests PREFIX-000000 .. nreq-1 with a deploy of cmd,
 * waited for until active. */
static int
kc_runs_setup(struct bench_http *h, sqlite3 *db, const char *prefix,
    int nreq, const char *cmd)
{
	char	rid[KC_ID_LEN], like[KC_ID_LEN + 2];
	int	i;

	for (i = 0; i < nreq; i++) {
		snprintf(rid, sizeof(rid), "%s-%06d", prefix, i);
		if (kc_request(h, rid, "ON_DEMAND", 0) < 0 ||
		    kc_deploy_one(h, rid, cmd, 1) < 0)
			return (-1);
	}
	snprintf(like, sizeof(like), "%s-%%", prefix);
	if (kc_db_wait(db, "SELECT count(*) FROM request_deploy_state WHERE"
	    " request_id LIKE ?1 AND active_deploy_id IS NOT NULL AND"
	    " pending_deploy_id IS NULL", like, nreq, 30000) < 0) {
		fprintf(stderr, "kerr_client: %s deploys not active after "
		    "30 s\n", prefix);
		return (-1);
	}
	return (0);
}

/* Starts the senders; kc_runs_join waits for them. */
static int
kc_runs_start(struct kc_runs *r, pthread_t *th, int nth)
{
	int i;

	r->reply = calloc((size_t)r->total, sizeof(*r->reply));
	r->late = calloc((size_t)r->total, sizeof(*r->late));
	if (r->reply == NULL || r->late == NULL)
		return (-1);
	r->t0 = bench_mono_us() + 20000;
	for (i = 0; i < nth; i++)
		pthread_create(&th[i], NULL, kc_runs_worker, r);
	return (0);
}

static void
kc_runs_join(pthread_t *th, int nth)
{
	int i;

	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
}

static void
kc_runs_free(struct kc_runs *r)
{
	free(r->reply);
	free(r->late);
}

static const char KC_SQL_RUNNING[] = "SELECT count(*) FROM tasks WHERE"
    " request_id >= ?1 AND request_id < ?2 AND running_at IS NOT NULL";

/* Waits until every answered run has a RUNNING task; 0 or -1. */
static int
kc_runs_wait(sqlite3 *db, struct kc_runs *r, const char *lo, const char *hi,
    long timeout_ms)
{
	int64_t deadline = bench_mono_us() + timeout_ms * 1000;

	while (kc_db_count_range(db, KC_SQL_RUNNING, lo, hi) <
	    atomic_load(&r->replied)) {
		if (bench_mono_us() > deadline)
			return (-1);
		usleep(10000);
	}
	return (0);
}

/*
 * Per run: running_at - its reply, into all and, by when the run was
 * due, into the first or last quarter; *ret_last the latest running_at
 * (wall µs).  Returns how many runs reached RUNNING.
 */
static long
kc_runs_latency(sqlite3 *db, struct kc_runs *r, const char *lo,
    const char *hi, struct bench_samples *all, struct bench_samples *first,
    struct bench_samples *last, int64_t *ret_last)
{
	sqlite3_stmt	*st = NULL;
	const char	*run;
	int64_t		 at;
	long		 k, n = 0;

	*ret_last = 0;
	if (sqlite3_prepare_v2(db, "SELECT run_id, running_at FROM tasks"
	    " WHERE request_id >= ?1 AND request_id < ?2 AND run_id IS NOT"
	    " NULL AND running_at IS NOT NULL", -1, &st, NULL) != SQLITE_OK)
		return (0);
	sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		run = (const char *)sqlite3_column_text(st, 0);
		if (run == NULL || strncmp(run, "run-", 4) != 0)
			continue;
		k = atol(run + 4);
		if (k < 0 || k >= r->total || r->reply[k] == 0)
			continue;
		at = sqlite3_column_int64(st, 1) * 1000 + 500;
		(void)bench_samples_add(all, at - r->reply[k]);
		if (k < r->total / 4)
			(void)bench_samples_add(first, at - r->reply[k]);
		else if (k >= r->total - r->total / 4)
			(void)bench_samples_add(last, at - r->reply[k]);
		if (at > *ret_last)
			*ret_last = at;
		n++;
	}
	sqlite3_finalize(st);
	return (n);
}

static int
kc_runs(const char *dbpath, const char *prefix, int nreq, double rate,
    long ms, long timeout_ms, const char *cmd)
{
	struct bench_http	 h = { .fd = -1, .port = kc_port };
	struct bench_samples	 all = { 0 }, first = { 0 }, last = { 0 };
	struct bench_samples	 lag = { 0 };
	struct kc_runs		 r = { .prefix = prefix, .nreq = nreq,
				     .rate = rate };
	pthread_t		 th[KC_RUNS_CONNS];
	sqlite3			*db = NULL;
	char			 lo[KC_ID_LEN], hi[KC_ID_LEN];
	double			 bl_first = 0, bl_last = 0;
	int64_t			 now, end, last_reply = 0, last_run, t_end;
	long			 k, ran, running, bl, bl_max = 0;
	long			 n_first = 0, n_last = 0, sent = 0;
	int			 started = 0, rc = 1;

	r.total = (long)(rate * (double)ms / 1000.0);
	kc_prefix_range(prefix, lo, hi, sizeof(lo));
	if (nreq < 1 || r.total < 1 || (db = kc_db_open(dbpath)) == NULL ||
	    kc_runs_setup(&h, db, prefix, nreq, cmd) < 0 ||
	    kc_runs_start(&r, th, KC_RUNS_CONNS) < 0)
		goto out;
	started = 1;
	end = r.t0 + ms * 1000;
	r.stop = end + KC_RUNS_GRACE_MS * 1000;
	/* The backlog while sending: runs answered, not yet RUNNING. */
	while ((now = bench_mono_us()) < r.stop + 200000 &&
	    atomic_load(&r.next) < r.total + KC_RUNS_CONNS) {
		usleep(KC_SAMPLE_MS * 1000);
		running = kc_db_count_range(db, KC_SQL_RUNNING, lo, hi);
		bl = atomic_load(&r.replied) - running;
		if (bl > bl_max)
			bl_max = bl;
		if (now - r.t0 < ms * 250) {
			bl_first += (double)bl;
			n_first++;
		} else if (now - r.t0 >= ms * 750 && now < end) {
			bl_last += (double)bl;
			n_last++;
		}
	}
	kc_runs_join(th, KC_RUNS_CONNS);
	started = 0;
	t_end = bench_mono_us();
	if (kc_runs_wait(db, &r, lo, hi, timeout_ms) < 0)
		fprintf(stderr, "kerr_client: not every run RUNNING within "
		    "%ld ms of the last\n", timeout_ms);
	ran = kc_runs_latency(db, &r, lo, hi, &all, &first, &last, &last_run);
	for (k = 0; k < r.total; k++) {
		if (r.reply[k] != 0)
			(void)bench_samples_add(&lag, r.late[k]);
		if (r.reply[k] > last_reply)
			last_reply = r.reply[k];
	}
	for (k = 0; k < r.total; k++)
		sent += r.reply[k] != 0;
	printf("BENCH runs=%ld sent=%ld replied=%ld errors=%ld running=%ld "
	    "sent_per_s=%.1f p50_us=%lld p99_us=%lld max_us=%lld "
	    "first_p99_us=%lld last_p99_us=%lld backlog_first=%.1f "
	    "backlog_last=%.1f backlog_max=%ld late_p99_us=%lld "
	    "late_max_us=%lld drain_us=%lld\n", r.total,
	    sent + atomic_load(&r.errors),
	    atomic_load(&r.replied), atomic_load(&r.errors), ran,
	    (double)atomic_load(&r.replied) * 1e6 / (double)(t_end - r.t0),
	    (long long)bench_percentile(all.v, all.n, 50),
	    (long long)bench_percentile(all.v, all.n, 99),
	    (long long)bench_percentile(all.v, all.n, 100),
	    (long long)bench_percentile(first.v, first.n, 99),
	    (long long)bench_percentile(last.v, last.n, 99),
	    n_first > 0 ? bl_first / (double)n_first : 0.0,
	    n_last > 0 ? bl_last / (double)n_last : 0.0, bl_max,
	    (long long)bench_percentile(lag.v, lag.n, 99),
	    (long long)bench_percentile(lag.v, lag.n, 100),
	    (long long)(last_run > last_reply ? last_run - last_reply : 0));
	rc = ran == r.total ? 0 : 1;
out:
	if (started)
		kc_runs_join(th, KC_RUNS_CONNS);
	kc_runs_free(&r);
	sqlite3_close(db);
	bench_samples_free(&all), bench_samples_free(&first);
	bench_samples_free(&last), bench_samples_free(&lag);
	bench_http_close(&h);
	return (rc);
}

/* ---- many ---- */

/* Live-thread CPU of the daemons, and of the supervisors, in µs. */
static void
kc_many_cpu(const int *dpid, const int *sup, size_t ns, long long *ret_d,
    long long *ret_sup)
{
	long long	v;
	size_t		i;

	for (i = 0; i < 3; i++)
		ret_d[i] = bench_proc_sched_us(dpid[i]);
	*ret_sup = 0;
	for (i = 0; i < ns; i++)
		if ((v = bench_proc_sched_us(sup[i])) > 0)
			*ret_sup += v;
}

static int
kc_many(const char *dbpath, const char *prefix, long n, long idle_ms,
    const int *dpid, long timeout_ms)
{
	struct bench_http	 h = { .fd = -1, .port = kc_port };
	struct kc_runs		 r = { .prefix = prefix,
				     .nreq = KC_RUN_THREADS, .total = n };
	struct bench_smaps	 sm;
	pthread_t		 th[KC_RUN_THREADS];
	sqlite3			*db = NULL;
	sqlite3_stmt		*st = NULL;
	char			 lo[KC_ID_LEN], hi[KC_ID_LEN];
	int			*sup = NULL;
	long long		 d0[3], d1[3], s0, s1;
	long			 priv = 0, pss = 0, rss = 0, nsm = 0;
	size_t			 ns = 0;
	int64_t			 first_reply = 0, launch_us, stop_us;
	long			 k;
	int			 rc = 1;

	kc_prefix_range(prefix, lo, hi, sizeof(lo));
	if (n < 1 || (db = kc_db_open(dbpath)) == NULL ||
	    kc_runs_setup(&h, db, prefix, r.nreq, "sleep 600") < 0 ||
	    kc_runs_start(&r, th, KC_RUN_THREADS) < 0)
		goto out;
	kc_runs_join(th, KC_RUN_THREADS);
	if (kc_runs_wait(db, &r, lo, hi, timeout_ms) < 0)
		fprintf(stderr, "kerr_client: not all %ld runs RUNNING within "
		    "%ld ms\n", n, timeout_ms);
	launch_us = bench_now_us();
	for (k = 0; k < n; k++)
		if (r.reply[k] > 0 && (first_reply == 0 ||
		    r.reply[k] < first_reply))
			first_reply = r.reply[k];
	/* Let the last RUNNING events and their passes settle. */
	usleep(1000000);
	if ((sup = calloc((size_t)n, sizeof(*sup))) == NULL ||
	    sqlite3_prepare_v2(db, "SELECT supervisor_pid FROM tasks WHERE"
	    " request_id >= ?1 AND request_id < ?2 AND active = 1 AND"
	    " supervisor_pid > 0", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW && ns < (size_t)n)
		sup[ns++] = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	for (k = 0; k < (long)ns; k++)
		if (bench_proc_smaps(sup[k], &sm) == 0) {
			priv += sm.private_clean + sm.private_dirty;
			pss += sm.pss;
			rss += sm.rss;
			nsm++;
		}
	kc_many_cpu(dpid, sup, ns, d0, &s0);
	usleep((useconds_t)idle_ms * 1000);
	kc_many_cpu(dpid, sup, ns, d1, &s1);
	stop_us = kc_pause_all(&h, db, prefix, r.nreq, timeout_ms);
	printf("BENCH tasks=%zu want=%ld launch_all_us=%lld "
	    "sup_private_kb=%.1f sup_pss_kb=%.1f sup_rss_kb=%.1f idle_ms=%ld "
	    "apid_idle_us=%lld schedulerd_idle_us=%lld cleanerd_idle_us=%lld "
	    "supervisors_idle_us=%lld stop_us=%lld\n", ns, n,
	    (long long)(launch_us - first_reply),
	    nsm > 0 ? (double)priv / (double)nsm : -1.0,
	    nsm > 0 ? (double)pss / (double)nsm : -1.0,
	    nsm > 0 ? (double)rss / (double)nsm : -1.0, idle_ms,
	    d1[0] - d0[0], d1[1] - d0[1], d1[2] - d0[2], s1 - s0,
	    (long long)stop_us);
	rc = (long)ns == n ? 0 : 1;
out:
	sqlite3_finalize(st);
	kc_runs_free(&r);
	free(sup);
	sqlite3_close(db);
	bench_http_close(&h);
	return (rc);
}

int
main(int argc, char **argv)
{
	if (argc < 3)
		goto usage;
	kc_port = atoi(argv[1]);
	if (argc == 8 && strcmp(argv[2], "post") == 0)
		return (kc_post(argv[3], atoi(argv[4]), atol(argv[5]),
		    atol(argv[6]), atol(argv[7])));
	if (argc == 6 && strcmp(argv[2], "get") == 0)
		return (kc_get(argv[3], atol(argv[4]), atol(argv[5])));
	if (argc == 8 && strcmp(argv[2], "deploy") == 0)
		return (kc_deploy(argv[3], argv[4], atoi(argv[5]),
		    atoi(argv[6]), atol(argv[7])));
	if (argc == 7 && strcmp(argv[2], "pause") == 0)
		return (kc_pause(argv[3], argv[4], atoi(argv[5]),
		    atol(argv[6])));
	if (argc == 8 && strcmp(argv[2], "idle") == 0)
		return (kc_idle(argv[3], argv[4], atoi(argv[5]),
		    atol(argv[6]), atol(argv[7])));
	if (argc == 10 && strcmp(argv[2], "runs") == 0)
		return (kc_runs(argv[3], argv[4], atoi(argv[5]),
		    atof(argv[6]), atol(argv[7]), atol(argv[8]), argv[9]));
	if (argc == 11 && strcmp(argv[2], "many") == 0) {
		int dpid[3] = { atoi(argv[7]), atoi(argv[8]), atoi(argv[9]) };

		return (kc_many(argv[3], argv[4], atol(argv[5]),
		    atol(argv[6]), dpid, atol(argv[10])));
	}
usage:
	fprintf(stderr, "usage: kerr_client PORT post PREFIX CLIENTS MS MAX START\n"
	    "       kerr_client PORT get PATH MS MAX\n"
	    "       kerr_client PORT deploy DB PREFIX NREQ INSTANCES TIMEOUT_MS\n"
	    "       kerr_client PORT pause DB PREFIX NREQ TIMEOUT_MS\n"
	    "       kerr_client PORT idle DB PREFIX N GAP_MS TIMEOUT_MS\n"
	    "       kerr_client PORT runs DB PREFIX NREQ RATE DURATION_MS "
	    "TIMEOUT_MS CMD\n"
	    "       kerr_client PORT many DB PREFIX N IDLE_MS APID SCHEDULERD "
	    "CLEANERD TIMEOUT_MS\n");
	return (2);
}
