/*
 * The scheduler's side of a task, for the executor and supervisor suites
 * (check_executor.c, check_supervisor.c).  Each test gets a mkdtemp state
 * directory and plays the scheduler: it listens on a real event channel
 * there, launches supervisors (which are its children, as they are the
 * scheduler's), receives their events, checks them (states in seq order,
 * pids, groups, exit codes, messages), acknowledges them, reaps the
 * supervisor and compares the sandbox's events file with what came over
 * the channel.  Outcomes are awaited with deadlines, never by sleeping a
 * fixed time; only proving that something does NOT happen takes a fixed
 * wait.  Every function asserts with check, so a test need not check
 * their results.
 */
#ifndef KERR_EXECUTOR_HARNESS_H
#define KERR_EXECUTOR_HARNESS_H

#include <sys/types.h>

#include <stddef.h>

#include <check.h>

#include "event_channel.h"
#include "executor.h"
#include "task_event.h"

#define EXECUTOR_HARNESS_WAIT_MS	10000	/* longest wait for an event */
#define EXECUTOR_HARNESS_EVENTS		3
#define EXECUTOR_HARNESS_TASKS		4	/* at once in one test */

/* One task as the scheduler sees it: its events, in order. */
struct check_task {
	char				id[64];
	char				sandbox[512];
	pid_t				pid;	/* the supervisor */
	struct task_event		ev[EXECUTOR_HARNESS_EVENTS];
	unsigned			n;	/* received, in order */
	unsigned			dups;	/* received again */
	unsigned			acked;
	struct event_channel_peer	peer;
};

/* What executor_harness_replay_fn was handed, in order. */
struct check_replay {
	unsigned	seqs[8];
	size_t		n;
	int		stop_at;	/* return 7 at this seq */
};

/* The test's state directory and the channel's socket in it. */
extern char	 executor_harness_dir[64];
extern char	 executor_harness_sock[EVENT_CHANNEL_PATH_MAX];
/* The environment a task is launched with unless it says otherwise. */
extern char	*executor_harness_path_env[];

/*
 * A TCase added to s, its fixtures set: a directory for the tcase (whose
 * teardown kills the supervisors a failed test left), one for each test.
 */
TCase	*executor_harness_tcase(Suite *s, const char *name);

/* A short poll interval, between looks at something awaited. */
void	 executor_harness_pause(void);
/* The sandbox's file name (a path inside it), "" when missing; freed. */
char	*executor_harness_sandbox_file(const struct check_task *t,
	    const char *name);
/* Wait until the sandbox's file name holds text (the task got that far). */
void	 executor_harness_wait_file(const struct check_task *t,
	    const char *name, const char *text);

/* Start listening on the channel, as the scheduler does. */
void	 executor_harness_listen(void);
/* Name the task (unique across runs) and make it one of the test's. */
void	 executor_harness_prepare(struct check_task *t, const char *name);
/* The launch the scheduler would ask for. */
void	 executor_harness_fill(const struct check_task *t,
	    struct executor_launch *l, char *const *argv, char *const *envp,
	    const char *user, double memory_mb);
/* Launched through the executor, which must accept it. */
void	 executor_harness_start(struct check_task *t, char *const *argv,
	    char *const *envp, const char *user, double memory_mb);
/* Prepared, then started with executor_harness_path_env. */
void	 executor_harness_launch(struct check_task *t, const char *name,
	    char *const *argv, const char *user, double memory_mb);

/* The event formatted, newline included: lines are compared whole. */
void	 executor_harness_line(const struct task_event *e, char *buf,
	    size_t len);
/*
 * Take one event of t from the channel into *ret: 1, or 0 when none came
 * in ms.  Another task's events are kept for it on the way.
 */
int	 executor_harness_take(struct check_task *t, int ms,
	    struct task_event *ret);
void	 executor_harness_ack(struct check_task *t, unsigned seq);
/* Receive until state (any terminal state when NULL), acking if ack. */
void	 executor_harness_until(struct check_task *t, const char *state,
	    int ack);
/* The supervisor leaves (status 0) soon after its end was acked. */
void	 executor_harness_exited(const struct check_task *t);
/* The sandbox's events file holds exactly the lines that came. */
void	 executor_harness_file_matches(const struct check_task *t);
/* The whole life of a task whose end is simply acknowledged. */
void	 executor_harness_run(struct check_task *t);
/* The states received, as "TASK_STARTING TASK_RUNNING TASK_FAILED". */
void	 executor_harness_states(const struct check_task *t,
	    const char *want);
/* The last event received (there must be one). */
const struct task_event
	*executor_harness_last(const struct check_task *t);
/* Where the task lives, as the scheduler learns it from its events. */
void	 executor_harness_handle(const struct check_task *t,
	    struct executor_handle *h);

/* A replay callback for executor_local.replay: arg is a check_replay. */
int	 executor_harness_replay_fn(void *arg, const struct task_event *e);

#endif
