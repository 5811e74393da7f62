/*
 * Unit tests for common/time/cron.c: the cron-to-Quartz conversion table
 * (Singularity's validator tests and outputs, for 5, 6 and 7 fields, plus
 * the cases where kerr converts faithfully or refuses instead of
 * reinterpreting) and Quartz validation.
 */
#include <errno.h>
#include <string.h>

#include <check.h>

#include "cron.h"

struct check_cron_conv {
	const char	*cron;
	const char	*quartz;	/* NULL: must fail */
	const char	*why;		/* substring of the error */
};

static const struct check_cron_conv check_cron_convs[] = {
	/* Singularity's ValidatorTest.testCronExpressionHandlesDayIndexing */
	{ "0 12 * * 7", "0 0 12 ? * SUN", NULL },
	{ "0 12 * * 6", "0 0 12 ? * SAT", NULL },
	{ "0 12 * * 0", "0 0 12 ? * SUN", NULL },
	{ "0 12 * * 0-5", "0 0 12 ? * SUN-FRI", NULL },
	{ "0 12 * * 0,1,2,3", "0 0 12 ? * SUN,MON,TUE,WED", NULL },
	{ "0 12 * * MON,TUE,WED", "0 0 12 ? * MON,TUE,WED", NULL },
	{ "0 12 * * MON-WED", "0 0 12 ? * MON-WED", NULL },
	/* what getQuartzScheduleFromCronSchedule() gives for 5 fields */
	{ "*/5 * * * *", "0 */5 * * * ?", NULL },
	{ "0 12 * * 1-5", "0 0 12 ? * MON-FRI", NULL },
	{ "0 0 * * 1", "0 0 0 ? * MON", NULL },
	{ "30 2 1 * *", "0 30 2 1 * ?", NULL },
	{ "0 0 * * MON", "0 0 0 ? * MON", NULL },
	{ "0 0 * * mon-fri", "0 0 0 ? * mon-fri", NULL },
	{ "0 0 * * 1,3,5", "0 0 0 ? * MON,WED,FRI", NULL },
	{ "15 10 * JAN-MAR 6", "0 15 10 ? JAN-MAR SAT", NULL },
	{ "0 0 31 2 *", "0 0 0 31 2 ?", NULL },
	{ "0 */2 * * *", "0 0 */2 * * ?", NULL },
	{ "0 9-17 * * 1-5", "0 0 9-17 ? * MON-FRI", NULL },
	{ "0 0 * * */2", "0 0 0 ? * */2", NULL },
	{ "0 0 * * 5-7", "0 0 0 ? * FRI-SUN", NULL },
	{ "0 0 L * *", "0 0 0 L * ?", NULL },
	{ "0 0 15W * *", "0 0 0 15W * ?", NULL },
	{ "0 0 ? * 1", "0 0 0 ? * MON", NULL },
	{ "  0   12 * * *  ", "0 0 12 * * ?", NULL },
	/* 6 fields: seconds first (Singularity's tests schedule these) */
	{ "*/1 * * * * ?", "*/1 * * * * ?", NULL },
	{ "*/4 * * * * *", "*/4 * * * * ?", NULL },
	{ "0 0 12 * * ?", "0 0 12 * * ?", NULL },
	{ "0 0 12 * * *", "0 0 12 * * ?", NULL },
	{ "30 0 12 * * 1", "30 0 12 ? * MON", NULL },
	{ "0 0 12 ? * 0-5", "0 0 12 ? * SUN-FRI", NULL },
	{ "0 0 12 * * 1,3", "0 0 12 ? * MON,WED", NULL },
	{ "0 0 12 ? * MON-FRI", "0 0 12 ? * MON-FRI", NULL },
	/* 7 fields: a year of '*' goes, as Singularity drops every year */
	{ "0 0 12 * * * *", "0 0 12 * * ?", NULL },
	{ "0 30 9 ? * 1 *", "0 30 9 ? * MON", NULL },
	/* faithful where Singularity's output would mean something else */
	{ "0 0 12 ? * 2 2030", "0 0 12 ? * TUE 2030", NULL },
	{ "0 0 12 1 1 * 2030-2035", "0 0 12 1 1 ? 2030-2035", NULL },
	{ "0 0 * * 1-5/2", "0 0 0 ? * MON,WED,FRI", NULL },
	{ "0 0 * * 0-7", "0 0 0 ? * SUN-SAT", NULL },
	{ "0 0 * * 1,2-3", "0 0 0 ? * MON,TUE-WED", NULL },
	{ "0 0 * * 5L", "0 0 0 ? * 6L", NULL },
	{ "0 0 * * 5#3", "0 0 0 ? * 6#3", NULL },
	/* refused */
	{ "0 0 1 * 1", NULL, "both day of month" },
	{ "0 0 */2 * 1", NULL, "both day of month" },
	{ "0 0 12 1 * 1", NULL, "both day of month" },
	{ "61 * * * *", NULL, "minutes value 61" },
	{ "60 * * * * *", NULL, "seconds value 60" },
	{ "0 24 * * *", NULL, "hours value 24" },
	{ "0 0 32 * *", NULL, "day-of-month value 32" },
	{ "0 0 * 13 *", NULL, "month value 13" },
	{ "0 0 * FOO *", NULL, "month value 'FOO'" },
	{ "* * *", NULL, "contained only 3 splits (looking for at least 5)" },
	{ "@daily", NULL, "contained only 1 splits" },
	{ "* * * * * * * *", NULL, "at most 7" },
	{ "0 0 * * 8", NULL, "day of week (8) is not 0-7" },
	{ "0 0 12 * * 8", NULL, "day of week (8) is not 0-7" },
	{ "0 0 * * 1-9", NULL, "day of week (9) is not 0-7" },
	{ "0 0 * * 5-1", NULL, "descending" },
	{ "50-10 * * * *", NULL, "minutes range 50-10 is descending" },
	{ "50-10 * * * * *", NULL, "seconds range 50-10 is descending" },
	{ "0 0 * * 1/2", NULL, "needs a range" },
	{ "0 0 * * 1,,2", NULL, "empty list item" },
	{ "0 0 ? * ?", NULL, "'?'" },
	{ "? 0 12 * * *", NULL, "not for seconds" },
	{ "0 0 12 * * ? 1969", NULL, "year value 1969" },
	{ "0 0 12 * * * 2035-2030", NULL, "year range" }
};


START_TEST(test_cron_conversion_table)
{
	const struct check_cron_conv	*c = &check_cron_convs[_i];
	char				 out[CRON_QUARTZ_MAX], err[512];
	int				 r;

	strcpy(out, "untouched");
	err[0] = '\0';
	r = cron_to_quartz(c->cron, out, sizeof(out), err, sizeof(err));
	if (c->quartz != NULL) {
		ck_assert_msg(r == 0, "'%s': %s", c->cron, err);
		ck_assert_str_eq(out, c->quartz);
		return;
	}
	ck_assert_msg(r == -EINVAL, "'%s' gave '%s'", c->cron, out);
	ck_assert_str_eq(out, "untouched");
	ck_assert_msg(strstr(err, c->why) != NULL, "'%s': '%s' lacks '%s'",
	    c->cron, err, c->why);
}
END_TEST

START_TEST(test_cron_converted_is_valid_quartz)
{
	const struct check_cron_conv	*c = &check_cron_convs[_i];
	char				 out[CRON_QUARTZ_MAX], err[512];

	if (c->quartz == NULL)
		return;
	ck_assert_int_eq(cron_to_quartz(c->cron, out, sizeof(out), err,
	    sizeof(err)), 0);
	ck_assert_msg(cron_validate_quartz(out, err, sizeof(err)) == 0,
	    "'%s': %s", out, err);
}
END_TEST

START_TEST(test_cron_message_names_schedule)
{
	char	 out[CRON_QUARTZ_MAX], err[512];

	ck_assert_int_eq(cron_to_quartz("61 * * * *", out, sizeof(out), err,
	    sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "Schedule 0 61 * * * ? (from: 61 * * * *) is "
	    "not valid: minutes value 61 is out of range 0-59");
}
END_TEST

START_TEST(test_cron_small_out_buffer)
{
	char	 out[8], err[128];

	ck_assert_int_eq(cron_to_quartz("*/5 * * * *", out, sizeof(out), err,
	    sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "too long"));
}
END_TEST

START_TEST(test_cron_too_long_input)
{
	char	 in[CRON_EXPR_MAX + 10], out[CRON_QUARTZ_MAX], err[128];

	memset(in, '1', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	ck_assert_int_eq(cron_to_quartz(in, out, sizeof(out), err,
	    sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "too long"));
}
END_TEST

struct check_cron_quartz {
	const char	*expr;
	const char	*why;	/* NULL: valid */
};

static const struct check_cron_quartz check_cron_quartzes[] = {
	{ "0 0 12 * * ?", NULL },
	{ "0 15 10 ? * MON-FRI", NULL },
	{ "0 15 10 ? * mon-fri", NULL },
	{ "0 0/5 14,18 * * ?", NULL },
	{ "0 0-5 14 * * ?", NULL },
	{ "0 10,44 14 ? 3 WED", NULL },
	{ "0 15 10 L * ?", NULL },
	{ "0 15 10 L-2 * ?", NULL },
	{ "0 15 10 LW * ?", NULL },
	{ "0 0 12 1W * ?", NULL },
	{ "0 15 10 ? * 6L", NULL },
	{ "0 15 10 ? * FRIL", NULL },
	{ "0 15 10 ? * 6#3", NULL },
	{ "0 15 10 ? * L", NULL },
	{ "0 0 12 ? JAN,MAR SUN", NULL },
	{ "0 0 12 ? * FRI-MON", NULL },
	{ "0 50-10 * * * ?", NULL },
	{ "0 15 10 * * ? *", NULL },
	{ "0 15 10 * * ? 2030", NULL },
	{ "0 15 10 * * ? 2030-2035", NULL },
	{ "0 0 12 * *", "has 5 fields" },
	{ "0 0 12 * * ? 2030 x", "has 8 fields" },
	{ "", "has 0 fields" },
	{ "0 0 12 * * *", "both a day-of-week AND a day-of-month" },
	{ "0 0 12 ? * ?", "one of day-of-month and day-of-week" },
	{ "? 0 12 * * ?", "not for seconds" },
	{ "60 0 12 * * ?", "seconds value 60 is out of range 0-59" },
	{ "0 0 24 * * ?", "hours value 24" },
	{ "0 0 12 0 * ?", "day-of-month value 0" },
	{ "0 0 12 ? * 8", "day-of-week value 8" },
	{ "0 0 12 ? * 0", "day-of-week value 0" },
	{ "0 0 12 ? 13 *", "month value 13" },
	{ "0 0 12 ? * FOO", "day-of-week value 'FOO'" },
	{ "0 0 12 * * ? 1969", "year value 1969" },
	{ "0 0 12 * * ? 2035-2030", "year range" },
	{ "0 0 12 ? * MON-FRI/2", "ignores a step after a name" },
	{ "0 0 12 ? * MON-5", "mixes a name and a number" },
	{ "0 0 12 ? * 6#6", "after # must be from 1 to 5" },
	{ "0 0 12 L,1 * ?", "cannot be combined" },
	{ "0 0 12 L-31 * ?", "offset" },
	{ "0 0 12 32W * ?", "W needs a day" },
	{ "0 0/0 12 * * ?", "minutes step '0'" },
	{ "0 0/60 12 * * ?", "minutes step '60'" },
	{ "0 0 */24 * * ?", "hours step '24'" },
	{ "0 0 12 1,,2 * ?", "empty list item" },
	{ "0 0 12 *-3 * ?", "day-of-month value '*'" },
	{ "0 0 12 1-? * ?", "day-of-month value '?'" }
};

START_TEST(test_cron_quartz_validation)
{
	const struct check_cron_quartz	*q = &check_cron_quartzes[_i];
	char				 err[512];
	int				 r;

	err[0] = '\0';
	r = cron_validate_quartz(q->expr, err, sizeof(err));
	if (q->why == NULL) {
		ck_assert_msg(r == 0, "'%s': %s", q->expr, err);
		return;
	}
	ck_assert_msg(r == -EINVAL, "'%s' was accepted", q->expr);
	ck_assert_msg(strstr(err, q->why) != NULL, "'%s': '%s' lacks '%s'",
	    q->expr, err, q->why);
}
END_TEST

/*
 * Found by tests/fuzz/fuzz_cron.c: the messages quote the schedule, and a
 * newline in it (a separator, like a space) made the one-line reason two
 * lines.
 */
START_TEST(test_cron_message_one_line)
{
	char	 out[CRON_QUARTZ_MAX], err[512];

	err[0] = '\0';
	ck_assert_int_eq(cron_to_quartz("0 0 12 *\n 1,3", out, sizeof(out),
	    err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "day of week") != NULL, "%s", err);
	ck_assert_ptr_null(strchr(err, '\n'));
	err[0] = '\0';
	ck_assert_int_eq(cron_validate_quartz("0 0 12\n*\t* ? 9\n", err,
	    sizeof(err)), -EINVAL);
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_ptr_null(strchr(err, '\t'));
	ck_assert_msg(err[0] != '\0', "no reason");
}
END_TEST

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*cron_suite(void);

Suite *
cron_suite(void)
{
	Suite	*s;
	TCase	*tc;
	int	 nconv = sizeof(check_cron_convs) /
		    sizeof(check_cron_convs[0]);
	int	 nq = sizeof(check_cron_quartzes) /
		    sizeof(check_cron_quartzes[0]);

	s = suite_create("cron");
	tc = tcase_create("core");
	tcase_add_loop_test(tc, test_cron_conversion_table, 0, nconv);
	tcase_add_loop_test(tc, test_cron_converted_is_valid_quartz, 0,
	    nconv);
	tcase_add_test(tc, test_cron_message_names_schedule);
	tcase_add_test(tc, test_cron_small_out_buffer);
	tcase_add_test(tc, test_cron_too_long_input);
	tcase_add_test(tc, test_cron_message_one_line);
	tcase_add_loop_test(tc, test_cron_quartz_validation, 0, nq);
	suite_add_tcase(s, tc);
	return (s);
}
