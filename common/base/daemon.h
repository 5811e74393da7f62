/*
 * The steps every kerr daemon's main() takes, in order: parse -c/-d/-n,
 * load the config, start logging, block the stop signals into a signalfd,
 * make the state and runtime directories, take the daemon's lock file (one
 * copy per runtime directory), open and migrate the store, open
 * the bus; then a loop woken by the bus, the tick and signals, which pets
 * the systemd watchdog; then teardown in reverse.
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
	int		 ready;		/* READY=1 was sent */
};

struct daemon_handlers {
	/* Each bus message as it is read (optional). */
	void	(*on_message)(void *arg, enum bus_msg_type type,
		    const char *id);
	/* Once after the waiting messages were read: look at the store now.
	 * A burst of messages costs one pass, not one per message. */
	void	(*on_wake)(void *arg);
	/* The tick (and once at start): re-scan the store. */
	void	(*on_tick)(void *arg);
};

/*
 * Run every start-up step for daemon `name` subscribed to subs.  Returns 0
 * to go on, 1 when -n asked only for a config check (which passed), or -1
 * after logging what failed.  Call daemon_fini() in every case.
 */
int	daemon_init(struct daemon *d, const char *name, int argc,
	    char **argv, const enum bus_msg_type *subs, size_t nsubs);
/* Loop until SIGTERM/SIGINT.  0 on a clean stop, -1 on error. */
int	daemon_run(struct daemon *d, const struct daemon_handlers *h,
	    void *arg);
/* Log what the store holds for the daemons to act on, then READY=1. */
void	daemon_ready(struct daemon *d, const char *status);
/* STOPPING=1, and the same counts as the ready line once it was sent. */
void	daemon_stopping(struct daemon *d);
void	daemon_fini(struct daemon *d);
/* main()'s exit status after r, its last step's result: 0, 1, or
 * DAEMON_EXIT_RUNNING when daemon_init found another copy running. */
int	daemon_exit_status(const struct daemon *d, int r);

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
