/*
 * Unit tests for kerr-supervisor (daemons/supervisor/), spawned by the
 * local executor as the scheduler spawns it: a task's states and exit
 * as its events tell them, its environment, user and memory limit, the
 * group swept at its end, and the event channel's side of it (signals
 * while it sends, resends until acknowledged, nobody listening).  The
 * tests play the scheduler through executor_harness.h.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "cgroup.h"
#include "clock.h"
#include "executor.h"
#include "executor_harness.h"
#include "executor_local.h"
#include "executor_sandbox.h"
#include "fixture.h"
#include "proc.h"
#include "task_event.h"

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*supervisor_suite(void);

#define CHECK_SUPERVISOR_QUIET_MS	500	/* nothing more happens */
#define CHECK_SUPERVISOR_SIGTERM	(1ULL << (SIGTERM - 1))

static void
check_supervisor_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	(void)nanosleep(&ts, NULL);
}

/* No event of t for a while (proving a negative takes a wait). */
static void
check_supervisor_quiet(struct check_task *t)
{
	struct task_event	e;
	unsigned		n = t->n;

	while (executor_harness_take(t, CHECK_SUPERVISOR_QUIET_MS, &e) == 1)
		ck_assert_msg(t->n == n, "task %s: unexpected %s", t->id,
		    e.state);
}

/* pid is gone for good: not running, not a zombie. */
static void
check_supervisor_wait_gone(pid_t pid)
{
	int64_t		deadline = clock_mono_ms() + EXECUTOR_HARNESS_WAIT_MS;
	uint64_t	ticks;

	while (proc_start_ticks(pid, &ticks) == 0) {
		ck_assert_msg(clock_mono_ms() < deadline, "pid %d still "
		    "alive", (int)pid);
		executor_harness_pause();
	}
}

/* Spawned as the executor does, keeping the pid (the executor does not). */
static void
check_supervisor_spawn(struct check_task *t, char *const *argv)
{
	char		 dir[PATH_MAX];
	char		*sv[16];
	size_t		 i, n = 0;

	snprintf(dir, sizeof(dir), "%s/tasks", executor_harness_dir);
	ck_assert(mkdir(dir, 0755) == 0 || errno == EEXIST);
	ck_assert_int_eq(mkdir(t->sandbox, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/%s", t->sandbox, EXECUTOR_LOCAL_DIR);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	sv[n++] = getenv(EXECUTOR_LOCAL_SUPERVISOR_ENV);
	sv[n++] = "-t";
	sv[n++] = t->id;
	sv[n++] = "-s";
	sv[n++] = t->sandbox;
	sv[n++] = "-e";
	sv[n++] = executor_harness_sock;
	sv[n++] = "-v";
	sv[n++] = "debug";
	sv[n++] = "--";
	for (i = 0; argv[i] != NULL && n < 15; i++)
		sv[n++] = argv[i];
	sv[n] = NULL;
	ck_assert_int_eq(posix_spawn(&t->pid, sv[0], NULL, NULL, sv,
	    executor_harness_path_env), 0);
}

/* Until the process blocks SIGTERM: it reads stops from then on. */
static void
check_supervisor_wait_blocked(pid_t pid)
{
	int64_t			 deadline;
	unsigned long long	 blocked;
	char			 path[64], *status, *p;

	deadline = clock_mono_ms() + EXECUTOR_HARNESS_WAIT_MS;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	for (;;) {
		status = fixture_read_file(path, NULL);
		p = strstr(status, "SigBlk:");
		blocked = p != NULL ? strtoull(p + 7, NULL, 16) : 0;
		free(status);
		if (blocked & CHECK_SUPERVISOR_SIGTERM)
			return;
		ck_assert_msg(clock_mono_ms() < deadline, "pid %d never "
		    "blocked SIGTERM", (int)pid);
		executor_harness_pause();
	}
}

/* Fill the scheduler's queue: the next sender waits for room. */
static int
check_supervisor_fill_queue(void)
{
	struct sockaddr_un	sun = { .sun_family = AF_UNIX };
	int			fd;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	memcpy(sun.sun_path, executor_harness_sock,
	    strlen(executor_harness_sock));
	while (sendto(fd, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&sun,
	    sizeof(sun)) == 1)
		;
	ck_assert_int_eq(errno, EAGAIN);
	return (fd);
}

START_TEST(test_supervisor_exit_status)
{
	static char			*argv[] = { "sh", "-c",
					    "echo hello; echo oops >&2; "
					    "exit 3", NULL };
	struct check_task		 t;
	const struct task_event		*e;
	struct stat			 st;
	char				*s, path[PATH_MAX];

	executor_harness_listen();
	executor_harness_launch(&t, "status", argv, NULL, 0);
	executor_harness_run(&t);
	executor_harness_states(&t, "TASK_STARTING TASK_RUNNING TASK_FAILED");
	e = executor_harness_last(&t);
	ck_assert_uint_eq(e->seq, 3);
	ck_assert_int_eq(e->exit_code, 3);
	ck_assert_int_eq(e->signal, 0);
	ck_assert_int_eq(e->oom, 0);
	ck_assert_int_eq(e->pgid, t.ev[1].pgid);
	ck_assert_str_eq(e->message, "Exited with status 3");
	ck_assert_str_eq(e->reason, "REASON_COMMAND_EXECUTOR_FAILED");
	ck_assert_uint_eq(t.dups, 0);
	s = executor_harness_sandbox_file(&t, "stdout");
	ck_assert_str_eq(s, "hello\n");
	free(s);
	s = executor_harness_sandbox_file(&t, "stderr");
	ck_assert_str_eq(s, "oops\n");
	free(s);
	/* The executor's sandbox: browsable; .kerr and its files root's. */
	ck_assert_int_eq(stat(t.sandbox, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0755);
	snprintf(path, sizeof(path), "%s/%s", t.sandbox, EXECUTOR_LOCAL_DIR);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	snprintf(path, sizeof(path), "%s/%s/%s", t.sandbox,
	    EXECUTOR_LOCAL_DIR, TASK_EVENT_FILE);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	/* The group went with the command. */
	ck_assert_int_eq(kill(-t.ev[1].pgid, 0), -1);
	ck_assert_int_eq(errno, ESRCH);
}
END_TEST

START_TEST(test_supervisor_finished)
{
	static char			*argv[] = { "sh", "-c", "exit 0",
					    NULL };
	struct check_task		 t;
	const struct task_event		*e;

	executor_harness_listen();
	executor_harness_launch(&t, "finished", argv, NULL, 0);
	executor_harness_run(&t);
	executor_harness_states(&t, "TASK_STARTING TASK_RUNNING "
	    "TASK_FINISHED");
	e = executor_harness_last(&t);
	ck_assert_int_eq(e->exit_code, 0);
	ck_assert_int_eq(e->signal, 0);
	ck_assert_str_eq(e->reason, "");
	ck_assert_str_eq(e->message, "");
}
END_TEST

/* The shell's own words on why the command could not run. */
START_TEST(test_supervisor_exit_127_stderr)
{
	static char			*argv[] = { "sh", "-c",
					    "kerr-no-such-command", NULL };
	struct check_task		 t;
	const struct task_event		*e;
	char				*err, want[TASK_EVENT_MESSAGE_MAX];

	executor_harness_listen();
	executor_harness_launch(&t, "notfound", argv, NULL, 0);
	executor_harness_run(&t);
	executor_harness_states(&t, "TASK_STARTING TASK_RUNNING TASK_FAILED");
	e = executor_harness_last(&t);
	ck_assert_int_eq(e->exit_code, 127);
	err = executor_harness_sandbox_file(&t, "stderr");
	ck_assert_ptr_nonnull(strstr(err, "kerr-no-such-command"));
	err[strcspn(err, "\n")] = '\0';
	snprintf(want, sizeof(want), "Exited with status 127: %s", err);
	ck_assert_str_eq(e->message, want);
	free(err);
}
END_TEST

START_TEST(test_supervisor_env_argv)
{
	static char		*argv[] = { "sh", "-c", "echo \"$FOO\";"
				    " echo \"$0 $1\"; echo \"$MESOS_SANDBOX\";"
				    " pwd", "zero", "one", NULL };
	static char		*envp[] = { "FOO=bar baz",
				    "PATH=/usr/bin:/bin",
				    "MESOS_SANDBOX=/wrong", NULL };
	struct check_task	 t;
	char			 want[2 * PATH_MAX];
	char			*out;

	executor_harness_listen();
	executor_harness_prepare(&t, "env");
	executor_harness_start(&t, argv, envp, NULL, 0);
	executor_harness_run(&t);
	ck_assert_str_eq(executor_harness_last(&t)->state, "TASK_FINISHED");
	out = executor_harness_sandbox_file(&t, "stdout");
	snprintf(want, sizeof(want), "bar baz\nzero one\n%s\n%s\n",
	    t.sandbox, t.sandbox);
	ck_assert_str_eq(out, want);
	free(out);
}
END_TEST

START_TEST(test_supervisor_user_nobody)
{
	static char		*argv[] = { "id", "-u", NULL };
	struct check_task	 t;
	struct passwd		*pw;
	struct stat		 st;
	char			 want[32], path[PATH_MAX];
	char			*out;

	if (geteuid() != 0 || (pw = getpwnam("nobody")) == NULL) {
		fprintf(stderr, "test_supervisor_user_nobody: skipped, needs "
		    "root and user nobody\n");
		return;
	}
	executor_harness_listen();
	snprintf(want, sizeof(want), "%u\n", (unsigned int)pw->pw_uid);
	executor_harness_launch(&t, "nobody", argv, "nobody", 0);
	executor_harness_run(&t);
	ck_assert_str_eq(executor_harness_last(&t)->state, "TASK_FINISHED");
	out = executor_harness_sandbox_file(&t, "stdout");
	ck_assert_str_eq(out, want);
	free(out);
	snprintf(path, sizeof(path), "%s/stdout", t.sandbox);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_uid, pw->pw_uid);
	ck_assert_int_eq(stat(t.sandbox, &st), 0);
	ck_assert_uint_eq(st.st_uid, pw->pw_uid);
}
END_TEST

START_TEST(test_supervisor_user_unknown)
{
	static char			*argv[] = { "true", NULL };
	struct check_task		 t;
	const struct task_event		*e;
	char				*out;

	executor_harness_listen();
	executor_harness_launch(&t, "nouser", argv, "kerr-no-such-user", 0);
	executor_harness_run(&t);
	executor_harness_states(&t, "TASK_STARTING TASK_FAILED");
	e = executor_harness_last(&t);
	ck_assert_str_eq(e->message, "Failed to find user "
	    "'kerr-no-such-user': no such user");
	ck_assert_str_eq(e->reason, "REASON_COMMAND_EXECUTOR_FAILED");
	ck_assert_int_eq(e->exit_code, -1);
	ck_assert_int_eq(e->pgid, 0);
	out = executor_harness_sandbox_file(&t, "stdout");
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(test_supervisor_exec_missing)
{
	static char			*argv[] = { "kerr-no-such-program",
					    NULL };
	struct check_task		 t;
	const struct task_event		*e;
	char				*err;

	executor_harness_listen();
	executor_harness_launch(&t, "missing", argv, NULL, 0);
	executor_harness_run(&t);
	executor_harness_states(&t, "TASK_STARTING TASK_FAILED");
	e = executor_harness_last(&t);
	ck_assert_str_eq(e->message, "Failed to execute "
	    "'kerr-no-such-program': No such file or directory");
	ck_assert_str_eq(e->reason, "REASON_COMMAND_EXECUTOR_FAILED");
	err = executor_harness_sandbox_file(&t, "stderr");
	ck_assert_str_eq(err, "kerr: cannot execute 'kerr-no-such-program': "
	    "No such file or directory\n");
	free(err);
}
END_TEST

START_TEST(test_supervisor_memory_limit)
{
	static char			*argv[] = { "sh", "-c",
					    "a=$(head -c 200000000 /dev/zero |"
					    " tr '\\0' x); echo done", NULL };
	struct check_task		 t;
	const struct task_event		*e;
	struct cgroup_env		 env;
	char				 path[2 * PATH_MAX];

	ck_assert_int_eq(cgroup_detect(&env), 0);
	if (env.mode == CGROUP_NONE || !env.has_memory) {
		fprintf(stderr, "test_supervisor_memory_limit: skipped, no "
		    "memory cgroup controller\n");
		return;
	}
	executor_harness_listen();
	executor_harness_launch(&t, "memory", argv, NULL, 32);
	executor_harness_run(&t);
	e = executor_harness_last(&t);
	ck_assert_msg(strcmp(e->state, "TASK_FAILED") == 0, "%s: %s",
	    e->state, e->message);
	ck_assert_int_eq(e->oom, 1);
	ck_assert_str_eq(e->reason, "REASON_CONTAINER_LIMITATION_MEMORY");
	ck_assert_str_eq(e->message, "Memory limit exceeded: 32 MB");
	/* Removed before the supervisor left. */
	snprintf(path, sizeof(path), "%s/%s", env.memory, t.id);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

/* What is left of the group is killed and reaped with the command. */
START_TEST(test_supervisor_sweep_group)
{
	static char		*argv[] = { "sh", "-c",
				    "sleep 100 & echo $! > bg; exit 0", NULL };
	struct check_task	 t;
	char			*bg;

	executor_harness_listen();
	executor_harness_launch(&t, "sweep", argv, NULL, 0);
	executor_harness_run(&t);
	ck_assert_str_eq(executor_harness_last(&t)->state, "TASK_FINISHED");
	bg = executor_harness_sandbox_file(&t, "bg");
	ck_assert_int_gt(atoi(bg), 1);
	check_supervisor_wait_gone((pid_t)atoi(bg));
	free(bg);
}
END_TEST

/*
 * On a cluster node (-N -H -p): every event says where the task runs,
 * the command sees the ports picked there and TASK_HOST, a stop is
 * passed on even once the scheduler knows the group, and the wrapper
 * exits with its command's status (the cluster's record of the job).
 */
static pid_t
check_supervisor_node(struct check_task *t, const char *name,
    const char *command)
{
	char			*argv[] = { NULL, "-t", NULL, "-s", NULL, "-e",
				    executor_harness_sock, "-N", "batch", "-H",
				    "node7", "-p", "2:40000-40999", "-v", "7",
				    "--", "sh", "-c", (char *)(uintptr_t)command,
				    NULL };
	struct executor_launch	 l;
	pid_t			 pid;
	int			 claim;

	executor_harness_prepare(t, name);
	executor_harness_fill(t, &l, argv + 16, executor_harness_path_env,
	    NULL, 0);
	ck_assert_int_ge(claim = executor_sandbox_make(&l), 0);
	(void)close(claim);
	argv[0] = getenv(EXECUTOR_LOCAL_SUPERVISOR_ENV);
	argv[2] = t->id;
	argv[4] = t->sandbox;
	ck_assert_int_eq(posix_spawn(&pid, argv[0], NULL, NULL, argv,
	    executor_harness_path_env), 0);
	t->pid = pid;
	return (pid);
}

START_TEST(test_supervisor_cluster_node)
{
	struct check_task	 t, u;
	const struct task_event	*e;
	char			*out, want[64];
	int			 status, p0, p1;

	executor_harness_listen();
	check_supervisor_node(&t, "node", "echo $TASK_HOST $PORT $PORT0 "
	    "$PORT1; exit 4");
	executor_harness_until(&t, NULL, 1);
	ck_assert_int_eq(waitpid(t.pid, &status, 0), t.pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 4);
	executor_harness_states(&t, "TASK_STARTING TASK_RUNNING TASK_FAILED");
	for (unsigned i = 0; i < t.n; i++) {
		ck_assert_str_eq(t.ev[i].host, "node7");
		ck_assert_str_eq(t.ev[i].rack, "batch");
	}
	/* Ports are picked after TASK_STARTING, before the command. */
	ck_assert_str_eq(t.ev[0].ports, "");
	e = &t.ev[1];
	ck_assert_int_eq(sscanf(e->ports, "%d,%d", &p0, &p1), 2);
	ck_assert(p0 >= 40000 && p0 <= 40999 && p1 >= 40000 && p1 <= 40999);
	ck_assert_int_ne(p0, p1);
	out = executor_harness_sandbox_file(&t, "stdout");
	snprintf(want, sizeof(want), "node7 %d %d %d\n", p0, p0, p1);
	ck_assert_str_eq(out, want);
	free(out);

	/* A stop after the group is known still reaches the command. */
	check_supervisor_node(&u, "nodestop", "sleep 100");
	executor_harness_until(&u, "TASK_RUNNING", 1);
	executor_harness_wait_file(&u, EXECUTOR_LOCAL_DIR "/"
	    EXECUTOR_LOCAL_LOG, "events up to seq=2 acknowledged");
	ck_assert_int_eq(kill(u.pid, SIGTERM), 0);
	executor_harness_until(&u, NULL, 1);
	ck_assert_int_eq(executor_harness_last(&u)->signal, SIGTERM);
	ck_assert_int_eq(waitpid(u.pid, &status, 0), u.pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGTERM);
}
END_TEST

/* A wrong command line: status 2 and no events, nothing to report to. */
/* Exit status 2, the usage line, for argv (argv[0] set here). */
static void
check_supervisor_refused(char **argv)
{
	posix_spawn_file_actions_t	 fa;
	pid_t				 pid;
	int				 status;

	argv[0] = getenv(EXECUTOR_LOCAL_SUPERVISOR_ENV);
	/* Its usage line is not for the test's output. */
	ck_assert_int_eq(posix_spawn_file_actions_init(&fa), 0);
	ck_assert_int_eq(posix_spawn_file_actions_addopen(&fa, STDERR_FILENO,
	    "/dev/null", O_WRONLY, 0), 0);
	ck_assert_int_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv,
	    executor_harness_path_env), 0);
	(void)posix_spawn_file_actions_destroy(&fa);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
}

START_TEST(test_supervisor_usage)
{
	char	*no_events[] = { NULL, "-t", "x", "-s", "/tmp", "--", "true",
		    NULL };
	char	*bad_output[] = { NULL, "-t", "x", "-s", "/tmp", "-e", "e",
		    "-o", "syslog", "-R", "web", "--", "true", NULL };
	char	*journal_unnamed[] = { NULL, "-t", "x", "-s", "/tmp", "-e",
		    "e", "-o", "journal", "--", "true", NULL };
	char	*bad_max[] = { NULL, "-t", "x", "-s", "/tmp", "-e", "e",
		    "-l", "-1", "--", "true", NULL };
	char	*bad_keep[] = { NULL, "-t", "x", "-s", "/tmp", "-e", "e",
		    "-K", "101", "--", "true", NULL };

	check_supervisor_refused(no_events);
	check_supervisor_refused(bad_output);
	check_supervisor_refused(journal_unnamed);
	check_supervisor_refused(bad_max);
	check_supervisor_refused(bad_keep);
}
END_TEST

/* task_log_keep = 0: the live file alone, what came after the last
 * rotation; the command's end waits for its last bytes. */
START_TEST(test_supervisor_rotation_keep_none)
{
	static char		*argv[] = { "seq", "1000", NULL };
	struct check_task	 t;
	struct executor_launch	 l;
	char			 path[PATH_MAX], *out;
	int			 r = 1;

	executor_harness_listen();
	executor_harness_prepare(&t, "rotnone");
	executor_harness_fill(&t, &l, argv, executor_harness_path_env, NULL,
	    0);
	l.log_max_bytes = 1000;
	l.log_keep = 0;
	executor_local.launch(&l, 1, &r);
	ck_assert_int_eq(r, 0);
	executor_harness_run(&t);
	executor_harness_states(&t, "TASK_STARTING TASK_RUNNING "
	    "TASK_FINISHED");
	/* 3893 bytes: three files of 1000 came and went. */
	out = executor_harness_sandbox_file(&t, "stdout");
	ck_assert_uint_eq(strlen(out), 893);
	ck_assert_str_eq(out + 893 - 14, "\n998\n999\n1000\n");
	free(out);
	snprintf(path, sizeof(path), "%s/stdout.1", t.sandbox);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/*
 * Asked to stop before it ran: the command never starts.  The scheduler's
 * queue is full, so the supervisor waits in its send of TASK_STARTING
 * (signals blocked) while SIGTERM comes; it reads it before the fork.
 */
START_TEST(test_supervisor_killed_during_launch)
{
	static char			*argv[] = { "sh", "-c", "echo ran",
					    NULL };
	struct check_task		 t;
	const struct task_event		*e;
	char				*out;
	int				 fd;

	executor_harness_listen();
	fd = check_supervisor_fill_queue();
	executor_harness_prepare(&t, "early");
	check_supervisor_spawn(&t, argv);
	check_supervisor_wait_blocked(t.pid);
	ck_assert_int_eq(kill(t.pid, SIGTERM), 0);
	executor_harness_run(&t);
	(void)close(fd);
	executor_harness_states(&t, "TASK_STARTING TASK_KILLED");
	e = executor_harness_last(&t);
	ck_assert_str_eq(e->reason, "REASON_TASK_KILLED_DURING_LAUNCH");
	ck_assert_str_eq(e->message, "Killed");
	ck_assert_int_eq(e->signal, 0);
	ck_assert_int_eq(e->exit_code, -1);
	out = executor_harness_sandbox_file(&t, "stdout");
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(test_supervisor_kill_trapped)
{
	static char			*argv[] = { "sh", "-c",
					    "trap '' TERM; echo ready; "
					    "sleep 100", NULL };
	struct check_task		 t;
	struct executor_handle		 h;
	const struct task_event		*e;

	executor_harness_listen();
	executor_harness_launch(&t, "trapped", argv, NULL, 0);
	executor_harness_until(&t, "TASK_RUNNING", 1);
	executor_harness_handle(&t, &h);
	executor_harness_wait_file(&t, "stdout", "ready");
	ck_assert_int_eq(executor_local.kill("t", &h, SIGTERM), 0);
	check_supervisor_quiet(&t);
	ck_assert_int_eq(kill(-h.pgid, 0), 0);
	ck_assert_int_eq(executor_local.kill("t", &h, SIGKILL), 0);
	executor_harness_run(&t);
	e = executor_harness_last(&t);
	ck_assert_str_eq(e->state, "TASK_FAILED");
	ck_assert_int_eq(e->signal, SIGKILL);
	ck_assert_int_eq(e->exit_code, -1);
	ck_assert_str_eq(e->message, "Terminated by signal SIGKILL");
	ck_assert_int_eq(kill(-h.pgid, 0), -1);
}
END_TEST

/* Until the scheduler has the group, a stop to the supervisor is passed
 * on; after, the cleaner signals the group and the supervisor ignores. */
START_TEST(test_supervisor_signal_forward)
{
	static char			*argv[] = { "sleep", "100", NULL };
	struct check_task		 t, u;
	const struct task_event		*e;

	executor_harness_listen();
	executor_harness_launch(&t, "fwd", argv, NULL, 0);
	executor_harness_until(&t, "TASK_RUNNING", 0);
	executor_harness_ack(&t, 1);
	ck_assert_int_eq(kill(t.pid, SIGTERM), 0);
	executor_harness_run(&t);
	e = executor_harness_last(&t);
	ck_assert_int_eq(e->signal, SIGTERM);

	executor_harness_launch(&u, "ignored", argv, NULL, 0);
	executor_harness_until(&u, "TASK_RUNNING", 1);
	executor_harness_wait_file(&u, EXECUTOR_LOCAL_DIR "/"
	    EXECUTOR_LOCAL_LOG, "events up to seq=2 acknowledged");
	ck_assert_int_eq(kill(u.pid, SIGTERM), 0);
	ck_assert_int_eq(kill(u.pid, SIGINT), 0);
	check_supervisor_quiet(&u);
	ck_assert_int_eq(kill(-u.ev[1].pgid, 0), 0);
	ck_assert_int_eq(kill(-u.ev[1].pgid, SIGKILL), 0);
	executor_harness_run(&u);
	ck_assert_int_eq(executor_harness_last(&u)->signal, SIGKILL);
}
END_TEST

/* Nobody listens: the task runs anyway, the events wait in order. */
START_TEST(test_supervisor_no_listener)
{
	static char		*argv[] = { "sh", "-c", "echo ran", NULL };
	struct check_task	 t;
	struct check_replay	 c;
	int64_t			 deadline;
	int			 status;

	executor_harness_prepare(&t, "nolisten");
	executor_harness_start(&t, argv, executor_harness_path_env, NULL, 0);
	deadline = clock_mono_ms() + EXECUTOR_HARNESS_WAIT_MS;
	for (;;) {
		memset(&c, 0, sizeof(c));
		(void)executor_local.replay(t.sandbox, t.id, 0,
		    executor_harness_replay_fn, &c);
		if (c.n == 3)
			break;
		ck_assert_msg(clock_mono_ms() < deadline, "%zu events "
		    "recorded", c.n);
		executor_harness_pause();
	}
	executor_harness_wait_file(&t, "stdout", "ran");
	/* A few rounds of resends find nobody. */
	check_supervisor_sleep_ms(700);
	ck_assert_int_eq(waitpid(-1, &status, WNOHANG), 0);
	executor_harness_listen();
	executor_harness_run(&t);
	executor_harness_states(&t, "TASK_STARTING TASK_RUNNING "
	    "TASK_FINISHED");
}
END_TEST

/* Unacknowledged events come again, from the first not acknowledged,
 * and the supervisor stays until its end is acknowledged. */
START_TEST(test_supervisor_acks_withheld)
{
	static char		*argv[] = { "true", NULL };
	struct check_task	 t;
	struct task_event	 e;
	int64_t			 until, acked_at;
	unsigned		 seen1 = 0;

	executor_harness_listen();
	executor_harness_launch(&t, "withheld", argv, NULL, 0);
	executor_harness_until(&t, NULL, 0);
	/* 200, 400, 800 ms: three more rounds within two seconds. */
	until = clock_mono_ms() + 2000;
	while (clock_mono_ms() < until)
		if (executor_harness_take(&t, 100, &e) == 1 && e.seq == 1)
			seen1++;
	ck_assert_uint_ge(seen1, 2);
	ck_assert_int_eq(waitpid(t.pid, NULL, WNOHANG), 0);
	executor_harness_ack(&t, 1);
	acked_at = clock_mono_ms();
	until = acked_at + 2500;
	seen1 = 0;
	while (clock_mono_ms() < until)
		if (executor_harness_take(&t, 100, &e) == 1 && e.seq == 1 &&
		    clock_mono_ms() > acked_at + 100)
			seen1++;
	ck_assert_uint_eq(seen1, 0);
	ck_assert_uint_gt(t.dups, 6);
	ck_assert_int_eq(waitpid(t.pid, NULL, WNOHANG), 0);
	executor_harness_ack(&t, 3);
	executor_harness_exited(&t);
	executor_harness_file_matches(&t);
}
END_TEST

Suite *
supervisor_suite(void)
{
	Suite	*s = suite_create("supervisor");
	TCase	*tc;

	tc = executor_harness_tcase(s, "core");
	tcase_add_test(tc, test_supervisor_exit_status);
	tcase_add_test(tc, test_supervisor_finished);
	tcase_add_test(tc, test_supervisor_exit_127_stderr);
	tcase_add_test(tc, test_supervisor_env_argv);
	tcase_add_test(tc, test_supervisor_user_nobody);
	tcase_add_test(tc, test_supervisor_user_unknown);
	tcase_add_test(tc, test_supervisor_exec_missing);
	tcase_add_test(tc, test_supervisor_memory_limit);
	tcase_add_test(tc, test_supervisor_sweep_group);
	tcase_add_test(tc, test_supervisor_usage);
	tcase_add_test(tc, test_supervisor_rotation_keep_none);

	tc = executor_harness_tcase(s, "slow");
	tcase_set_tags(tc, "slow");
	tcase_add_test(tc, test_supervisor_killed_during_launch);
	tcase_add_test(tc, test_supervisor_kill_trapped);
	tcase_add_test(tc, test_supervisor_signal_forward);
	tcase_add_test(tc, test_supervisor_no_listener);
	tcase_add_test(tc, test_supervisor_acks_withheld);
	tcase_add_test(tc, test_supervisor_cluster_node);
	return (s);
}
