/*
 * Figures a daemon shares with apid's GET /metrics: one small table per
 * daemon, a file mapped shared at <runtime_dir>/kerr-<name>.metrics.  The
 * daemon counts into it with relaxed atomic adds (no lock, no system call
 * on a hot path); apid reads a snapshot of each.  The file outlives the
 * daemon, so counters stay monotonic across restarts and the starts are
 * counted; it is gone with the runtime directory (a reboot), which
 * Prometheus reads as a counter reset.
 */
#ifndef KERR_METRICS_H
#define KERR_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

/* Bucket bounds in ms; the last bucket counts what lies past them all. */
#define METRICS_NBOUNDS		14
#define METRICS_NBUCKETS	(METRICS_NBOUNDS + 1)
extern const double metrics_bounds_ms[METRICS_NBOUNDS];

struct metrics_hist {
	_Atomic uint64_t	bucket[METRICS_NBUCKETS]; /* not cumulative */
	_Atomic uint64_t	sum_us;
};

/* Terminal task states counted as exits; the last slot is any other. */
#define METRICS_NEXITS		11
extern const char *const metrics_exit_states[METRICS_NEXITS];

#define METRICS_MAGIC		0x6b65726du	/* "kerm" */
#define METRICS_VERSION		1

struct metrics_table {
	uint32_t		magic;
	uint32_t		version;
	_Atomic int64_t		pid;		/* 0 once stopped */
	_Atomic uint64_t	starts;
	_Atomic int64_t		started_at_ms;
	_Atomic uint64_t	bus_sent;
	/* Sends the bus refused, and messages to this daemon lost on the
	 * way (numbers a sender skipped). */
	_Atomic uint64_t	bus_dropped;
	_Atomic uint64_t	launches;
	_Atomic uint64_t	exits[METRICS_NEXITS];
	struct metrics_hist	commit;		/* store COMMIT */
	struct metrics_hist	launch;		/* reply -> TASK_RUNNING */
};

/*
 * Map this process's table (created, or reset when of another layout)
 * and count a start.  Negative errno; the process then counts nothing.
 */
int	metrics_open(const char *runtime_dir, const char *daemon);
/* Mark the daemon stopped and unmap; safe when metrics_open failed. */
void	metrics_close(void);

/* A snapshot of daemon's table: 0, -ENOENT when it never started, or
 * another negative errno. */
int	metrics_read(const char *runtime_dir, const char *daemon,
	    struct metrics_table *ret);
/* Whether the daemon whose table this is still runs. */
int	metrics_is_up(const struct metrics_table *t);

/* Counting: no-ops in a process without a table (tests, tools). */
int64_t	metrics_now_us(void);
void	metrics_hist_observe(struct metrics_hist *h, int64_t us);
void	metrics_count_commit(int64_t us);
void	metrics_count_bus(int sent);
void	metrics_count_bus_lost(uint64_t n);
void	metrics_count_launch(void);
void	metrics_count_exit(const char *state);
void	metrics_count_running(int64_t latency_ms);

#endif
