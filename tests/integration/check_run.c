/*
 * kerr-run, what `make run` runs, on a temp state directory and a free
 * port: kill -9 of each daemon brings that one back after the backoff
 * while the other two keep running; the delay grows; a clean exit is not
 * restarted; SIGINT or SIGTERM, also during a backoff, leaves no daemon;
 * a second copy of any daemon refuses to start, saying who runs, and a
 * second kerr-run on the same state gives up.
 * The daemons' pids come from their lock files, <runtime_dir>/kerr-*.lock.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "clock.h"
#include "daemon.h"
#include "fixture.h"
#include "harness.h"
#include "lockfile.h"

Suite	*run_suite(void);

#define V1	"/singularity/v1"

static pid_t	run_pid;		/* kerr-run */

/* Parent pid of a live process, 0 if gone or a zombie. */
static pid_t
proc_parent(pid_t pid)
{
	char	*buf, *p, state;
	int	 ppid = 0;

	buf = harness_proc_file(pid, "stat", NULL);
	/* "pid (comm) S ppid ...": comm may hold anything, skip to ')'. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %c %d", &state, &ppid) != 2 || state == 'Z')
		ppid = 0;
	free(buf);
	return ((pid_t)ppid);
}

static pid_t
lock_pid(enum harness_daemon which)
{
	char	path[PATH_MAX];
	pid_t	pid = 0;

	snprintf(path, sizeof(path), "%s/run/kerr-%s.lock", harness_env.dir,
	    harness_daemon_name(which));
	if (lockfile_read_pid(path, &pid) < 0)
		return (0);
	return (pid);
}

/* The pids the three lock files name, by enum harness_daemon. */
static void
lock_pids(pid_t pids[HARNESS_NDAEMONS])
{
	int i;

	for (i = 0; i < HARNESS_NDAEMONS; i++)
		pids[i] = lock_pid((enum harness_daemon)i);
}

/* The pid of a daemon kerr-run started, other than `old`, within limit. */
static pid_t
wait_daemon(enum harness_daemon which, pid_t old, long limit_ms)
{
	int64_t	deadline = clock_mono_ms() + limit_ms;
	pid_t	pid;

	do {
		pid = lock_pid(which);
		if (pid > 0 && pid != old && proc_parent(pid) == run_pid)
			return (pid);
		usleep(20000);
	} while (clock_mono_ms() < deadline);
	ck_abort_msg("no new kerr-%s under kerr-run within %ld ms (lock "
	    "names %d; logs in %s)", harness_daemon_name(which), limit_ms,
	    (int)lock_pid(which), harness_env.dir);
	return (0);
}

/* Whether kerr-run's log (its lines and the daemons') contains s. */
static int
run_log_has(const char *s)
{
	char	 path[PATH_MAX], *buf;
	int	 found;

	snprintf(path, sizeof(path), "%s/kerr-run.log", harness_env.dir);
	buf = fixture_read_file(path, NULL);
	found = strstr(buf, s) != NULL;
	free(buf);
	return (found);
}

static void
wait_log(const char *s, long limit_ms)
{
	int64_t deadline = clock_mono_ms() + limit_ms;

	while (!run_log_has(s) && clock_mono_ms() < deadline)
		usleep(20000);
	ck_assert_msg(run_log_has(s), "kerr-run.log lacks '%s' (in %s)", s,
	    harness_env.dir);
}

/* Processes running kerr-apid, -schedulerd or -cleanerd on our config. */
static int
count_daemons(void)
{
	static const char *const bins[] = { "/kerr-apid", "/kerr-schedulerd",
	    "/kerr-cleanerd" };
	struct dirent	*de;
	char		 path[64], exe[PATH_MAX];
	size_t		 i, len;
	ssize_t		 n;
	pid_t		 pid;
	DIR		*d;
	int		 count = 0;

	ck_assert_ptr_nonnull(d = opendir("/proc"));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9' ||
		    proc_parent(pid = (pid_t)atoi(de->d_name)) == 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
		if ((n = readlink(path, exe, sizeof(exe) - 1)) < 0)
			continue;
		exe[n] = '\0';
		for (i = 0; i < sizeof(bins) / sizeof(bins[0]); i++) {
			len = strlen(bins[i]);
			if ((size_t)n > len &&
			    strcmp(exe + n - len, bins[i]) == 0 &&
			    strncmp(exe, harness_env.build_dir,
			    strlen(harness_env.build_dir)) == 0 &&
			    harness_proc_has(pid, "cmdline",
			    harness_env.conf_path))
				count++;
		}
	}
	closedir(d);
	return (count);
}

/* kerr-run on a fresh config; the API answers and all three hold locks. */
static void
run_setup(void)
{
	char	bin[PATH_MAX];
	char	*argv[] = { bin, "-c", harness_env.conf_path, NULL };
	int	i;

	harness_prepare(&harness_env, HARNESS_SHORT_GRACE);
	snprintf(bin, sizeof(bin), "%s/kerr-run", harness_env.build_dir);
	run_pid = harness_spawn_argv(&harness_env, argv);
	harness_wait_api(&harness_env);
	for (i = 0; i < HARNESS_NDAEMONS; i++)
		(void)wait_daemon((enum harness_daemon)i, 0, 5000);
}

static void
run_teardown(void)
{
	if (run_pid > 0) {
		(void)kill(run_pid, SIGTERM);
		(void)harness_wait_pid(run_pid, 15000, NULL);
		run_pid = 0;
	}
	harness_cleanup(&harness_env);
}

/* SIGTERM or SIGINT to kerr-run: it exits 0 and no daemon is left. */
static void
stop_runner(int sig)
{
	int status;

	ck_assert_int_eq(kill(run_pid, sig), 0);
	ck_assert_msg(harness_wait_pid(run_pid, 5000, &status),
	    "kerr-run still running 5 s after signal %d", sig);
	run_pid = 0;
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "kerr-run wait status 0x%x", status);
	ck_assert_int_eq(count_daemons(), 0);
	ck_assert(run_log_has("kerr: stopped\n"));
}

/* A one-instance worker running `sleep 1000`. */
static void
start_worker(const char *id)
{
	harness_request(id, "WORKER", 1);
	harness_deploy(id, "d1", "sleep 1000", NULL);
}

/* The process group of the request's running task, once there is one;
 * 0 once there is none, when want_none. */
static pid_t
wait_task(const char *request, int want_none)
{
	char		sql[256];
	int64_t		deadline = clock_mono_ms() + 15000;
	long long	pgid;

	snprintf(sql, sizeof(sql), "SELECT coalesce((SELECT task_pgid FROM"
	    " tasks WHERE active = 1 AND state = 'TASK_RUNNING' AND"
	    " request_id = '%s'), 0)", request);
	do {
		pgid = harness_sql_int(&harness_env, sql);
		if (want_none ? pgid == 0 : pgid > 0 && kill((pid_t)pgid, 0)
		    == 0)
			return ((pid_t)pgid);
		usleep(50000);
	} while (clock_mono_ms() < deadline);
	ck_abort_msg("%s: task %s within 15 s", request, want_none ?
	    "still running" : "not running");
	return (0);
}

/* The other two daemons are the same processes, still kerr-run's. */
static void
assert_others_unchanged(enum harness_daemon killed, const pid_t *pids)
{
	int i;

	for (i = 0; i < HARNESS_NDAEMONS; i++) {
		if (i == (int)killed)
			continue;
		ck_assert_msg(lock_pid((enum harness_daemon)i) == pids[i] &&
		    proc_parent(pids[i]) == run_pid, "kerr-%s (pid %d) did "
		    "not keep running while kerr-%s restarted",
		    harness_daemon_name((enum harness_daemon)i), (int)pids[i],
		    harness_daemon_name(killed));
	}
}

START_TEST(test_run_kill9_each_daemon_comes_back)
{
	char	line[128];
	pid_t	pids[HARNESS_NDAEMONS], task, fresh;
	long	t0, took;
	int	i, d;

	lock_pids(pids);
	start_worker("keep");
	task = wait_task("keep", 0);
	for (d = 0; d < HARNESS_NDAEMONS; d++) {
		t0 = clock_mono_ms();
		ck_assert_int_eq(kill(pids[d], SIGKILL), 0);
		/* Watch the other two for the whole backoff. */
		while (clock_mono_ms() - t0 < 800) {
			assert_others_unchanged((enum harness_daemon)d, pids);
			usleep(100000);
		}
		fresh = wait_daemon((enum harness_daemon)d, pids[d], 5000);
		took = clock_mono_ms() - t0;
		ck_assert_msg(took >= 900, "kerr-%s back after %ld ms, before "
		    "the 1 s delay", harness_daemon_name(d), took);
		snprintf(line, sizeof(line), "kerr: kerr-%s killed by signal 9 "
		    "(KILL); restarting in 1 s\n", harness_daemon_name(d));
		ck_assert_msg(run_log_has(line), "no line '%s'", line);
		assert_others_unchanged((enum harness_daemon)d, pids);
		pids[d] = fresh;
		if (d == HARNESS_APID)
			harness_wait_api(&harness_env);
	}
	/* The restarted three work: a new worker starts (apid, schedulerd),
	 * deletes kill both tasks (cleanerd); the first task lived on. */
	ck_assert_int_eq(wait_task("keep", 0), task);
	start_worker("after");
	(void)wait_task("after", 0);
	json_decref(http_json(&harness_env, "DELETE", V1 "/requests/request/"
	    "keep", NULL, 200));
	json_decref(http_json(&harness_env, "DELETE", V1 "/requests/request/"
	    "after", NULL, 200));
	(void)wait_task("keep", 1);
	(void)wait_task("after", 1);
	for (i = 0; i < HARNESS_NDAEMONS; i++)
		ck_assert_int_eq(proc_parent(pids[i]), run_pid);
	stop_runner(SIGTERM);
	for (i = 0; i < HARNESS_NDAEMONS; i++)
		ck_assert_int_eq(proc_parent(pids[i]), 0);
}
END_TEST

START_TEST(test_run_delay_grows_while_failing)
{
	pid_t	pid = lock_pid(HARNESS_CLEANERD), fresh;
	long	t0, took;

	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	fresh = wait_daemon(HARNESS_CLEANERD, pid, 5000);
	/* Dead again within a second of running: twice the delay. */
	t0 = clock_mono_ms();
	ck_assert_int_eq(kill(fresh, SIGKILL), 0);
	(void)wait_daemon(HARNESS_CLEANERD, fresh, 6000);
	took = clock_mono_ms() - t0;
	ck_assert_msg(took >= 1900, "back after %ld ms, before 2 s", took);
	ck_assert(run_log_has("kerr: kerr-cleanerd killed by signal 9 (KILL);"
	    " restarting in 1 s\n"));
	ck_assert(run_log_has("kerr: kerr-cleanerd killed by signal 9 (KILL);"
	    " restarting in 2 s\n"));
}
END_TEST

/* As systemd's on-failure: a daemon asked to stop stays stopped. */
START_TEST(test_run_clean_exit_not_restarted)
{
	pid_t pids[HARNESS_NDAEMONS];

	lock_pids(pids);
	ck_assert_int_eq(kill(pids[HARNESS_APID], SIGTERM), 0);
	wait_log("kerr: kerr-apid exited with status 0; not restarting\n",
	    5000);
	usleep(1500000);		/* past the first delay */
	ck_assert_int_eq(proc_parent(pids[HARNESS_APID]), 0);
	ck_assert_int_eq(lock_pid(HARNESS_APID), pids[HARNESS_APID]);
	assert_others_unchanged(HARNESS_APID, pids);
	ck_assert_int_eq(count_daemons(), 2);
	stop_runner(SIGTERM);
}
END_TEST

/* Ctrl-C while a restart waits: nothing is started, nothing is left. */
START_TEST(test_run_interrupt_during_backoff_leaves_nothing)
{
	pid_t pid = lock_pid(HARNESS_SCHEDULERD);

	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	wait_log("kerr: kerr-schedulerd killed by signal 9 (KILL); "
	    "restarting in 1 s\n", 2000);
	stop_runner(SIGINT);
	usleep(1200000);		/* past the delay */
	ck_assert_int_eq(count_daemons(), 0);
	ck_assert_int_eq(lock_pid(HARNESS_SCHEDULERD), pid);
}
END_TEST

/* A daemon that does not stop holds the stop up, and no restart comes
 * due meanwhile; a second signal kills it. */
START_TEST(test_run_second_interrupt_kills_a_stuck_daemon)
{
	pid_t	apid = lock_pid(HARNESS_APID);
	pid_t	sched = lock_pid(HARNESS_SCHEDULERD);

	ck_assert_int_eq(kill(apid, SIGSTOP), 0);
	ck_assert_int_eq(kill(sched, SIGKILL), 0);
	wait_log("kerr: kerr-schedulerd killed by signal 9 (KILL); "
	    "restarting in 1 s\n", 2000);
	ck_assert_int_eq(kill(run_pid, SIGINT), 0);
	usleep(1500000);		/* past the delay, short of 10 s */
	ck_assert_int_eq(proc_parent(run_pid), getpid());
	ck_assert_int_eq(count_daemons(), 1);	/* the stuck apid only */
	ck_assert_int_eq(lock_pid(HARNESS_SCHEDULERD), sched);
	stop_runner(SIGINT);
	ck_assert(run_log_has("kerr: Received SIGINT again, killing the "
	    "daemons\n"));
	ck_assert(run_log_has("kerr: kerr-apid killed by signal 9 (KILL)\n"));
}
END_TEST

/* A second copy of each daemon on the same state directory. */
START_TEST(test_run_second_copy_refuses)
{
	char		 bin[PATH_MAX], log[PATH_MAX], want[PATH_MAX * 2];
	char		*argv[] = { bin, "-c", harness_env.conf_path, NULL };
	char		*text;
	pid_t		 pids[HARNESS_NDAEMONS], pid;
	int		 i, status;

	lock_pids(pids);
	for (i = 0; i < HARNESS_NDAEMONS; i++) {
		snprintf(bin, sizeof(bin), "%s/kerr-%s", harness_env.build_dir,
		    harness_daemon_name((enum harness_daemon)i));
		pid = harness_spawn_argv(&harness_env, argv);
		ck_assert(harness_wait_pid(pid, 5000, &status));
		ck_assert_msg(WIFEXITED(status) &&
		    WEXITSTATUS(status) == DAEMON_EXIT_RUNNING,
		    "second kerr-%s: wait status 0x%x",
		    harness_daemon_name((enum harness_daemon)i), status);
		snprintf(log, sizeof(log), "%s/kerr-%s.log", harness_env.dir,
		    harness_daemon_name((enum harness_daemon)i));
		text = fixture_read_file(log, NULL);
		snprintf(want, sizeof(want), "kerr-%s is already running on "
		    "state directory '%s/state' (lock '%s/run/kerr-%s.lock' "
		    "held by pid %d)", harness_daemon_name(i),
		    harness_env.dir, harness_env.dir, harness_daemon_name(i),
		    (int)pids[i]);
		ck_assert_msg(strstr(text, want) != NULL, "log: %s", text);
		/* Refused before the store: no migration, no bus socket. */
		ck_assert_ptr_null(strstr(text, "database"));
		free(text);
	}
	/* The first copies never noticed. */
	for (i = 0; i < HARNESS_NDAEMONS; i++) {
		ck_assert_int_eq(lock_pid((enum harness_daemon)i), pids[i]);
		ck_assert_int_eq(proc_parent(pids[i]), run_pid);
	}
	json_decref(harness_get_json(V1 "/state"));
}
END_TEST

/* A second `make run` in the same folder: it gives up, the first runs on. */
START_TEST(test_run_second_runner_gives_up)
{
	char	bin[PATH_MAX], link[PATH_MAX], log[PATH_MAX];
	char	*argv[] = { link, "-c", harness_env.conf_path, NULL };
	char	*text;
	pid_t	pids[HARNESS_NDAEMONS], pid;
	int	i, status;

	lock_pids(pids);
	/* Another name only for another log file (kerr-run-2.log). */
	snprintf(bin, sizeof(bin), "%s/kerr-run", harness_env.build_dir);
	snprintf(link, sizeof(link), "%s/kerr-run-2", harness_env.dir);
	ck_assert_int_eq(symlink(bin, link), 0);
	pid = harness_spawn_argv(&harness_env, argv);
	ck_assert_msg(harness_wait_pid(pid, 5000, &status),
	    "second kerr-run still running after 5 s");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1,
	    "second kerr-run: wait status 0x%x", status);
	snprintf(log, sizeof(log), "%s/kerr-run-2.log", harness_env.dir);
	text = fixture_read_file(log, NULL);
	for (i = 0; i < HARNESS_NDAEMONS; i++) {
		snprintf(bin, sizeof(bin), "kerr: kerr-%s exited with status "
		    "75 (another copy is running); not restarting\n",
		    harness_daemon_name((enum harness_daemon)i));
		ck_assert_msg(strstr(text, bin) != NULL, "log: %s", text);
		ck_assert_int_eq(lock_pid((enum harness_daemon)i), pids[i]);
		ck_assert_int_eq(proc_parent(pids[i]), run_pid);
	}
	ck_assert_msg(strstr(text, "restarting in") == NULL, "log: %s", text);
	free(text);
	json_decref(harness_get_json(V1 "/state"));
}
END_TEST

Suite *
run_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("kerr-run"),
		FIXTURE_CHECKED(run_setup, run_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_run_kill9_each_daemon_comes_back),
		FIXTURE_TEST(test_run_delay_grows_while_failing),
		FIXTURE_TEST(test_run_clean_exit_not_restarted),
		FIXTURE_TEST(test_run_interrupt_during_backoff_leaves_nothing),
		FIXTURE_TEST(test_run_second_interrupt_kills_a_stuck_daemon),
		FIXTURE_TEST(test_run_second_copy_refuses),
		FIXTURE_TEST(test_run_second_runner_gives_up),
		FIXTURE_END
	};

	return (fixture_suite("run", tests));
}
