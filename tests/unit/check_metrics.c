/*
 * The shared metrics table (common/base/metrics.c): a daemon's counts
 * land in its file under the runtime directory, where another process
 * reads them; starts are counted across reopenings, a table of another
 * layout is reset, buckets are cut at their bounds, and a stopped daemon
 * is seen down.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "metrics.h"

Suite	*metrics_suite(void);

static char	dir[PATH_MAX];

static void
metrics_setup(void)
{
	fixture_tmpdir("/tmp/kerr-metrics.", dir, sizeof(dir));
}

static void
metrics_teardown(void)
{
	fixture_rmtree(dir);
}

static uint64_t
count_of(const struct metrics_hist *h)
{
	uint64_t	n = 0;
	int		i;

	for (i = 0; i < METRICS_NBUCKETS; i++)
		n += h->bucket[i];
	return (n);
}

START_TEST(test_metrics_counts_reach_a_reader)
{
	struct metrics_table	t;
	char			path[PATH_MAX + 32];
	struct stat		st;

	ck_assert_int_eq(metrics_read(dir, "schedulerd", &t), -ENOENT);
	ck_assert_int_eq(metrics_open(dir, "schedulerd"), 0);
	metrics_count_launch();
	metrics_count_launch();
	metrics_count_exit("TASK_FAILED");
	metrics_count_exit("TASK_SOMETHING_NEW");
	metrics_count_bus(1);
	metrics_count_bus(0);
	metrics_count_commit(300);		/* 0.3 ms */
	metrics_count_running(12);		/* 12 ms */
	ck_assert_int_eq(metrics_read(dir, "schedulerd", &t), 0);
	ck_assert_uint_eq(t.starts, 1);
	ck_assert_int_eq(t.pid, getpid());
	ck_assert(metrics_is_up(&t));
	ck_assert_uint_eq(t.launches, 2);
	ck_assert_uint_eq(t.exits[1], 1);	/* TASK_FAILED */
	ck_assert_uint_eq(t.exits[METRICS_NEXITS - 1], 1);	/* other */
	ck_assert_uint_eq(t.bus_sent, 1);
	ck_assert_uint_eq(t.bus_dropped, 1);
	ck_assert_uint_eq(count_of(&t.commit), 1);
	ck_assert_uint_eq(t.commit.sum_us, 300);
	ck_assert_uint_eq(count_of(&t.launch), 1);
	ck_assert_uint_eq(t.launch.sum_us, 12000);
	/* apid may run as another user: the table is readable by all. */
	snprintf(path, sizeof(path), "%s/kerr-schedulerd.metrics", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	metrics_close();
	ck_assert_int_eq(metrics_read(dir, "schedulerd", &t), 0);
	ck_assert_int_eq(t.pid, 0);
	ck_assert(!metrics_is_up(&t));
}
END_TEST

START_TEST(test_metrics_bucket_bounds)
{
	struct metrics_hist	h;
	int			i;

	memset(&h, 0, sizeof(h));
	metrics_hist_observe(&h, 250);		/* exactly 0.25 ms: first */
	metrics_hist_observe(&h, 251);		/* just past: second */
	metrics_hist_observe(&h, -5);		/* a clock step: 0 */
	metrics_hist_observe(&h, 10000001);	/* past the last bound */
	ck_assert_uint_eq(h.bucket[0], 2);
	ck_assert_uint_eq(h.bucket[1], 1);
	ck_assert_uint_eq(h.bucket[METRICS_NBOUNDS], 1);
	for (i = 1; i < METRICS_NBOUNDS; i++)
		ck_assert(metrics_bounds_ms[i] > metrics_bounds_ms[i - 1]);
}
END_TEST

/* Each start of a daemon counts, in its own process. */
START_TEST(test_metrics_starts_counted_across_restarts)
{
	struct metrics_table	t;
	int			i, status;
	pid_t			pid;

	for (i = 0; i < 3; i++) {
		if ((pid = fork()) == 0)
			_exit(metrics_open(dir, "cleanerd") == 0 ? 0 : 1);
		ck_assert_int_gt(pid, 0);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_int_eq(metrics_read(dir, "cleanerd", &t), 0);
	ck_assert_uint_eq(t.starts, 3);
	/* Killed, not stopped: its pid stays, and it is seen down. */
	ck_assert_int_eq(t.pid, pid);
	ck_assert(!metrics_is_up(&t));
}
END_TEST

START_TEST(test_metrics_other_layout_reset)
{
	struct metrics_table	t;
	char			path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/kerr-apid.metrics", dir);
	fixture_write_file(path, "not a metrics table at all");
	ck_assert_int_eq(metrics_read(dir, "apid", &t), -ENOENT);
	ck_assert_int_eq(metrics_open(dir, "apid"), 0);
	ck_assert_int_eq(metrics_read(dir, "apid", &t), 0);
	ck_assert_uint_eq(t.magic, METRICS_MAGIC);
	ck_assert_uint_eq(t.starts, 1);
	ck_assert_uint_eq(t.launches, 0);
}
END_TEST

START_TEST(test_metrics_without_a_table_count_nothing)
{
	/* Tools and tests never opened one: counting is a no-op. */
	metrics_count_launch();
	metrics_count_commit(5);
	metrics_count_bus(1);
	metrics_close();
	ck_assert_int_eq(metrics_open("/nonexistent/dir", "apid"), -ENOENT);
	metrics_count_exit("TASK_FINISHED");
}
END_TEST

Suite *
metrics_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("table"),
		FIXTURE_CHECKED(metrics_setup, metrics_teardown),
		FIXTURE_TEST(test_metrics_counts_reach_a_reader),
		FIXTURE_TEST(test_metrics_bucket_bounds),
		FIXTURE_TEST(test_metrics_starts_counted_across_restarts),
		FIXTURE_TEST(test_metrics_other_layout_reset),
		FIXTURE_TEST(test_metrics_without_a_table_count_nothing),
		FIXTURE_END
	};

	return (fixture_suite("metrics", tests));
}
