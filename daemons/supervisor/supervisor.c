/*
 * kerr-supervisor: the per-task supervisor of the local executor.
 *
 * The executor spawns "kerr-supervisor -c conf -t task_id -s sandbox"
 * with the write end of a pipe on descriptor 3.  That process forks the
 * real supervisor and exits at once; the supervisor reports "<pid>
 * <start_ticks>" on the pipe, so the daemon that spawned it reaps the
 * short-lived one immediately and keeps no zombie.  The supervisor then
 * runs in its own session, as a child subreaper (orphans of the task come
 * back to it to be reaped), logging to <sandbox>/.kerr/supervisor.log.
 *
 * Tables: tasks (executor handle and state), task_updates, task_cleanups
 * (read: was a kill asked for?).  Bus: BUS_TASK_UPDATE after every update
 * it records.
 */
#include <sys/prctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "log.h"
#include "proc.h"
#include "supervisor.h"

static volatile sig_atomic_t	supervisor_stop;
static volatile sig_atomic_t	supervisor_pgid;	/* forward to this */

static void
supervisor_on_signal(int sig)
{
	int saved_errno = errno;

	if (supervisor_pgid > 0)
		(void)kill(-(pid_t)supervisor_pgid, sig);
	else
		supervisor_stop = 1;
	errno = saved_errno;
}

/*
 * SIGTERM/SIGINT before the command exists end the task as killed;
 * SIGHUP never concerns us; a closed pipe is an error, not a death;
 * SIGCHLD must be default for waitpid to see the command.
 */
static void
supervisor_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = supervisor_on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)signal(SIGHUP, SIG_IGN);
	(void)signal(SIGPIPE, SIG_IGN);
	(void)signal(SIGCHLD, SIG_DFL);
}

int
supervisor_stop_requested(void)
{
	return (supervisor_stop);
}

void
supervisor_forward_signals(pid_t pgid)
{
	supervisor_pgid = pgid;
}

/* The cleaner signals the task's group itself from now on. */
void
supervisor_ignore_signals(void)
{
	(void)signal(SIGTERM, SIG_IGN);
	(void)signal(SIGINT, SIG_IGN);
}

void
supervisor_close_fds(unsigned int from, int cloexec)
{
	long	max, fd;

	if (close_range(from, ~0U, cloexec ? CLOSE_RANGE_CLOEXEC : 0) == 0)
		return;
	/* Before Linux 5.9 (5.11 for CLOSE_RANGE_CLOEXEC). */
	if ((max = sysconf(_SC_OPEN_MAX)) < 0)
		max = 1024;
	for (fd = from; fd < max; fd++) {
		if (cloexec)
			(void)fcntl((int)fd, F_SETFD, FD_CLOEXEC);
		else
			(void)close((int)fd);
	}
}

/*
 * Keep stdin, stdout, stderr and the report pipe; anything else came
 * from the daemon (its sockets, its database) and must not stay open
 * for the life of the task.
 */
static void
supervisor_inherit_fds(struct supervisor *sv)
{
	struct stat st;

	supervisor_close_fds(EXECUTOR_LOCAL_REPORT_FD + 1, 0);
	if (fstat(EXECUTOR_LOCAL_REPORT_FD, &st) == 0 && S_ISFIFO(st.st_mode))
		sv->report_fd = EXECUTOR_LOCAL_REPORT_FD;
	else
		(void)close(EXECUTOR_LOCAL_REPORT_FD);
}

static void
supervisor_usage(void)
{
	fprintf(stderr, "usage: kerr-supervisor [-c file] -t task_id "
	    "-s sandbox\n"
	    "  -c file     configuration file (default %s)\n"
	    "  -t task_id  the task to run, as launched in the store\n"
	    "  -s sandbox  its sandbox, holding .kerr/launch.json\n",
	    CONF_PATH_DEFAULT);
}

static int
supervisor_parse_args(struct supervisor *sv, int argc, char **argv)
{
	const struct args_opt opts[] = {
		{ 'c', &sv->conf_path, NULL },
		{ 't', &sv->task_id, NULL },
		{ 's', &sv->sandbox, NULL },
	};

	if (args_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0])) < 0 ||
	    sv->task_id == NULL || sv->sandbox == NULL ||
	    sv->sandbox[0] != '/') {
		supervisor_usage();
		return (-1);
	}
	return (0);
}

/* From here on stdout and stderr are <sandbox>/.kerr/supervisor.log. */
static int
supervisor_open_log(struct supervisor *sv)
{
	char	path[PATH_MAX];
	int	fd, n;

	n = snprintf(path, sizeof(path), "%s/%s", sv->sandbox,
	    EXECUTOR_LOCAL_DIR);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		log_err("Sandbox path '%s' is too long", sv->sandbox);
		return (-1);
	}
	sv->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (sv->dirfd < 0) {
		log_warn("Failed to open '%s'", path);
		return (-1);
	}
	fd = openat(sv->dirfd, EXECUTOR_LOCAL_LOG, O_WRONLY | O_CREAT |
	    O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_warn("Failed to open '%s/%s'", path, EXECUTOR_LOCAL_LOG);
		return (-1);
	}
	if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0) {
		log_warn("Failed to redirect output to '%s/%s'", path,
		    EXECUTOR_LOCAL_LOG);
		(void)close(fd);
		return (-1);
	}
	(void)close(fd);
	return (0);
}

static int
supervisor_load_conf(struct supervisor *sv)
{
	char why[PATH_MAX + 128];

	/* sv->conf_path is never NULL: the default must exist here. */
	if (conf_read(&sv->conf, sv->conf_path, why, sizeof(why)) < 0) {
		log_err("%s", why);
		return (-1);
	}
	log_set_level(sv->conf.log_level);
	return (0);
}

/* Tell the executor where the long-lived supervisor is. */
static void
supervisor_report(struct supervisor *sv)
{
	int r;

	if (sv->report_fd < 0)
		return;
	if ((r = executor_local_report(sv->report_fd, &sv->handle)) < 0)
		log_warnx("Failed to report pid %d to the executor: %s, "
		    "ignoring", (int)sv->handle.pid, strerror(-r));
	(void)close(sv->report_fd);
	sv->report_fd = -1;
}

/*
 * Fork the long-lived supervisor; the parent, the process the executor
 * spawned and waits for, leaves at once (_exit: no atexit work of a
 * process that only handed over).
 */
static int
supervisor_detach(struct supervisor *sv)
{
	pid_t	pid;
	int	r;

	if ((pid = fork()) < 0) {
		log_warn("Failed to fork the supervisor of task %s",
		    sv->task_id);
		return (-1);
	}
	if (pid > 0)
		_exit(EXIT_SUCCESS);
	if (setsid() < 0)
		log_warn("Failed to start a session, ignoring");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L) != 0)
		log_warn("Failed to become a child subreaper, ignoring");
	sv->handle.pid = getpid();
	if ((r = proc_start_ticks(sv->handle.pid, &sv->handle.start_ticks))
	    < 0) {
		log_err("Failed to read our own start time: %s",
		    strerror(-r));
		return (-1);
	}
	supervisor_report(sv);
	(void)umask(022);
	if (chdir("/") != 0)
		log_warn("Failed to change directory to /, ignoring");
	return (0);
}

static int
supervisor_open_store(struct supervisor *sv)
{
	struct db_options	opt = {
		.busy_timeout_ms = sv->conf.db_busy_timeout_ms,
		.synchronous_full = sv->conf.db_synchronous_full,
	};
	char			path[PATH_MAX];
	int			r;

	conf_db_path(&sv->conf, path, sizeof(path));
	if ((r = db_open(path, &opt, &sv->db)) < 0) {
		log_err("Failed to open database '%s': %s", path,
		    strerror(-r));
		return (-1);
	}
	/* The bus is opened only to report the end (supervisor_exit.c):
	 * nng's threads in every starting supervisor cost a 200-task
	 * deploy seconds. */
	return (0);
}

/* Read launch.json and claim the task: handle, then TASK_STARTING. */
static int
supervisor_claim(struct supervisor *sv)
{
	int r;

	if ((r = executor_local_spec_read(sv->dirfd, &sv->spec)) < 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to read %s/%s/%s: %s",
		    sv->sandbox, EXECUTOR_LOCAL_DIR, EXECUTOR_LOCAL_LAUNCH,
		    strerror(-r)));
	if (strcmp(sv->spec.launch.task_id, sv->task_id) != 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "The launch in %s is for "
		    "task %s", sv->sandbox, sv->spec.launch.task_id));
	/* The handle and TASK_STARTING go in one commit. */
	r = supervisor_exit_record_handle(sv, "TASK_STARTING", NULL, NULL, 1);
	if (r == -ENOENT) {
		log_err("No task %s in the store, not starting it",
		    sv->task_id);
		return (-1);
	}
	/* Already ended (killed while launching): nothing to run. */
	if (r == -ESTALE)
		return (-1);
	if (r < 0)
		log_warnx("Failed to record the start of task %s: %s, "
		    "ignoring", sv->task_id, strerror(-r));
	return (0);
}

static int
supervisor_run(struct supervisor *sv)
{
	struct supervisor_outcome	o;
	int				status;

	if (supervisor_open_store(sv) < 0 || supervisor_claim(sv) < 0 ||
	    supervisor_child_setup(sv) < 0 || supervisor_child_start(sv) < 0)
		return (-1);
	if (supervisor_child_wait(sv, &status) < 0)
		return (-1);
	supervisor_exit_outcome(sv, status, &o);
	return (supervisor_exit_finish(sv, &o));
}

static void
supervisor_fini(struct supervisor *sv)
{
	int r;

	if (sv->cg_made && (r = cgroup_task_remove(&sv->cg, sv->task_id)) < 0)
		log_warnx("Failed to remove the cgroup of task %s: %s, "
		    "ignoring", sv->task_id, strerror(-r));
	bus_close(sv->bus);
	db_close(sv->db);
	executor_local_spec_free(&sv->spec);
	free(sv->envp);
	free(sv->sandbox_env);
	free(sv->groups);
	if (sv->dirfd >= 0)
		(void)close(sv->dirfd);
	if (sv->report_fd >= 0)
		(void)close(sv->report_fd);
}

int
main(int argc, char **argv)
{
	struct supervisor	sv;
	int			r = -1;

	memset(&sv, 0, sizeof(sv));
	sv.conf_path = CONF_PATH_DEFAULT;
	sv.dirfd = -1;
	sv.report_fd = -1;
	sv.state = "TASK_LAUNCHED";
	log_init("kerr-supervisor", LOG_NOTICE);
	supervisor_catch_signals();
	supervisor_inherit_fds(&sv);
	if (supervisor_parse_args(&sv, argc, argv) < 0)
		return (2);
	if (supervisor_open_log(&sv) == 0 && supervisor_load_conf(&sv) == 0 &&
	    supervisor_detach(&sv) == 0)
		r = supervisor_run(&sv);
	supervisor_fini(&sv);
	return (r < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
}
