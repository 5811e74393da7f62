/*
 * The shared test fixtures (see fixture.h), linked into check_unit and
 * check_integration alike.
 */
#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "fixture.h"

#define FIXTURE_RMTREE_FDS	16

void
fixture_tmpdir(const char *prefix, char *buf, size_t len)
{
	ck_assert_int_lt(snprintf(buf, len, "%sXXXXXX", prefix), (int)len);
	ck_assert_msg(mkdtemp(buf) != NULL, "mkdtemp %s: %s", buf,
	    strerror(errno));
}

static int
fixture_rmtree_one(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	(void)remove(path);
	return (0);
}

/*
 * Depth first, so a directory is empty when its turn comes.  FTW_PHYS:
 * a sandbox holds links to /etc on purpose, and only the link may go.
 */
void
fixture_rmtree(const char *top)
{
	if (top == NULL || top[0] == '\0')
		return;
	(void)nftw(top, fixture_rmtree_one, FIXTURE_RMTREE_FDS,
	    FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

void
fixture_write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_msg(fp != NULL, "cannot create %s: %s", path,
	    strerror(errno));
	ck_assert_int_ge(fputs(text, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
}

/* /proc files say they are empty, so read until EOF, not to a size. */
char *
fixture_read_file(const char *path, size_t *ret_len)
{
	FILE	*fp;
	char	*buf, *nbuf;
	size_t	 cap = 4096, len = 0, n;

	ck_assert_ptr_nonnull(buf = malloc(cap));
	if ((fp = fopen(path, "r")) != NULL) {
		while ((n = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
			if ((len += n) + 1 < cap)
				continue;
			ck_assert_ptr_nonnull(nbuf = realloc(buf, cap * 2));
			buf = nbuf;
			cap *= 2;
		}
		fclose(fp);
	}
	buf[len] = '\0';
	if (ret_len != NULL)
		*ret_len = len;
	return (buf);
}

json_t *
fixture_json(const char *text)
{
	json_error_t	 jerr;
	json_t		*v;
	char		*s, *p;

	if (text == NULL)
		return (NULL);
	ck_assert_ptr_nonnull(s = strdup(text));
	for (p = s; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	v = json_loads(s, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	free(s);
	ck_assert_msg(v != NULL, "bad test JSON %s: %s", text, jerr.text);
	return (v);
}

/* An exit test without fork (CK_FORK=no, as under gdb) ends the run. */
static int
fixture_forks(void)
{
	const char *f = getenv("CK_FORK");

	return (f == NULL || strcmp(f, "no") != 0);
}

void
fixture_suite_add(Suite *s, const struct fixture_tcase *tc,
    const struct fixture_test *tests)
{
	static const struct fixture_tcase	 core = { .name = "core" };
	const struct fixture_test		*t;
	TCase					*c;

	if (tc == NULL)
		tc = &core;
	c = tcase_create(tc->name);
	if (tc->setup != NULL || tc->teardown != NULL)
		tcase_add_checked_fixture(c, tc->setup, tc->teardown);
	if (tc->timeout > 0)
		tcase_set_timeout(c, tc->timeout);
	if (tc->tags != NULL)
		tcase_set_tags(c, tc->tags);
	for (t = tests; t->test != NULL; t++) {
		if (t->exit_status != 0) {
			if (fixture_forks())
				tcase_add_exit_test(c, t->test,
				    t->exit_status);
		} else if (t->loop > 0)
			tcase_add_loop_test(c, t->test, 0, t->loop);
		else
			tcase_add_test(c, t->test);
	}
	suite_add_tcase(s, c);
}

Suite *
fixture_suite(const char *name, const struct fixture_tcase *tc,
    const struct fixture_test *tests)
{
	Suite *s = suite_create(name);

	fixture_suite_add(s, tc, tests);
	return (s);
}

int
fixture_run(Suite *(*const *suites)(void))
{
	SRunner	*sr = srunner_create(NULL);
	int	 failed;

	for (; *suites != NULL; suites++)
		srunner_add_suite(sr, (*suites)());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
