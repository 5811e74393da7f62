/*
 * kerr-supervisor: the per-task supervisor of the local executor.
 *
 * The scheduler spawns it (executor_local.h)
 *
 *   kerr-supervisor -t TASK_ID -s SANDBOX -e EVENTS [-u USER] [-c CPUS]
 *                   [-m MEMORY_MB] [-v LOG_LEVEL] -- COMMAND [ARG...]
 *
 * in a session of its own, with the task's environment as its own, and
 * reaps it.  It logs to <sandbox>/.kerr/supervisor.log, becomes a child
 * subreaper (orphans of the task come back to it to be reaped), and
 * waits in one poll loop for the exec, the command's exit (SIGCHLD on a
 * signalfd), acknowledgements on the event channel and resend timeouts.
 * It leaves, with status 0, once the terminal event is acknowledged.
 *
 * No table, no bus: events go to kerr-schedulerd's event channel.
 */
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "executor_local.h"
#include "args.h"
#include "log.h"
#include "proc.h"
#include "supervisor.h"

#define SUPERVISOR_POLL_ERROR_MS	1000
#define SUPERVISOR_JOURNAL_SOCKET	"/run/systemd/journal/socket"
#define SUPERVISOR_POLL_FDS		(3 + SUPERVISOR_STREAMS)

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
 * First thing: the signals the loop reads are blocked, so a stop that
 * comes from now on waits in the signalfd instead of killing us.  SIGHUP
 * never concerns us; a closed pipe is an error, not a death.
 */
static void
supervisor_block_signals(sigset_t *ret)
{
	sigemptyset(ret);
	sigaddset(ret, SIGCHLD);
	sigaddset(ret, SIGTERM);
	sigaddset(ret, SIGINT);
	(void)sigprocmask(SIG_BLOCK, ret, NULL);
	(void)signal(SIGHUP, SIG_IGN);
	(void)signal(SIGPIPE, SIG_IGN);
}

/* SIGTERM or SIGINT: who sent it does not know the command's group. */
static void
supervisor_signals_stop(struct supervisor *sv, int sig)
{
	if (sv->child == 0 && !sv->ended) {
		log_notice("task=%s stopped by SIG%s before its command "
		    "started", sv->task_id, sigabbrev_np(sig));
		sv->stop = 1;
		return;
	}
	/* Until the scheduler has the group, stops come to us: pass on.
	 * On a cluster node they always do (scancel --batch). */
	if (sv->child > 0 && (sv->rack != NULL ||
	    !supervisor_report_pgid_known(&sv->report))) {
		log_info("task=%s passing SIG%s on to group %d", sv->task_id,
		    sigabbrev_np(sig), (int)sv->child);
		if (kill(-sv->child, sig) != 0 && errno != ESRCH)
			log_warn("Failed to signal the group of task %s",
			    sv->task_id);
		return;
	}
	/* The cleaner signals the command's group itself. */
	log_info("task=%s ignoring SIG%s", sv->task_id, sigabbrev_np(sig));
}

void
supervisor_signals(struct supervisor *sv)
{
	struct signalfd_siginfo	si;

	if (sv->sigfd < 0)
		return;
	while (read(sv->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			supervisor_child_reap(sv);
		else
			supervisor_signals_stop(sv, (int)si.ssi_signo);
	}
}

static void
supervisor_usage(void)
{
	fprintf(stderr, "usage: kerr-supervisor -t task_id -s sandbox "
	    "-e events [-u user] [-c cpus]\n"
	    "                       [-m memory_mb] [-v log_level] "
	    "[-k key_file]\n"
	    "                       [-N rack [-H node] [-p count:min-max]]\n"
	    "                       [-X fetcher -F names] "
	    "[-l log_max_bytes] [-K log_keep]\n"
	    "                       [-o sandbox|journal|both -j socket "
	    "-R request_id] -- command [arg ...]\n");
}

/* A limit: a finite number >= 0. */
static int
supervisor_parse_limit(const char *s, double *ret)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < 0)
		return (-1);
	*ret = v;
	return (0);
}

/* -l: bytes >= 0; -K: 0..SUPERVISOR_KEEP_MAX. */
static int
supervisor_parse_count(const char *s, long long max, long long *ret)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max)
		return (-1);
	*ret = v;
	return (0);
}

/* Where the output goes: -l -K -o -j -R. */
static int
supervisor_parse_output(struct supervisor_output *o, const char *max,
    const char *keep, const char *to)
{
	long long v = 0;

	if (max != NULL && supervisor_parse_count(max, LLONG_MAX, &v) < 0)
		return (-1);
	o->max_bytes = v;
	v = 0;
	if (keep != NULL && supervisor_parse_count(keep, 100, &v) < 0)
		return (-1);
	o->keep = (int)v;
	if (to != NULL && (o->to = supervisor_output_parse(to)) < 0)
		return (-1);
	if (o->journal_path == NULL)
		o->journal_path = SUPERVISOR_JOURNAL_SOCKET;
	/* The journal names the service: a request id, no blanks. */
	if ((o->to & SUPERVISOR_OUTPUT_JOURNAL) && (o->request_id == NULL ||
	    o->request_id[0] == '\0' || strpbrk(o->request_id, " \t\r\n") !=
	    NULL))
		return (-1);
	return (0);
}

/* A syslog level, by number (0-7) or by name ("info"). */
static int
supervisor_parse_level(const char *s)
{
	int level;

	if (s[0] >= '0' && s[0] <= '7' && s[1] == '\0')
		return (s[0] - '0');
	if ((level = log_level_from_str(s)) < 0)
		return (-1);
	return (level);
}

static int
supervisor_parse_args(struct supervisor *sv, int argc, char **argv)
{
	const char		*cpus = NULL, *mem = NULL, *level = NULL;
	const char		*ports = NULL, *node = NULL;
	const char		*log_max = NULL, *log_keep = NULL, *to = NULL;
	const struct args_opt	 opts[] = {
		{ 't', &sv->task_id, NULL }, { 's', &sv->sandbox, NULL },
		{ 'e', &sv->events, NULL }, { 'u', &sv->user, NULL },
		{ 'c', &cpus, NULL }, { 'm', &mem, NULL }, { 'v', &level, NULL },
		{ 'k', &sv->key_file, NULL }, { 'N', &sv->rack, NULL },
		{ 'p', &ports, NULL }, { 'H', &node, NULL },
		{ 'X', &sv->fetcher, NULL }, { 'F', &sv->fetching, NULL },
		{ 'l', &log_max, NULL }, { 'K', &log_keep, NULL },
		{ 'o', &to, NULL }, { 'j', &sv->output.journal_path, NULL },
		{ 'R', &sv->output.request_id, NULL },
	};
	int			 lv = LOG_NOTICE;

	if (args_parse_command(argc, argv, opts, sizeof(opts) /
	    sizeof(opts[0]), &sv->argv) < 0 ||
	    (cpus != NULL && supervisor_parse_limit(cpus, &sv->cpus) < 0) ||
	    (mem != NULL && supervisor_parse_limit(mem, &sv->memory_mb) < 0) ||
	    supervisor_parse_output(&sv->output, log_max, log_keep, to) < 0 ||
	    (level != NULL && (lv = supervisor_parse_level(level)) < 0) ||
	    (ports != NULL && (sv->rack == NULL ||
	    supervisor_node_parse_ports(ports, &sv->ports) < 0)) ||
	    (sv->rack != NULL && (sv->rack[0] == '\0' ||
	    strpbrk(sv->rack, " \t\r\n") != NULL)) ||
	    sv->task_id == NULL || sv->sandbox == NULL || sv->events == NULL ||
	    sv->sandbox[0] != '/' || sv->task_id[0] == '\0' ||
	    strpbrk(sv->task_id, " \t\r\n") != NULL) {
		supervisor_usage();
		return (-1);
	}
	log_set_level(lv);
	/* The node as the cluster names it, else as it names itself. */
	if (node != NULL && node[0] != '\0' && sv->rack != NULL)
		(void)snprintf(sv->host, sizeof(sv->host), "%s", node);
	return (0);
}

/* From here on stdout and stderr are <sandbox>/.kerr/supervisor.log. */
static int
supervisor_open_log(struct supervisor *sv)
{
	char	path[PATH_MAX];
	int	fd, n, r = 0;

	n = snprintf(path, sizeof(path), "%s/%s", sv->sandbox,
	    EXECUTOR_LOCAL_DIR);
	if (n < 0 || (size_t)n >= sizeof(path))
		return (-ENAMETOOLONG);
	/* O_NOFOLLOW: the task user owns the sandbox around it. */
	sv->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (sv->dirfd < 0)
		return (-errno);
	fd = openat(sv->dirfd, EXECUTOR_LOCAL_LOG, O_WRONLY | O_CREAT |
	    O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return (-errno);
	if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
		r = -errno;
	(void)close(fd);
	return (r);
}

static void
supervisor_starting(struct supervisor *sv)
{
	struct task_event e;

	task_event_init(&e, sv->task_id);
	(void)snprintf(e.state, sizeof(e.state), "TASK_STARTING");
	if (sv->fetcher != NULL && sv->fetching != NULL)
		(void)snprintf(e.message, sizeof(e.message), "Fetching %s",
		    sv->fetching);
	supervisor_report_record(sv, &e);
}

/*
 * Everything the loop needs, then TASK_STARTING.  A failure here ends
 * the task before it runs: the events still go out, saying why.
 */
static int
supervisor_setup(struct supervisor *sv, const sigset_t *mask)
{
	struct supervisor_report	*rp = &sv->report;
	int				 log_r, sig_err, chan_r, r;

	log_r = supervisor_open_log(sv);
	(void)umask(022);
	if (chdir("/") != 0)
		log_warn("Failed to change directory to /, ignoring");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L) != 0)
		log_warn("Failed to become a child subreaper, ignoring");
	sv->sigfd = signalfd(-1, mask, SFD_NONBLOCK | SFD_CLOEXEC);
	sig_err = errno;
	rp->pid = getpid();
	r = proc_start_ticks(rp->pid, &rp->start_ticks);
	chan_r = supervisor_report_open(sv);
	if (sv->rack != NULL && sv->host[0] == '\0' &&
	    gethostname(sv->host, sizeof(sv->host) - 1) != 0)
		sv->host[0] = '\0';
	supervisor_starting(sv);
	if (log_r < 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to open %s/%s: %s",
		    sv->sandbox, EXECUTOR_LOCAL_DIR, strerror(-log_r)));
	if (sv->sigfd < 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to watch signals: %s",
		    strerror(sig_err)));
	if (r < 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to read our own start "
		    "time: %s", strerror(-r)));
	if (chan_r < 0)
		return (supervisor_exit_early(sv, "TASK_FAILED",
		    SUPERVISOR_REASON_FAILED, "Failed to open the event "
		    "channel '%s': %s", sv->events, strerror(-chan_r)));
	return (supervisor_node_setup(sv));
}

/* Until the end is acknowledged and the command reaped. */
static void
supervisor_loop(struct supervisor *sv)
{
	struct pollfd pfd[SUPERVISOR_POLL_FDS];

	while (!supervisor_report_done(&sv->report) || sv->child > 0) {
		/* Negative descriptors (none yet, or no more) are skipped. */
		pfd[0] = (struct pollfd){ .fd = sv->exec_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = sv->sigfd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = sv->report.fd,
		    .events = POLLIN };
		supervisor_output_poll(sv, &pfd[3]);
		if (poll(pfd, SUPERVISOR_POLL_FDS,
		    supervisor_report_timeout(&sv->report)) < 0 &&
		    errno != EINTR) {
			log_warn("Failed to wait for task %s", sv->task_id);
			(void)poll(NULL, 0, SUPERVISOR_POLL_ERROR_MS);
			continue;
		}
		/* The exec before the exit: RUNNING comes before the end. */
		if (pfd[0].revents != 0 && sv->exec_fd >= 0)
			supervisor_child_exec_done(sv);
		/* Output before the exit: the end event quotes stderr. */
		supervisor_output_pump(sv, &pfd[3]);
		if (pfd[1].revents != 0)
			supervisor_signals(sv);
		if (pfd[2].revents != 0)
			supervisor_report_acks(sv);
		supervisor_report_resend(sv);
	}
}

static void
supervisor_fini(struct supervisor *sv)
{
	int r;

	/* What of the swept group died meanwhile; init takes the rest. */
	supervisor_child_reap(sv);
	supervisor_output_close(sv);
	if (sv->cg_made && (r = cgroup_task_remove(&sv->cg, sv->task_id)) < 0)
		log_warnx("Failed to remove the cgroup of task %s: %s, "
		    "ignoring", sv->task_id, strerror(-r));
	supervisor_report_close(&sv->report);
	if (sv->sigfd >= 0)
		(void)close(sv->sigfd);
	if (sv->dirfd >= 0)
		(void)close(sv->dirfd);
}

int
main(int argc, char **argv)
{
	static struct supervisor	sv;	/* 8 KiB of cgroup paths */
	sigset_t			mask;

	supervisor_block_signals(&mask);
	/* The scheduler's descriptors are none of our business; the claim
	 * on the launch is ours to hold until we exit. */
	supervisor_close_fds(EXECUTOR_LOCAL_LOCK_FD + 1, 0);
	sv.dirfd = sv.sigfd = sv.exec_fd = -1;
	sv.report.fd = sv.report.file = -1;
	supervisor_output_init(&sv.output);
	log_init("kerr-supervisor", LOG_NOTICE);
	if (supervisor_parse_args(&sv, argc, argv) < 0)
		return (2);
	if (supervisor_setup(&sv, &mask) == 0 &&
	    supervisor_child_limits(&sv) == 0)
		(void)supervisor_child_start(&sv);
	supervisor_loop(&sv);
	supervisor_fini(&sv);
	/* A cluster keeps the job's exit status: the command's, for the
	 * operator's sacct and for the scheduler when our events are lost. */
	return (sv.rack != NULL ? sv.exit_status : EXIT_SUCCESS);
}
