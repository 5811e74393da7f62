/*
 * Test fixtures shared by the unit and the integration runner: temp
 * directories, files, JSON written with single quotes, suites built from
 * tables, and the runner's main.  The helpers a test calls assert with
 * check, so it need not check their results; fixture_suite() and
 * fixture_run() run outside any test and assert nothing.
 */
#ifndef KERR_FIXTURE_H
#define KERR_FIXTURE_H

#include <stddef.h>

#include <check.h>
#include <jansson.h>

#define FIXTURE_N(a)	((int)(sizeof(a) / sizeof((a)[0])))

/*
 * A suite as one table of rows, each what a tcase_* call would say: a
 * FIXTURE_CASE row opens a TCase, the rows after it set it up and add its
 * tests, FIXTURE_END closes the table.  START_TEST makes each test a
 * `const TTest *`, so the table is a local array.
 */
enum fixture_row_kind {
	FIXTURE_ROW_END,
	FIXTURE_ROW_CASE,		/* tcase_create(name) */
	FIXTURE_ROW_CHECKED,		/* tcase_add_checked_fixture */
	FIXTURE_ROW_TIMEOUT,		/* tcase_set_timeout(n seconds) */
	FIXTURE_ROW_TAGS,		/* tcase_set_tags(name) */
	FIXTURE_ROW_TEST,		/* tcase_add_test */
	FIXTURE_ROW_LOOP,		/* tcase_add_loop_test(0, n) */
	FIXTURE_ROW_EXIT		/* tcase_add_exit_test(n), under fork */
};

struct fixture_row {
	enum fixture_row_kind	 kind;
	const char		*name;
	const TTest		*test;
	int			 n;
	SFun			 setup;
	SFun			 teardown;
};

#define FIXTURE_CASE(s)		{ .kind = FIXTURE_ROW_CASE, .name = (s) }
#define FIXTURE_CHECKED(f, g)	{ .kind = FIXTURE_ROW_CHECKED,	\
				    .setup = (f), .teardown = (g) }
#define FIXTURE_TIMEOUT(secs)	{ .kind = FIXTURE_ROW_TIMEOUT, .n = (secs) }
#define FIXTURE_TAGS(s)		{ .kind = FIXTURE_ROW_TAGS, .name = (s) }
#define FIXTURE_TEST(t)		{ .kind = FIXTURE_ROW_TEST, .test = (t) }
#define FIXTURE_LOOP(t, end)	{ .kind = FIXTURE_ROW_LOOP,	\
				    .test = (t), .n = (end) }
#define FIXTURE_EXIT(t, status)	{ .kind = FIXTURE_ROW_EXIT,	\
				    .test = (t), .n = (status) }
#define FIXTURE_END		{ .kind = FIXTURE_ROW_END }

/* Make a new directory "<prefix>XXXXXX" (mkdtemp); its name into buf. */
void	 fixture_tmpdir(const char *prefix, char *buf, size_t len);
/* Remove top and all below it, never following a link; quiet if gone. */
void	 fixture_rmtree(const char *top);
/* Create or truncate path and write text to it. */
void	 fixture_write_file(const char *path, const char *text);
/*
 * The whole file, NUL-terminated, in a buffer the caller frees; "" when it
 * cannot be opened.  *ret_len, when asked for, counts the NUL bytes inside
 * too (/proc/<pid>/environ is a list of them).  Asserts nothing, so the
 * runner may call it between tests.
 */
char	*fixture_read_file(const char *path, size_t *ret_len);
/*
 * Parse JSON in which ' stands for " (so test tables need no escapes);
 * any value, NUL in strings allowed.  NULL gives NULL; bad text fails the
 * test, quoting it.  The caller decrefs.
 */
json_t	*fixture_json(const char *text);

/* The suite a table describes. */
Suite	*fixture_suite(const char *name, const struct fixture_row *table);
/*
 * Run every suite of a NULL-terminated list of constructors in one
 * SRunner; the exit status for main(): failure if any test failed.
 */
int	 fixture_run(Suite *(*const *suites)(void));

#endif
