/*
 * Test fixtures shared by the unit and the integration runner: temp
 * directories, files, JSON written with single quotes, suites built from
 * tables, and the runner's main.  Every helper asserts with check, so a
 * test calls it without checking a result.
 */
#ifndef KERR_FIXTURE_H
#define KERR_FIXTURE_H

#include <stddef.h>

#include <check.h>
#include <jansson.h>

#define FIXTURE_N(a)	((int)(sizeof(a) / sizeof((a)[0])))

/* One TCase of a suite.  Zero fields mean check's defaults. */
struct fixture_tcase {
	const char	*name;
	SFun		 setup;		/* checked: runs in the forked test */
	SFun		 teardown;
	double		 timeout;	/* seconds; 0: CK_DEFAULT_TIMEOUT */
	const char	*tags;		/* e.g. "slow", for CK_EXCLUDE_TAGS */
};

/*
 * One entry of a TCase's test table, written with the macros below and
 * ended by FIXTURE_END.  START_TEST makes each test a `const TTest *`, so
 * the table is a local array.
 */
struct fixture_test {
	const TTest	*test;
	int		 loop;		/* > 0: once for each _i in [0, loop) */
	int		 exit_status;	/* != 0: must exit with it (forks only) */
};

#define FIXTURE_TEST(t)		{ (t), 0, 0 }
#define FIXTURE_LOOP(t, n)	{ (t), (n), 0 }
#define FIXTURE_EXIT(t, status)	{ (t), 0, (status) }
#define FIXTURE_END		{ NULL, 0, 0 }

/* Make a new directory "<prefix>XXXXXX" (mkdtemp); its name into buf. */
void	 fixture_tmpdir(const char *prefix, char *buf, size_t len);
/* Remove top and all below it, never following a link; quiet if gone. */
void	 fixture_rmtree(const char *top);
/* Create or truncate path and write text to it. */
void	 fixture_write_file(const char *path, const char *text);
/*
 * The whole file, NUL-terminated, in a buffer the caller frees; "" when it
 * cannot be opened.  *ret_len, when asked for, counts the NUL bytes inside
 * too (/proc/<pid>/environ is a list of them).
 */
char	*fixture_read_file(const char *path, size_t *ret_len);
/*
 * Parse JSON in which ' stands for " (so test tables need no escapes);
 * any value, NUL in strings allowed.  NULL gives NULL; bad text fails the
 * test, quoting it.  The caller decrefs.
 */
json_t	*fixture_json(const char *text);

/* A suite of one TCase; tc NULL is "core" with check's defaults. */
Suite	*fixture_suite(const char *name, const struct fixture_tcase *tc,
	    const struct fixture_test *tests);
/* Add another TCase to s. */
void	 fixture_suite_add(Suite *s, const struct fixture_tcase *tc,
	    const struct fixture_test *tests);
/*
 * Run every suite of a NULL-terminated list of constructors in one
 * SRunner; the exit status for main(): failure if any test failed.
 */
int	 fixture_run(Suite *(*const *suites)(void));

#endif
