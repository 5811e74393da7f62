/*
 * Unit tests for common/cron_next.c: next fire times of Quartz expressions
 * in UTC and in zones with DST (whole-hour, half-hour and Lord Howe's
 * 30-minute change), across spring-forward gaps and fall-back repeats,
 * and dates after 2037 that only the TZif footer rule covers.  Every
 * expected time in the table was computed independently with python3's
 * zoneinfo (fold=0: a skipped wall time takes the offset from before the
 * gap, a repeated one its first occurrence) and spot checked with
 * date(1).  Zone tests read the system's tzdata.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "cron.h"
#include "cron_next.h"
#include "tzif.h"

#define CHECK_CRON_NEXT_ISO_MAX	32

struct check_cron_next_row {
	const char	*quartz;
	const char	*tz;
	const char	*after;		/* ISO-8601 UTC */
	const char	*next;		/* ISO-8601 UTC; NULL: -ENOENT */
};

static const struct check_cron_next_row check_cron_next_rows[] = {
	/* seconds, minutes, hours */
	{ "0 * * * * ?", "UTC", "2026-01-15T10:20:30Z",
	    "2026-01-15T10:21:00Z" },
	{ "0 */5 * * * ?", "UTC", "2026-01-15T10:20:00Z",
	    "2026-01-15T10:25:00Z" },
	{ "15,45 * * * * ?", "UTC", "2026-01-15T10:20:30Z",
	    "2026-01-15T10:20:45Z" },
	{ "*/20 * * * * ?", "UTC", "2026-01-15T10:20:59.500Z",
	    "2026-01-15T10:21:00Z" },
	{ "0 0 * * * ?", "UTC", "2026-01-15T10:00:00Z",
	    "2026-01-15T11:00:00Z" },
	{ "0 0 22-2 * * ?", "UTC", "2026-01-15T02:30:00Z",
	    "2026-01-15T22:00:00Z" },
	/* daily at noon in several zones */
	{ "0 0 12 * * ?", "UTC", "2026-01-15T12:00:00Z",
	    "2026-01-16T12:00:00Z" },
	{ "0 0 12 * * ?", "America/New_York", "2026-01-15T00:00:00Z",
	    "2026-01-15T17:00:00Z" },
	{ "0 0 12 * * ?", "America/New_York", "2026-07-15T00:00:00Z",
	    "2026-07-15T16:00:00Z" },
	{ "0 0 12 * * ?", "Europe/Berlin", "2026-07-15T00:00:00Z",
	    "2026-07-15T10:00:00Z" },
	{ "0 0 12 * * ?", "Asia/Kolkata", "2026-01-15T07:00:00Z",
	    "2026-01-16T06:30:00Z" },
	{ "0 0 12 * * ?", "Australia/Lord_Howe", "2026-01-15T00:00:00Z",
	    "2026-01-15T01:00:00Z" },
	{ "0 0 12 * * ?", "Australia/Lord_Howe", "2026-07-15T00:00:00Z",
	    "2026-07-15T01:30:00Z" },
	/* days of week */
	{ "0 0 12 ? * MON-FRI", "UTC", "2026-01-16T12:00:00Z",
	    "2026-01-19T12:00:00Z" },
	{ "0 0 12 ? * FRI-MON", "UTC", "2026-01-20T00:00:00Z",
	    "2026-01-23T12:00:00Z" },
	{ "0 0 10 ? * 6L", "UTC", "2026-01-01T00:00:00Z",
	    "2026-01-30T10:00:00Z" },
	{ "0 0 10 ? * 2#3", "UTC", "2026-01-01T00:00:00Z",
	    "2026-01-19T10:00:00Z" },
	{ "0 0 0 ? 2 2#5", "UTC", "2026-01-01T00:00:00Z",
	    "2044-02-29T00:00:00Z" },
	/* days of month */
	{ "0 0 0 L * ?", "UTC", "2026-02-01T00:00:00Z",
	    "2026-02-28T00:00:00Z" },
	{ "0 0 0 L * ?", "UTC", "2028-02-01T00:00:00Z",
	    "2028-02-29T00:00:00Z" },
	{ "0 0 0 L-3 * ?", "UTC", "2026-02-01T00:00:00Z",
	    "2026-02-25T00:00:00Z" },
	{ "0 0 0 LW * ?", "UTC", "2026-05-01T00:00:00Z",
	    "2026-05-29T00:00:00Z" },
	{ "0 0 0 15W * ?", "UTC", "2026-08-01T00:00:00Z",
	    "2026-08-14T00:00:00Z" },
	{ "0 0 0 1W * ?", "UTC", "2026-07-02T00:00:00Z",
	    "2026-08-03T00:00:00Z" },
	/* months and years */
	{ "0 0 0 1 JAN,APR,JUL,OCT ?", "UTC", "2026-02-01T00:00:00Z",
	    "2026-04-01T00:00:00Z" },
	{ "0 0 0 1 1 ? 2030", "UTC", "2026-06-01T00:00:00Z",
	    "2030-01-01T00:00:00Z" },
	{ "0 0 0 29 2 ?", "UTC", "2026-01-01T00:00:00Z",
	    "2028-02-29T00:00:00Z" },
	{ "0 0 0 29 2 ?", "UTC", "2096-03-01T00:00:00Z",
	    "2104-02-29T00:00:00Z" },
	{ "0 0 0 1 1 ? 2020", "UTC", "2026-01-01T00:00:00Z", NULL },
	{ "0 0 0 30 2 ?", "UTC", "2026-01-01T00:00:00Z", NULL },
	/* US spring forward: 02:30 does not exist, fires at 03:30 EDT */
	{ "0 30 2 * * ?", "America/New_York", "2026-03-08T05:00:00Z",
	    "2026-03-08T07:30:00Z" },
	{ "0 30 2 * * ?", "America/New_York", "2026-03-08T07:10:00Z",
	    "2026-03-08T07:30:00Z" },
	{ "0 30 2 * * ?", "America/New_York", "2026-03-08T07:30:00Z",
	    "2026-03-09T06:30:00Z" },
	/* US fall back: 01:30 happens twice, fires at the first only */
	{ "0 30 1 * * ?", "America/New_York", "2026-11-01T04:00:00Z",
	    "2026-11-01T05:30:00Z" },
	{ "0 30 1 * * ?", "America/New_York", "2026-11-01T05:30:00Z",
	    "2026-11-02T06:30:00Z" },
	{ "0 30 1 * * ?", "America/New_York", "2026-11-01T06:10:00Z",
	    "2026-11-02T06:30:00Z" },
	{ "0 0 * * * ?", "America/New_York", "2026-11-01T05:00:00Z",
	    "2026-11-01T07:00:00Z" },
	/* EU changes */
	{ "0 30 2 * * ?", "Europe/Berlin", "2026-03-29T00:00:00Z",
	    "2026-03-29T01:30:00Z" },
	{ "0 30 2 * * ?", "Europe/Berlin", "2026-10-25T00:00:00Z",
	    "2026-10-25T00:30:00Z" },
	{ "0 30 2 * * ?", "Europe/Berlin", "2026-10-25T00:30:00Z",
	    "2026-10-26T01:30:00Z" },
	/* Lord Howe moves by 30 minutes: 02:15 fires at 02:45 */
	{ "0 15 2 * * ?", "Australia/Lord_Howe", "2026-10-03T12:00:00Z",
	    "2026-10-03T15:45:00Z" },
	/* missed runs: the first fire after the given time, not now */
	{ "0 0 12 * * ?", "UTC", "2020-06-01T13:00:00Z",
	    "2020-06-02T12:00:00Z" },
	{ "0 0 9 ? * MON", "America/New_York", "2019-12-31T23:59:59Z",
	    "2020-01-06T14:00:00Z" },
	/* past the listed transitions (2037): the footer rule decides */
	{ "0 30 2 * * ?", "America/New_York", "2040-03-11T05:00:00Z",
	    "2040-03-11T07:30:00Z" },
	{ "0 30 1 * * ?", "America/New_York", "2040-11-04T05:30:00Z",
	    "2040-11-05T06:30:00Z" },
	{ "0 15 2 * * ?", "Australia/Lord_Howe", "2045-09-30T12:00:00Z",
	    "2045-09-30T15:45:00Z" },
	{ "0 0 12 * * ?", "Europe/Berlin", "2050-07-01T00:00:00Z",
	    "2050-07-01T10:00:00Z" }
};

#define CHECK_CRON_NEXT_NROWS						\
	(int)(sizeof(check_cron_next_rows) / sizeof(check_cron_next_rows[0]))

/* "2026-03-08T07:30:00Z" or "...:00.500Z" to ms since the epoch. */
static int64_t
check_cron_next_ms(const char *iso)
{
	struct tm	 tm;
	int		 n = 0, k = 0, ms = 0;

	memset(&tm, 0, sizeof(tm));
	ck_assert_msg(sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
	    &n) == 6, "bad time '%s'", iso);
	if (iso[n] == '.' && sscanf(iso + n, ".%3d%n", &ms, &k) == 1)
		n += k;
	ck_assert_str_eq(iso + n, "Z");
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return ((int64_t)timegm(&tm) * 1000 + ms);
}

static void
check_cron_next_iso(int64_t ms, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);

	ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
	ck_assert_uint_gt(strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm), 0);
}

START_TEST(test_cron_next_table)
{
	const struct check_cron_next_row	*row = &check_cron_next_rows[_i];
	char					 got[CHECK_CRON_NEXT_ISO_MAX];
	int64_t					 ms = -1;
	int					 r;

	r = cron_next_fire(row->quartz, row->tz,
	    check_cron_next_ms(row->after), &ms);
	if (row->next == NULL) {
		ck_assert_msg(r == -ENOENT, "'%s' in %s after %s: %d",
		    row->quartz, row->tz, row->after, r);
		ck_assert(ms == -1);
		return;
	}
	ck_assert_msg(r == 0, "'%s' in %s after %s: %d", row->quartz, row->tz,
	    row->after, r);
	ck_assert(ms % 1000 == 0);
	check_cron_next_iso(ms, got, sizeof(got));
	ck_assert_msg(strcmp(got, row->next) == 0,
	    "'%s' in %s after %s: got %s, want %s", row->quartz, row->tz,
	    row->after, got, row->next);
}
END_TEST

/* A cached zone gives what a zone loaded per call gives. */
START_TEST(test_cron_next_zone_cache)
{
	const struct check_cron_next_row	*row;
	struct tzif_zone			*z = NULL;
	int64_t					 a, b;
	int					 i;

	ck_assert_int_eq(tzif_zone_load("America/New_York", &z), 0);
	for (i = 0; i < CHECK_CRON_NEXT_NROWS; i++) {
		row = &check_cron_next_rows[i];
		if (strcmp(row->tz, "America/New_York") != 0)
			continue;
		a = b = -1;
		ck_assert_int_eq(cron_next_fire_zone(row->quartz, z,
		    check_cron_next_ms(row->after), &a), 0);
		ck_assert_int_eq(cron_next_fire(row->quartz, row->tz,
		    check_cron_next_ms(row->after), &b), 0);
		ck_assert(a == b);
	}
	tzif_zone_free(z);
	tzif_zone_free(NULL);
}
END_TEST

/* Fires from one local midnight to the next: increasing, n of them. */
static int
check_cron_next_count(const char *quartz, const char *from, const char *to)
{
	struct tzif_zone	*z = NULL;
	int64_t			 t, end, next;
	int			 n = 0;

	ck_assert_int_eq(tzif_zone_load("America/New_York", &z), 0);
	t = check_cron_next_ms(from);
	end = check_cron_next_ms(to);
	for (;;) {
		ck_assert_int_eq(cron_next_fire_zone(quartz, z, t, &next), 0);
		ck_assert(next > t);
		if (next >= end)
			break;
		t = next;
		n++;
	}
	tzif_zone_free(z);
	return (n);
}

START_TEST(test_cron_next_dst_days_hourly)
{
	/* 23 wall hours on the spring-forward day, 24 on the fall-back day */
	ck_assert_int_eq(check_cron_next_count("0 0 * * * ?",
	    "2026-03-08T04:59:59Z", "2026-03-09T04:00:00Z"), 23);
	ck_assert_int_eq(check_cron_next_count("0 0 * * * ?",
	    "2026-11-01T03:59:59Z", "2026-11-02T05:00:00Z"), 24);
	ck_assert_int_eq(check_cron_next_count("0 */15 * * * ?",
	    "2026-11-01T03:59:59Z", "2026-11-02T05:00:00Z"), 96);
}
END_TEST

START_TEST(test_cron_next_utc_default)
{
	const char	*names[] = { NULL, "", "UTC", "GMT", "Etc/UTC" };
	int64_t		 ms;
	size_t		 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ms = -1;
		ck_assert_int_eq(cron_next_fire("0 0 12 * * ?", names[i],
		    check_cron_next_ms("2026-01-15T12:00:00Z"), &ms), 0);
		ck_assert(ms == check_cron_next_ms("2026-01-16T12:00:00Z"));
	}
	ck_assert_int_eq(cron_next_fire_zone("0 0 12 * * ?", NULL, 0, &ms),
	    0);
	ck_assert(ms == 12 * 3600 * 1000);
}
END_TEST

START_TEST(test_cron_next_invalid)
{
	int64_t	 ms = -1;

	ck_assert_int_eq(cron_next_fire("bogus", NULL, 0, &ms), -EINVAL);
	ck_assert_int_eq(cron_next_fire(NULL, NULL, 0, &ms), -EINVAL);
	ck_assert_int_eq(cron_next_fire("0 0 12 * * *", NULL, 0, &ms),
	    -EINVAL);
	ck_assert_int_eq(cron_next_fire("*/5 * * * *", NULL, 0, &ms),
	    -EINVAL);
	/* an unknown zone is a bad schedule, not "never fires again" */
	ck_assert_int_eq(cron_next_fire("0 0 12 * * ?", "Mars/Olympus_Mons",
	    0, &ms), -EINVAL);
	ck_assert(ms == -1);
}
END_TEST

START_TEST(test_cron_next_limits)
{
	int64_t	 ms = -1;

	/* before 1970 the search starts at Quartz's first year */
	ck_assert_int_eq(cron_next_fire("0 0 12 * * ?", NULL, -86400000LL *
	    365, &ms), 0);
	ck_assert(ms == 12 * 3600 * 1000);
	ck_assert_int_eq(cron_next_fire("0 0 0 1 1 ? 2199", NULL,
	    check_cron_next_ms("2198-06-01T00:00:00Z"), &ms), 0);
	ck_assert(ms == check_cron_next_ms("2199-01-01T00:00:00Z"));
	ck_assert_int_eq(cron_next_fire("0 0 0 * * ?", NULL,
	    check_cron_next_ms("2199-12-31T00:00:00Z"), &ms), -ENOENT);
	ck_assert_int_eq(cron_next_fire("0 0 0 * * ?", "Europe/Berlin",
	    INT64_MAX, &ms), -ENOENT);
	ck_assert_int_eq(cron_next_fire("0 0 0 * * ?", "Europe/Berlin",
	    INT64_MIN, &ms), 0);
	ck_assert(ms == -3600 * 1000);	/* 1970-01-01 00:00 CET */
}
END_TEST

/*
 * Cron as posted (schedule, scheduleType CRON) through cron_to_quartz()
 * and then the fire-time search: the Unix cron meaning must survive the
 * conversion.  Expected times come from a separate brute-force evaluator
 * of Unix cron (python3, second by second, days of week 0-7 from Sunday).
 */
static const struct check_cron_next_row check_cron_next_converted[] = {
	{ "*/4 * * * * *", "UTC", "2026-01-15T10:20:30Z",
	    "2026-01-15T10:20:32Z" },
	{ "15 */10 * * * *", "UTC", "2026-01-15T10:20:30Z",
	    "2026-01-15T10:30:15Z" },
	/* a Thursday: the next Monday, Sunday (0 and 7) */
	{ "0 12 * * 1", "UTC", "2026-01-15T00:00:00Z",
	    "2026-01-19T12:00:00Z" },
	{ "0 12 * * 0", "UTC", "2026-01-15T00:00:00Z",
	    "2026-01-18T12:00:00Z" },
	{ "0 12 * * 7", "UTC", "2026-01-15T00:00:00Z",
	    "2026-01-18T12:00:00Z" },
	{ "0 12 * * 0-5", "UTC", "2026-01-16T13:00:00Z",
	    "2026-01-18T12:00:00Z" },
	{ "0 12 * * 0,1,2,3", "UTC", "2026-01-15T13:00:00Z",
	    "2026-01-18T12:00:00Z" },
	{ "0 0 * * 1-5/2", "UTC", "2026-01-19T00:00:00Z",
	    "2026-01-21T00:00:00Z" },
	{ "0 0 * * 5L", "UTC", "2026-01-15T00:00:00Z",
	    "2026-01-30T00:00:00Z" },
	{ "0 0 * * 5#3", "UTC", "2026-01-01T00:00:00Z",
	    "2026-01-16T00:00:00Z" },
	{ "0 0 * * 0-7", "UTC", "2026-01-15T10:00:00Z",
	    "2026-01-16T00:00:00Z" },
	{ "30 0 12 * * 1", "UTC", "2026-01-15T00:00:00Z",
	    "2026-01-19T12:00:30Z" },
	{ "0 30 9 ? * 1 *", "UTC", "2026-01-15T00:00:00Z",
	    "2026-01-19T09:30:00Z" },
	{ "0 0 12 1 1 * 2030", "UTC", "2026-06-01T00:00:00Z",
	    "2030-01-01T12:00:00Z" },
	{ "0 0 12 ? * 2 2030", "UTC", "2026-06-01T00:00:00Z",
	    "2030-01-01T12:00:00Z" },
	{ "0 0 12 1 1 * 2020", "UTC", "2026-06-01T00:00:00Z", NULL },
	/* Friday 10:00 EST: Monday 09:00 EST */
	{ "0 9 * * 1-5", "America/New_York", "2026-01-16T15:00:00Z",
	    "2026-01-19T14:00:00Z" }
};

START_TEST(test_cron_next_converted)
{
	const struct check_cron_next_row	*row;
	char					 q[CRON_QUARTZ_MAX], err[256];
	char					 got[CHECK_CRON_NEXT_ISO_MAX];
	int64_t					 ms = -1;
	int					 r;

	row = &check_cron_next_converted[_i];
	ck_assert_msg(cron_to_quartz(row->quartz, q, sizeof(q), err,
	    sizeof(err)) == 0, "'%s': %s", row->quartz, err);
	r = cron_next_fire(q, row->tz, check_cron_next_ms(row->after), &ms);
	if (row->next == NULL) {
		ck_assert_msg(r == -ENOENT, "'%s' (%s): %d", row->quartz, q, r);
		return;
	}
	ck_assert_msg(r == 0, "'%s' (%s): %d", row->quartz, q, r);
	check_cron_next_iso(ms, got, sizeof(got));
	ck_assert_msg(strcmp(got, row->next) == 0, "'%s' (%s) after %s: got "
	    "%s, want %s", row->quartz, q, row->after, got, row->next);
}
END_TEST

Suite	*cron_next_suite(void);

Suite *
cron_next_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("cron_next");
	tc = tcase_create("table");
	tcase_add_loop_test(tc, test_cron_next_table, 0,
	    CHECK_CRON_NEXT_NROWS);
	tcase_add_loop_test(tc, test_cron_next_converted, 0,
	    (int)(sizeof(check_cron_next_converted) /
	    sizeof(check_cron_next_converted[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("zones");
	tcase_add_test(tc, test_cron_next_zone_cache);
	tcase_add_test(tc, test_cron_next_dst_days_hourly);
	tcase_add_test(tc, test_cron_next_utc_default);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, test_cron_next_invalid);
	tcase_add_test(tc, test_cron_next_limits);
	suite_add_tcase(s, tc);
	return (s);
}
