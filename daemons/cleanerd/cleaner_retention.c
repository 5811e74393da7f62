/*
 * The retention thread (cleaner_retention.h): a loop that, every
 * retention_check_seconds, starts a sandbox sweep and a history purge
 * unless one is still going, and between checks steps whichever is due,
 * sleeping on a condition variable until the next is (or until stop).
 */
#include <sys/resource.h>
#include <sys/syscall.h>

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cleaner_retention.h"
#include "daemon.h"
#include "log.h"

/* The pause after a purge step: twice the CPU it took, and at least
 * this, so the purge never takes more than a third of a core and the
 * API's writers find the lock free between steps. */
#define CLEANER_RETENTION_PAUSE_MIN_MS	5
#define CLEANER_RETENTION_NICE		10
/* ioprio_set(2): this thread, best-effort class, its lowest level. */
#define CLEANER_RETENTION_IOPRIO_WHO	1
#define CLEANER_RETENTION_IOPRIO	((2 << 13) | 7)

static int64_t
cleaner_retention_min(int64_t a, int64_t b)
{
	return (a < b ? a : b);
}

static int
cleaner_retention_stopping(struct cleaner_retention *rt)
{
	int stopping;

	(void)pthread_mutex_lock(&rt->lock);
	stopping = rt->stopping;
	(void)pthread_mutex_unlock(&rt->lock);
	return (stopping);
}

/* Sleep until the monotonic ms `until`; 1 when asked to stop. */
static int
cleaner_retention_sleep(struct cleaner_retention *rt, int64_t until)
{
	struct timespec	ts;
	int		stopping;

	ts.tv_sec = (time_t)(until / 1000);
	ts.tv_nsec = (long)(until % 1000) * 1000000L;
	(void)pthread_mutex_lock(&rt->lock);
	if (!rt->stopping)
		(void)pthread_cond_timedwait(&rt->wake, &rt->lock, &ts);
	stopping = rt->stopping;
	(void)pthread_mutex_unlock(&rt->lock);
	return (stopping);
}

static void
cleaner_retention_check(struct cleaner_retention *rt, int64_t now)
{
	rt->next_check = now + (int64_t)rt->conf->retention_check_seconds *
	    1000;
	if (!rt->sweeping && rt->rootfd >= 0) {
		cleaner_sandbox_begin(rt);
		rt->next_removal = now;
	}
	if (!rt->purging && !rt->vacuuming) {
		cleaner_purge_begin(rt);
		rt->next_purge = now;
	}
}

/* CPU time of this thread, in µs. */
static int64_t
cleaner_retention_cpu_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return (0);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* The purge's step if due, then its pause: twice the CPU the step took
 * (not its wall time, which a busy machine stretches). */
static void
cleaner_retention_purge(struct cleaner_retention *rt, int64_t now)
{
	int64_t	cpu, took, pause;

	if ((!rt->purging && !rt->vacuuming) || now < rt->next_purge)
		return;
	cpu = cleaner_retention_cpu_us();
	(void)cleaner_purge_step(rt);
	took = (cleaner_retention_cpu_us() - cpu) / 1000;
	rt->busy_ms += took;
	pause = 2 * took;
	if (pause < CLEANER_RETENTION_PAUSE_MIN_MS)
		pause = CLEANER_RETENTION_PAUSE_MIN_MS;
	rt->next_purge = clock_mono_ms() + pause;
}

/*
 * Retention is not urgent: on two cores, the thread gives way to the API
 * and the launches, for the CPU and for the disk (Linux sets both per
 * thread; lowering needs no privilege).  Nice 10, not 19: on a machine
 * kept busy by its tasks, 19 would starve the purge for good.
 */
static void
cleaner_retention_yield(void)
{
	pid_t tid = gettid();

	if (setpriority(PRIO_PROCESS, (id_t)tid,
	    CLEANER_RETENTION_NICE) != 0)
		log_info("Failed to lower the retention thread's priority: "
		    "%s, ignoring", strerror(errno));
	if (syscall(SYS_ioprio_set, CLEANER_RETENTION_IOPRIO_WHO, (int)tid,
	    CLEANER_RETENTION_IOPRIO) != 0)
		log_info("Failed to lower the retention thread's I/O "
		    "priority: %s, ignoring", strerror(errno));
}

static void *
cleaner_retention_main(void *arg)
{
	struct cleaner_retention	*rt = arg;
	int64_t				 now, until;

	cleaner_retention_yield();
	cleaner_purge_convert(rt);
	rt->next_check = clock_mono_ms();
	for (;;) {
		now = clock_mono_ms();
		if (now >= rt->next_check)
			cleaner_retention_check(rt, now);
		if (rt->sweeping && now >= rt->next_removal &&
		    cleaner_sandbox_step(rt) == 0)
			rt->sweeping = 0;
		cleaner_retention_purge(rt, clock_mono_ms());
		until = rt->next_check;
		if (rt->sweeping)
			until = cleaner_retention_min(until, rt->next_removal);
		if (rt->purging || rt->vacuuming)
			until = cleaner_retention_min(until, rt->next_purge);
		if (until > clock_mono_ms() ?
		    cleaner_retention_sleep(rt, until) :
		    cleaner_retention_stopping(rt))
			break;
	}
	return (NULL);
}

static int
cleaner_retention_sync_init(struct cleaner_retention *rt)
{
	pthread_condattr_t	ca;
	int			r;

	if ((r = pthread_condattr_init(&ca)) != 0)
		return (-r);
	r = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (r == 0)
		r = pthread_cond_init(&rt->wake, &ca);
	(void)pthread_condattr_destroy(&ca);
	if (r != 0)
		return (-r);
	if ((r = pthread_mutex_init(&rt->lock, NULL)) != 0) {
		(void)pthread_cond_destroy(&rt->wake);
		return (-r);
	}
	return (0);
}

int
cleaner_retention_start(struct cleaner_retention *rt, const struct conf *conf)
{
	int r;

	memset(rt, 0, sizeof(*rt));
	rt->conf = conf;
	rt->rootfd = rt->trashfd = -1;
	if ((r = daemon_db_open(conf, &rt->db)) < 0) {
		log_err("Failed to open the store for retention: %s",
		    strerror(-r));
		return (-1);
	}
	/* A purge step needs no fsync of its own: a step lost on a power
	 * cut, the next pass does again.  (A bigger page cache made it no
	 * faster, measured, and would hold 16 MiB more for good.) */
	if ((r = db_set_bulk_delete(rt->db)) < 0)
		log_info("Failed to set the retention's store connection up: "
		    "%s, ignoring", strerror(-r));
	/* Without a sandbox root the purge still runs. */
	if ((r = cleaner_sandbox_open(rt)) < 0)
		log_warnx("Failed to open the sandbox root '%s': %s, no "
		    "sandbox will be removed", rt->root, strerror(-r));
	if ((r = cleaner_retention_sync_init(rt)) < 0) {
		log_err("Failed to set up the retention thread: %s",
		    strerror(-r));
		goto fail;
	}
	if ((r = pthread_create(&rt->thread, NULL, cleaner_retention_main,
	    rt)) != 0) {
		log_err("Failed to start the retention thread: %s",
		    strerror(r));
		(void)pthread_cond_destroy(&rt->wake);
		(void)pthread_mutex_destroy(&rt->lock);
		goto fail;
	}
	rt->started = 1;
	return (0);
fail:
	cleaner_sandbox_close(rt);
	db_close(rt->db);
	rt->db = NULL;
	return (-1);
}

void
cleaner_retention_stop(struct cleaner_retention *rt)
{
	if (!rt->started)
		return;
	(void)pthread_mutex_lock(&rt->lock);
	rt->stopping = 1;
	(void)pthread_cond_signal(&rt->wake);
	(void)pthread_mutex_unlock(&rt->lock);
	/* A step in progress (a first VACUUM takes long) is cut short: what
	 * it did not commit, the next start does again. */
	db_interrupt(rt->db);
	(void)pthread_join(rt->thread, NULL);
	(void)pthread_cond_destroy(&rt->wake);
	(void)pthread_mutex_destroy(&rt->lock);
	db_purge_run_free(&rt->purge);
	cleaner_sandbox_close(rt);
	db_close(rt->db);
	rt->db = NULL;
	rt->started = 0;
}
