/*
 * Unit tests for the local executor: common/executor/proc.c,
 * daemons/supervisor/cgroup.c (on a fake tree, then for real when the
 * host has the controllers), common/executor/executor_local.c and the
 * kerr-supervisor it spawns ($KERR_SUPERVISOR, else $KERR_BUILD_DIR/
 * kerr-supervisor, which `make unit` passes).
 *
 * Each test gets a mkdtemp state directory and plays the scheduler: it
 * listens on a real event channel there, launches supervisors (which
 * are its children, as they are the scheduler's), receives their
 * events, checks them (states in seq order, pids, groups, exit codes,
 * messages), acknowledges them, reaps the supervisor and compares the
 * sandbox's events file with what came over the channel.  Outcomes are
 * awaited with deadlines, never by sleeping a fixed time; only proving
 * that something does NOT happen takes a fixed wait.
 */
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "cgroup.h"
#include "clock.h"
#include "event_channel.h"
#include "executor.h"
#include "fixture.h"
#include "executor_local.h"
#include "proc.h"
#include "task_event.h"

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*executor_suite(void);

#define CHECK_EXECUTOR_WAIT_MS	10000	/* longest wait for an event */
#define CHECK_EXECUTOR_QUIET_MS	500	/* nothing more happens */
#define CHECK_EXECUTOR_POLL_NS	10000000L
#define CHECK_EXECUTOR_EVENTS	3
#define CHECK_EXECUTOR_OUT_MAX	8192
#define CHECK_EXECUTOR_SIGTERM	(1ULL << (SIGTERM - 1))

#define CHECK_EXECUTOR_TASKS	4	/* at once in one test */

static char	check_executor_base[32];	/* the tcase's */
static char	check_executor_dir[64];		/* the test's, in it */
static char	check_executor_sock[EVENT_CHANNEL_PATH_MAX];
static int	check_executor_lfd = -1;

static char *check_executor_path_env[] = {
	"PATH=/usr/local/bin:/usr/bin:/bin", NULL
};

/* One task as the scheduler sees it: its events, in order. */
struct check_task {
	char				id[64];
	char				sandbox[512];
	pid_t				pid;	/* the supervisor */
	struct task_event		ev[CHECK_EXECUTOR_EVENTS];
	unsigned			n;	/* received, in order */
	unsigned			dups;	/* received again */
	unsigned			acked;
	struct event_channel_peer	peer;
};

/* The test's tasks: an event is kept for its own task whoever waits. */
static struct check_task	*check_executor_tasks[CHECK_EXECUTOR_TASKS];

static void
check_executor_pause(void)
{
	struct timespec ts = { 0, CHECK_EXECUTOR_POLL_NS };

	(void)nanosleep(&ts, NULL);
}

static void
check_executor_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	(void)nanosleep(&ts, NULL);
}

static void
check_executor_rmtree(const char *top)
{
	char		 path[PATH_MAX];
	DIR		*dir;
	struct dirent	*de;

	if ((dir = opendir(top)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", top, de->d_name);
		if (de->d_type == DT_DIR)
			check_executor_rmtree(path);
		else
			(void)unlink(path);
	}
	closedir(dir);
	(void)rmdir(top);
}

static void
check_executor_write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs(text, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
}

/* The whole file as a string ("" when missing); caller frees. */
static char *
check_executor_read_file(const char *path)
{
	char	*buf = calloc(1, CHECK_EXECUTOR_OUT_MAX);
	FILE	*fp;
	size_t	 n;

	ck_assert_ptr_nonnull(buf);
	if ((fp = fopen(path, "r")) == NULL)
		return (buf);
	n = fread(buf, 1, CHECK_EXECUTOR_OUT_MAX - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return (buf);
}

static char *
check_executor_sandbox_file(const struct check_task *t, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", t->sandbox, name);
	return (check_executor_read_file(path));
}

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

static void
check_executor_setenv_supervisor(void)
{
	const char	*build = getenv("KERR_BUILD_DIR");
	char		 path[PATH_MAX];

	if (getenv(EXECUTOR_LOCAL_SUPERVISOR_ENV) != NULL)
		return;
	if (build != NULL)
		snprintf(path, sizeof(path), "%s/kerr-supervisor", build);
	else
		snprintf(path, sizeof(path), "%s/build/kerr-supervisor",
		    KERR_SRCDIR);
	ck_assert_msg(access(path, X_OK) == 0, "no supervisor at %s", path);
	ck_assert_int_eq(setenv(EXECUTOR_LOCAL_SUPERVISOR_ENV, path, 1), 0);
}

static void
check_executor_listen(void)
{
	check_executor_lfd = event_channel_listen(check_executor_sock);
	ck_assert_int_ge(check_executor_lfd, 0);
}

static void
check_executor_setup(void)
{
	char path[PATH_MAX];

	snprintf(check_executor_dir, sizeof(check_executor_dir),
	    "%s/tXXXXXX", check_executor_base);
	ck_assert_ptr_nonnull(mkdtemp(check_executor_dir));
	ck_assert_int_eq(chmod(check_executor_dir, 0711), 0);
	snprintf(path, sizeof(path), "%s/run", check_executor_dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(check_executor_sock, sizeof(check_executor_sock),
	    "%s/run/%s", check_executor_dir, TASK_EVENT_SOCKET);
	check_executor_lfd = -1;
	memset(check_executor_tasks, 0, sizeof(check_executor_tasks));
	check_executor_setenv_supervisor();
}

/* The pids /proc lists as children of pid ("" when none). */
static void
check_executor_children(pid_t pid, char *buf, size_t len)
{
	char	 path[64];
	char	*s;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
	    (int)pid);
	s = check_executor_read_file(path);
	snprintf(buf, len, "%s", s);
	free(s);
}

/* A supervisor and the groups of its children (its commands). */
static void
check_executor_kill_tree(pid_t pid)
{
	char	 theirs[1024];
	char	*q, *end;
	long	 child;

	check_executor_children(pid, theirs, sizeof(theirs));
	for (q = theirs; (child = strtol(q, &end, 10)) > 0; q = end)
		(void)kill(-(pid_t)child, SIGKILL);
	(void)kill(pid, SIGKILL);
}

/* The test's supervisors still running (children of ours), reaped. */
static void
check_executor_teardown(void)
{
	char	 mine[1024];
	char	*p, *end;
	long	 pid;

	check_executor_children(getpid(), mine, sizeof(mine));
	for (p = mine; (pid = strtol(p, &end, 10)) > 0; p = end)
		check_executor_kill_tree((pid_t)pid);
	while (waitpid(-1, NULL, 0) > 0)
		;
	if (check_executor_lfd >= 0)
		(void)close(check_executor_lfd);
	check_executor_lfd = -1;
	check_executor_rmtree(check_executor_dir);
}

/*
 * A test that fails exits at once, its checked teardown unrun, and its
 * supervisors go on as orphans: the runner finds them by the tcase's
 * directory on their command line, and ends them with their commands.
 */
static void
check_executor_base_setup(void)
{
	snprintf(check_executor_base, sizeof(check_executor_base),
	    "/tmp/kerr-check-exec-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(check_executor_base));
	/* Another task user must reach its sandbox below. */
	ck_assert_int_eq(chmod(check_executor_base, 0711), 0);
}

/* 1 when pid's command line mentions the tcase's directory. */
static int
check_executor_is_ours(const char *pid)
{
	char	path[PATH_MAX], cmd[4096];
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (0);
	n = read(fd, cmd, sizeof(cmd));
	(void)close(fd);
	return (n > 0 && memmem(cmd, (size_t)n, check_executor_base,
	    strlen(check_executor_base)) != NULL);
}

static void
check_executor_base_teardown(void)
{
	DIR		*dir;
	struct dirent	*de;

	if ((dir = opendir("/proc")) != NULL) {
		while ((de = readdir(dir)) != NULL)
			if (de->d_name[0] >= '1' && de->d_name[0] <= '9' &&
			    check_executor_is_ours(de->d_name))
				check_executor_kill_tree((pid_t)atoi(
				    de->d_name));
		closedir(dir);
	}
	check_executor_rmtree(check_executor_base);
}

static void
check_executor_prepare(struct check_task *t, const char *name)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < CHECK_EXECUTOR_TASKS; i++)
		if (check_executor_tasks[i] == NULL ||
		    check_executor_tasks[i] == t) {
			check_executor_tasks[i] = t;
			break;
		}
	ck_assert_uint_lt(i, CHECK_EXECUTOR_TASKS);
	/* Unique across runs: cgroups are named after the task. */
	snprintf(t->id, sizeof(t->id), "check-%s-%d", name, (int)getpid());
	snprintf(t->sandbox, sizeof(t->sandbox), "%s/tasks/%s",
	    check_executor_dir, t->id);
}

static void
check_executor_fill(const struct check_task *t, struct executor_launch *l,
    char *const *argv, char *const *envp, const char *user,
    double memory_mb)
{
	memset(l, 0, sizeof(*l));
	l->task_id = t->id;
	l->sandbox_dir = t->sandbox;
	l->argv = argv;
	l->envp = envp;
	l->user = user;
	l->memory_mb = memory_mb;
	l->events = check_executor_sock;
	l->log_level = LOG_DEBUG;
}

/* Through the executor, as the scheduler launches. */
static void
check_executor_start(struct check_task *t, char *const *argv,
    char *const *envp, const char *user, double memory_mb)
{
	struct executor_launch	l;
	int			r = 1;

	check_executor_fill(t, &l, argv, envp, user, memory_mb);
	executor_local.launch(&l, 1, &r);
	ck_assert_int_eq(r, 0);
}

static void
check_executor_launch(struct check_task *t, const char *name,
    char *const *argv, const char *user, double memory_mb)
{
	check_executor_prepare(t, name);
	check_executor_start(t, argv, check_executor_path_env, user,
	    memory_mb);
}

/* The event formatted: lines are compared whole. */
static void
check_executor_line(const struct task_event *e, char *buf, size_t len)
{
	ck_assert_int_gt(task_event_format(e, buf, len), 0);
}

/* What every event of t must agree on. */
static void
check_executor_check_event(struct check_task *t, const struct task_event *e)
{
	uint64_t ticks;

	ck_assert_str_eq(e->task_id, t->id);
	ck_assert_uint_eq(e->seq, t->n + 1);
	if (e->seq == 1) {
		ck_assert_str_eq(e->state, "TASK_STARTING");
		ck_assert_int_gt(e->pid, 1);
		ck_assert_int_eq(e->pgid, 0);
		/* Alive until its end is acknowledged: ticks name it. */
		ck_assert_int_eq(proc_start_ticks(e->pid, &ticks), 0);
		ck_assert_uint_eq(ticks, e->start_ticks);
		if (t->pid != 0)
			ck_assert_int_eq(e->pid, t->pid);
		t->pid = e->pid;
		return;
	}
	ck_assert_int_eq(e->pid, t->ev[0].pid);
	ck_assert_uint_eq(e->start_ticks, t->ev[0].start_ticks);
	ck_assert_int_ge(e->at_ms, t->ev[t->n - 1].at_ms);
	ck_assert_msg(!task_event_is_terminal(t->ev[t->n - 1].state),
	    "task %s: %s after its end", t->id, e->state);
	if (strcmp(e->state, "TASK_RUNNING") == 0) {
		ck_assert_int_gt(e->pgid, 1);
		ck_assert_int_ne(e->pgid, e->pid);
		ck_assert_int_eq(e->exit_code, -1);
	}
}

/* The test's task of that id, or NULL. */
static struct check_task *
check_executor_task(const char *id)
{
	size_t i;

	for (i = 0; i < CHECK_EXECUTOR_TASKS; i++)
		if (check_executor_tasks[i] != NULL &&
		    strcmp(check_executor_tasks[i]->id, id) == 0)
			return (check_executor_tasks[i]);
	return (NULL);
}

/* Keep e for its task: new in seq order, or a resend just as it was. */
static void
check_executor_keep(struct check_task *t, const struct task_event *e,
    const struct event_channel_peer *peer)
{
	char a[TASK_EVENT_LINE_MAX], b[TASK_EVENT_LINE_MAX];

	t->peer = *peer;
	if (e->seq <= t->n) {
		check_executor_line(e, a, sizeof(a));
		check_executor_line(&t->ev[e->seq - 1], b, sizeof(b));
		ck_assert_str_eq(a, b);
		t->dups++;
		return;
	}
	check_executor_check_event(t, e);
	t->ev[t->n++] = *e;
}

/*
 * Take one event of t from the channel: 1, or 0 when none came in ms.
 * Another task's events are kept for it on the way.
 */
static int
check_executor_take(struct check_task *t, int ms, struct task_event *ret)
{
	struct pollfd			 pfd = { check_executor_lfd, POLLIN, 0 };
	struct event_channel_peer	 peer;
	struct task_event		 e;
	struct check_task		*owner;
	int64_t				 deadline = clock_mono_ms() + ms;
	int				 r;

	for (;;) {
		r = event_channel_recv(check_executor_lfd, &e, &peer);
		ck_assert_msg(r >= 0 || r == -EPROTO, "recv: %s",
		    strerror(-r));
		if (r == 1 && (owner = check_executor_task(e.task_id)) !=
		    NULL) {
			check_executor_keep(owner, &e, &peer);
			if (owner == t)
				break;
		}
		if (r != 0)
			continue;	/* another task's, or junk */
		if (clock_mono_ms() >= deadline)
			return (0);
		(void)poll(&pfd, 1, (int)(deadline - clock_mono_ms()));
	}
	*ret = e;
	return (1);
}

static void
check_executor_ack(struct check_task *t, unsigned seq)
{
	struct task_event_ack a;

	memset(&a, 0, sizeof(a));
	snprintf(a.task_id, sizeof(a.task_id), "%s", t->id);
	a.seq = seq;
	ck_assert_int_eq(event_channel_ack(check_executor_lfd, &t->peer, &a),
	    0);
	t->acked = seq;
}

static int
check_executor_ended(const struct check_task *t)
{
	return (t->n > 0 && task_event_is_terminal(t->ev[t->n - 1].state));
}

/* Receive until `state` (any terminal state when NULL), acking it all. */
static void
check_executor_until(struct check_task *t, const char *state, int ack)
{
	struct task_event e;

	for (;;) {
		if (t->n > 0 && (state != NULL ? strcmp(t->ev[t->n - 1].state,
		    state) == 0 : check_executor_ended(t)))
			break;
		ck_assert_msg(check_executor_take(t, CHECK_EXECUTOR_WAIT_MS,
		    &e) == 1, "task %s: no event after %s", t->id,
		    t->n > 0 ? t->ev[t->n - 1].state : "the launch");
		ck_assert_msg(state == NULL || !check_executor_ended(t),
		    "task %s ended %s while waiting for %s", t->id,
		    t->ev[t->n - 1].state, state);
		if (ack)
			check_executor_ack(t, t->n);
	}
	/* What came while another task was awaited. */
	if (ack && t->acked < t->n)
		check_executor_ack(t, t->n);
}

/* The supervisor leaves (status 0) soon after its end was acked. */
static void
check_executor_exited(const struct check_task *t)
{
	int64_t	 deadline = clock_mono_ms() + CHECK_EXECUTOR_WAIT_MS;
	char	*log;
	pid_t	 r;
	int	 status;

	ck_assert_int_gt(t->pid, 1);
	while ((r = waitpid(t->pid, &status, WNOHANG)) == 0) {
		ck_assert_msg(clock_mono_ms() < deadline, "supervisor %d "
		    "still running", (int)t->pid);
		check_executor_pause();
	}
	ck_assert_int_eq(r, t->pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "supervisor wait status 0x%x", (unsigned int)status);
	log = check_executor_sandbox_file(t, EXECUTOR_LOCAL_DIR "/"
	    EXECUTOR_LOCAL_LOG);
	ck_assert_msg(strstr(log, "Sanitizer") == NULL &&
	    strstr(log, "runtime error") == NULL, "supervisor log: %s", log);
	free(log);
}

/* The sandbox's events file holds exactly the lines that came. */
static void
check_executor_file_matches(const struct check_task *t)
{
	char	 want[CHECK_EXECUTOR_EVENTS * TASK_EVENT_LINE_MAX];
	char	*got;
	size_t	 off = 0;
	unsigned i;

	want[0] = '\0';
	for (i = 0; i < t->n; i++) {
		check_executor_line(&t->ev[i], want + off, sizeof(want) - off);
		off += strlen(want + off);
	}
	got = check_executor_sandbox_file(t, EXECUTOR_LOCAL_DIR "/"
	    TASK_EVENT_FILE);
	ck_assert_str_eq(got, want);
	free(got);
}

/* The whole life of a task whose end is simply acknowledged. */
static void
check_executor_run(struct check_task *t)
{
	check_executor_until(t, NULL, 1);
	check_executor_exited(t);
	check_executor_file_matches(t);
}

/* "TASK_STARTING TASK_RUNNING TASK_FAILED". */
static void
check_executor_states(const struct check_task *t, const char *want)
{
	char	 got[256];
	size_t	 off = 0;
	unsigned i;

	got[0] = '\0';
	for (i = 0; i < t->n && off < sizeof(got); i++)
		off += (size_t)snprintf(got + off, sizeof(got) - off, "%s%s",
		    i > 0 ? " " : "", t->ev[i].state);
	ck_assert_str_eq(got, want);
}

static const struct task_event *
check_executor_last(const struct check_task *t)
{
	ck_assert_uint_gt(t->n, 0);
	return (&t->ev[t->n - 1]);
}

/* Where the task lives, as the scheduler learns it from its events. */
static void
check_executor_handle(const struct check_task *t, struct executor_handle *h)
{
	memset(h, 0, sizeof(*h));
	h->pid = t->ev[0].pid;
	h->start_ticks = t->ev[0].start_ticks;
	if (t->n > 1)
		h->pgid = t->ev[1].pgid;
}

/* No event of t for a while (proving a negative takes a wait). */
static void
check_executor_quiet(struct check_task *t)
{
	struct task_event	e;
	unsigned		n = t->n;

	while (check_executor_take(t, CHECK_EXECUTOR_QUIET_MS, &e) == 1)
		ck_assert_msg(t->n == n, "task %s: unexpected %s", t->id,
		    e.state);
}

/* Wait until the file holds `text` (the command got that far). */
static void
check_executor_wait_output(const struct check_task *t, const char *text)
{
	int64_t	 deadline = clock_mono_ms() + CHECK_EXECUTOR_WAIT_MS;
	char	*out;

	for (;;) {
		out = check_executor_sandbox_file(t, "stdout");
		if (strstr(out, text) != NULL)
			break;
		free(out);
		ck_assert_msg(clock_mono_ms() < deadline, "no '%s' in stdout",
		    text);
		check_executor_pause();
	}
	free(out);
}

/* Wait until the supervisor's log holds `text` (it got that far). */
static void
check_executor_wait_log(const struct check_task *t, const char *text)
{
	int64_t	 deadline = clock_mono_ms() + CHECK_EXECUTOR_WAIT_MS;
	char	*log;

	for (;;) {
		log = check_executor_sandbox_file(t, EXECUTOR_LOCAL_DIR "/"
		    EXECUTOR_LOCAL_LOG);
		if (strstr(log, text) != NULL)
			break;
		free(log);
		ck_assert_msg(clock_mono_ms() < deadline, "no '%s' in the "
		    "supervisor's log", text);
		check_executor_pause();
	}
	free(log);
}

/* pid is gone for good: not running, not a zombie. */
static void
check_executor_wait_gone(pid_t pid)
{
	int64_t		deadline = clock_mono_ms() + CHECK_EXECUTOR_WAIT_MS;
	uint64_t	ticks;

	while (proc_start_ticks(pid, &ticks) == 0) {
		ck_assert_msg(clock_mono_ms() < deadline, "pid %d still "
		    "alive", (int)pid);
		check_executor_pause();
	}
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

	ck_assert_int_eq(cgroup_detect_root(check_executor_dir, &env), 0);
	ck_assert_int_eq(env.mode, CGROUP_NONE);
	snprintf(path, sizeof(path), "%s/cgroup.controllers",
	    check_executor_dir);
	check_executor_write_file(path, "cpuset cpu io memory pids\n");
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control",
	    check_executor_dir);
	check_executor_write_file(path, "cpuset memory\n");
	ck_assert_int_eq(cgroup_detect_root(check_executor_dir, &env), 0);
	ck_assert_int_eq(env.mode, CGROUP_V2);
	ck_assert_int_eq(env.has_memory, 1);
	ck_assert_int_eq(env.has_cpu, 0);	/* cpuset is not cpu */
	snprintf(want, sizeof(want), "%s/kerr", check_executor_dir);
	ck_assert_str_eq(env.memory, want);
	check_executor_write_file(path, "");
	/* Listed but not handed down: fall back to v1, absent here too. */
	ck_assert_int_eq(cgroup_detect_root(check_executor_dir, &env), 0);
	ck_assert_int_eq(env.mode, CGROUP_NONE);
	ck_assert_int_eq(setenv(CGROUP_ROOT_ENV, check_executor_dir, 1), 0);
	check_executor_write_file(path, "memory cpu\n");
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

	snprintf(path, sizeof(path), "%s/memory", check_executor_dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/cpu", check_executor_dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/memory/memory.limit_in_bytes",
	    check_executor_dir);
	check_executor_write_file(path, "");
	snprintf(path, sizeof(path), "%s/cpu/cpu.cfs_quota_us",
	    check_executor_dir);
	check_executor_write_file(path, "");
	ck_assert_int_eq(cgroup_detect_root(check_executor_dir, &env), 0);
	ck_assert_int_eq(env.mode, CGROUP_V1);
	ck_assert_int_eq(cgroup_task_mkdir(&env, "../x", 1, 1), -EINVAL);
	ck_assert_int_eq(cgroup_task_mkdir(&env, "t", 0.5, 32), 0);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", check_executor_dir,
		    files[i]);
		check_executor_write_file(path, "");
	}
	ck_assert_int_eq(cgroup_task_limit_memory(&env, "t", 32), 0);
	ck_assert_int_eq(cgroup_task_limit_cpu(&env, "t", 0.5), 0);
	snprintf(path, sizeof(path), "%s/%s", check_executor_dir, files[1]);
	s = check_executor_read_file(path);
	ck_assert_str_eq(s, "33554432");
	free(s);
	snprintf(path, sizeof(path), "%s/%s", check_executor_dir, files[4]);
	s = check_executor_read_file(path);
	ck_assert_str_eq(s, "50000");
	free(s);
	/* The kernel's floor is 1 ms of every 100. */
	ck_assert_int_eq(cgroup_task_limit_cpu(&env, "t", 0.001), 0);
	s = check_executor_read_file(path);
	ck_assert_str_eq(s, "1000");
	free(s);
	snprintf(path, sizeof(path), "%s/%s", check_executor_dir, files[2]);
	check_executor_write_file(path, "oom_kill_disable 0\nunder_oom 0\n"
	    "oom_kill 0\n");
	ck_assert_int_eq(cgroup_task_oom_killed(&env, "t"), 0);
	check_executor_write_file(path, "oom_kill_disable 0\nunder_oom 0\n"
	    "oom_kill 2\n");
	ck_assert_int_eq(cgroup_task_oom_killed(&env, "t"), 1);
	ck_assert_int_eq(cgroup_task_oom_killed(&env, "other"), 0);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", check_executor_dir,
		    files[i]);
		ck_assert_int_eq(unlink(path), 0);
	}
	ck_assert_int_eq(cgroup_task_remove(&env, "t"), 0);
	snprintf(path, sizeof(path), "%s/memory/kerr/t", check_executor_dir);
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
	s = check_executor_read_file(path);
	ck_assert_str_eq(s, "33554432\n");
	free(s);
	snprintf(path, sizeof(path), "%s/%s/cpu.cfs_quota_us", env.cpu, id);
	s = check_executor_read_file(path);
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

START_TEST(test_executor_exit_status)
{
	static char			*argv[] = { "sh", "-c",
					    "echo hello; echo oops >&2; exit 3",
					    NULL };
	struct check_task		 t;
	const struct task_event		*e;
	struct stat			 st;
	char				*s, path[PATH_MAX];

	check_executor_listen();
	check_executor_launch(&t, "status", argv, NULL, 0);
	check_executor_run(&t);
	check_executor_states(&t, "TASK_STARTING TASK_RUNNING TASK_FAILED");
	e = check_executor_last(&t);
	ck_assert_uint_eq(e->seq, 3);
	ck_assert_int_eq(e->exit_code, 3);
	ck_assert_int_eq(e->signal, 0);
	ck_assert_int_eq(e->oom, 0);
	ck_assert_int_eq(e->pgid, t.ev[1].pgid);
	ck_assert_str_eq(e->message, "Exited with status 3");
	ck_assert_str_eq(e->reason, "REASON_COMMAND_EXECUTOR_FAILED");
	ck_assert_uint_eq(t.dups, 0);
	s = check_executor_sandbox_file(&t, "stdout");
	ck_assert_str_eq(s, "hello\n");
	free(s);
	s = check_executor_sandbox_file(&t, "stderr");
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

START_TEST(test_executor_finished)
{
	static char			*argv[] = { "sh", "-c", "exit 0", NULL };
	struct check_task		 t;
	const struct task_event		*e;

	check_executor_listen();
	check_executor_launch(&t, "finished", argv, NULL, 0);
	check_executor_run(&t);
	check_executor_states(&t, "TASK_STARTING TASK_RUNNING TASK_FINISHED");
	e = check_executor_last(&t);
	ck_assert_int_eq(e->exit_code, 0);
	ck_assert_int_eq(e->signal, 0);
	ck_assert_str_eq(e->reason, "");
	ck_assert_str_eq(e->message, "");
}
END_TEST

/* The shell's own words on why the command could not run. */
START_TEST(test_executor_exit_127_stderr)
{
	static char			*argv[] = { "sh", "-c",
					    "kerr-no-such-command", NULL };
	struct check_task		 t;
	const struct task_event		*e;
	char				*err, want[TASK_EVENT_MESSAGE_MAX];

	check_executor_listen();
	check_executor_launch(&t, "notfound", argv, NULL, 0);
	check_executor_run(&t);
	check_executor_states(&t, "TASK_STARTING TASK_RUNNING TASK_FAILED");
	e = check_executor_last(&t);
	ck_assert_int_eq(e->exit_code, 127);
	err = check_executor_sandbox_file(&t, "stderr");
	ck_assert_ptr_nonnull(strstr(err, "kerr-no-such-command"));
	err[strcspn(err, "\n")] = '\0';
	snprintf(want, sizeof(want), "Exited with status 127: %s", err);
	ck_assert_str_eq(e->message, want);
	free(err);
}
END_TEST

/* The supervisor reports the facts; the scheduler knows it asked. */
START_TEST(test_executor_kill_term)
{
	static char			*argv[] = { "sleep", "100", NULL };
	struct check_task		 t;
	struct executor_handle		 h;
	const struct task_event		*e;

	check_executor_listen();
	check_executor_launch(&t, "term", argv, NULL, 0);
	check_executor_until(&t, "TASK_RUNNING", 1);
	check_executor_handle(&t, &h);
	ck_assert_int_eq(executor_local.probe(&h), 1);
	ck_assert_int_eq(executor_local.kill(&h, SIGTERM), 0);
	check_executor_run(&t);
	check_executor_states(&t, "TASK_STARTING TASK_RUNNING TASK_FAILED");
	e = check_executor_last(&t);
	ck_assert_int_eq(e->signal, SIGTERM);
	ck_assert_int_eq(e->exit_code, -1);
	ck_assert_int_eq(e->oom, 0);
	ck_assert_str_eq(e->message, "Terminated by signal SIGTERM");
	ck_assert_str_eq(e->reason, "REASON_COMMAND_EXECUTOR_FAILED");
	ck_assert_int_eq(kill(-h.pgid, 0), -1);
	ck_assert_int_eq(errno, ESRCH);
	ck_assert_int_eq(executor_local.probe(&h), 0);
	ck_assert_int_eq(executor_local.kill(&h, SIGTERM), -ESRCH);
}
END_TEST

START_TEST(test_executor_kill_stale_handle)
{
	static char			*argv[] = { "sleep", "100", NULL };
	struct check_task		 t;
	struct executor_handle		 h, stale;
	const struct task_event		*e;

	check_executor_listen();
	check_executor_launch(&t, "stale", argv, NULL, 0);
	check_executor_until(&t, "TASK_RUNNING", 1);
	check_executor_handle(&t, &h);
	stale = h;
	stale.start_ticks++;
	ck_assert_int_eq(executor_local.kill(&stale, SIGKILL), -ESRCH);
	ck_assert_int_eq(executor_local.probe(&stale), 0);
	stale = h;
	stale.pid = 0;
	ck_assert_int_eq(executor_local.kill(&stale, SIGKILL), -ESRCH);
	stale = h;
	stale.pgid = 1;		/* never kill(-1, ...) */
	ck_assert_int_eq(executor_local.kill(&stale, SIGKILL), -EINVAL);
	ck_assert_int_eq(kill(h.pgid, 0), 0);
	ck_assert_int_eq(executor_local.kill(&h, SIGKILL), 0);
	check_executor_run(&t);
	e = check_executor_last(&t);
	ck_assert_str_eq(e->state, "TASK_FAILED");
	ck_assert_int_eq(e->signal, SIGKILL);
	ck_assert_str_eq(e->message, "Terminated by signal SIGKILL");
}
END_TEST

START_TEST(test_executor_env_argv)
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

	check_executor_listen();
	check_executor_prepare(&t, "env");
	check_executor_start(&t, argv, envp, NULL, 0);
	check_executor_run(&t);
	ck_assert_str_eq(check_executor_last(&t)->state, "TASK_FINISHED");
	out = check_executor_sandbox_file(&t, "stdout");
	snprintf(want, sizeof(want), "bar baz\nzero one\n%s\n%s\n",
	    t.sandbox, t.sandbox);
	ck_assert_str_eq(out, want);
	free(out);
}
END_TEST

START_TEST(test_executor_user_nobody)
{
	static char		*argv[] = { "id", "-u", NULL };
	struct check_task	 t;
	struct passwd		*pw;
	struct stat		 st;
	char			 want[32], path[PATH_MAX];
	char			*out;

	if (geteuid() != 0 || (pw = getpwnam("nobody")) == NULL) {
		fprintf(stderr, "test_executor_user_nobody: skipped, needs "
		    "root and user nobody\n");
		return;
	}
	check_executor_listen();
	snprintf(want, sizeof(want), "%u\n", (unsigned int)pw->pw_uid);
	check_executor_launch(&t, "nobody", argv, "nobody", 0);
	check_executor_run(&t);
	ck_assert_str_eq(check_executor_last(&t)->state, "TASK_FINISHED");
	out = check_executor_sandbox_file(&t, "stdout");
	ck_assert_str_eq(out, want);
	free(out);
	snprintf(path, sizeof(path), "%s/stdout", t.sandbox);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_uid, pw->pw_uid);
	ck_assert_int_eq(stat(t.sandbox, &st), 0);
	ck_assert_uint_eq(st.st_uid, pw->pw_uid);
}
END_TEST

START_TEST(test_executor_user_unknown)
{
	static char			*argv[] = { "true", NULL };
	struct check_task		 t;
	const struct task_event		*e;
	char				*out;

	check_executor_listen();
	check_executor_launch(&t, "nouser", argv, "kerr-no-such-user", 0);
	check_executor_run(&t);
	check_executor_states(&t, "TASK_STARTING TASK_FAILED");
	e = check_executor_last(&t);
	ck_assert_str_eq(e->message, "Failed to find user "
	    "'kerr-no-such-user': no such user");
	ck_assert_str_eq(e->reason, "REASON_COMMAND_EXECUTOR_FAILED");
	ck_assert_int_eq(e->exit_code, -1);
	ck_assert_int_eq(e->pgid, 0);
	out = check_executor_sandbox_file(&t, "stdout");
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(test_executor_exec_missing)
{
	static char			*argv[] = { "kerr-no-such-program",
					    NULL };
	struct check_task		 t;
	const struct task_event		*e;
	char				*err;

	check_executor_listen();
	check_executor_launch(&t, "missing", argv, NULL, 0);
	check_executor_run(&t);
	check_executor_states(&t, "TASK_STARTING TASK_FAILED");
	e = check_executor_last(&t);
	ck_assert_str_eq(e->message, "Failed to execute "
	    "'kerr-no-such-program': No such file or directory");
	ck_assert_str_eq(e->reason, "REASON_COMMAND_EXECUTOR_FAILED");
	err = check_executor_sandbox_file(&t, "stderr");
	ck_assert_str_eq(err, "kerr: cannot execute 'kerr-no-such-program': "
	    "No such file or directory\n");
	free(err);
}
END_TEST

START_TEST(test_executor_memory_limit)
{
	static char			*argv[] = { "sh", "-c", "a=$(head -c "
					    "200000000 /dev/zero | tr '\\0' x);"
					    " echo done", NULL };
	struct check_task		 t;
	const struct task_event		*e;
	struct cgroup_env		 env;
	char				 path[2 * PATH_MAX];

	ck_assert_int_eq(cgroup_detect(&env), 0);
	if (env.mode == CGROUP_NONE || !env.has_memory) {
		fprintf(stderr, "test_executor_memory_limit: skipped, no "
		    "memory cgroup controller\n");
		return;
	}
	check_executor_listen();
	check_executor_launch(&t, "memory", argv, NULL, 32);
	check_executor_run(&t);
	e = check_executor_last(&t);
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
START_TEST(test_executor_sweep_group)
{
	static char		*argv[] = { "sh", "-c",
				    "sleep 100 & echo $! > bg; exit 0", NULL };
	struct check_task	 t;
	char			*bg;

	check_executor_listen();
	check_executor_launch(&t, "sweep", argv, NULL, 0);
	check_executor_run(&t);
	ck_assert_str_eq(check_executor_last(&t)->state, "TASK_FINISHED");
	bg = check_executor_sandbox_file(&t, "bg");
	ck_assert_int_gt(atoi(bg), 1);
	check_executor_wait_gone((pid_t)atoi(bg));
	free(bg);
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

	check_executor_listen();
	for (i = 0; i < 3; i++) {
		check_executor_prepare(&t[i], i == 0 ? "many0" : i == 1 ?
		    "many1" : "many2");
		check_executor_fill(&t[i], &l[i], argv,
		    check_executor_path_env, NULL, 0);
	}
	l[1].sandbox_dir = "relative/path";
	executor_local.launch(l, 3, r);
	ck_assert_int_eq(r[0], 0);
	ck_assert_int_eq(r[1], -EINVAL);
	ck_assert_int_eq(r[2], 0);
	/* Each task's events come apart, whatever the interleaving. */
	check_executor_until(&t[0], NULL, 1);
	check_executor_until(&t[2], NULL, 1);
	check_executor_exited(&t[0]);
	check_executor_exited(&t[2]);
	check_executor_file_matches(&t[0]);
	check_executor_file_matches(&t[2]);
	check_executor_states(&t[2], "TASK_STARTING TASK_RUNNING "
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
	check_executor_prepare(&t, "bad");
	check_executor_fill(&t, &l, argv, check_executor_path_env, NULL, 0);
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
	events = check_executor_sandbox_file(&t, EXECUTOR_LOCAL_DIR "/"
	    TASK_EVENT_FILE);
	ck_assert_str_eq(events, "");
	free(events);
	ck_assert_int_eq(setenv(EXECUTOR_LOCAL_SUPERVISOR_ENV, saved, 1), 0);
	l.events = NULL;
	executor_local.launch(&l, 1, &r);
	ck_assert_int_eq(r, -EINVAL);
}
END_TEST

/* A wrong command line: status 2 and no events, nothing to report to. */
START_TEST(test_executor_supervisor_usage)
{
	char				*argv[] = { NULL, "-t", "x", "-s",
					    "/tmp", "--", "true", NULL };
	posix_spawn_file_actions_t	 fa;
	pid_t				 pid;
	int				 status;

	argv[0] = getenv(EXECUTOR_LOCAL_SUPERVISOR_ENV);
	/* Its usage line is not for the test's output. */
	ck_assert_int_eq(posix_spawn_file_actions_init(&fa), 0);
	ck_assert_int_eq(posix_spawn_file_actions_addopen(&fa, STDERR_FILENO,
	    "/dev/null", O_WRONLY, 0), 0);
	ck_assert_int_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv,
	    check_executor_path_env), 0);
	(void)posix_spawn_file_actions_destroy(&fa);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
}
END_TEST

struct check_replay {
	unsigned	seqs[8];
	size_t		n;
	int		stop_at;	/* return 7 at this seq */
};

static int
check_executor_replay_fn(void *arg, const struct task_event *e)
{
	struct check_replay *c = arg;

	ck_assert_uint_lt(c->n, 8);
	c->seqs[c->n++] = e->seq;
	return ((int)e->seq == c->stop_at ? 7 : 0);
}

/* The scheduler's way back to what it missed. */
START_TEST(test_executor_replay)
{
	static char		*argv[] = { "true", NULL };
	struct check_task	 t;
	struct check_replay	 c;
	char			 path[PATH_MAX], line[TASK_EVENT_LINE_MAX];
	char			 junk[3 * 4 * TASK_EVENT_LINE_MAX];
	FILE			*fp;

	check_executor_listen();
	check_executor_launch(&t, "replay", argv, NULL, 0);
	check_executor_run(&t);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(executor_local.replay(t.sandbox, t.id, 0,
	    check_executor_replay_fn, &c), 0);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_uint_eq(c.seqs[0], 1);
	ck_assert_uint_eq(c.seqs[2], 3);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(executor_local.replay(t.sandbox, t.id, 2,
	    check_executor_replay_fn, &c), 0);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.seqs[0], 3);
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	ck_assert_int_eq(executor_local.replay(t.sandbox, t.id, 0,
	    check_executor_replay_fn, &c), 7);
	ck_assert_uint_eq(c.n, 2);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(executor_local.replay(t.sandbox, "other", 0,
	    check_executor_replay_fn, &c), 0);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_int_eq(executor_local.replay("/nonexistent", t.id, 0,
	    check_executor_replay_fn, &c), -ENOENT);
	/* Junk, an overlong line and a line still being written: skipped. */
	snprintf(path, sizeof(path), "%s/%s/%s", t.sandbox,
	    EXECUTOR_LOCAL_DIR, TASK_EVENT_FILE);
	ck_assert_ptr_nonnull(fp = fopen(path, "a"));
	memset(junk, 'x', sizeof(junk) - 1);
	junk[sizeof(junk) - 1] = '\0';
	fprintf(fp, "junk\n%s\n", junk);
	check_executor_line(&t.ev[2], line, sizeof(line));
	line[strlen(line) - 1] = '\0';
	fprintf(fp, "%s\n", line);
	fprintf(fp, "%s", line);
	ck_assert_int_eq(fclose(fp), 0);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(executor_local.replay(t.sandbox, t.id, 0,
	    check_executor_replay_fn, &c), 0);
	ck_assert_uint_eq(c.n, 4);
	ck_assert_uint_eq(c.seqs[3], 3);
}
END_TEST

/* Spawned as the executor does, keeping the pid (the executor does not). */
static void
check_executor_spawn(struct check_task *t, char *const *argv)
{
	char		 dir[PATH_MAX];
	char		*sv[16];
	size_t		 i, n = 0;

	snprintf(dir, sizeof(dir), "%s/tasks", check_executor_dir);
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
	sv[n++] = check_executor_sock;
	sv[n++] = "-v";
	sv[n++] = "debug";
	sv[n++] = "--";
	for (i = 0; argv[i] != NULL && n < 15; i++)
		sv[n++] = argv[i];
	sv[n] = NULL;
	ck_assert_int_eq(posix_spawn(&t->pid, sv[0], NULL, NULL, sv,
	    check_executor_path_env), 0);
}

/* Until the process blocks SIGTERM: it reads stops from then on. */
static void
check_executor_wait_blocked(pid_t pid)
{
	int64_t			 deadline = clock_mono_ms() + CHECK_EXECUTOR_WAIT_MS;
	unsigned long long	 blocked;
	char			 path[64], *status, *p;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	for (;;) {
		status = check_executor_read_file(path);
		p = strstr(status, "SigBlk:");
		blocked = p != NULL ? strtoull(p + 7, NULL, 16) : 0;
		free(status);
		if (blocked & CHECK_EXECUTOR_SIGTERM)
			return;
		ck_assert_msg(clock_mono_ms() < deadline, "pid %d never "
		    "blocked SIGTERM", (int)pid);
		check_executor_pause();
	}
}

/* Fill the scheduler's queue: the next sender waits for room. */
static int
check_executor_fill_queue(void)
{
	struct sockaddr_un	sun = { .sun_family = AF_UNIX };
	int			fd;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	memcpy(sun.sun_path, check_executor_sock,
	    strlen(check_executor_sock));
	while (sendto(fd, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&sun,
	    sizeof(sun)) == 1)
		;
	ck_assert_int_eq(errno, EAGAIN);
	return (fd);
}

/*
 * Asked to stop before it ran: the command never starts.  The scheduler's
 * queue is full, so the supervisor waits in its send of TASK_STARTING
 * (signals blocked) while SIGTERM comes; it reads it before the fork.
 */
START_TEST(test_executor_killed_during_launch)
{
	static char			*argv[] = { "sh", "-c", "echo ran",
					    NULL };
	struct check_task		 t;
	const struct task_event		*e;
	char				*out;
	int				 fd;

	check_executor_listen();
	fd = check_executor_fill_queue();
	check_executor_prepare(&t, "early");
	check_executor_spawn(&t, argv);
	check_executor_wait_blocked(t.pid);
	ck_assert_int_eq(kill(t.pid, SIGTERM), 0);
	check_executor_run(&t);
	(void)close(fd);
	check_executor_states(&t, "TASK_STARTING TASK_KILLED");
	e = check_executor_last(&t);
	ck_assert_str_eq(e->reason, "REASON_TASK_KILLED_DURING_LAUNCH");
	ck_assert_str_eq(e->message, "Killed");
	ck_assert_int_eq(e->signal, 0);
	ck_assert_int_eq(e->exit_code, -1);
	out = check_executor_sandbox_file(&t, "stdout");
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(test_executor_kill_trapped)
{
	static char			*argv[] = { "sh", "-c",
					    "trap '' TERM; echo ready; "
					    "sleep 100", NULL };
	struct check_task		 t;
	struct executor_handle		 h;
	const struct task_event		*e;

	check_executor_listen();
	check_executor_launch(&t, "trapped", argv, NULL, 0);
	check_executor_until(&t, "TASK_RUNNING", 1);
	check_executor_handle(&t, &h);
	check_executor_wait_output(&t, "ready");
	ck_assert_int_eq(executor_local.kill(&h, SIGTERM), 0);
	check_executor_quiet(&t);
	ck_assert_int_eq(kill(-h.pgid, 0), 0);
	ck_assert_int_eq(executor_local.kill(&h, SIGKILL), 0);
	check_executor_run(&t);
	e = check_executor_last(&t);
	ck_assert_str_eq(e->state, "TASK_FAILED");
	ck_assert_int_eq(e->signal, SIGKILL);
	ck_assert_int_eq(e->exit_code, -1);
	ck_assert_str_eq(e->message, "Terminated by signal SIGKILL");
	ck_assert_int_eq(kill(-h.pgid, 0), -1);
}
END_TEST

/* Until the scheduler has the group, a stop to the supervisor is passed
 * on; after, the cleaner signals the group and the supervisor ignores. */
START_TEST(test_executor_signal_forward)
{
	static char			*argv[] = { "sleep", "100", NULL };
	struct check_task		 t, u;
	const struct task_event		*e;

	check_executor_listen();
	check_executor_launch(&t, "fwd", argv, NULL, 0);
	check_executor_until(&t, "TASK_RUNNING", 0);
	check_executor_ack(&t, 1);
	ck_assert_int_eq(kill(t.pid, SIGTERM), 0);
	check_executor_run(&t);
	e = check_executor_last(&t);
	ck_assert_int_eq(e->signal, SIGTERM);

	check_executor_launch(&u, "ignored", argv, NULL, 0);
	check_executor_until(&u, "TASK_RUNNING", 1);
	check_executor_wait_log(&u, "events up to seq=2 acknowledged");
	ck_assert_int_eq(kill(u.pid, SIGTERM), 0);
	ck_assert_int_eq(kill(u.pid, SIGINT), 0);
	check_executor_quiet(&u);
	ck_assert_int_eq(kill(-u.ev[1].pgid, 0), 0);
	ck_assert_int_eq(kill(-u.ev[1].pgid, SIGKILL), 0);
	check_executor_run(&u);
	ck_assert_int_eq(check_executor_last(&u)->signal, SIGKILL);
}
END_TEST

/* Nobody listens: the task runs anyway, the events wait in order. */
START_TEST(test_executor_no_listener)
{
	static char		*argv[] = { "sh", "-c", "echo ran", NULL };
	struct check_task	 t;
	struct check_replay	 c;
	int64_t			 deadline;
	int			 status;

	check_executor_prepare(&t, "nolisten");
	check_executor_start(&t, argv, check_executor_path_env, NULL, 0);
	deadline = clock_mono_ms() + CHECK_EXECUTOR_WAIT_MS;
	for (;;) {
		memset(&c, 0, sizeof(c));
		(void)executor_local.replay(t.sandbox, t.id, 0,
		    check_executor_replay_fn, &c);
		if (c.n == 3)
			break;
		ck_assert_msg(clock_mono_ms() < deadline, "%zu events "
		    "recorded", c.n);
		check_executor_pause();
	}
	check_executor_wait_output(&t, "ran");
	/* A few rounds of resends find nobody. */
	check_executor_sleep_ms(700);
	ck_assert_int_eq(waitpid(-1, &status, WNOHANG), 0);
	check_executor_listen();
	check_executor_run(&t);
	check_executor_states(&t, "TASK_STARTING TASK_RUNNING TASK_FINISHED");
}
END_TEST

/* Unacknowledged events come again, from the first not acknowledged,
 * and the supervisor stays until its end is acknowledged. */
START_TEST(test_executor_acks_withheld)
{
	static char		*argv[] = { "true", NULL };
	struct check_task	 t;
	struct task_event	 e;
	int64_t			 until, acked_at;
	unsigned		 seen1 = 0;

	check_executor_listen();
	check_executor_launch(&t, "withheld", argv, NULL, 0);
	check_executor_until(&t, NULL, 0);
	/* 200, 400, 800 ms: three more rounds within two seconds. */
	until = clock_mono_ms() + 2000;
	while (clock_mono_ms() < until)
		if (check_executor_take(&t, 100, &e) == 1 && e.seq == 1)
			seen1++;
	ck_assert_uint_ge(seen1, 2);
	ck_assert_int_eq(waitpid(t.pid, NULL, WNOHANG), 0);
	check_executor_ack(&t, 1);
	acked_at = clock_mono_ms();
	until = acked_at + 2500;
	seen1 = 0;
	while (clock_mono_ms() < until)
		if (check_executor_take(&t, 100, &e) == 1 && e.seq == 1 &&
		    clock_mono_ms() > acked_at + 100)
			seen1++;
	ck_assert_uint_eq(seen1, 0);
	ck_assert_uint_gt(t.dups, 6);
	ck_assert_int_eq(waitpid(t.pid, NULL, WNOHANG), 0);
	check_executor_ack(&t, 3);
	check_executor_exited(&t);
	check_executor_file_matches(&t);
}
END_TEST

Suite *
executor_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("executor");
	tc = tcase_create("core");
	tcase_add_unchecked_fixture(tc, check_executor_base_setup,
	    check_executor_base_teardown);
	tcase_add_checked_fixture(tc, check_executor_setup,
	    check_executor_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_executor_proc_start_ticks);
	tcase_add_test(tc, test_executor_find);
	tcase_add_test(tc, test_executor_cgroup_detect);
	tcase_add_test(tc, test_executor_cgroup_v1_files);
	tcase_add_test(tc, test_executor_cgroup_real);
	tcase_add_test(tc, test_executor_exit_status);
	tcase_add_test(tc, test_executor_finished);
	tcase_add_test(tc, test_executor_exit_127_stderr);
	tcase_add_test(tc, test_executor_kill_term);
	tcase_add_test(tc, test_executor_kill_stale_handle);
	tcase_add_test(tc, test_executor_env_argv);
	tcase_add_test(tc, test_executor_user_nobody);
	tcase_add_test(tc, test_executor_user_unknown);
	tcase_add_test(tc, test_executor_exec_missing);
	tcase_add_test(tc, test_executor_memory_limit);
	tcase_add_test(tc, test_executor_sweep_group);
	tcase_add_test(tc, test_executor_launch_many);
	tcase_add_test(tc, test_executor_launch_bad_supervisor);
	tcase_add_test(tc, test_executor_supervisor_usage);
	tcase_add_test(tc, test_executor_replay);
	suite_add_tcase(s, tc);

	tc = tcase_create("slow");
	tcase_add_unchecked_fixture(tc, check_executor_base_setup,
	    check_executor_base_teardown);
	tcase_add_checked_fixture(tc, check_executor_setup,
	    check_executor_teardown);
	tcase_set_tags(tc, "slow");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_executor_killed_during_launch);
	tcase_add_test(tc, test_executor_kill_trapped);
	tcase_add_test(tc, test_executor_signal_forward);
	tcase_add_test(tc, test_executor_no_listener);
	tcase_add_test(tc, test_executor_acks_withheld);
	suite_add_tcase(s, tc);
	return (s);
}
