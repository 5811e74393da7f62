/*
 * Recording what happened to the task.  Every update goes through
 * db_task_record_update (a compare-and-set: one terminal state wins, a
 * later one gets -ESTALE and is dropped), retried while the store is
 * busy, and is followed by a BUS_TASK_UPDATE doorbell.  The terminal
 * state is first written to <sandbox>/.kerr/exit.json and synced, so the
 * scheduler's reconciliation can still learn how the task ended when the
 * store write fails or the host stops in between.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "db_task.h"
#include "log.h"
#include "supervisor.h"

#define SUPERVISOR_EXIT_RETRY_MS	30000
#define SUPERVISOR_EXIT_PAUSE_NS	100000000L
#define SUPERVISOR_EXIT_TMP		EXECUTOR_LOCAL_EXIT ".tmp"

static void
supervisor_exit_pause(void)
{
	struct timespec ts = { 0, SUPERVISOR_EXIT_PAUSE_NS };

	(void)nanosleep(&ts, NULL);
}

/*
 * Ring the scheduler when the task ended, so it is replaced at once.
 * Starts are not rung: the scheduler sees them on its next pass, and
 * opening the bus (nng threads, dials) in every starting supervisor slows
 * a burst of launches down several times.
 */
static void
supervisor_exit_ring(struct supervisor *sv, const char *state)
{
	int r;

	if (!db_task_state_is_terminal(state))
		return;
	if (sv->bus == NULL && (r = bus_open(sv->conf.runtime_dir,
	    "supervisor", NULL, 0, BUS_DIAL_WAIT, &sv->bus)) < 0) {
		log_debug("Failed to open the bus in '%s': %s",
		    sv->conf.runtime_dir, strerror(-r));
		return;
	}
	if ((r = bus_send(sv->bus, BUS_TASK_UPDATE, sv->task_id)) < 0)
		log_debug("Failed to ring the bus for task %s: %s",
		    sv->task_id, strerror(-r));
}

/* Store sv->handle, retried while the store is busy. */
int
supervisor_exit_set_handle(struct supervisor *sv)
{
	int64_t	deadline = clock_mono_ms() + SUPERVISOR_EXIT_RETRY_MS;
	int	r;

	while ((r = db_task_set_handle(sv->db, sv->task_id, &sv->handle)) ==
	    -EBUSY && clock_mono_ms() < deadline)
		supervisor_exit_pause();
	return (r);
}

int
supervisor_exit_record(struct supervisor *sv, const char *state,
    const char *message, const char *reason)
{
	return (supervisor_exit_record_handle(sv, state, message, reason, 0));
}

/* With with_handle, sv->handle is stored in the same transaction. */
int
supervisor_exit_record_handle(struct supervisor *sv, const char *state,
    const char *message, const char *reason, int with_handle)
{
	int64_t	now = clock_now_ms();
	int64_t	deadline = clock_mono_ms() + SUPERVISOR_EXIT_RETRY_MS;
	int	r;

	while ((r = db_task_record_update_handle(sv->db, sv->task_id, state,
	    message, reason, now, with_handle ? &sv->handle : NULL)) ==
	    -EBUSY && clock_mono_ms() < deadline)
		supervisor_exit_pause();
	if (r == 0) {
		log_info("task=%s state=%s->%s by=supervisor", sv->task_id,
		    sv->state, state);
		sv->state = state;
		supervisor_exit_ring(sv, state);
	} else if (r == -ESTALE)
		log_info("task=%s state=%s not recorded: the task already "
		    "has its terminal state", sv->task_id, state);
	else
		log_err("Failed to record %s for task %s: %s", state,
		    sv->task_id, strerror(-r));
	return (r);
}

/* 1 when a kill is queued for the task; 0 also when we cannot tell. */
int
supervisor_exit_kill_requested(struct supervisor *sv)
{
	int64_t	deadline = clock_mono_ms() + SUPERVISOR_EXIT_RETRY_MS;
	int	r;

	while ((r = db_task_kill_requested(sv->db, sv->task_id)) == -EBUSY &&
	    clock_mono_ms() < deadline)
		supervisor_exit_pause();
	if (r < 0) {
		log_warnx("Failed to read the cleanups of task %s: %s, "
		    "assuming none", sv->task_id, strerror(-r));
		return (0);
	}
	return (r);
}

static int
supervisor_exit_oom(struct supervisor *sv)
{
	int r;

	if (!sv->cg_made)
		return (0);
	if ((r = cgroup_task_oom_killed(&sv->cg, sv->task_id)) < 0) {
		log_warnx("Failed to read the OOM count of task %s: %s, "
		    "assuming none", sv->task_id, strerror(-r));
		return (0);
	}
	return (r);
}

static void
supervisor_exit_signame(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev != NULL)
		(void)snprintf(buf, len, "SIG%s", abbrev);
	else
		(void)snprintf(buf, len, "%d", sig);
}

/*
 * The last non-empty line the task wrote to its stderr file, cut to fit
 * len; "" when there is none.  Shells exit 126 or 127 when the command
 * cannot run at all and explain why only there ("sh: 1: /x: Permission
 * denied"), so the task's status message repeats it.
 */
static void
supervisor_exit_stderr_tail(const struct supervisor *sv, char *buf,
    size_t len)
{
	char	 tail[512], path[PATH_MAX];
	char	*end, *start;
	ssize_t	 n;
	off_t	 size;
	int	 fd;

	buf[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/stderr", sv->sandbox) >=
	    (int)sizeof(path) ||
	    (fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	n = size < 0 ? -1 : pread(fd, tail, sizeof(tail) - 1,
	    size > (off_t)sizeof(tail) - 1 ? size - (off_t)sizeof(tail) + 1 :
	    0);
	(void)close(fd);
	if (n <= 0)
		return;
	tail[n] = '\0';
	end = tail + n;
	while (end > tail && (end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	start = strrchr(tail, '\n');
	start = start != NULL ? start + 1 : tail;
	n = (ssize_t)strnlen(start, len - 1);
	memcpy(buf, start, (size_t)n);
	buf[n] = '\0';
}

void
supervisor_exit_outcome(struct supervisor *sv, int status,
    struct supervisor_outcome *o)
{
	char signame[32], why[SUPERVISOR_MESSAGE_MAX - 32];

	memset(o, 0, sizeof(*o));
	o->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	o->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	o->state = "TASK_FAILED";
	o->reason = SUPERVISOR_REASON_FAILED;
	if (supervisor_exit_kill_requested(sv) == 1) {
		o->state = "TASK_KILLED";
		o->reason = NULL;
		/* The cleanup type is why it was killed (spec 3.12). */
		if (db_task_kill_type(sv->db, sv->task_id, o->message,
		    sizeof(o->message)) != 1)
			(void)snprintf(o->message, sizeof(o->message),
			    "Killed");
	} else if (supervisor_exit_oom(sv) == 1) {
		o->reason = SUPERVISOR_REASON_MEMORY;
		(void)snprintf(o->message, sizeof(o->message),
		    "Memory limit exceeded: %g MB",
		    sv->spec.launch.memory_mb);
	} else if (o->exit_code == 0) {
		o->state = "TASK_FINISHED";
		o->reason = NULL;
	} else if (o->exit_code == 126 || o->exit_code == 127) {
		supervisor_exit_stderr_tail(sv, why, sizeof(why));
		(void)snprintf(o->message, sizeof(o->message),
		    "Exited with status %d%s%s", o->exit_code,
		    why[0] != '\0' ? ": " : "", why);
	} else if (o->exit_code > 0) {
		(void)snprintf(o->message, sizeof(o->message),
		    "Exited with status %d", o->exit_code);
	} else {
		supervisor_exit_signame(o->signal, signame, sizeof(signame));
		(void)snprintf(o->message, sizeof(o->message),
		    "Terminated by signal %s", signame);
	}
}

static json_t *
supervisor_exit_json(const struct supervisor_outcome *o)
{
	json_t *doc;

	doc = json_pack("{s:s, s:s*, s:s*, s:I}", "taskState", o->state,
	    "message", o->message[0] != '\0' ? o->message : NULL,
	    "reason", o->reason, "timestamp", (json_int_t)clock_now_ms());
	if (doc == NULL)
		return (NULL);
	if ((o->exit_code >= 0 && json_object_set_new(doc, "exitCode",
	    json_integer(o->exit_code)) != 0) ||
	    (o->signal > 0 && json_object_set_new(doc, "signal",
	    json_integer(o->signal)) != 0)) {
		json_decref(doc);
		return (NULL);
	}
	return (doc);
}

/* exit.json, durably: a synced temporary file renamed into place. */
static int
supervisor_exit_write(struct supervisor *sv,
    const struct supervisor_outcome *o)
{
	json_t	*doc = NULL;
	int	 fd = -1, r = 0;

	if ((doc = supervisor_exit_json(o)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	errno = 0;
	fd = openat(sv->dirfd, SUPERVISOR_EXIT_TMP, O_WRONLY | O_CREAT |
	    O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || json_dumpfd(doc, fd, JSON_COMPACT) != 0 ||
	    fsync(fd) != 0) {
		r = errno != 0 ? -errno : -EIO;
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		r = -errno;
		goto out;
	}
	fd = -1;
	if (renameat(sv->dirfd, SUPERVISOR_EXIT_TMP, sv->dirfd,
	    EXECUTOR_LOCAL_EXIT) != 0 || fsync(sv->dirfd) != 0)
		r = -errno;
out:
	if (fd >= 0)
		(void)close(fd);
	json_decref(doc);
	return (r);
}

int
supervisor_exit_finish(struct supervisor *sv,
    const struct supervisor_outcome *o)
{
	int r;

	if (sv->dirfd >= 0 && (r = supervisor_exit_write(sv, o)) < 0)
		log_err("Failed to write %s/%s/%s: %s", sv->sandbox,
		    EXECUTOR_LOCAL_DIR, EXECUTOR_LOCAL_EXIT, strerror(-r));
	r = supervisor_exit_record(sv, o->state,
	    o->message[0] != '\0' ? o->message : NULL, o->reason);
	return (r == 0 || r == -ESTALE ? 0 : r);
}

int
supervisor_exit_early(struct supervisor *sv, const char *state,
    const char *reason, const char *fmt, ...)
{
	struct supervisor_outcome	o;
	va_list				ap;

	memset(&o, 0, sizeof(o));
	o.state = state;
	o.reason = reason;
	o.exit_code = -1;
	va_start(ap, fmt);
	(void)vsnprintf(o.message, sizeof(o.message), fmt, ap);
	va_end(ap);
	log_notice("task=%s ends before running: %s", sv->task_id,
	    o.message);
	(void)supervisor_exit_finish(sv, &o);
	return (-1);
}
