/*
 * kerr-run: kerr-apid, kerr-schedulerd and kerr-cleanerd in the foreground
 * on one config, from the directory this binary is in, their logs on our
 * stdout and stderr; what `make run` runs.  It keeps them running as
 * systemd's Restart=on-failure would: a daemon that fails is started
 * again after a growing delay, one that exits cleanly or finds another
 * copy of itself running stays stopped (run_policy.c), and the other two
 * are left alone either way.  Exits 1 when it ends because the daemons
 * found other copies: a second `make run` on the same state.
 *
 * SIGINT, SIGTERM or SIGHUP stop everything, a restart still waiting
 * included: SIGTERM to each daemon, SIGKILL after RUN_STOP_TIMEOUT_MS or
 * at a second signal.  Each daemon also gets SIGTERM if we die first
 * (PR_SET_PDEATHSIG).  Signals and child exits are read from a signalfd in
 * the loop, never handled asynchronously; a child is reaped only there, so
 * a pid we signal is always still ours.
 */
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "clock.h"
#include "conf.h"
#include "daemon.h"
#include "run.h"

#define RUN_NDAEMONS		3
#define RUN_STOP_TIMEOUT_MS	10000
#define RUN_LINE_MAX		1024
#define RUN_STATUS_MAX		64

struct run_daemon {
	const char	*name;		/* "apid" */
	char		 bin[PATH_MAX];	/* <our directory>/kerr-apid */
	pid_t		 pid;		/* 0: not running */
	int64_t		 started_ms;
	int64_t		 restart_ms;	/* 0: no restart waiting */
	unsigned int	 next_delay;	/* run_policy_delay() state */
};

struct run {
	char			 conf_path[PATH_MAX];	/* "": the default */
	int			 signal_fd;
	int			 stopping;
	int			 locked_out;	/* a daemon ran elsewhere */
	int64_t			 kill_ms;	/* SIGKILL what is left then */
	struct run_daemon	 d[RUN_NDAEMONS];
};

/* One write per line, so it does not mix into a daemon's line. */
static void __attribute__((format(printf, 1, 2)))
run_say(const char *fmt, ...)
{
	char	line[RUN_LINE_MAX];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line + 6, sizeof(line) - 7, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 8)
		n = (int)(sizeof(line) - 8);
	memcpy(line, "kerr: ", 6);
	line[6 + n] = '\n';
	/* Nowhere to report a failed write to. */
	while (write(STDERR_FILENO, line, (size_t)n + 7) == -1 &&
	    errno == EINTR)
		;
}

static int
run_parse_args(struct run *r, int argc, char **argv)
{
	const char		*conf = "";
	const struct args_opt	 opts[] = { { 'c', &conf, NULL } };

	if (args_parse(argc, argv, opts, 1) < 0) {
		fprintf(stderr, "usage: kerr-run [-c file]\n"
		    "  -c file  configuration file (default %s)\n"
		    "Runs kerr-apid, kerr-schedulerd and kerr-cleanerd from "
		    "the\ndirectory of kerr-run and restarts the ones that "
		    "fail.\n", CONF_PATH_DEFAULT);
		return (-1);
	}
	if (strlen(conf) >= sizeof(r->conf_path)) {
		run_say("Configuration path too long");
		return (-1);
	}
	(void)strcpy(r->conf_path, conf);
	return (0);
}

/* The daemons are our siblings: build/kerr-run runs build/kerr-apid. */
static int
run_find_daemons(struct run *r)
{
	static const char *const names[RUN_NDAEMONS] = {
		"apid", "schedulerd", "cleanerd" };
	char	self[PATH_MAX];
	char	*slash;
	ssize_t	n;
	int	i, w;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0) {
		run_say("Failed to read /proc/self/exe: %s", strerror(errno));
		return (-1);
	}
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	for (i = 0; i < RUN_NDAEMONS; i++) {
		r->d[i].name = names[i];
		w = snprintf(r->d[i].bin, sizeof(r->d[i].bin), "%s/kerr-%s",
		    self, names[i]);
		if (w < 0 || (size_t)w >= sizeof(r->d[i].bin)) {
			run_say("Path of kerr-%s too long", names[i]);
			return (-1);
		}
		if (access(r->d[i].bin, X_OK) != 0) {
			run_say("Cannot run '%s': %s", r->d[i].bin,
			    strerror(errno));
			return (-1);
		}
	}
	return (0);
}

/* The daemons' own check (their -n), once, before any of them starts. */
static int
run_load_conf(const struct run *r, struct conf *conf)
{
	char why[PATH_MAX + 128];

	if (conf_read(conf, r->conf_path[0] != '\0' ? r->conf_path : NULL,
	    why, sizeof(why)) < 0) {
		run_say("%s, not starting", why);
		return (-1);
	}
	return (0);
}

/* The stop signals and SIGCHLD: a closed terminal (SIGPIPE ignored)
 * must not kill us before we stop the others. */
static int
run_open_signals(struct run *r)
{
	int fd;

	if ((fd = daemon_signalfd(SIGCHLD)) < 0) {
		run_say("Failed to read signals: %s", strerror(-fd));
		return (-1);
	}
	r->signal_fd = fd;
	return (0);
}

/* From fork to exec: the daemon starts as it would from a shell. */
static void __attribute__((noreturn))
run_child(char *const argv[], pid_t parent)
{
	sigset_t none;

	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
		_exit(EXIT_FAILURE);
	(void)signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	execv(argv[0], argv);
	dprintf(STDERR_FILENO, "kerr: Failed to run '%s': %s\n", argv[0],
	    strerror(errno));
	_exit(127);
}

static int
run_start(struct run *r, struct run_daemon *d)
{
	char	*argv[] = { d->bin, "-c", r->conf_path, NULL };
	pid_t	 parent = getpid(), pid;

	if (r->conf_path[0] == '\0')
		argv[1] = NULL;
	if ((pid = fork()) < 0)
		return (-errno);
	if (pid == 0)
		run_child(argv, parent);
	d->pid = pid;
	d->started_ms = clock_mono_ms();
	d->restart_ms = 0;
	return (0);
}

/* Start d, or if even fork fails, try again after the next delay. */
static void
run_start_or_retry(struct run *r, struct run_daemon *d)
{
	unsigned int	delay;
	int		rv;

	if ((rv = run_start(r, d)) == 0)
		return;
	delay = run_policy_delay(&d->next_delay, 0);
	d->restart_ms = clock_mono_ms() + (int64_t)delay * 1000;
	run_say("Failed to start kerr-%s: %s; retrying in %u s", d->name,
	    strerror(-rv), delay);
}

static void
run_signal_all(struct run *r, int sig)
{
	int i;

	for (i = 0; i < RUN_NDAEMONS; i++)
		if (r->d[i].pid > 0 && kill(r->d[i].pid, sig) != 0)
			run_say("Failed to signal kerr-%s (pid %ld): %s",
			    r->d[i].name, (long)r->d[i].pid, strerror(errno));
}

static int
run_alive(const struct run *r)
{
	int i, n = 0;

	for (i = 0; i < RUN_NDAEMONS; i++)
		n += r->d[i].pid > 0;
	return (n);
}

static void
run_stop(struct run *r, int sig)
{
	const char	*name = sigabbrev_np(sig);
	int		 i;

	if (name == NULL)
		name = "?";
	if (r->stopping) {
		run_say("Received SIG%s again, killing the daemons", name);
		run_signal_all(r, SIGKILL);
		return;
	}
	run_say("Received SIG%s, stopping", name);
	r->stopping = 1;
	r->kill_ms = clock_mono_ms() + RUN_STOP_TIMEOUT_MS;
	for (i = 0; i < RUN_NDAEMONS; i++)
		r->d[i].restart_ms = 0;
	run_signal_all(r, SIGTERM);
}

static int
run_read_signals(struct run *r)
{
	struct signalfd_siginfo	si;
	ssize_t			n;

	while ((n = read(r->signal_fd, &si, sizeof(si))) == sizeof(si))
		if (si.ssi_signo != SIGCHLD)	/* reaped by the caller */
			run_stop(r, (int)si.ssi_signo);
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		run_say("Failed to read signals: %s", strerror(errno));
		return (-1);
	}
	return (0);
}

static void
run_exited(struct run *r, struct run_daemon *d, int status)
{
	char		what[RUN_STATUS_MAX];
	int64_t		now = clock_mono_ms();
	unsigned int	delay;

	d->pid = 0;
	run_policy_describe(status, what, sizeof(what));
	if (r->stopping) {
		if (run_policy_restart(status))
			run_say("kerr-%s %s", d->name, what);
		return;
	}
	if (!run_policy_restart(status)) {
		run_say("kerr-%s %s; not restarting", d->name, what);
		if (WIFEXITED(status) &&
		    WEXITSTATUS(status) == DAEMON_EXIT_RUNNING)
			r->locked_out = 1;
		return;
	}
	delay = run_policy_delay(&d->next_delay, now - d->started_ms);
	d->restart_ms = now + (int64_t)delay * 1000;
	run_say("kerr-%s %s; restarting in %u s", d->name, what, delay);
}

static void
run_reap(struct run *r)
{
	pid_t	pid;
	int	i, status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (i = 0; i < RUN_NDAEMONS; i++)
			if (r->d[i].pid == pid)
				run_exited(r, &r->d[i], status);
}

/* Milliseconds until the next restart or the stop deadline; -1: none. */
static int
run_timeout(const struct run *r)
{
	int64_t	now = clock_mono_ms(), next = INT64_MAX;
	int	i;

	if (r->stopping)
		next = r->kill_ms;
	else
		for (i = 0; i < RUN_NDAEMONS; i++)
			if (r->d[i].restart_ms > 0 && r->d[i].restart_ms < next)
				next = r->d[i].restart_ms;
	if (next == INT64_MAX)
		return (-1);
	if (next <= now)
		return (0);
	return (next - now > INT_MAX ? INT_MAX : (int)(next - now));
}

/* One pass after a wake-up; 1 when there is nothing left to run. */
static int
run_step(struct run *r)
{
	int64_t	now = clock_mono_ms();
	int	i, waiting = 0;

	if (r->stopping) {
		if (run_alive(r) == 0)
			return (1);
		if (now >= r->kill_ms) {
			run_say("Daemons still running %d s after SIGTERM, "
			    "killing them", RUN_STOP_TIMEOUT_MS / 1000);
			run_signal_all(r, SIGKILL);
			r->kill_ms = INT64_MAX;
		}
		return (0);
	}
	for (i = 0; i < RUN_NDAEMONS; i++) {
		if (r->d[i].restart_ms > 0 && now >= r->d[i].restart_ms)
			run_start_or_retry(r, &r->d[i]);
		waiting += r->d[i].restart_ms > 0;
	}
	if (run_alive(r) > 0 || waiting > 0)
		return (0);
	run_say("Every daemon has exited");
	return (1);
}

static int
run_loop(struct run *r)
{
	struct pollfd	pfd = { .fd = r->signal_fd, .events = POLLIN };
	int		done = 0;

	while (!done) {
		if (poll(&pfd, 1, run_timeout(r)) < 0 && errno != EINTR) {
			run_say("poll: %s", strerror(errno));
			return (-1);
		}
		/* Signals first: a stop wins over a restart due now. */
		if (run_read_signals(r) < 0)
			return (-1);
		run_reap(r);
		done = run_step(r);
	}
	return (0);
}

int
main(int argc, char **argv)
{
	struct run	r = { .signal_fd = -1 };
	struct conf	conf;
	int		i, rv = -1;

	if (run_parse_args(&r, argc, argv) < 0 || run_find_daemons(&r) < 0 ||
	    run_load_conf(&r, &conf) < 0 || run_open_signals(&r) < 0)
		goto out;
	for (i = 0; i < RUN_NDAEMONS; i++)
		run_start_or_retry(&r, &r.d[i]);
	printf("kerr: API on http://%s:%d/singularity/v1 (config %s); "
	    "Ctrl-C stops\n", conf.listen_address, conf.port,
	    r.conf_path[0] != '\0' ? r.conf_path : CONF_PATH_DEFAULT);
	(void)fflush(stdout);
	if ((rv = run_loop(&r)) < 0)
		run_signal_all(&r, SIGTERM);
	else
		run_say("stopped");
	/* A second `make run` on the same state: say it did not run. */
	if (r.locked_out && !r.stopping)
		rv = -1;
out:
	if (r.signal_fd >= 0)
		(void)close(r.signal_fd);
	return (rv < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
}
