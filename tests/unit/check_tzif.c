/*
 * Unit tests for common/tzif.c: zone names (safe, known, TZif data),
 * loading errors, the offset periods of a DST zone both from its listed
 * transitions and from its footer rule (after 2037), and the calendar
 * arithmetic.  Expected instants were computed with python3's zoneinfo.
 * Zone tests read the system's /usr/share/zoneinfo (tzdata).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include <check.h>

#include "tzif.h"

START_TEST(test_tzif_zone_validity)
{
	ck_assert_int_eq(tzif_zone_is_valid("America/New_York"), 1);
	ck_assert_int_eq(tzif_zone_is_valid("Europe/London"), 1);
	ck_assert_int_eq(tzif_zone_is_valid("Etc/GMT+5"), 1);
	ck_assert_int_eq(tzif_zone_is_valid("UTC"), 1);
	ck_assert_int_eq(tzif_zone_is_valid("GMT"), 1);
	ck_assert_int_eq(tzif_zone_is_valid("Mars/Base"), 0);
	ck_assert_int_eq(tzif_zone_is_valid("../etc/passwd"), 0);
	ck_assert_int_eq(tzif_zone_is_valid("America/../../../etc/passwd"),
	    0);
	ck_assert_int_eq(tzif_zone_is_valid("/etc/localtime"), 0);
	ck_assert_int_eq(tzif_zone_is_valid("America"), 0);
	ck_assert_int_eq(tzif_zone_is_valid("America/"), 0);
	ck_assert_int_eq(tzif_zone_is_valid("America//New_York"), 0);
	ck_assert_int_eq(tzif_zone_is_valid("America/New York"), 0);
	ck_assert_int_eq(tzif_zone_is_valid("zone.tab"), 0);
	ck_assert_int_eq(tzif_zone_is_valid("leapseconds"), 0);
	ck_assert_int_eq(tzif_zone_is_valid(""), 0);
	ck_assert_int_eq(tzif_zone_is_valid(NULL), 0);
}
END_TEST

START_TEST(test_tzif_zone_load_errors)
{
	struct tzif_zone	*z = NULL;

	ck_assert_int_eq(tzif_zone_load("Mars/Olympus_Mons", &z), -ENOENT);
	ck_assert_int_eq(tzif_zone_load("America", &z), -ENOENT);
	ck_assert_int_eq(tzif_zone_load("../etc/passwd", &z), -EINVAL);
	ck_assert_int_eq(tzif_zone_load("/etc/passwd", &z), -EINVAL);
	ck_assert_int_eq(tzif_zone_load("America/", &z), -EINVAL);
	ck_assert_int_eq(tzif_zone_load("America/New York", &z), -EINVAL);
	ck_assert_int_eq(tzif_zone_load("zone.tab", &z), -EINVAL);
	ck_assert_ptr_null(z);		/* not written on failure */
}
END_TEST

START_TEST(test_tzif_periods)
{
	struct tzif_zone	*z = NULL;
	struct tzif_period	 p;

	/* no zone and "UTC" are one period of offset 0 */
	tzif_period_at(NULL, 0, &p);
	ck_assert(p.begin == INT64_MIN && p.end == INT64_MAX);
	ck_assert_int_eq(p.off, 0);
	ck_assert_int_eq(tzif_zone_load("UTC", &z), 0);
	tzif_period_at(z, 1772953200, &p);
	ck_assert(p.begin == INT64_MIN && p.end == INT64_MAX);
	ck_assert_int_eq(p.off, 0);
	tzif_zone_free(z);

	ck_assert_int_eq(tzif_zone_load("America/New_York", &z), 0);
	/* spring forward 2026-03-08T07:00Z, listed in the file */
	tzif_period_at(z, 1772953199, &p);
	ck_assert_int_eq(p.off, -18000);
	ck_assert(p.end == 1772953200);
	tzif_period_at(z, 1772953200, &p);
	ck_assert(p.begin == 1772953200 && p.end == 1793512800);
	ck_assert_int_eq(p.prev, -18000);
	ck_assert_int_eq(p.off, -14400);
	/* 2100: only the footer rule knows */
	tzif_period_at(z, 4118083200, &p);
	ck_assert(p.begin == 4108690800 && p.end == 4129250400);
	ck_assert_int_eq(p.prev, -18000);
	ck_assert_int_eq(p.off, -14400);
	tzif_zone_free(z);
	tzif_zone_free(NULL);
}
END_TEST

START_TEST(test_tzif_calendar)
{
	struct tzif_tm	 tm;
	int64_t		 t[] = { 0, -1, 951782400, 4102444799, -86400 * 366 };
	size_t		 i;

	ck_assert(tzif_days(1970, 1, 1) == 0);
	ck_assert(tzif_days(2000, 3, 1) == 11017);
	ck_assert_int_eq(tzif_wday(0), 4);		/* a Thursday */
	ck_assert_int_eq(tzif_wday(-1), 3);
	ck_assert_int_eq(tzif_ldom(2024, 2), 29);
	ck_assert_int_eq(tzif_ldom(2100, 2), 28);
	ck_assert_int_eq(tzif_ldom(2000, 2), 29);
	ck_assert_int_eq(tzif_ldom(2026, 4), 30);
	ck_assert(tzif_floordiv(-1, 1000) == -1);
	ck_assert(tzif_floordiv(1999, 1000) == 1);
	tzif_civil(-1, &tm);
	ck_assert(tm.y == 1969 && tm.mo == 12 && tm.d == 31 && tm.h == 23 &&
	    tm.mi == 59 && tm.s == 59);
	tzif_civil(951782400, &tm);	/* 2000-02-29 */
	ck_assert(tm.y == 2000 && tm.mo == 2 && tm.d == 29 && tm.h == 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		tzif_civil(t[i], &tm);
		ck_assert(tzif_secs(&tm) == t[i]);
	}
}
END_TEST

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*tzif_suite(void);

Suite *
tzif_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("tzif");
	tc = tcase_create("core");
	tcase_add_test(tc, test_tzif_zone_validity);
	tcase_add_test(tc, test_tzif_zone_load_errors);
	tcase_add_test(tc, test_tzif_periods);
	tcase_add_test(tc, test_tzif_calendar);
	suite_add_tcase(s, tc);
	return (s);
}
