/*
 * The scheduler's side of a task for the executor and supervisor suites
 * (see executor_harness.h): fixtures, launches through the local
 * executor, and the event channel's receive, check and acknowledge.  The
 * supervisor is $KERR_SUPERVISOR, else $KERR_BUILD_DIR/kerr-supervisor,
 * which `make unit` passes.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "clock.h"
#include "event_channel.h"
#include "executor.h"
#include "executor_harness.h"
#include "executor_local.h"
#include "fixture.h"
#include "proc.h"
#include "task_event.h"

#define EXECUTOR_HARNESS_POLL_NS	10000000L

char	executor_harness_dir[64];		/* the test's, in the base */
char	executor_harness_sock[EVENT_CHANNEL_PATH_MAX];
char	*executor_harness_path_env[] = {
	"PATH=/usr/local/bin:/usr/bin:/bin", NULL
};

static char	executor_harness_base[32];	/* the tcase's */
static int	executor_harness_lfd = -1;
/* The test's tasks: an event is kept for its own task whoever waits. */
static struct check_task *executor_harness_tasks[EXECUTOR_HARNESS_TASKS];

void
executor_harness_pause(void)
{
	struct timespec ts = { 0, EXECUTOR_HARNESS_POLL_NS };

	(void)nanosleep(&ts, NULL);
}

char *
executor_harness_sandbox_file(const struct check_task *t, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", t->sandbox, name);
	return (fixture_read_file(path, NULL));
}

void
executor_harness_wait_file(const struct check_task *t,
    const char *name, const char *text)
{
	int64_t	 deadline = clock_mono_ms() + EXECUTOR_HARNESS_WAIT_MS;
	char	*s;

	for (;;) {
		s = executor_harness_sandbox_file(t, name);
		if (strstr(s, text) != NULL)
			break;
		free(s);
		ck_assert_msg(clock_mono_ms() < deadline, "no '%s' in %s",
		    text, name);
		executor_harness_pause();
	}
	free(s);
}

static void
executor_harness_setenv_supervisor(void)
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

void
executor_harness_listen(void)
{
	executor_harness_lfd = event_channel_listen(executor_harness_sock);
	ck_assert_int_ge(executor_harness_lfd, 0);
}

static void
executor_harness_setup(void)
{
	char path[PATH_MAX];

	snprintf(executor_harness_dir, sizeof(executor_harness_dir),
	    "%s/tXXXXXX", executor_harness_base);
	ck_assert_ptr_nonnull(mkdtemp(executor_harness_dir));
	ck_assert_int_eq(chmod(executor_harness_dir, 0711), 0);
	snprintf(path, sizeof(path), "%s/run", executor_harness_dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(executor_harness_sock, sizeof(executor_harness_sock),
	    "%s/run/%s", executor_harness_dir, TASK_EVENT_SOCKET);
	executor_harness_lfd = -1;
	memset(executor_harness_tasks, 0, sizeof(executor_harness_tasks));
	executor_harness_setenv_supervisor();
}

/* The pids /proc lists as children of pid ("" when none). */
static void
executor_harness_children(pid_t pid, char *buf, size_t len)
{
	char	 path[64];
	char	*s;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
	    (int)pid);
	s = fixture_read_file(path, NULL);
	snprintf(buf, len, "%s", s);
	free(s);
}

/* A supervisor and the groups of its children (its commands). */
static void
executor_harness_kill_tree(pid_t pid)
{
	char	 theirs[1024];
	char	*q, *end;
	long	 child;

	executor_harness_children(pid, theirs, sizeof(theirs));
	for (q = theirs; (child = strtol(q, &end, 10)) > 0; q = end)
		(void)kill(-(pid_t)child, SIGKILL);
	(void)kill(pid, SIGKILL);
}

/* The test's supervisors still running (children of ours), reaped. */
static void
executor_harness_teardown(void)
{
	char	 mine[1024];
	char	*p, *end;
	long	 pid;

	executor_harness_children(getpid(), mine, sizeof(mine));
	for (p = mine; (pid = strtol(p, &end, 10)) > 0; p = end)
		executor_harness_kill_tree((pid_t)pid);
	while (waitpid(-1, NULL, 0) > 0)
		;
	if (executor_harness_lfd >= 0)
		(void)close(executor_harness_lfd);
	executor_harness_lfd = -1;
	fixture_rmtree(executor_harness_dir);
}

/*
 * A test that fails exits at once, its checked teardown unrun, and its
 * supervisors go on as orphans: the runner finds them by the tcase's
 * directory on their command line, and ends them with their commands.
 */
static void
executor_harness_base_setup(void)
{
	snprintf(executor_harness_base, sizeof(executor_harness_base),
	    "/tmp/kerr-check-exec-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(executor_harness_base));
	/* Another task user must reach its sandbox below. */
	ck_assert_int_eq(chmod(executor_harness_base, 0711), 0);
}

/* 1 when pid's command line mentions the tcase's directory. */
static int
executor_harness_is_ours(const char *pid)
{
	char	 path[PATH_MAX];
	char	*cmd;
	size_t	 n;
	int	 ours;

	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	cmd = fixture_read_file(path, &n);
	ours = memmem(cmd, n, executor_harness_base,
	    strlen(executor_harness_base)) != NULL;
	free(cmd);
	return (ours);
}

static void
executor_harness_base_teardown(void)
{
	DIR		*dir;
	struct dirent	*de;

	if ((dir = opendir("/proc")) != NULL) {
		while ((de = readdir(dir)) != NULL)
			if (de->d_name[0] >= '1' && de->d_name[0] <= '9' &&
			    executor_harness_is_ours(de->d_name))
				executor_harness_kill_tree((pid_t)atoi(
				    de->d_name));
		closedir(dir);
	}
	fixture_rmtree(executor_harness_base);
}

/*
 * The base directory is made in the runner, once per tcase, so that its
 * teardown outlives a failed test; fixture_suite() has no such rows.
 */
TCase *
executor_harness_tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, executor_harness_base_setup,
	    executor_harness_base_teardown);
	tcase_add_checked_fixture(tc, executor_harness_setup,
	    executor_harness_teardown);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return (tc);
}

void
executor_harness_prepare(struct check_task *t, const char *name)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < EXECUTOR_HARNESS_TASKS; i++)
		if (executor_harness_tasks[i] == NULL ||
		    executor_harness_tasks[i] == t) {
			executor_harness_tasks[i] = t;
			break;
		}
	ck_assert_uint_lt(i, EXECUTOR_HARNESS_TASKS);
	/* Unique across runs: cgroups are named after the task. */
	snprintf(t->id, sizeof(t->id), "check-%s-%d", name, (int)getpid());
	snprintf(t->sandbox, sizeof(t->sandbox), "%s/tasks/%s",
	    executor_harness_dir, t->id);
}

void
executor_harness_fill(const struct check_task *t,
    struct executor_launch *l, char *const *argv, char *const *envp,
    const char *user, double memory_mb)
{
	memset(l, 0, sizeof(*l));
	l->task_id = t->id;
	l->sandbox_dir = t->sandbox;
	l->argv = argv;
	l->envp = envp;
	l->user = user;
	l->memory_mb = memory_mb;
	l->events = executor_harness_sock;
	l->log_level = LOG_DEBUG;
}

/* Through the executor, as the scheduler launches. */
void
executor_harness_start(struct check_task *t, char *const *argv,
    char *const *envp, const char *user, double memory_mb)
{
	struct executor_launch	l;
	int			r = 1;

	executor_harness_fill(t, &l, argv, envp, user, memory_mb);
	executor_local.launch(&l, 1, &r);
	ck_assert_int_eq(r, 0);
}

void
executor_harness_launch(struct check_task *t, const char *name,
    char *const *argv, const char *user, double memory_mb)
{
	executor_harness_prepare(t, name);
	executor_harness_start(t, argv, executor_harness_path_env, user,
	    memory_mb);
}

void
executor_harness_line(const struct task_event *e, char *buf, size_t len)
{
	ck_assert_int_gt(task_event_format(e, buf, len), 0);
}

/* What every event of t must agree on. */
static void
executor_harness_check_event(struct check_task *t,
    const struct task_event *e)
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
executor_harness_task(const char *id)
{
	size_t i;

	for (i = 0; i < EXECUTOR_HARNESS_TASKS; i++)
		if (executor_harness_tasks[i] != NULL &&
		    strcmp(executor_harness_tasks[i]->id, id) == 0)
			return (executor_harness_tasks[i]);
	return (NULL);
}

/* Keep e for its task: new in seq order, or a resend just as it was. */
static void
executor_harness_keep(struct check_task *t, const struct task_event *e,
    const struct event_channel_peer *peer)
{
	char a[TASK_EVENT_LINE_MAX], b[TASK_EVENT_LINE_MAX];

	t->peer = *peer;
	if (e->seq <= t->n) {
		executor_harness_line(e, a, sizeof(a));
		executor_harness_line(&t->ev[e->seq - 1], b, sizeof(b));
		ck_assert_str_eq(a, b);
		t->dups++;
		return;
	}
	executor_harness_check_event(t, e);
	t->ev[t->n++] = *e;
}

int
executor_harness_take(struct check_task *t, int ms, struct task_event *ret)
{
	struct pollfd			 pfd = { executor_harness_lfd, POLLIN,
					    0 };
	struct event_channel_peer	 peer;
	struct task_event		 e;
	struct check_task		*owner;
	int64_t				 deadline = clock_mono_ms() + ms;
	int				 r;

	for (;;) {
		r = event_channel_recv(executor_harness_lfd, NULL, &e,
		    &peer);
		ck_assert_msg(r >= 0 || r == -EPROTO, "recv: %s",
		    strerror(-r));
		if (r == 1 && (owner = executor_harness_task(e.task_id)) !=
		    NULL) {
			executor_harness_keep(owner, &e, &peer);
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

void
executor_harness_ack(struct check_task *t, unsigned seq)
{
	struct task_event_ack a;

	memset(&a, 0, sizeof(a));
	snprintf(a.task_id, sizeof(a.task_id), "%s", t->id);
	a.seq = seq;
	ck_assert_int_eq(event_channel_ack(executor_harness_lfd, NULL,
	    &t->peer, &a), 0);
	t->acked = seq;
}

static int
executor_harness_ended(const struct check_task *t)
{
	return (t->n > 0 && task_event_is_terminal(t->ev[t->n - 1].state));
}

void
executor_harness_until(struct check_task *t, const char *state,
    int ack)
{
	struct task_event e;

	for (;;) {
		if (t->n > 0 && (state != NULL ? strcmp(t->ev[t->n - 1].state,
		    state) == 0 : executor_harness_ended(t)))
			break;
		ck_assert_msg(executor_harness_take(t,
		    EXECUTOR_HARNESS_WAIT_MS, &e) == 1, "task %s: no event "
		    "after %s", t->id, t->n > 0 ? t->ev[t->n - 1].state :
		    "the launch");
		ck_assert_msg(state == NULL || !executor_harness_ended(t),
		    "task %s ended %s while waiting for %s", t->id,
		    t->ev[t->n - 1].state, state);
		if (ack)
			executor_harness_ack(t, t->n);
	}
	/* What came while another task was awaited. */
	if (ack && t->acked < t->n)
		executor_harness_ack(t, t->n);
}

void
executor_harness_exited(const struct check_task *t)
{
	int64_t	 deadline = clock_mono_ms() + EXECUTOR_HARNESS_WAIT_MS;
	char	*log;
	pid_t	 r;
	int	 status;

	ck_assert_int_gt(t->pid, 1);
	while ((r = waitpid(t->pid, &status, WNOHANG)) == 0) {
		ck_assert_msg(clock_mono_ms() < deadline, "supervisor %d "
		    "still running", (int)t->pid);
		executor_harness_pause();
	}
	ck_assert_int_eq(r, t->pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "supervisor wait status 0x%x", (unsigned int)status);
	log = executor_harness_sandbox_file(t, EXECUTOR_LOCAL_DIR "/"
	    EXECUTOR_LOCAL_LOG);
	ck_assert_msg(strstr(log, "Sanitizer") == NULL &&
	    strstr(log, "runtime error") == NULL, "supervisor log: %s", log);
	free(log);
}

void
executor_harness_file_matches(const struct check_task *t)
{
	char	 want[EXECUTOR_HARNESS_EVENTS * TASK_EVENT_LINE_MAX];
	char	*got;
	size_t	 off = 0;
	unsigned i;

	want[0] = '\0';
	for (i = 0; i < t->n; i++) {
		executor_harness_line(&t->ev[i], want + off,
		    sizeof(want) - off);
		off += strlen(want + off);
	}
	got = executor_harness_sandbox_file(t, EXECUTOR_LOCAL_DIR "/"
	    TASK_EVENT_FILE);
	ck_assert_str_eq(got, want);
	free(got);
}

void
executor_harness_run(struct check_task *t)
{
	executor_harness_until(t, NULL, 1);
	executor_harness_exited(t);
	executor_harness_file_matches(t);
}

void
executor_harness_states(const struct check_task *t, const char *want)
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

const struct task_event *
executor_harness_last(const struct check_task *t)
{
	ck_assert_uint_gt(t->n, 0);
	return (&t->ev[t->n - 1]);
}

void
executor_harness_handle(const struct check_task *t,
    struct executor_handle *h)
{
	memset(h, 0, sizeof(*h));
	h->pid = t->ev[0].pid;
	h->start_ticks = t->ev[0].start_ticks;
	if (t->n > 1)
		h->pgid = t->ev[1].pgid;
}

int
executor_harness_replay_fn(void *arg, const struct task_event *e)
{
	struct check_replay *c = arg;

	ck_assert_uint_lt(c->n, 8);
	c->seqs[c->n++] = e->seq;
	return ((int)e->seq == c->stop_at ? 7 : 0);
}
