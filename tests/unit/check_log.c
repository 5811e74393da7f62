/*
 * Unit tests for common/log.c.  Each test points fd 2 at a temp file (or a
 * pseudo-terminal) for the duration of the test, so the assertions see the
 * exact bytes a daemon would hand to journald or to a terminal.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* posix_openpt, grantpt, unlockpt, ptsname */
#endif
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "log.h"
#include "log_journal.h"

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*log_suite(void);

static int	check_log_saved_fd = -1;

/* Send stderr to fd until check_log_restore(). */
static void
check_log_redirect(int fd)
{
	check_log_saved_fd = dup(STDERR_FILENO);
	ck_assert_int_ge(check_log_saved_fd, 0);
	ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
}

static void
check_log_restore(void)
{
	ck_assert_int_eq(dup2(check_log_saved_fd, STDERR_FILENO),
	    STDERR_FILENO);
	close(check_log_saved_fd);
	check_log_saved_fd = -1;
}

/* An unlinked temp file that receives stderr; not a tty. */
static int
check_log_capture(void)
{
	char	 path[] = "/tmp/kerr-check-log-XXXXXX";
	int	 fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	check_log_redirect(fd);
	return (fd);
}

/* Restore stderr and return what was written to fd, NUL-terminated. */
static void
check_log_collect(int fd, char *buf, size_t len)
{
	ssize_t	 n;

	check_log_restore();
	n = pread(fd, buf, len - 1, 0);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	close(fd);
}

START_TEST(test_log_level_round_trip)
{
	int	 pri;

	for (pri = LOG_ERR; pri <= LOG_DEBUG; pri++)
		ck_assert_int_eq(log_level_from_str(log_level_to_str(pri)),
		    pri);
	ck_assert_str_eq(log_level_to_str(LOG_WARNING), "warning");
	ck_assert_int_eq(log_level_from_str("notice"), LOG_NOTICE);
	ck_assert_int_eq(log_level_from_str("verbose"), -1);
	ck_assert_int_eq(log_level_from_str("NOTICE"), -1);
	ck_assert_int_eq(log_level_from_str(""), -1);
	ck_assert_int_eq(log_level_from_str(NULL), -1);
}
END_TEST

START_TEST(test_log_warnx_journal_line)
{
	char	 out[256];
	int	 fd;

	log_init("kerr-test", LOG_NOTICE);
	fd = check_log_capture();
	log_warnx("disk %s is %d%% full", "sda", 91);
	check_log_collect(fd, out, sizeof(out));
	ck_assert_str_eq(out, "<4>kerr-test: disk sda is 91% full\n");
}
END_TEST

START_TEST(test_log_levels_filtered)
{
	char	 out[256];
	int	 fd;

	log_init("kerr-test", LOG_NOTICE);
	fd = check_log_capture();
	log_debug("debug %d", 1);
	log_info("info %d", 2);
	log_notice("notice %d", 3);
	log_err("err %d", 4);
	check_log_collect(fd, out, sizeof(out));
	ck_assert_str_eq(out, "<5>kerr-test: notice 3\n<3>kerr-test: err 4\n");
}
END_TEST

START_TEST(test_log_debug_silent_at_notice)
{
	char	 out[256];
	int	 fd;

	log_init("kerr-test", LOG_NOTICE);
	fd = check_log_capture();
	log_debug("should not appear");
	check_log_collect(fd, out, sizeof(out));
	ck_assert_str_eq(out, "");

	log_set_level(LOG_DEBUG);
	fd = check_log_capture();
	log_debug("now %s", "visible");
	check_log_collect(fd, out, sizeof(out));
	ck_assert_str_eq(out, "<7>kerr-test: now visible\n");
}
END_TEST

START_TEST(test_log_warn_appends_strerror)
{
	char	 out[256], want[256];
	int	 fd;

	log_init("kerr-test", LOG_NOTICE);
	fd = check_log_capture();
	errno = ENOENT;
	log_warn("open '%s'", "/nonexistent");
	ck_assert_int_eq(errno, ENOENT);	/* logging keeps errno */
	check_log_collect(fd, out, sizeof(out));
	snprintf(want, sizeof(want), "<4>kerr-test: open '/nonexistent': %s\n",
	    strerror(ENOENT));
	ck_assert_str_eq(out, want);
}
END_TEST

START_TEST(test_log_init_copies_ident)
{
	char	 ident[] = "kerr-apid", out[256];
	int	 fd;

	log_init(ident, LOG_NOTICE);
	ident[0] = 'X';
	fd = check_log_capture();
	log_notice("ready");
	check_log_collect(fd, out, sizeof(out));
	ck_assert_str_eq(out, "<5>kerr-apid: ready\n");
}
END_TEST

START_TEST(test_log_long_line_truncated)
{
	static char	 out[8192];
	char		 big[4096];
	int		 fd;
	size_t		 n;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_init("kerr-test", LOG_NOTICE);
	fd = check_log_capture();
	log_err("%s", big);
	check_log_collect(fd, out, sizeof(out));
	n = strlen(out);
	ck_assert_uint_lt(n, sizeof(big));
	ck_assert_int_eq(out[n - 1], '\n');
	ck_assert_ptr_eq(strchr(out, '\n'), out + n - 1);	/* one line */
}
END_TEST

START_TEST(test_log_tty_line)
{
	regex_t	 re;
	char	 out[256];
	ssize_t	 n;
	int	 master, slave;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	ck_assert_int_ge(master, 0);
	ck_assert_int_eq(grantpt(master), 0);
	ck_assert_int_eq(unlockpt(master), 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	ck_assert_int_ge(slave, 0);

	log_init("kerr-test", LOG_NOTICE);
	check_log_redirect(slave);
	log_warnx("on a %s", "terminal");
	check_log_restore();
	n = read(master, out, sizeof(out) - 1);
	ck_assert_int_gt(n, 0);
	out[n] = '\0';
	close(slave);
	close(master);

	/* The terminal may turn "\n" into "\r\n". */
	ck_assert_int_eq(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2} "
	    "[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3} "
	    "kerr-test: WARNING on a terminal\r?\n$", REG_EXTENDED), 0);
	ck_assert_msg(regexec(&re, out, 0, NULL, 0) == 0,
	    "unexpected tty line '%s'", out);
	regfree(&re);
}
END_TEST

START_TEST(test_log_journal_ids_from_words)
{
	/* The line, then the task, request and deploy ids (NULL: any). */
	static const char *const cases[][4] = {
		{ "task=web-d1-1700000000000-1-host1-DEFAULT sent SIGTERM "
		    "(bounce)", "web-d1-1700000000000-1-host1-DEFAULT", "web",
		    "d1" },
		{ "request=my.app deploy=v2 succeeded.", "", "my.app", "v2" },
		{ "Failed to kill task=a-b-1-1-h-r: No such process",
		    "a-b-1-1-h-r", "a", NULL },
		/* Only at a word start, and only ids, not text after "=". */
		{ "subtask=x prerequest=y deploy= z", "", "", "" },
		/* A task id that does not parse still names the task. */
		{ "task=nodashes ended", "nodashes", "", NULL },
	};
	struct log_journal_ids	ids;
	size_t			i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		log_journal_ids(cases[i][0], &ids);
		ck_assert_str_eq(ids.task_id, cases[i][1]);
		ck_assert_str_eq(ids.request_id, cases[i][2]);
		if (cases[i][3] != NULL)
			ck_assert_str_eq(ids.deploy_id, cases[i][3]);
	}
}
END_TEST

START_TEST(test_log_journal_stream_must_be_stderr)
{
	struct stat	 st;
	char		 val[64];
	int		 fd;

	fd = check_log_capture();
	ck_assert_int_eq(fstat(fd, &st), 0);
	(void)snprintf(val, sizeof(val), "%llu:%llu",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	ck_assert_int_eq(setenv("JOURNAL_STREAM", val, 1), 0);
	ck_assert_int_eq(log_journal_stderr_is_journal(), 1);
	/* Inherited by a child whose stderr went elsewhere: not ours. */
	(void)snprintf(val, sizeof(val), "%llu:%llu",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino + 1);
	ck_assert_int_eq(setenv("JOURNAL_STREAM", val, 1), 0);
	ck_assert_int_eq(log_journal_stderr_is_journal(), 0);
	ck_assert_int_eq(setenv("JOURNAL_STREAM", "garbage", 1), 0);
	ck_assert_int_eq(log_journal_stderr_is_journal(), 0);
	ck_assert_int_eq(unsetenv("JOURNAL_STREAM"), 0);
	ck_assert_int_eq(log_journal_stderr_is_journal(), 0);
	ck_assert_int_eq(log_journal_attach(), 0);
	check_log_restore();
	close(fd);
}
END_TEST

static char	check_log_sunk[LOG_LINE_MAX];
static int	check_log_sunk_pri = -1;

static int
check_log_sink_take(int pri, const char *msg)
{
	check_log_sunk_pri = pri;
	(void)snprintf(check_log_sunk, sizeof(check_log_sunk), "%s", msg);
	return (0);
}

static int
check_log_sink_refuse(int pri, const char *msg)
{
	(void)pri;
	(void)msg;
	return (-1);
}

START_TEST(test_log_sink_takes_or_falls_back)
{
	char	 out[256];
	int	 fd;

	log_init("kerr-test", LOG_NOTICE);
	fd = check_log_capture();
	log_set_sink(check_log_sink_take);
	errno = EACCES;
	log_warn("task=%s cannot start", "t1");
	log_set_sink(check_log_sink_refuse);
	log_notice("journald is gone");
	log_set_sink(NULL);
	check_log_collect(fd, out, sizeof(out));
	ck_assert_int_eq(check_log_sunk_pri, LOG_WARNING);
	ck_assert_str_eq(check_log_sunk, "task=t1 cannot start: "
	    "Permission denied");
	ck_assert_str_eq(out, "<5>kerr-test: journald is gone\n");
}
END_TEST

START_TEST(test_log_fatalx_exits)
{
	/* Runs in the forked child; check compares its exit status. */
	log_init("kerr-test", LOG_NOTICE);
	(void)check_log_capture();
	fatalx("cannot continue");
}
END_TEST

Suite *
log_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("core"),
		FIXTURE_TEST(test_log_level_round_trip),
		FIXTURE_TEST(test_log_warnx_journal_line),
		FIXTURE_TEST(test_log_levels_filtered),
		FIXTURE_TEST(test_log_debug_silent_at_notice),
		FIXTURE_TEST(test_log_warn_appends_strerror),
		FIXTURE_TEST(test_log_init_copies_ident),
		FIXTURE_TEST(test_log_long_line_truncated),
		FIXTURE_TEST(test_log_tty_line),
		FIXTURE_TEST(test_log_journal_ids_from_words),
		FIXTURE_TEST(test_log_journal_stream_must_be_stderr),
		FIXTURE_TEST(test_log_sink_takes_or_falls_back),
		FIXTURE_EXIT(test_log_fatalx_exits, 1),
		FIXTURE_END
	};

	return (fixture_suite("log", tests));
}
