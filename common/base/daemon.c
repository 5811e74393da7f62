/*
 * Start-up, main loop and teardown shared by kerr-apid, kerr-schedulerd
 * and kerr-cleanerd (see daemon.h).  The loop polls a signalfd, the bus
 * receive descriptor and a timer; work happens in the handlers, never in a
 * signal handler.
 */
#include <sys/signalfd.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "clock.h"
#include "daemon.h"
#include "db_state.h"
#include "fs.h"
#include "lockfile.h"
#include "metrics.h"
#include "log.h"
#include "log_journal.h"
#include "notify.h"

static void
daemon_usage(const char *name)
{
	fprintf(stderr, "usage: kerr-%s [-dn] [-c file]\n"
	    "  -c file  configuration file (default %s)\n"
	    "  -d       debug: log everything\n"
	    "  -n       check the configuration and exit\n",
	    name, CONF_PATH_DEFAULT);
}

static int
daemon_parse_args(struct daemon *d, int argc, char **argv)
{
	const struct args_opt opts[] = {
		{ 'c', &d->conf_path, NULL },
		{ 'd', NULL, &d->debug },
		{ 'n', NULL, &d->check_only },
	};

	if (args_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0])) < 0) {
		daemon_usage(d->name);
		return (-1);
	}
	return (0);
}

static int
daemon_load_conf(struct daemon *d)
{
	char	ident[64], why[PATH_MAX + 128];

	(void)snprintf(ident, sizeof(ident), "kerr-%s", d->name);
	log_init(ident, LOG_NOTICE);
	(void)log_journal_attach();
	if (conf_read(&d->conf, d->conf_path, why, sizeof(why)) < 0) {
		log_err("%s, not starting", why);
		return (-1);
	}
	log_set_level(d->debug ? LOG_DEBUG : d->conf.log_level);
	return (0);
}

int
daemon_signalfd(int also)
{
	sigset_t	mask;
	int		fd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (also != 0)
		sigaddset(&mask, also);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0)
		return (-errno);
	/* A closed terminal or peer must not kill us mid-write. */
	(void)signal(SIGPIPE, SIG_IGN);
	if ((fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return (-errno);
	return (fd);
}

/* Block the stop signals in every thread we will start, read them here. */
static int
daemon_open_signals(struct daemon *d)
{
	int fd;

	if ((fd = daemon_signalfd(0)) < 0) {
		log_err("Failed to read the stop signals: %s", strerror(-fd));
		return (-1);
	}
	d->signal_fd = fd;
	return (0);
}

/*
 * The artifact cache's root: sticky and writable by every task user, who
 * each make a directory of their own in it (kerr-fetch), not listable.
 */
static int
daemon_cache_mode(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) != 0)
		return (-errno);
	if ((st.st_mode & 07777) != 01733 && chmod(dir, 01733) != 0)
		return (-errno);
	return (0);
}

static int
daemon_make_dirs(struct daemon *d)
{
	char	sandboxes[PATH_MAX], cache[PATH_MAX];
	int	r;

	conf_sandbox_root(&d->conf, sandboxes, sizeof(sandboxes));
	conf_artifact_cache_dir(&d->conf, cache, sizeof(cache));
	if ((r = fs_mkdirs(d->conf.state_dir, 0755)) < 0 ||
	    (r = fs_mkdirs(d->conf.runtime_dir, 0755)) < 0 ||
	    (r = fs_mkdirs(sandboxes, 0755)) < 0 ||
	    (r = fs_mkdirs(cache, 0755)) < 0 ||
	    (r = daemon_cache_mode(cache)) < 0) {
		log_err("Failed to create state directories under '%s': %s",
		    d->conf.state_dir, strerror(-r));
		return (-1);
	}
	return (0);
}

/*
 * One copy per runtime directory: a second one would schedule, launch and
 * kill alongside the first.  Taken before the store is opened, so a copy
 * that must not run never migrates the schema either.
 */
#define DAEMON_LOCK_WAIT_MS	2000
#define DAEMON_LOCK_STEP_MS	20

static int
daemon_lock(struct daemon *d)
{
	char	path[PATH_MAX];
	pid_t	holder = 0;
	int	n, r;

	n = snprintf(path, sizeof(path), "%s/kerr-%s.lock",
	    d->conf.runtime_dir, d->name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		log_err("Lock file path under '%s' is too long",
		    d->conf.runtime_dir);
		return (-1);
	}
	r = lockfile_take(path, &d->lock_fd, &holder);
	/*
	 * Held, but its holder is gone: the kernel drops a dead process's
	 * lock a moment after it was reaped (the last close is deferred),
	 * so a restart right after a crash waits for that, briefly.
	 */
	for (int tries = 0; r == -EWOULDBLOCK && holder == 0 &&
	    tries < DAEMON_LOCK_WAIT_MS / DAEMON_LOCK_STEP_MS; tries++) {
		(void)usleep(DAEMON_LOCK_STEP_MS * 1000);
		r = lockfile_take(path, &d->lock_fd, &holder);
	}
	d->locked_out = r == -EWOULDBLOCK;
	if (r == -EWOULDBLOCK && holder > 0)
		log_err("kerr-%s is already running on state directory '%s' "
		    "(lock '%s' held by pid %ld), not starting", d->name,
		    d->conf.state_dir, path, (long)holder);
	else if (r == -EWOULDBLOCK)
		log_err("kerr-%s is already running on state directory '%s' "
		    "(lock '%s' is held), not starting", d->name,
		    d->conf.state_dir, path);
	else if (r < 0)
		log_err("Failed to take the lock '%s': %s", path,
		    strerror(-r));
	return (r < 0 ? -1 : 0);
}

/* Only once the lock is ours: a copy refused counts no start. */
static void
daemon_open_metrics(struct daemon *d)
{
	int r;

	if ((r = metrics_open(d->conf.runtime_dir, d->name)) < 0)
		log_warnx("Failed to open the metrics table in '%s': %s, "
		    "ignoring", d->conf.runtime_dir, strerror(-r));
}

int
daemon_db_open(const struct conf *conf, struct db **ret)
{
	struct db_options	opt = {
		.busy_timeout_ms = conf->db_busy_timeout_ms,
		.synchronous_full = conf->db_synchronous_full,
		.cache_kb = conf->db_cache_kb,
	};
	char			path[PATH_MAX];

	conf_db_path(conf, path, sizeof(path));
	return (db_open(path, &opt, ret));
}

void *
daemon_worker_db_open(void *arg)
{
	struct daemon	*d = arg;
	struct db	*db = NULL;
	int		 r;

	if ((r = daemon_db_open(&d->conf, &db)) < 0)
		log_warnx("A worker thread cannot open the store: %s",
		    strerror(-r));
	return (db);
}

void
daemon_worker_db_close(void *db)
{
	db_close(db);
}

static int
daemon_open_store(struct daemon *d)
{
	char	path[PATH_MAX];
	int	r;

	conf_db_path(&d->conf, path, sizeof(path));
	if ((r = daemon_db_open(&d->conf, &d->db)) < 0) {
		log_err("Failed to open database '%s': %s", path,
		    strerror(-r));
		return (-1);
	}
	/*
	 * apid runs as user kerr, the others as root in group kerr: the
	 * group must write the database (SQLite gives -wal and -shm the
	 * same mode).  Only the owner can change it; others carry on.
	 */
	if (chmod(path, 0660) != 0 && errno != EPERM)
		log_info("Failed to make '%s' group-writable: %s, ignoring",
		    path, strerror(errno));
	if ((r = db_schema_migrate(d->db)) < 0) {
		log_err("Failed to migrate database '%s' to version %d: %s",
		    path, db_schema_current, r == -EPROTO ?
		    "written by a newer kerr" : strerror(-r));
		return (-1);
	}
	return (0);
}

/*
 * glibc keeps what a thread frees in that thread's arena (up to 8 per
 * core), and after the first large free raises its mmap threshold, so
 * large buffers (a list reply, a burst's JSON) then stay in the heap once
 * freed.  A daemon's peak RSS would be the sum of every arena's high
 * water.  Four arenas (apid's busy threads: two HTTP threads, the
 * writer and the main one; two made group-committed POSTs ~20 % slower)
 * and a fixed threshold make it close to what the daemon holds at once;
 * glibc's own tunables in the environment (GLIBC_TUNABLES,
 * MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_) win.
 */
#define DAEMON_MALLOC_ARENAS		4
#define DAEMON_MALLOC_MMAP_MIN		(128 * 1024)

static void
daemon_malloc_tune(void)
{
	if (getenv("GLIBC_TUNABLES") != NULL)
		return;
	if (getenv("MALLOC_ARENA_MAX") == NULL)
		(void)mallopt(M_ARENA_MAX, DAEMON_MALLOC_ARENAS);
	if (getenv("MALLOC_MMAP_THRESHOLD_") == NULL)
		(void)mallopt(M_MMAP_THRESHOLD, DAEMON_MALLOC_MMAP_MIN);
}

static int
daemon_open_bus(struct daemon *d, const enum bus_msg_type *subs,
    size_t nsubs)
{
	int r;

	if ((r = bus_open(d->conf.runtime_dir, d->name, subs, nsubs, 0,
	    &d->bus)) < 0) {
		log_err("Failed to open the bus in '%s': %s",
		    d->conf.runtime_dir, strerror(-r));
		return (-1);
	}
	return (0);
}

/*
 * Every start-up step.  0 to go on, 1 when -n asked only for a config
 * check (which passed), or -1 after logging what failed.
 */
static int
daemon_init(struct daemon *d, const char *name, int argc, char **argv,
    const enum bus_msg_type *subs, size_t nsubs)
{
	daemon_malloc_tune();
	memset(d, 0, sizeof(*d));
	d->name = name;
	d->signal_fd = -1;
	d->lock_fd = -1;
	for (int i = 0; i < DAEMON_IO_MAX; i++)
		d->io_fd[i] = -1;
	/* First: a stop asked for while starting is a clean stop. */
	if (daemon_open_signals(d) < 0)
		return (-1);
	if (daemon_parse_args(d, argc, argv) < 0 || daemon_load_conf(d) < 0)
		return (-1);
	if (d->check_only) {
		fprintf(stderr, "configuration OK\n");
		return (1);
	}
	if (daemon_make_dirs(d) < 0 || daemon_lock(d) < 0)
		return (-1);
	daemon_open_metrics(d);
	if (daemon_open_store(d) < 0 || daemon_open_bus(d, subs, nsubs) < 0)
		return (-1);
	return (0);
}

/* Returns 1 when a stop signal was read. */
static int
daemon_read_signals(struct daemon *d)
{
	struct signalfd_siginfo	si;
	int			stop = 0;

	while (read(d->signal_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_info("Received SIGHUP, ignoring");
			continue;
		}
		log_notice("Received %s", strsignal(
		    (int)si.ssi_signo));
		stop = 1;
	}
	return (stop);
}

/* Messages read before one wake-up pass; the rest wait for the next. */
#define DAEMON_DRAIN_MAX	1024

static void
daemon_drain_bus(struct daemon *d, const struct daemon_handlers *h,
    void *arg)
{
	enum bus_msg_type	type;
	char			id[BUS_ID_MAX];
	int			r;

	int			n = 0;

	while (n < DAEMON_DRAIN_MAX &&
	    (r = bus_recv(d->bus, &type, id, sizeof(id))) != -EAGAIN) {
		n++;
		if (r == -EPROTO) {
			log_warnx("Malformed bus message, ignoring");
			continue;
		}
		if (r < 0) {
			log_warnx("Failed to read the bus: %s, ignoring",
			    strerror(-r));
			break;
		}
		log_debug("bus: %s id=%s", bus_msg_topic(type), id);
		if (h->on_message != NULL)
			h->on_message(arg, type, id);
	}
	if (n > 0 && h->on_wake != NULL)
		h->on_wake(arg);
}

static void
daemon_status(struct daemon *d, const struct daemon_handlers *h)
{
	struct db_state_counts	c;
	char			status[sizeof(d->status)];
	int			r;

	/* The counts scan whole tables: only for a STATUS= someone reads. */
	if (h->status == NULL || !notify_enabled())
		return;
	if ((r = db_state_counts(d->db, clock_now_ms(), &c)) < 0) {
		log_warnx("Failed to count the store: %s, retrying on the "
		    "next tick", strerror(-r));
		return;
	}
	h->status(&c, status, sizeof(status));
	if (strcmp(status, d->status) == 0)
		return;
	(void)snprintf(d->status, sizeof(d->status), "%s", status);
	log_debug("Status: %s", status);
	(void)notify_status("%s", status);
}

int
daemon_run(struct daemon *d, const struct daemon_handlers *h, void *arg)
{
	struct pollfd	pfd[2 + DAEMON_IO_MAX];
	uint64_t	wd_usec = notify_watchdog_usec();
	int64_t		now, next_tick, next_wd = 0, wd_ms, wait;
	nfds_t		n, i;

	/* Pet at half the interval, as sd_watchdog_enabled(3) advises. */
	wd_ms = wd_usec > 0 ? (int64_t)(wd_usec / 2000) : 0;
	pfd[0] = (struct pollfd){ .fd = d->signal_fd, .events = POLLIN };
	/* Unused slots have fd -1, which poll() skips. */
	pfd[1] = (struct pollfd){ .fd = bus_fd(d->bus), .events = POLLIN };
	for (n = 0; n < DAEMON_IO_MAX; n++)
		pfd[2 + n] = (struct pollfd){ .fd = d->on_io != NULL ?
		    d->io_fd[n] : -1, .events = POLLIN };
	n = 2 + DAEMON_IO_MAX;
	next_tick = clock_mono_ms();	/* the start-up re-scan */
	while (!d->stopping) {
		now = clock_mono_ms();
		if (wd_ms > 0 && now >= next_wd) {
			(void)notify_watchdog();
			next_wd = now + wd_ms;
		}
		if (now >= next_tick) {
			if (h->on_tick != NULL)
				h->on_tick(arg);
			daemon_status(d, h);
			next_tick = now + d->conf.tick_ms;
			continue;
		}
		wait = next_tick - now;
		if (wd_ms > 0 && next_wd - now < wait)
			wait = next_wd - now;
		if (poll(pfd, n, (int)wait) < 0) {
			if (errno == EINTR)
				continue;
			log_warn("poll");
			return (-1);
		}
		if ((pfd[0].revents & POLLIN) && daemon_read_signals(d)) {
			d->stopping = 1;
			break;
		}
		/* One call reads whatever each of its descriptors holds. */
		for (i = 2; i < n; i++)
			if (pfd[i].revents & POLLIN) {
				d->on_io(arg);
				break;
			}
		if (pfd[1].revents & POLLIN)
			daemon_drain_bus(d, h, arg);
	}
	return (0);
}

/* What the store holds for the daemons to act on, for the ready line. */
static void
daemon_log_work(struct daemon *d, const char *what)
{
	struct db_state_counts	c;
	int			r;

	if ((r = db_state_counts(d->db, clock_now_ms(), &c)) < 0) {
		log_notice("%s (the store could not be counted: %s)", what,
		    strerror(-r));
		return;
	}
	log_notice("%s: %lld active tasks, %lld pending requests, %lld "
	    "scheduled tasks (%lld due), %lld request cleanups, %lld task "
	    "cleanups", what, (long long)c.active_tasks,
	    (long long)c.pending_requests, (long long)c.scheduled_tasks,
	    (long long)c.late_tasks, (long long)c.cleaning_requests,
	    (long long)c.cleaning_tasks);
}

static void
daemon_ready(struct daemon *d, const char *status)
{
	daemon_log_work(d, "Ready");
	d->ready = 1;
	(void)notify_ready(status);
}

/* STOPPING=1, and the same counts as the ready line once it was sent. */
static void
daemon_stopping(struct daemon *d)
{
	(void)notify_stopping();
	if (d->ready)
		daemon_log_work(d, "Stopping");
}

void
daemon_fini(struct daemon *d)
{
	metrics_close();
	bus_close(d->bus);
	d->bus = NULL;
	db_close(d->db);
	d->db = NULL;
	if (d->signal_fd >= 0)
		(void)close(d->signal_fd);
	d->signal_fd = -1;
	/* Last: the next copy may start once the store is closed. */
	if (d->lock_fd >= 0)
		(void)close(d->lock_fd);
	d->lock_fd = -1;
	for (int i = 0; i < DAEMON_IO_MAX; i++)
		d->io_fd[i] = -1;
}

static int
daemon_exit_status(const struct daemon *d, int r)
{
	if (r >= 0)
		return (0);
	return (d->locked_out ? DAEMON_EXIT_RUNNING : 1);
}

int
daemon_main(const struct daemon_role *role, int argc, char **argv, void *arg)
{
	struct daemon	d;
	int		r;

	r = daemon_init(&d, role->name, argc, argv, role->subs, role->nsubs);
	if (r == 0 && role->start != NULL)
		r = role->start(arg, &d);
	if (r == 0) {
		daemon_ready(&d, role->status);
		r = daemon_run(&d, &role->handlers, arg);
		daemon_stopping(&d);
	}
	if (role->stop != NULL)
		role->stop(arg);
	daemon_fini(&d);
	return (daemon_exit_status(&d, r));
}
