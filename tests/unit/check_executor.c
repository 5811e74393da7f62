/*
 * Unit tests for the local executor's verbs and the pieces under them:
 * common/executor/proc.c, daemons/supervisor/cgroup.c (on a fake tree,
 * then for real when the host has the controllers), and
 * common/executor/executor_local.c's launch, kill, probe and replay with
 * its claim on a launch.  What the supervisor it spawns does with a task
 * is check_supervisor.c's; both play the scheduler through
 * executor_harness.h.
 */
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "cgroup.h"
#include "executor.h"
#include "executor_harness.h"
#include "executor_local.h"
#include "fixture.h"
#include "proc.h"
#include "task_event.h"

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*executor_suite(void);

/* Take the claim on a task's launch, as a live supervisor holds it. */
static int
check_executor_hold_claim(const struct check_task *t)
{
	char	path[PATH_MAX];
	int	fd;

	snprintf(path, sizeof(path), "%s/%s/%s", t->sandbox,
	    EXECUTOR_LOCAL_DIR, EXECUTOR_LOCAL_LOCK);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	return (fd);
}

START_TEST(test_executor_proc_start_ticks)
{
	uint64_t	a, b;
	siginfo_t	si;
	pid_t		pid;

	ck_assert_int_eq(proc_start_ticks(getpid(), &a), 0);
	/* The name is parsed around, even with ") " inside it. */
	ck_assert_int_eq(prctl(PR_SET_NAME, "a) b (c) Z 1", 0, 0, 0), 0);
	ck_assert_int_eq(proc_start_ticks(getpid(), &b), 0);
	ck_assert_uint_eq(a, b);
	ck_assert_int_eq(proc_start_ticks(0, &a), -EINVAL);
	if ((pid = fork()) == 0)
		_exit(0);
	ck_assert_int_gt(pid, 0);
	/* Exited, not yet reaped: a zombie is gone. */
	ck_assert_int_eq(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT),
	    0);
	ck_assert_int_eq(proc_start_ticks(pid, &a), -ESRCH);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	ck_assert_int_eq(proc_start_ticks(pid, &a), -ESRCH);
}
END_TEST

START_TEST(test_executor_find)
{
	ck_assert_ptr_eq(executor_find("local"), &executor_local);
	ck_assert_ptr_null(executor_find("mesos"));
	ck_assert_ptr_null(executor_find(NULL));
	ck_assert_str_eq(executor_local.name, "local");
}
END_TEST

/* A fake v2 root: files stand in for the kernel's. */
START_TEST(test_executor_cgroup_detect)
{
	struct cgroup_env	env;
	char			path[PATH_MAX], want[PATH_MAX];

	ck_assert_int_eq(cgroup_detect_root(executor_harness_dir, &env), 0);
	ck_assert_int_eq(env.mode, CGROUP_NONE);
	snprintf(path, sizeof(path), "%s/cgroup.controllers",
	    executor_harness_dir);
	fixture_write_file(path, "cpuset cpu io memory pids\n");
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control",
	    executor_harness_dir);
	fixture_write_file(path, "cpuset memory\n");
	ck_assert_int_eq(cgroup_detect_root(executor_harness_dir, &env), 0);
	ck_assert_int_eq(env.mode, CGROUP_V2);
	ck_assert_int_eq(env.has_memory, 1);
	ck_assert_int_eq(env.has_cpu, 0);	/* cpuset is not cpu */
	snprintf(want, sizeof(want), "%s/kerr", executor_harness_dir);
	ck_assert_str_eq(env.memory, want);
	fixture_write_file(path, "");
	/* Listed but not handed down: fall back to v1, absent here too. */
	ck_assert_int_eq(cgroup_detect_root(executor_harness_dir, &env), 0);
	ck_assert_int_eq(env.mode, CGROUP_NONE);
	ck_assert_int_eq(setenv(CGROUP_ROOT_ENV, executor_harness_dir, 1), 0);
	fixture_write_file(path, "memory cpu\n");
	ck_assert_int_eq(cgroup_detect(&env), 0);
	ck_assert_int_eq(env.mode, CGROUP_V2);
	ck_assert_int_eq(env.has_cpu, 1);
	ck_assert_str_eq(env.cpu, want);
	ck_assert_int_eq(unsetenv(CGROUP_ROOT_ENV), 0);
}
END_TEST

/* A fake v1 tree: the control files are made by hand after mkdir. */
START_TEST(test_executor_cgroup_v1_files)
{
	static const char *const files[] = {
		"memory/kerr/t/memory.limit_in_bytes",
		"memory/kerr/t/memory.memsw.limit_in_bytes",
		"memory/kerr/t/memory.oom_control",
		"cpu/kerr/t/cpu.cfs_period_us", "cpu/kerr/t/cpu.cfs_quota_us",
	};
	struct cgroup_env	env;
	char			path[PATH_MAX];
	char			*s;
	size_t			i;

	snprintf(path, sizeof(path), "%s/memory", executor_harness_dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/cpu", executor_harness_dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/memory/memory.limit_in_bytes",
	    executor_harness_dir);
	fixture_write_file(path, "");
	snprintf(path, sizeof(path), "%s/cpu/cpu.cfs_quota_us",
	    executor_harness_dir);
	fixture_write_file(path, "");
	ck_assert_int_eq(cgroup_detect_root(executor_harness_dir, &env), 0);
	ck_assert_int_eq(env.mode, CGROUP_V1);
	ck_assert_int_eq(cgroup_task_mkdir(&env, "../x", 1, 1), -EINVAL);
	ck_assert_int_eq(cgroup_task_mkdir(&env, "t", 0.5, 32), 0);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", executor_harness_dir,
		    files[i]);
		fixture_write_file(path, "");
	}
	ck_assert_int_eq(cgroup_task_limit_memory(&env, "t", 32), 0);
	ck_assert_int_eq(cgroup_task_limit_cpu(&env, "t", 0.5), 0);
	snprintf(path, sizeof(path), "%s/%s", executor_harness_dir, files[1]);
	s = fixture_read_file(path, NULL);
	ck_assert_str_eq(s, "33554432");
	free(s);
	snprintf(path, sizeof(path), "%s/%s", executor_harness_dir, files[4]);
	s = fixture_read_file(path, NULL);
	ck_assert_str_eq(s, "50000");
	free(s);
	/* The kernel's floor is 1 ms of every 100. */
	ck_assert_int_eq(cgroup_task_limit_cpu(&env, "t", 0.001), 0);
	s = fixture_read_file(path, NULL);
	ck_assert_str_eq(s, "1000");
	free(s);
	snprintf(path, sizeof(path), "%s/%s", executor_harness_dir, files[2]);
	fixture_write_file(path, "oom_kill_disable 0\nunder_oom 0\n"
	    "oom_kill 0\n");
	ck_assert_int_eq(cgroup_task_oom_killed(&env, "t"), 0);
	fixture_write_file(path, "oom_kill_disable 0\nunder_oom 0\n"
	    "oom_kill 2\n");
	ck_assert_int_eq(cgroup_task_oom_killed(&env, "t"), 1);
	ck_assert_int_eq(cgroup_task_oom_killed(&env, "other"), 0);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", executor_harness_dir,
		    files[i]);
		ck_assert_int_eq(unlink(path), 0);
	}
	ck_assert_int_eq(cgroup_task_remove(&env, "t"), 0);
	snprintf(path, sizeof(path), "%s/memory/kerr/t", executor_harness_dir);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(cgroup_task_remove(&env, "t"), 0);
}
END_TEST

/* The real controllers, when this host has them. */
START_TEST(test_executor_cgroup_real)
{
	struct cgroup_env	 env;
	char			 id[64], path[2 * PATH_MAX];
	char			*s;
	pid_t			 pid;
	int			 status;

	ck_assert_int_eq(cgroup_detect(&env), 0);
	if (env.mode != CGROUP_V1 || !env.has_memory || !env.has_cpu) {
		fprintf(stderr, "test_executor_cgroup_real: skipped, needs "
		    "cgroup v1 memory and cpu\n");
		return;
	}
	snprintf(id, sizeof(id), "check-cg-%d", (int)getpid());
	ck_assert_int_eq(cgroup_task_create(&env, id, 0.5, 32), 0);
	snprintf(path, sizeof(path), "%s/%s/memory.limit_in_bytes",
	    env.memory, id);
	s = fixture_read_file(path, NULL);
	ck_assert_str_eq(s, "33554432\n");
	free(s);
	snprintf(path, sizeof(path), "%s/%s/cpu.cfs_quota_us", env.cpu, id);
	s = fixture_read_file(path, NULL);
	ck_assert_str_eq(s, "50000\n");
	free(s);
	/* A child joins and leaves: the group must be empty to go. */
	if ((pid = fork()) == 0)
		_exit(cgroup_task_join(&env, id, getpid()) == 0 ? 0 : 1);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(cgroup_task_oom_killed(&env, id), 0);
	ck_assert_int_eq(cgroup_task_remove(&env, id), 0);
	snprintf(path, sizeof(path), "%s/%s", env.memory, id);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

/* The supervisor reports the facts; the scheduler knows it asked. */
START_TEST(test_executor_kill_term)
{
	static char			*argv[] = { "sleep", "100", NULL };
	struct check_task		 t;
	struct executor_handle		 h;
	const struct task_event		*e;

	executor_harness_listen();
	executor_harness_launch(&t, "term", argv, NULL, 0);
	executor_harness_until(&t, "TASK_RUNNING", 1);
	executor_harness_handle(&t, &h);
	ck_assert_int_eq(executor_local.probe("t", &h), 1);
	ck_assert_int_eq(executor_local.kill("t", &h, SIGTERM), 0);
	executor_harness_run(&t);
	executor_harness_states(&t, "TASK_STARTING TASK_RUNNING TASK_FAILED");
	e = executor_harness_last(&t);
	ck_assert_int_eq(e->signal, SIGTERM);
	ck_assert_int_eq(e->exit_code, -1);
	ck_assert_int_eq(e->oom, 0);
	ck_assert_str_eq(e->message, "Terminated by signal SIGTERM");
	ck_assert_str_eq(e->reason, "REASON_COMMAND_EXECUTOR_FAILED");
	ck_assert_int_eq(kill(-h.pgid, 0), -1);
	ck_assert_int_eq(errno, ESRCH);
	ck_assert_int_eq(executor_local.probe("t", &h), 0);
	ck_assert_int_eq(executor_local.kill("t", &h, SIGTERM), -ESRCH);
}
END_TEST

START_TEST(test_executor_kill_stale_handle)
{
	static char			*argv[] = { "sleep", "100", NULL };
	struct check_task		 t;
	struct executor_handle		 h, stale;
	const struct task_event		*e;

	executor_harness_listen();
	executor_harness_launch(&t, "stale", argv, NULL, 0);
	executor_harness_until(&t, "TASK_RUNNING", 1);
	executor_harness_handle(&t, &h);
	stale = h;
	stale.start_ticks++;
	ck_assert_int_eq(executor_local.kill("t", &stale, SIGKILL), -ESRCH);
	ck_assert_int_eq(executor_local.probe("t", &stale), 0);
	stale = h;
	stale.pid = 0;
	ck_assert_int_eq(executor_local.kill("t", &stale, SIGKILL), -ESRCH);
	stale = h;
	stale.pgid = 1;		/* never kill(-1, ...) */
	ck_assert_int_eq(executor_local.kill("t", &stale, SIGKILL), -EINVAL);
	ck_assert_int_eq(kill(h.pgid, 0), 0);
	ck_assert_int_eq(executor_local.kill("t", &h, SIGKILL), 0);
	executor_harness_run(&t);
	e = executor_harness_last(&t);
	ck_assert_str_eq(e->state, "TASK_FAILED");
	ck_assert_int_eq(e->signal, SIGKILL);
	ck_assert_str_eq(e->message, "Terminated by signal SIGKILL");
}
END_TEST

/* Several at once; one the executor refuses, the others go on. */
START_TEST(test_executor_launch_many)
{
	static char		*argv[] = { "true", NULL };
	struct check_task	 t[3];
	struct executor_launch	 l[3];
	int			 r[3] = { 1, 1, 1 };
	size_t			 i;

	executor_harness_listen();
	for (i = 0; i < 3; i++) {
		executor_harness_prepare(&t[i], i == 0 ? "many0" : i == 1 ?
		    "many1" : "many2");
		executor_harness_fill(&t[i], &l[i], argv,
		    executor_harness_path_env, NULL, 0);
	}
	l[1].sandbox_dir = "relative/path";
	executor_local.launch(l, 3, r);
	ck_assert_int_eq(r[0], 0);
	ck_assert_int_eq(r[1], -EINVAL);
	ck_assert_int_eq(r[2], 0);
	/* Each task's events come apart, whatever the interleaving. */
	executor_harness_until(&t[0], NULL, 1);
	executor_harness_until(&t[2], NULL, 1);
	executor_harness_exited(&t[0]);
	executor_harness_exited(&t[2]);
	executor_harness_file_matches(&t[0]);
	executor_harness_file_matches(&t[2]);
	executor_harness_states(&t[2], "TASK_STARTING TASK_RUNNING "
	    "TASK_FINISHED");
	ck_assert_int_ne(t[0].pid, t[2].pid);
}
END_TEST

/* A launch the supervisor cannot even start: an error, or its exit. */
START_TEST(test_executor_launch_bad_supervisor)
{
	static char		*argv[] = { "true", NULL };
	struct executor_launch	 l;
	struct check_task	 t;
	char			 saved[PATH_MAX], *events;
	int			 r = 1, status, lock;

	snprintf(saved, sizeof(saved), "%s",
	    getenv(EXECUTOR_LOCAL_SUPERVISOR_ENV));
	executor_harness_prepare(&t, "bad");
	executor_harness_fill(&t, &l, argv, executor_harness_path_env, NULL,
	    0);
	ck_assert_int_eq(setenv(EXECUTOR_LOCAL_SUPERVISOR_ENV,
	    "/nonexistent/kerr-supervisor", 1), 0);
	executor_local.launch(&l, 1, &r);
	ck_assert_int_eq(r, -ENOENT);
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	/* A launch whose claim is held (its supervisor lives): never twice. */
	lock = check_executor_hold_claim(&t);
	executor_local.launch(&l, 1, &r);
	ck_assert_int_eq(r, -EALREADY);
	ck_assert_int_eq(close(lock), 0);
	/* Spawned, then dead without a word: the caller reaps it. */
	ck_assert_int_eq(setenv(EXECUTOR_LOCAL_SUPERVISOR_ENV, "/bin/false",
	    1), 0);
	executor_local.launch(&l, 1, &r);
	ck_assert_int_eq(r, 0);
	ck_assert_int_gt(waitpid(-1, &status, 0), 0);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	events = executor_harness_sandbox_file(&t, EXECUTOR_LOCAL_DIR "/"
	    TASK_EVENT_FILE);
	ck_assert_str_eq(events, "");
	free(events);
	ck_assert_int_eq(setenv(EXECUTOR_LOCAL_SUPERVISOR_ENV, saved, 1), 0);
	l.events = NULL;
	executor_local.launch(&l, 1, &r);
	ck_assert_int_eq(r, -EINVAL);
}
END_TEST

/* The scheduler's way back to what it missed. */
START_TEST(test_executor_replay)
{
	static char		*argv[] = { "true", NULL };
	struct check_task	 t;
	struct check_replay	 c;
	char			 path[PATH_MAX], line[TASK_EVENT_LINE_MAX];
	char			 junk[3 * 4 * TASK_EVENT_LINE_MAX];
	FILE			*fp;

	executor_harness_listen();
	executor_harness_launch(&t, "replay", argv, NULL, 0);
	executor_harness_run(&t);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(executor_local.replay(t.sandbox, t.id, 0,
	    executor_harness_replay_fn, &c), 0);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_uint_eq(c.seqs[0], 1);
	ck_assert_uint_eq(c.seqs[2], 3);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(executor_local.replay(t.sandbox, t.id, 2,
	    executor_harness_replay_fn, &c), 0);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.seqs[0], 3);
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	ck_assert_int_eq(executor_local.replay(t.sandbox, t.id, 0,
	    executor_harness_replay_fn, &c), 7);
	ck_assert_uint_eq(c.n, 2);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(executor_local.replay(t.sandbox, "other", 0,
	    executor_harness_replay_fn, &c), 0);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_int_eq(executor_local.replay("/nonexistent", t.id, 0,
	    executor_harness_replay_fn, &c), -ENOENT);
	/* Junk, an overlong line and a line still being written: skipped. */
	snprintf(path, sizeof(path), "%s/%s/%s", t.sandbox,
	    EXECUTOR_LOCAL_DIR, TASK_EVENT_FILE);
	ck_assert_ptr_nonnull(fp = fopen(path, "a"));
	memset(junk, 'x', sizeof(junk) - 1);
	junk[sizeof(junk) - 1] = '\0';
	fprintf(fp, "junk\n%s\n", junk);
	executor_harness_line(&t.ev[2], line, sizeof(line));
	line[strlen(line) - 1] = '\0';
	fprintf(fp, "%s\n", line);
	fprintf(fp, "%s", line);
	ck_assert_int_eq(fclose(fp), 0);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(executor_local.replay(t.sandbox, t.id, 0,
	    executor_harness_replay_fn, &c), 0);
	ck_assert_uint_eq(c.n, 4);
	ck_assert_uint_eq(c.seqs[3], 3);
}
END_TEST

Suite *
executor_suite(void)
{
	Suite	*s = suite_create("executor");
	TCase	*tc;

	tc = executor_harness_tcase(s, "core");
	tcase_add_test(tc, test_executor_proc_start_ticks);
	tcase_add_test(tc, test_executor_find);
	tcase_add_test(tc, test_executor_cgroup_detect);
	tcase_add_test(tc, test_executor_cgroup_v1_files);
	tcase_add_test(tc, test_executor_cgroup_real);
	tcase_add_test(tc, test_executor_kill_term);
	tcase_add_test(tc, test_executor_kill_stale_handle);
	tcase_add_test(tc, test_executor_launch_many);
	tcase_add_test(tc, test_executor_launch_bad_supervisor);
	tcase_add_test(tc, test_executor_replay);
	return (s);
}
