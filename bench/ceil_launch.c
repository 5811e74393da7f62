/*
 * Task ceilings: what this machine can do without kerr around it.
 *
 *   ceil_launch launch DIR THREADS DURATION_MS MAX
 *	Each thread loops: mkdir a fresh sandbox DIR/<t>-<n>, create its
 *	stdout and stderr files, posix_spawn /bin/true in a new session
 *	(POSIX_SPAWN_SETSID) with both redirected, waitpid.
 *	BENCH launches=N secs=S rate=R p50_us=.. p99_us=..  (latency: from
 *	the mkdir to posix_spawn's return, i.e. until the exec succeeded)
 *
 *   ceil_launch kill N
 *	Starts N "/bin/sh -c 'sleep 600'" (the shape of a kerr task) each in
 *	its own session, then SIGTERMs every group at once and waits until
 *	every process of every group is gone (we are their subreaper).
 *	BENCH tasks=N all_gone_us=.. p50_us=.. p99_us=..
 *
 *   ceil_launch cgroup DIR N GAP_MS
 *	What the kernel takes to put a new process into a fresh memory
 *	cgroup, the step a task with limits takes before its exec: N times,
 *	GAP_MS apart (an idle system), mkdir DIR/<n>, fork a child that
 *	waits, time the write of its pid to DIR/<n>/cgroup.procs, end it and
 *	rmdir.  DIR is a directory in a memory cgroup hierarchy (v1 or v2).
 *	BENCH attaches=N p50_us=.. p99_us=..
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"

extern char **environ;

struct ceil_launch_worker {
	pthread_t		 thread;
	int			 no;
	const char		*dir;
	int64_t			 deadline;
	long			 max;
	long			 done;
	int			 err;
	struct bench_samples	 lat;
};

static long long
ceil_launch_tv_us(const struct timeval *tv)
{
	return ((long long)tv->tv_sec * 1000000 + tv->tv_usec);
}

static int
ceil_launch_one(const char *dir, int no, long n, int64_t *ret_lat)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	char				 sb[4096], out[4200], err[4200];
	char				*argv[] = { "/bin/true", NULL };
	int64_t				 t0 = bench_mono_us();
	pid_t				 pid;
	int				 r, status;

	snprintf(sb, sizeof(sb), "%s/%d-%ld", dir, no, n);
	snprintf(out, sizeof(out), "%s/stdout", sb);
	snprintf(err, sizeof(err), "%s/stderr", sb);
	if (mkdir(sb, 0755) != 0)
		return (-errno);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
	posix_spawn_file_actions_addopen(&fa, 1, out,
	    O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, err,
	    O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addchdir_np(&fa, sb);
	r = posix_spawn(&pid, argv[0], &fa, &attr, argv, environ);
	*ret_lat = bench_mono_us() - t0;
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (r != 0)
		return (-r);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return (0);
}

static void *
ceil_launch_worker(void *arg)
{
	struct ceil_launch_worker	*w = arg;
	int64_t				 lat;

	while (w->done < w->max && bench_mono_us() < w->deadline) {
		if ((w->err = ceil_launch_one(w->dir, w->no, w->done,
		    &lat)) < 0)
			break;
		(void)bench_samples_add(&w->lat, lat);
		w->done++;
	}
	return (NULL);
}

static int
ceil_launch_launch(const char *dir, int threads, long ms, long max)
{
	struct ceil_launch_worker	*w;
	struct bench_samples		 all = { 0 };
	struct rusage			 self, kids;
	long long			 cpu_us;
	int64_t				 start, secs_us;
	long				 total = 0;
	size_t				 j;
	int				 i, r = 0;

	if ((w = calloc((size_t)threads, sizeof(*w))) == NULL)
		return (1);
	start = bench_mono_us();
	for (i = 0; i < threads; i++) {
		w[i].no = i;
		w[i].dir = dir;
		w[i].deadline = start + ms * 1000;
		w[i].max = max / threads;
		pthread_create(&w[i].thread, NULL, ceil_launch_worker, &w[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].err < 0) {
			fprintf(stderr, "ceil_launch: %s\n",
			    strerror(-w[i].err));
			r = 1;
		}
		total += w[i].done;
		for (j = 0; j < w[i].lat.n; j++)
			(void)bench_samples_add(&all, w[i].lat.v[j]);
		bench_samples_free(&w[i].lat);
	}
	secs_us = bench_mono_us() - start;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	cpu_us = ceil_launch_tv_us(&self.ru_utime) +
	    ceil_launch_tv_us(&self.ru_stime) +
	    ceil_launch_tv_us(&kids.ru_utime) +
	    ceil_launch_tv_us(&kids.ru_stime);
	printf("BENCH launches=%ld secs=%.3f rate=%.1f p50_us=%lld "
	    "p99_us=%lld cpu_us_per_launch=%lld\n", total,
	    (double)secs_us / 1e6,
	    (double)total * 1e6 / (double)secs_us,
	    (long long)bench_percentile(all.v, all.n, 50),
	    (long long)bench_percentile(all.v, all.n, 99),
	    total > 0 ? cpu_us / total : 0);
	bench_samples_free(&all);
	free(w);
	return (r);
}

static int
ceil_launch_kill(int n)
{
	posix_spawnattr_t	 attr;
	char			*argv[] = { "/bin/sh", "-c", "sleep 600", NULL };
	int			*pgid, *pids, *grp, *left;
	int64_t			*gone, start, all;
	size_t			 members, k;
	int			 i, g, status, remaining;
	pid_t			 pid;

	pgid = calloc((size_t)n, sizeof(*pgid));
	left = calloc((size_t)n, sizeof(*left));
	gone = calloc((size_t)n, sizeof(*gone));
	pids = calloc((size_t)n * 4, sizeof(*pids));
	grp = calloc((size_t)n * 4, sizeof(*grp));
	if (pgid == NULL || left == NULL || gone == NULL || pids == NULL ||
	    grp == NULL)
		return (1);
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
	for (i = 0; i < n; i++)
		if (posix_spawn(&pgid[i], argv[0], NULL, &attr, argv,
		    environ) != 0)
			return (1);
	posix_spawnattr_destroy(&attr);
	/* Let every shell start its sleep, then see who is in each group. */
	usleep(300000);
	members = bench_proc_members(pgid, (size_t)n, pids, grp,
	    (size_t)n * 4);
	for (k = 0; k < members; k++)
		left[grp[k]]++;
	remaining = (int)members;
	start = bench_mono_us();
	for (i = 0; i < n; i++)
		(void)kill(-pgid[i], SIGTERM);
	while (remaining > 0 && (pid = waitpid(-1, &status, 0)) > 0) {
		for (k = 0; k < members; k++)
			if (pids[k] == pid)
				break;
		if (k == members)
			continue;
		remaining--;
		g = grp[k];
		if (--left[g] == 0)
			gone[g] = bench_mono_us() - start;
	}
	all = 0;
	for (i = 0; i < n; i++)
		if (gone[i] > all)
			all = gone[i];
	printf("BENCH tasks=%d processes=%zu all_gone_us=%lld p50_us=%lld "
	    "p99_us=%lld\n", n, members, (long long)all,
	    (long long)bench_percentile(gone, (size_t)n, 50),
	    (long long)bench_percentile(gone, (size_t)n, 99));
	/* Anything left (it should not be) dies with us. */
	for (i = 0; i < n; i++)
		(void)kill(-pgid[i], SIGKILL);
	while (waitpid(-1, &status, WNOHANG) > 0)
		;
	free(pgid), free(left), free(gone), free(pids), free(grp);
	return (0);
}

static int
ceil_launch_cgroup(const char *dir, int n, long gap_ms)
{
	struct bench_samples	 lat = { 0 };
	char			 path[4096], pid_s[32];
	int64_t			 t0;
	pid_t			 pid;
	int			 i, fd, status, p[2], r = 0;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return (1);
	for (i = 0; i < n && r == 0; i++) {
		usleep((useconds_t)gap_ms * 1000);
		snprintf(path, sizeof(path), "%s/%d", dir, i);
		if (mkdir(path, 0755) != 0 || pipe(p) != 0) {
			r = 1;
			break;
		}
		if ((pid = fork()) == 0) {
			char c;

			close(p[1]);
			(void)!read(p[0], &c, 1);
			_exit(0);
		}
		close(p[0]);
		snprintf(path, sizeof(path), "%s/%d/cgroup.procs", dir, i);
		snprintf(pid_s, sizeof(pid_s), "%d", (int)pid);
		t0 = bench_mono_us();
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 ||
		    write(fd, pid_s, strlen(pid_s)) < 0)
			r = 1;
		else
			(void)bench_samples_add(&lat, bench_mono_us() - t0);
		if (fd >= 0)
			close(fd);
		close(p[1]);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		snprintf(path, sizeof(path), "%s/%d", dir, i);
		(void)rmdir(path);
	}
	(void)rmdir(dir);
	printf("BENCH attaches=%zu p50_us=%lld p99_us=%lld\n", lat.n,
	    (long long)bench_percentile(lat.v, lat.n, 50),
	    (long long)bench_percentile(lat.v, lat.n, 99));
	bench_samples_free(&lat);
	return (r);
}

int
main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "launch") == 0)
		return (ceil_launch_launch(argv[2], atoi(argv[3]),
		    atol(argv[4]), atol(argv[5])));
	if (argc == 3 && strcmp(argv[1], "kill") == 0)
		return (ceil_launch_kill(atoi(argv[2])));
	if (argc == 5 && strcmp(argv[1], "cgroup") == 0)
		return (ceil_launch_cgroup(argv[2], atoi(argv[3]),
		    atol(argv[4])));
	fprintf(stderr, "usage: ceil_launch launch DIR THREADS DURATION_MS "
	    "MAX\n       ceil_launch kill N\n"
	    "       ceil_launch cgroup DIR N GAP_MS\n");
	return (2);
}
