/*
 * Unit tests for daemons/run/run_policy.c, the restart policy of kerr-run:
 * the delays (1 s doubling to 30 s, back to 1 s after a minute of good
 * running), which exits are failures to restart after, and the words for
 * each.
 */
#include <sys/wait.h>

#include <signal.h>

#include <check.h>

#include "daemon.h"
#include "fixture.h"
#include "run.h"

Suite	*run_policy_suite(void);

START_TEST(test_run_policy_delay_doubles_to_30s)
{
	static const unsigned int want[] = { 1, 2, 4, 8, 16, 30, 30, 30 };
	unsigned int	next = 0;
	size_t		i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_uint_eq(run_policy_delay(&next, 500), want[i]);
}
END_TEST

START_TEST(test_run_policy_delay_resets_after_a_minute)
{
	unsigned int next = 0;

	ck_assert_uint_eq(run_policy_delay(&next, 0), 1);
	ck_assert_uint_eq(run_policy_delay(&next, 59999), 2);
	ck_assert_uint_eq(run_policy_delay(&next, 1000), 4);
	ck_assert_uint_eq(run_policy_delay(&next, 60000), 1);
	ck_assert_uint_eq(run_policy_delay(&next, 10), 2);
	/* The cap is no exception. */
	next = RUN_DELAY_MAX_S;
	ck_assert_uint_eq(run_policy_delay(&next, 3600000), 1);
}
END_TEST

START_TEST(test_run_policy_restart_is_on_failure)
{
	ck_assert_int_eq(run_policy_restart(W_EXITCODE(0, 0)), 0);
	ck_assert_int_eq(run_policy_restart(W_EXITCODE(1, 0)), 1);
	ck_assert_int_eq(run_policy_restart(W_EXITCODE(127, 0)), 1);
	ck_assert_int_eq(run_policy_restart(W_EXITCODE(0, SIGKILL)), 1);
	ck_assert_int_eq(run_policy_restart(W_EXITCODE(0, SIGSEGV)), 1);
	ck_assert_int_eq(run_policy_restart(W_EXITCODE(0, SIGABRT)), 1);
	/* Asked to stop: a clean exit, as systemd counts it. */
	ck_assert_int_eq(run_policy_restart(W_EXITCODE(0, SIGTERM)), 0);
	ck_assert_int_eq(run_policy_restart(W_EXITCODE(0, SIGINT)), 0);
	ck_assert_int_eq(run_policy_restart(W_EXITCODE(0, SIGHUP)), 0);
	ck_assert_int_eq(run_policy_restart(W_EXITCODE(0, SIGPIPE)), 0);
	/* Another copy holds the lock: it runs already. */
	ck_assert_int_eq(run_policy_restart(W_EXITCODE(DAEMON_EXIT_RUNNING,
	    0)), 0);
}
END_TEST

START_TEST(test_run_policy_describe_exit_and_signal)
{
	char buf[64];

	run_policy_describe(W_EXITCODE(1, 0), buf, sizeof(buf));
	ck_assert_str_eq(buf, "exited with status 1");
	run_policy_describe(W_EXITCODE(DAEMON_EXIT_RUNNING, 0), buf,
	    sizeof(buf));
	ck_assert_str_eq(buf, "exited with status 75 (another copy is "
	    "running)");
	run_policy_describe(W_EXITCODE(0, SIGKILL), buf, sizeof(buf));
	ck_assert_str_eq(buf, "killed by signal 9 (KILL)");
	run_policy_describe(W_EXITCODE(0, SIGSEGV) | WCOREFLAG, buf,
	    sizeof(buf));
	ck_assert_str_eq(buf, "killed by signal 11 (SEGV), core dumped");
	/* Cut short, still a string. */
	run_policy_describe(W_EXITCODE(0, SIGKILL), buf, 10);
	ck_assert_str_eq(buf, "killed by");
}
END_TEST

Suite *
run_policy_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("core"),
		FIXTURE_TEST(test_run_policy_delay_doubles_to_30s),
		FIXTURE_TEST(test_run_policy_delay_resets_after_a_minute),
		FIXTURE_TEST(test_run_policy_restart_is_on_failure),
		FIXTURE_TEST(test_run_policy_describe_exit_and_signal),
		FIXTURE_END
	};

	return (fixture_suite("run_policy", tests));
}
