/*
 * The shared test fixtures (see fixture.h), linked into check_unit and
 * check_integration alike.
 */
#include <sys/stat.h>

#include <assert.h>
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

/*
 * /proc files say they are empty, so read until EOF, not to a size.  No
 * check assert: the runner reads /proc between tests too, and there a
 * passing ck_assert already complains.
 */
char *
fixture_read_file(const char *path, size_t *ret_len)
{
	FILE	*fp;
	char	*buf, *nbuf;
	size_t	 cap = 4096, len = 0, n;

	if ((buf = malloc(cap)) == NULL)
		abort();
	if ((fp = fopen(path, "r")) != NULL) {
		while ((n = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
			if ((len += n) + 1 < cap)
				continue;
			if ((nbuf = realloc(buf, cap * 2)) == NULL)
				abort();
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

Suite *
fixture_suite(const char *name, const struct fixture_row *table)
{
	const struct fixture_row	*r;
	Suite				*s = suite_create(name);
	TCase				*tc = NULL;

	for (r = table; r->kind != FIXTURE_ROW_END; r++) {
		if (r->kind == FIXTURE_ROW_CASE) {
			tc = tcase_create(r->name);
			suite_add_tcase(s, tc);
			continue;
		}
		assert(tc != NULL);	/* a table opens with FIXTURE_CASE */
		switch (r->kind) {
		case FIXTURE_ROW_CHECKED:
			tcase_add_checked_fixture(tc, r->setup, r->teardown);
			break;
		case FIXTURE_ROW_TIMEOUT:
			tcase_set_timeout(tc, r->n);
			break;
		case FIXTURE_ROW_TAGS:
			tcase_set_tags(tc, r->name);
			break;
		case FIXTURE_ROW_TEST:
			tcase_add_test(tc, r->test);
			break;
		case FIXTURE_ROW_LOOP:
			tcase_add_loop_test(tc, r->test, 0, r->n);
			break;
		case FIXTURE_ROW_EXIT:
			if (fixture_forks())
				tcase_add_exit_test(tc, r->test, r->n);
			break;
		default:
			abort();
		}
	}
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
