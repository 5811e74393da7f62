/*
 * Unit tests for daemons/apid/sandbox_path.c: which grep patterns are
 * cheap enough to compile, task ids as path components, and client
 * paths made canonical.  The resolution against a real sandbox is
 * covered end to end by tests/integration/check_sandbox.c.
 */
#include <errno.h>
#include <regex.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "fixture.h"
#include "sandbox_path.h"

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*sandbox_path_suite(void);

/* "a" then n copies of op. */
static void
check_sandbox_path_stack(char *buf, size_t len, const char *op, int n)
{
	int	 i;

	(void)snprintf(buf, len, "a");
	for (i = 0; i < n; i++)
		(void)strncat(buf, op, len - strlen(buf) - 1);
}

/*
 * Found by tests/fuzz/fuzz_sandbox_path.c: glibc's regcomp copies the
 * operand of each '+', so "a" and 22 stacked '+' (or 12 nested "((a)+)+")
 * took seconds and 2 GB, and a few more ran apid out of memory; "^a" and
 * 126 stacked '*' took 5.6 s.
 */
START_TEST(test_sandbox_path_grep_plus_cost)
{
	char	 p[256];
	regex_t	 re;
	clock_t	 start;
	int	 n;

	check_sandbox_path_stack(p, sizeof(p), "+", 30);
	ck_assert_int_eq(sandbox_path_grep_ok(p), 0);
	ck_assert_int_eq(sandbox_path_grep_ok("((((((((((((a)+)+)+)+)+)+)+)+)+)"
	    "+)+)+"), 0);
	ck_assert_int_eq(sandbox_path_grep_ok("a{1,1000}+"), 0);
	(void)snprintf(p, sizeof(p), "^");
	check_sandbox_path_stack(p + 1, sizeof(p) - 1, "*", 126);
	ck_assert_int_eq(sandbox_path_grep_ok(p), 0);
	ck_assert_int_eq(sandbox_path_grep_ok("a**"), 0);
	ck_assert_int_eq(sandbox_path_grep_ok("a*?"), 0);
	ck_assert_int_eq(sandbox_path_grep_ok("a{2}*"), 0);
	/* What it lets through compiles at once. */
	for (n = 1; n < 40; n++) {
		check_sandbox_path_stack(p, sizeof(p), "+", n);
		if (!sandbox_path_grep_ok(p))
			break;
		start = clock();
		ck_assert_int_eq(regcomp(&re, p, REG_EXTENDED | REG_NOSUB), 0);
		regfree(&re);
		ck_assert_msg(clock() - start < CLOCKS_PER_SEC / 10,
		    "'%s' took long", p);
	}
	ck_assert_int_lt(n, 12);
	/* Patterns people grep logs with still pass. */
	ck_assert_int_eq(sandbox_path_grep_ok("ERROR.+ at .+ line [0-9]+"), 1);
	ck_assert_int_eq(sandbox_path_grep_ok("[0-9]{1,3}\\.[0-9]{1,3}\\."
	    "[0-9]{1,3}\\.[0-9]{1,3}"), 1);
	ck_assert_int_eq(sandbox_path_grep_ok("a\\+\\+\\+\\+\\+\\+\\+\\+\\+"
	    "\\+\\+\\+"), 1);
	/* In brackets '+' and '*' are members, not repeats. */
	ck_assert_int_eq(sandbox_path_grep_ok("[+*?]+ [^]+*]* [[:digit:]+]+"),
	    1);
	ck_assert_int_eq(sandbox_path_grep_ok("(a*)*b?(c+)?"), 1);
}
END_TEST

START_TEST(test_sandbox_path_grep_bounds)
{
	ck_assert_int_eq(sandbox_path_grep_ok("((a{1,1000}){1,1000}){1,1000}"),
	    0);
	ck_assert_int_eq(sandbox_path_grep_ok("(a*)*\\1"), 0);
	ck_assert_int_eq(sandbox_path_grep_ok("a{99999999999999999999999}"),
	    0);
	ck_assert_int_eq(sandbox_path_grep_ok("m{1}a\\.?t"), 1);
	ck_assert_int_eq(sandbox_path_grep_ok(""), 1);
}
END_TEST

START_TEST(test_sandbox_path_task_id)
{
	ck_assert_int_eq(sandbox_path_task_id_ok("r-d-1-1-h-DEFAULT"), 1);
	ck_assert_int_eq(sandbox_path_task_id_ok("."), 0);
	ck_assert_int_eq(sandbox_path_task_id_ok(".."), 0);
	ck_assert_int_eq(sandbox_path_task_id_ok("a/b"), 0);
	ck_assert_int_eq(sandbox_path_task_id_ok(""), 0);
}
END_TEST

START_TEST(test_sandbox_path_normalise)
{
	char	 out[64];

	ck_assert_int_eq(sandbox_path_normalise("//./logs//./out/", out,
	    sizeof(out)), 0);
	ck_assert_str_eq(out, "logs/out");
	ck_assert_int_eq(sandbox_path_normalise("/", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(sandbox_path_normalise("a/..b/.c", out, sizeof(out)),
	    0);
	ck_assert_str_eq(out, "a/..b/.c");
	ck_assert_int_eq(sandbox_path_normalise("a/../b", out, sizeof(out)),
	    -EXDEV);
	ck_assert_int_eq(sandbox_path_normalise("aaaa/bbbb", out, 8),
	    -ENAMETOOLONG);
}
END_TEST

Suite *
sandbox_path_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("core"),
		FIXTURE_TEST(test_sandbox_path_grep_plus_cost),
		FIXTURE_TEST(test_sandbox_path_grep_bounds),
		FIXTURE_TEST(test_sandbox_path_task_id),
		FIXTURE_TEST(test_sandbox_path_normalise),
		FIXTURE_END
	};

	return (fixture_suite("sandbox_path", tests));
}
