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
#include <string.h>

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

static uint8_t *
check_tzif_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return (p + 4);
}

/* A TZif header: version 2, with time, type and char counts. */
static uint8_t *
check_tzif_header(uint8_t *p, uint32_t ntime, uint32_t ntype,
    uint32_t nchar)
{
	memset(p, 0, 44);
	memcpy(p, "TZif2", 5);
	check_tzif_be32(p + 32, ntime);
	check_tzif_be32(p + 36, ntype);
	check_tzif_be32(p + 40, nchar);
	return (p + 44);
}

/* A local time type: offset, isdst, name index. */
static uint8_t *
check_tzif_type(uint8_t *p, int32_t off, uint8_t dst, uint8_t idx)
{
	p = check_tzif_be32(p, (uint32_t)off);
	*p++ = dst;
	*p++ = idx;
	return (p);
}

/*
 * Found by tests/fuzz/fuzz_tzif.c, with Pacific/Apia: a zone that drops
 * DST at its last transition (a fall-back, +14 to +13 in April 2021) and
 * whose footer rule has none.  The period from that transition on began
 * there, from +14, where it used to start at the dawn of time with no
 * offset before; cron_next.c reads both to fire a repeated wall time
 * once.  Built here, not read from tzdata, so it stays this shape.
 */
START_TEST(test_tzif_rule_without_dst_after_last_transition)
{
	static const int64_t	 at = 1617458400;	/* 2021-04-03T14Z */
	struct tzif_zone	*z = NULL;
	struct tzif_period	 p;
	uint8_t			 buf[256], *w = buf;

	/* v1 block: no transitions, one type. */
	w = check_tzif_header(w, 0, 1, 4);
	w = check_tzif_type(w, 50400, 1, 0);
	memcpy(w, "+14", 4);
	w += 4;
	/* v2 block: the one transition, to type 1. */
	w = check_tzif_header(w, 1, 2, 8);
	w = check_tzif_be32(check_tzif_be32(w, 0), (uint32_t)at);
	*w++ = 1;
	w = check_tzif_type(w, 50400, 1, 0);
	w = check_tzif_type(w, 46800, 0, 4);
	memcpy(w, "+14\0+13", 8);
	w += 8;
	memcpy(w, "\n<+13>-13\n", 10);
	w += 10;
	ck_assert_int_eq(tzif_zone_parse(buf, (size_t)(w - buf), &z), 0);

	tzif_period_at(z, at - 1, &p);
	ck_assert(p.off == 50400 && p.end == at);
	tzif_period_at(z, at, &p);
	ck_assert_msg(p.begin == at, "begins %lld", (long long)p.begin);
	ck_assert_int_eq(p.prev, 50400);
	ck_assert_int_eq(p.off, 46800);
	ck_assert(p.end == INT64_MAX);
	tzif_period_at(z, at + 86400 * 365 * 5, &p);
	ck_assert(p.begin == at && p.off == 46800);
	tzif_zone_free(z);

	/* Malformed: a cut file, a bad magic. */
	ck_assert_int_eq(tzif_zone_parse(buf, 60, &z), -EINVAL);
	buf[0] = 'X';
	ck_assert_int_eq(tzif_zone_parse(buf, (size_t)(w - buf), &z),
	    -EINVAL);
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
	tcase_add_test(tc, test_tzif_rule_without_dst_after_last_transition);
	suite_add_tcase(s, tc);
	return (s);
}
