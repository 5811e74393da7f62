/*
 * The life of every kerr daemon, which its main() hands to daemon_main()
 * with what makes it differ (struct daemon_role).  In order: parse
 * -c/-d/-n, load the config, start logging, block the stop signals into a
 * signalfd, make the state and runtime directories, take the daemon's lock
 * file (one copy per runtime directory), open and migrate the store, open
 * the bus, the daemon's own start; then a loop woken by the bus, the tick
 * and signals, which pets the systemd watchdog; then teardown in reverse.
 */
#ifndef KERR_DAEMON_H
#define KERR_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "conf.h"
#include "db.h"

/*
 * The exit status of a daemon refused because another copy holds its lock
 * (sysexits' EX_TEMPFAIL: try again once that one stops).  kerr-run does
 * not restart it; the other copy is running already.
 */
#define DAEMON_EXIT_RUNNING	75

struct daemon {
	const char	*name;		/* "apid": bus address and log ident */
	const char	*conf_path;
	int		 debug;		/* -d: foreground, log level debug */
	int		 check_only;	/* -n: check the config and exit */
	struct conf	 conf;
	int		 signal_fd;
	int		 lock_fd;	/* <runtime_dir>/kerr-<name>.lock */
	int		 locked_out;	/* another copy holds that lock */
	struct db	*db;
	struct bus	*bus;
	volatile int	 stopping;
	/* Descriptors of the daemon's own to poll beside the bus (-1:
	 * none), and what to do when one is readable. */
#define DAEMON_IO_MAX	2
	int		 io_fd[DAEMON_IO_MAX];
	void		(*on_io)(void *arg);
	int		 ready;		/* READY=1 was sent */
	char		 status[128];	/* the last STATUS= of the counts */
};

struct db_state_counts;

struct daemon_handlers {
	/* Each bus message as it is read (optional). */
	void	(*on_message)(void *arg, enum bus_msg_type type,
		    const char *id);
	/* Once after the waiting messages were read: look at the store now.
	 * A burst of messages costs one pass, not one per message. */
	void	(*on_wake)(void *arg);
	/* The tick (and once at start): re-scan the store. */
	void	(*on_tick)(void *arg);
	/* The STATUS= line of the store's counts (optional), sent after a
	 * tick when it changed: counting scans whole tables, so not on
	 * every wake-up. */
	void	(*status)(const struct db_state_counts *c, char *buf,
		    size_t len);
};

/* What makes one daemon differ from the others. */
struct daemon_role {
	const char			*name;	/* "schedulerd" */
	const enum bus_msg_type		*subs;	/* the topics it reads */
	size_t				 nsubs;
	const char			*status; /* STATUS= once ready */
	/* After the shared start-up steps: its own (optional).  0, or -1
	 * after logging what failed. */
	int	(*start)(void *arg, struct daemon *d);
	/* Last, whether start ran or not (optional): undo what it did. */
	void	(*stop)(void *arg);
	struct daemon_handlers		 handlers;
};

/*
 * The whole life of a daemon, main()'s only step: the start-up steps,
 * role->start, READY=1, the loop until SIGTERM or SIGINT, STOPPING=1,
 * role->stop and the teardown.  Returns main()'s exit status: 0 (also
 * after -n found the configuration good), 1, or DAEMON_EXIT_RUNNING when
 * another copy holds the lock.
 */
int	daemon_main(const struct daemon_role *role, int argc, char **argv,
	    void *arg);
/* daemon_main's loop, alone: until SIGTERM/SIGINT.  0 on a clean stop,
 * -1 on error. */
int	daemon_run(struct daemon *d, const struct daemon_handlers *h,
	    void *arg);
/* Its teardown, alone. */
void	daemon_fini(struct daemon *d);

/*
 * Block the stop signals (SIGTERM, SIGINT, SIGHUP), and `also` unless 0,
 * in this thread and every thread it starts after, ignore SIGPIPE, and
 * return a signalfd that reads them: never work in a signal handler.
 * Negative errno on failure.
 */
int	daemon_signalfd(int also);

/* Open the store named by conf with its options (one per thread). */
int	daemon_db_open(const struct conf *conf, struct db **ret);
/*
 * The init and fini of a worker pool (workq.h) whose threads each own a
 * store connection; the pool's state_arg is the struct daemon.  NULL,
 * logged, when the store cannot be opened: that thread's jobs then go
 * without it.
 */
void	*daemon_worker_db_open(void *d);
void	 daemon_worker_db_close(void *db);


#endif
