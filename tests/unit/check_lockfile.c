/*
 * Unit tests for common/lockfile.c: the lock names its holder, a second
 * taker is refused with that pid, the lock goes with its descriptor, and
 * a program spawned while it is held does not keep it (the task and
 * supervisor case: a restarted daemon must get its lock back).
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "lockfile.h"

Suite	*lockfile_suite(void);

extern char **environ;

static char	check_lockfile_dir[64];
static char	check_lockfile_path[80];

static void
check_lockfile_setup(void)
{
	fixture_tmpdir("/tmp/kerr-check-lock-", check_lockfile_dir,
	    sizeof(check_lockfile_dir));
	snprintf(check_lockfile_path, sizeof(check_lockfile_path),
	    "%s/x.lock", check_lockfile_dir);
}

static void
check_lockfile_teardown(void)
{
	fixture_rmtree(check_lockfile_dir);
}

START_TEST(test_lockfile_take_writes_our_pid)
{
	pid_t	pid = 0;
	int	fd = -1;

	ck_assert_int_eq(lockfile_take(check_lockfile_path, &fd, &pid), 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_int_eq(lockfile_read_pid(check_lockfile_path, &pid), 0);
	ck_assert_int_eq(pid, getpid());
	close(fd);
}
END_TEST

START_TEST(test_lockfile_second_taker_refused_with_holder)
{
	pid_t	holder = -1;
	int	fd = -1, fd2 = -1;

	ck_assert_int_eq(lockfile_take(check_lockfile_path, &fd, &holder), 0);
	/* Another open file description conflicts even in one process. */
	ck_assert_int_eq(lockfile_take(check_lockfile_path, &fd2, &holder),
	    -EWOULDBLOCK);
	ck_assert_int_eq(fd2, -1);
	ck_assert_int_eq(holder, getpid());
	close(fd);
	ck_assert_int_eq(lockfile_take(check_lockfile_path, &fd2, &holder),
	    0);
	close(fd2);
}
END_TEST

START_TEST(test_lockfile_stale_file_does_not_block)
{
	pid_t	holder;
	int	fd = -1;

	/* What a holder killed with SIGKILL leaves behind. */
	fixture_write_file(check_lockfile_path, "999999999\n");
	ck_assert_int_eq(lockfile_take(check_lockfile_path, &fd, &holder), 0);
	ck_assert_int_eq(lockfile_read_pid(check_lockfile_path, &holder), 0);
	ck_assert_int_eq(holder, getpid());
	close(fd);
}
END_TEST

START_TEST(test_lockfile_not_kept_by_spawned_program)
{
	char	*argv[] = { "sleep", "30", NULL };
	pid_t	 child, holder;
	int	 fd = -1, status;

	ck_assert_int_eq(lockfile_take(check_lockfile_path, &fd, &holder), 0);
	ck_assert_int_eq(posix_spawnp(&child, "sleep", NULL, NULL, argv,
	    environ), 0);
	close(fd);			/* the daemon exits; its task runs on */
	ck_assert_int_eq(kill(child, 0), 0);
	ck_assert_int_eq(lockfile_take(check_lockfile_path, &fd, &holder), 0);
	close(fd);
	ck_assert_int_eq(kill(child, SIGKILL), 0);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
}
END_TEST

Suite *
lockfile_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("core"),
		FIXTURE_CHECKED(check_lockfile_setup, check_lockfile_teardown),
		FIXTURE_TEST(test_lockfile_take_writes_our_pid),
		FIXTURE_TEST(test_lockfile_second_taker_refused_with_holder),
		FIXTURE_TEST(test_lockfile_stale_file_does_not_block),
		FIXTURE_TEST(test_lockfile_not_kept_by_spawned_program),
		FIXTURE_END
	};

	return (fixture_suite("lockfile", tests));
}
