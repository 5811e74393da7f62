/*
 * The pure parts of the kerr client: the options every command takes,
 * numbers and K=V pairs, the server's URL, aligned tables and human
 * times (daemons/kerr/kerr_opts.c, kerr_table.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fixture.h"
#include "kerr_opts.h"
#include "kerr_table.h"

Suite	*kerr_cli_suite(void);

/* The table printed into a string the caller frees. */
static char *
print_table(const struct kerr_table *t, int color)
{
	char	*out = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	kerr_table_print(t, f, color);
	ck_assert_int_eq(fclose(f), 0);
	return (out);
}

START_TEST(test_table_aligns_columns)
{
	static const char *const hdr[] = { "ID", "STATE", "MESSAGE" };
	static const char *const r1[] = { "web", "TASK_RUNNING", "ok" };
	static const char *const r2[] = { "a-long-id", NULL, "two\nlines" };
	struct kerr_table	*t = kerr_table_new(3, hdr);
	char			*out;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(kerr_table_add(t, r1), 0);
	ck_assert_int_eq(kerr_table_add(t, r2), 0);
	ck_assert_uint_eq(kerr_table_rows(t), 2);
	out = print_table(t, 0);
	/* Two spaces after the widest cell; the last column unpadded; an
	 * empty cell as "-"; a newline in a cell kept on its row. */
	ck_assert_str_eq(out,
	    "ID         STATE         MESSAGE\n"
	    "web        TASK_RUNNING  ok\n"
	    "a-long-id  -             two lines\n");
	free(out);
	kerr_table_free(t);
}
END_TEST

START_TEST(test_table_counts_characters_not_bytes)
{
	static const char *const hdr[] = { "A", "B" };
	static const char *const r1[] = { "\xc3\xa9t\xc3\xa9", "x" };
	struct kerr_table	*t = kerr_table_new(2, hdr);
	char			*out;

	ck_assert_int_eq(kerr_table_add(t, r1), 0);
	out = print_table(t, 0);
	ck_assert_str_eq(out, "A    B\n\xc3\xa9t\xc3\xa9  x\n");
	free(out);
	kerr_table_free(t);
}
END_TEST

START_TEST(test_table_colours_states_only_when_asked)
{
	static const char *const hdr[] = { "STATE", "N" };
	static const char *const r1[] = { "TASK_FAILED", "1" };
	struct kerr_table	*t = kerr_table_new(2, hdr);
	char			*out;

	ck_assert_int_eq(kerr_table_add(t, r1), 0);
	out = print_table(t, 1);
	ck_assert_str_eq(out, "STATE        N\n"
	    "\033[31mTASK_FAILED\033[0m  1\n");
	free(out);
	out = print_table(t, 0);
	ck_assert_ptr_null(strchr(out, '\033'));
	free(out);
	kerr_table_free(t);
	ck_assert_ptr_nonnull(kerr_state_color("TASK_RUNNING"));
	ck_assert_ptr_null(kerr_state_color("web"));
}
END_TEST

START_TEST(test_reltime)
{
	static const struct { int64_t d; const char *want; } cases[] = {
		{ 0, "now" }, { 999, "now" }, { 1000, "1s ago" },
		{ 59999, "59s ago" }, { 60000, "1m ago" },
		{ 3599000, "59m ago" }, { 3600000, "1h ago" },
		{ 86399000, "23h ago" }, { 86400000 * 3LL, "3d ago" },
		{ -5000, "in 5s" }, { -7200000, "in 2h" },
	};
	const int64_t	now = 1800000000000LL;
	char		buf[32];
	int		i;

	for (i = 0; i < FIXTURE_N(cases); i++) {
		kerr_reltime(now, now - cases[i].d, buf, sizeof(buf));
		ck_assert_msg(strcmp(buf, cases[i].want) == 0,
		    "%lld ms: '%s', want '%s'", (long long)cases[i].d, buf,
		    cases[i].want);
	}
}
END_TEST

START_TEST(test_duration_and_isotime)
{
	static const struct { int64_t ms; const char *want; } cases[] = {
		{ -3, "0ms" }, { 850, "850ms" }, { 4200, "4.2s" },
		{ 185000, "3m05s" }, { 7620000, "2h07m" },
		{ 86400000LL * 3 + 4 * 3600000, "3d04h" },
	};
	char	buf[32];
	int	i;

	for (i = 0; i < FIXTURE_N(cases); i++) {
		kerr_duration(cases[i].ms, buf, sizeof(buf));
		ck_assert_str_eq(buf, cases[i].want);
	}
	kerr_isotime(1796641355804LL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2026-12-07T11:02:35Z");
}
END_TEST

START_TEST(test_globals_taken_anywhere_before_dashdash)
{
	char			*argv[] = { "kerr", "ls", "--url",
				    "http://h:1/x", "--all", "-o", "json",
				    "--", "-o", "table", NULL };
	int			 argc = 10;
	struct kerr_globals	 g;
	char			 err[128];

	ck_assert_int_eq(kerr_opts_globals(&argc, argv, &g, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(argc, 6);
	ck_assert_str_eq(g.url, "http://h:1/x");
	ck_assert_int_eq(g.json, 1);
	ck_assert_int_eq(g.help, 0);
	ck_assert_str_eq(argv[1], "ls");
	ck_assert_str_eq(argv[2], "--all");
	ck_assert_str_eq(argv[3], "--");
	ck_assert_str_eq(argv[4], "-o");	/* after --: the task's */
	ck_assert_ptr_null(argv[6]);
}
END_TEST

START_TEST(test_globals_joined_forms_and_help)
{
	char			*argv[] = { "kerr", "-ojson", "--url=u",
				    "deploy", "--help", NULL };
	int			 argc = 5;
	struct kerr_globals	 g;
	char			 err[128];

	ck_assert_int_eq(kerr_opts_globals(&argc, argv, &g, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(argc, 2);
	ck_assert_str_eq(argv[1], "deploy");
	ck_assert_str_eq(g.url, "u");
	ck_assert_int_eq(g.json, 1);
	ck_assert_int_eq(g.help, 1);
}
END_TEST

START_TEST(test_globals_refused)
{
	char			*bad_fmt[] = { "kerr", "-o", "yaml", "ls",
				    NULL };
	char			*no_url[] = { "kerr", "ls", "--url", NULL };
	int			 argc;
	struct kerr_globals	 g;
	char			 err[128];

	argc = 4;
	ck_assert_int_eq(kerr_opts_globals(&argc, bad_fmt, &g, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "-o takes json or table, not 'yaml'");
	argc = 3;
	ck_assert_int_eq(kerr_opts_globals(&argc, no_url, &g, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "--url needs a URL");
}
END_TEST

START_TEST(test_url_order)
{
	char buf[256];

	ck_assert_int_eq(unsetenv("KERR_URL"), 0);
	ck_assert_int_eq(unsetenv("SINGULARITY_URL"), 0);
	ck_assert_str_eq(kerr_opts_url(NULL, buf, sizeof(buf)),
	    KERR_DEFAULT_URL);
	ck_assert_int_eq(setenv("SINGULARITY_URL", "http://s/v1/", 1), 0);
	ck_assert_str_eq(kerr_opts_url(NULL, buf, sizeof(buf)), "http://s/v1");
	ck_assert_int_eq(setenv("KERR_URL", "http://k/v1", 1), 0);
	ck_assert_str_eq(kerr_opts_url(NULL, buf, sizeof(buf)), "http://k/v1");
	ck_assert_str_eq(kerr_opts_url("http://f//", buf, sizeof(buf)),
	    "http://f");
}
END_TEST

START_TEST(test_numbers_and_env_pairs)
{
	long	n = 0;
	double	d = 0;
	size_t	klen = 0;

	ck_assert_int_eq(kerr_opts_long("3", 1, 10, &n), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(kerr_opts_long("0", 1, 10, &n), -1);
	ck_assert_int_eq(kerr_opts_long("11", 1, 10, &n), -1);
	ck_assert_int_eq(kerr_opts_long("3x", 1, 10, &n), -1);
	ck_assert_int_eq(kerr_opts_long("", 1, 10, &n), -1);
	ck_assert_int_eq(kerr_opts_long(" 3", 1, 10, &n), -1);
	ck_assert_int_eq(kerr_opts_double("0.5", 0.001, &d), 0);
	ck_assert(d == 0.5);
	ck_assert_int_eq(kerr_opts_double("0", 0.001, &d), -1);
	ck_assert_int_eq(kerr_opts_double("nan", 0.001, &d), -1);
	ck_assert_int_eq(kerr_opts_env("A=b=c", &klen), 0);
	ck_assert_uint_eq(klen, 1);
	ck_assert_int_eq(kerr_opts_env("A=", &klen), 0);
	ck_assert_int_eq(kerr_opts_env("=b", &klen), -1);
	ck_assert_int_eq(kerr_opts_env("Ab", &klen), -1);
}
END_TEST

Suite *
kerr_cli_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("table"),
		FIXTURE_TEST(test_table_aligns_columns),
		FIXTURE_TEST(test_table_counts_characters_not_bytes),
		FIXTURE_TEST(test_table_colours_states_only_when_asked),
		FIXTURE_CASE("time"),
		FIXTURE_TEST(test_reltime),
		FIXTURE_TEST(test_duration_and_isotime),
		FIXTURE_CASE("options"),
		FIXTURE_TEST(test_globals_taken_anywhere_before_dashdash),
		FIXTURE_TEST(test_globals_joined_forms_and_help),
		FIXTURE_TEST(test_globals_refused),
		FIXTURE_TEST(test_url_order),
		FIXTURE_TEST(test_numbers_and_env_pairs),
		FIXTURE_END
	};

	return (fixture_suite("kerr_cli", tests));
}
