/*
 * The load generator and stopwatch for kerr's own figures.  Every mode
 * talks to apid on 127.0.0.1:PORT and prints one "BENCH key=value ..."
 * line for the harness; progress and errors go to stderr.
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
 */
#include <sys/syscall.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench_util.h"

#define KC_MAX_TASKS	4096
#define KC_ID_LEN	64

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
usage:
	fprintf(stderr, "usage: kerr_client PORT post PREFIX CLIENTS MS MAX START\n"
	    "       kerr_client PORT get PATH MS MAX\n"
	    "       kerr_client PORT deploy DB PREFIX NREQ INSTANCES TIMEOUT_MS\n"
	    "       kerr_client PORT pause DB PREFIX NREQ TIMEOUT_MS\n");
	return (2);
}
