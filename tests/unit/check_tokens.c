/*
 * auth = token's tokens file (daemons/apid/api_tokens.c): lines read,
 * comments and blank lines skipped, a bad line named by its number, a
 * file others may read refused, tokens found by their hash only, group
 * lists compared, a new token's line letting that token in.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "api_tokens.h"
#include "fixture.h"

Suite	*tokens_suite(void);

/* sha256("tok-a") */
#define TOKENS_HASH_A							\
	"4f66a4283f8bc9768c3cb97fd06d267b79315aee941c9c1727b9354509242ffe"

static char	tokens_dir[512];

static void
tokens_setup(void)
{
	fixture_tmpdir("/tmp/kerr-check-tokens-", tokens_dir,
	    sizeof(tokens_dir));
}

static void
tokens_teardown(void)
{
	fixture_rmtree(tokens_dir);
}

/* <tokens_dir>/tokens, holding text, with mode. */
static void
tokens_file(char *path, size_t len, const char *text, mode_t mode)
{
	snprintf(path, len, "%s/tokens", tokens_dir);
	(void)unlink(path);
	fixture_write_file(path, text);
	ck_assert_int_eq(chmod(path, mode), 0);
}

START_TEST(test_tokens_new_line_lets_its_token_in)
{
	struct api_tokens	*t = NULL;
	struct api_identity	 who;
	char			 token[128], line[1024], path[600], text[1200];
	char			 err[256];

	ck_assert_int_eq(api_tokens_new("alice", "web,ops", token,
	    sizeof(token), line, sizeof(line)), 0);
	ck_assert_uint_eq(strlen(token), 64);
	ck_assert_ptr_null(strstr(line, token));
	snprintf(text, sizeof(text), "# ours\n\n  %s  # alice\n", line);
	tokens_file(path, sizeof(path), text, 0600);
	ck_assert_int_eq(api_tokens_load(path, &t, err, sizeof(err)), 0);
	ck_assert_int_eq(api_tokens_find(t, token, &who), 0);
	ck_assert_str_eq(who.user, "alice");
	ck_assert_str_eq(who.groups, "web,ops");
	ck_assert_int_eq(api_tokens_find(t, "not-it", &who), -ENOENT);
	/* The hash is no token. */
	ck_assert_int_eq(api_tokens_find(t, line, &who), -ENOENT);
	api_tokens_free(t);
	ck_assert_int_eq(api_tokens_new("a b", "", token, sizeof(token), line,
	    sizeof(line)), -EINVAL);
	ck_assert_int_eq(api_tokens_new("a,b", "", token, sizeof(token), line,
	    sizeof(line)), -EINVAL);
}
END_TEST

START_TEST(test_tokens_refused_files)
{
	struct api_tokens	*t = NULL;
	char			 path[600], err[256];

	tokens_file(path, sizeof(path), TOKENS_HASH_A " a g\n", 0644);
	ck_assert_int_eq(api_tokens_load(path, &t, err, sizeof(err)), -EPERM);
	ck_assert_ptr_nonnull(strstr(err, "mode 0644"));
	tokens_file(path, sizeof(path), TOKENS_HASH_A " a g\nnot a line at all"
	    "\n", 0600);
	ck_assert_int_eq(api_tokens_load(path, &t, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "tokens:2:"));
	tokens_file(path, sizeof(path), "abc a g\n", 0600);
	ck_assert_int_eq(api_tokens_load(path, &t, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(api_tokens_load("/nonexistent/tokens", &t, err,
	    sizeof(err)), -ENOENT);
	ck_assert_ptr_null(t);
}
END_TEST

START_TEST(test_tokens_groups_meet)
{
	ck_assert(api_groups_meet("a,b", "c,b"));
	ck_assert(!api_groups_meet("a,b", "ab,c"));
	ck_assert(!api_groups_meet("", "a"));
	ck_assert(!api_groups_meet("a", ""));
	ck_assert(api_groups_meet("web", "web"));
	ck_assert(!api_groups_meet("we", "web"));
}
END_TEST

Suite *
tokens_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("core"),
		FIXTURE_CHECKED(tokens_setup, tokens_teardown),
		FIXTURE_TEST(test_tokens_new_line_lets_its_token_in),
		FIXTURE_TEST(test_tokens_refused_files),
		FIXTURE_TEST(test_tokens_groups_meet),
		FIXTURE_END
	};

	return (fixture_suite("tokens", tests));
}
