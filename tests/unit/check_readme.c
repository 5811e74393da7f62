/*
 * The README's endpoint list is the route table's: every path kerr
 * serves (daemons/apid/api_routes.c) is named in README.md, so the list
 * cannot fall behind a new endpoint unnoticed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fixture.h"

#ifndef KERR_SRCDIR
#define KERR_SRCDIR "."
#endif

Suite	*readme_suite(void);

START_TEST(test_readme_lists_every_route)
{
	char	*readme, *routes, *p, *end, want[300];
	size_t	 len, n = 0;

	readme = fixture_read_file(KERR_SRCDIR "/README.md", &len);
	routes = fixture_read_file(KERR_SRCDIR "/daemons/apid/api_routes.c",
	    &len);
	ck_assert_ptr_nonnull(readme);
	ck_assert_ptr_nonnull(routes);
	/* Each row: { "METHOD",<tabs> "/path", handler }. */
	for (p = routes; (p = strstr(p, "{ \"")) != NULL; p = end) {
		if ((p = strchr(p + 3, '"')) == NULL ||
		    (p = strchr(p + 1, '"')) == NULL ||
		    (end = strchr(p + 1, '"')) == NULL)
			break;
		if (p[1] != '/')
			continue;
		ck_assert_int_lt(end - p, (long)sizeof(want) - 3);
		/* "`GET POST /path`": the path ends a code span. */
		snprintf(want, sizeof(want), " %.*s`", (int)(end - p - 1),
		    p + 1);
		ck_assert_msg(strstr(readme, want) != NULL,
		    "README.md does not list the route %s", want);
		n++;
		end++;
	}
	ck_assert_uint_gt(n, 100);
	/* Served beside the table, by api_http.c. */
	ck_assert_msg(strstr(readme, " /metrics`") != NULL,
	    "README.md does not list GET /metrics");
	free(readme);
	free(routes);
}
END_TEST

Suite *
readme_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("endpoints"),
		FIXTURE_TEST(test_readme_lists_every_route),
		FIXTURE_END
	};

	return (fixture_suite("readme", tests));
}
