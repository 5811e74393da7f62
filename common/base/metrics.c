/*
 * The shared metrics table (metrics.h).  Its file is written only through
 * the mapping; apid reads it with pread, a snapshot whose counters may be
 * a few increments apart from each other, which Prometheus tolerates.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "metrics.h"

const double metrics_bounds_ms[METRICS_NBOUNDS] = {
	0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000
};

const char *const metrics_exit_states[METRICS_NEXITS] = {
	"TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST",
	"TASK_ERROR", "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR",
	"TASK_UNREACHABLE", "TASK_UNKNOWN", "other"
};

static struct metrics_table	*metrics_self;

static int
metrics_path(char *buf, size_t len, const char *runtime_dir,
    const char *daemon)
{
	int n = snprintf(buf, len, "%s/kerr-%s.metrics", runtime_dir, daemon);

	return (n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0);
}

int
metrics_open(const char *runtime_dir, const char *daemon)
{
	struct metrics_table	*t;
	struct stat		 st;
	char			 path[PATH_MAX];
	int			 fd, r;

	if ((r = metrics_path(path, sizeof(path), runtime_dir, daemon)) < 0)
		return (r);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return (-errno);
	/* Readable by apid, which may run as another user. */
	if (fchmod(fd, 0644) < 0 || fstat(fd, &st) < 0 ||
	    (st.st_size != (off_t)sizeof(*t) &&
	    ftruncate(fd, sizeof(*t)) < 0)) {
		r = -errno;
		(void)close(fd);
		return (r);
	}
	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	r = -errno;
	(void)close(fd);
	if (t == MAP_FAILED)
		return (r);
	if (t->magic != METRICS_MAGIC || t->version != METRICS_VERSION ||
	    st.st_size != (off_t)sizeof(*t)) {
		memset(t, 0, sizeof(*t));
		t->magic = METRICS_MAGIC;
		t->version = METRICS_VERSION;
	}
	atomic_fetch_add(&t->starts, 1);
	atomic_store(&t->started_at_ms, clock_now_ms());
	atomic_store(&t->pid, (int64_t)getpid());
	metrics_self = t;
	return (0);
}

void
metrics_close(void)
{
	/* Left mapped: a worker still finishing may count once more. */
	if (metrics_self != NULL)
		atomic_store(&metrics_self->pid, 0);
}

int
metrics_read(const char *runtime_dir, const char *daemon,
    struct metrics_table *ret)
{
	char	path[PATH_MAX];
	ssize_t	n;
	int	fd, r;

	if ((r = metrics_path(path, sizeof(path), runtime_dir, daemon)) < 0)
		return (r);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (-errno);
	n = pread(fd, ret, sizeof(*ret), 0);
	r = n < 0 ? -errno : 0;
	(void)close(fd);
	if (r == 0 && ((size_t)n != sizeof(*ret) ||
	    ret->magic != METRICS_MAGIC || ret->version != METRICS_VERSION))
		r = -ENOENT;		/* not (yet) a table we can read */
	return (r);
}

int
metrics_is_up(const struct metrics_table *t)
{
	pid_t pid = (pid_t)atomic_load(&t->pid);

	/* EPERM: alive, only not ours to signal (apid runs as kerr). */
	return (pid > 0 && (kill(pid, 0) == 0 || errno == EPERM));
}

int64_t
metrics_now_us(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

void
metrics_hist_observe(struct metrics_hist *h, int64_t us)
{
	size_t i;

	if (us < 0)
		us = 0;
	for (i = 0; i < METRICS_NBOUNDS; i++)
		if ((double)us <= metrics_bounds_ms[i] * 1000.0)
			break;
	atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_us, (uint64_t)us,
	    memory_order_relaxed);
}

void
metrics_count_commit(int64_t us)
{
	if (metrics_self != NULL)
		metrics_hist_observe(&metrics_self->commit, us);
}

void
metrics_count_bus(int sent)
{
	if (metrics_self != NULL)
		atomic_fetch_add_explicit(sent ? &metrics_self->bus_sent :
		    &metrics_self->bus_dropped, 1, memory_order_relaxed);
}

void
metrics_count_bus_lost(uint64_t n)
{
	if (metrics_self != NULL)
		atomic_fetch_add_explicit(&metrics_self->bus_dropped, n,
		    memory_order_relaxed);
}

void
metrics_count_launch(void)
{
	if (metrics_self != NULL)
		atomic_fetch_add_explicit(&metrics_self->launches, 1,
		    memory_order_relaxed);
}

void
metrics_count_exit(const char *state)
{
	size_t i;

	if (metrics_self == NULL)
		return;
	for (i = 0; i < METRICS_NEXITS - 1; i++)
		if (strcmp(state, metrics_exit_states[i]) == 0)
			break;
	atomic_fetch_add_explicit(&metrics_self->exits[i], 1,
	    memory_order_relaxed);
}

void
metrics_count_running(int64_t latency_ms)
{
	if (metrics_self != NULL)
		metrics_hist_observe(&metrics_self->launch, latency_ms * 1000);
}
