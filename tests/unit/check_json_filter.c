/*
 * Unit tests for common/json_filter.c: include, nested and missing paths,
 * arrays at any level, exclusion, mixed include/exclude, and that the
 * value's key order is kept.  JSON is written with single quotes, turned
 * into double quotes by fixture_json().
 */
#include <stdlib.h>

#include <check.h>
#include <jansson.h>

#include "fixture.h"
#include "json_filter.h"

#define CHECK_JSON_FILTER_PROPS	4

static const struct {
	const char	*value;
	const char	*props[CHECK_JSON_FILTER_PROPS];
	const char	*want;		/* compact, keys in expected order */
} check_json_filter_cases[] = {
	/* include one path */
	{ "{'a':1,'b':2,'c':3}", { "b" }, "{'b':2}" },
	{ "{'b':1,'a':2,'c':3}", { "a", "b" }, "{'b':1,'a':2}" },
	/* nested path */
	{ "{'request':{'id':'x','owners':['o']},'state':'ACTIVE'}",
	    { "request.id" }, "{'request':{'id':'x'}}" },
	{ "{'a':{'b':{'c':1,'d':2},'e':3}}", { "a.b.c", "a.e" },
	    "{'a':{'b':{'c':1},'e':3}}" },
	/* a shorter path names the whole value */
	{ "{'request':{'id':'x','owners':['o']},'state':'ACTIVE'}",
	    { "request.id", "request" },
	    "{'request':{'id':'x','owners':['o']}}" },
	/* arrays of objects, at the top and further down */
	{ "[{'request':{'id':'a','x':1},'s':1},{'request':{'id':'b'}}]",
	    { "request.id" },
	    "[{'request':{'id':'a'}},{'request':{'id':'b'}}]" },
	{ "{'tasks':[{'id':1,'host':'h'},{'id':2}],'n':2}", { "tasks.id" },
	    "{'tasks':[{'id':1},{'id':2}]}" },
	{ "{'a':[[{'b':1,'c':2}],[{'b':3}]]}", { "a.b" },
	    "{'a':[[{'b':1}],[{'b':3}]]}" },
	/* a leaf keeps any value, even an array */
	{ "{'ids':[1,2],'x':0}", { "ids" }, "{'ids':[1,2]}" },
	/* missing paths are simply absent */
	{ "{'a':1}", { "nope" }, "{}" },
	{ "{'request':{'id':'x'}}", { "request.nope" }, "{'request':{}}" },
	{ "[]", { "a" }, "[]" },
	/* a non-object where the path goes on is dropped */
	{ "{'a':5,'b':{'c':1}}", { "a.b", "b.c" }, "{'b':{'c':1}}" },
	{ "{'a':[5,{'b':1}]}", { "a.b" }, "{'a':[{'b':1}]}" },
	/* exclusion */
	{ "{'a':1,'b':2}", { "!b" }, "{'a':1}" },
	{ "{'request':{'id':'x','owners':['o']},'state':'ACTIVE'}",
	    { "!request.owners" }, "{'request':{'id':'x'},'state':'ACTIVE'}" },
	{ "[{'id':1,'big':'x'},{'id':2,'big':'y'}]", { "!big" },
	    "[{'id':1},{'id':2}]" },
	{ "{'a':5}", { "!a.b", "!zzz" }, "{'a':5}" },
	/* mixed: includes first, then excludes */
	{ "{'request':{'id':'x','owners':['o']},'state':'ACTIVE'}",
	    { "request", "!request.owners" }, "{'request':{'id':'x'}}" },
	{ "[{'a':{'b':1,'c':2},'d':3}]", { "!a.c", "a" }, "[{'a':{'b':1}}]" },
	/* properties that name nothing are ignored */
	{ "{'a':1}", { "", "a..b", ".a", "a." }, "{'a':1}" },
	/* a scalar response has nothing to filter */
	{ "'text'", { "a" }, "'text'" },
	{ "['x','y']", { "a" }, "['x','y']" }
};

START_TEST(test_json_filter_cases)
{
	json_t	*value, *out, *want;
	size_t	 n;
	char	*got, *exp;

	value = fixture_json(check_json_filter_cases[_i].value);
	want = fixture_json(check_json_filter_cases[_i].want);
	for (n = 0; n < CHECK_JSON_FILTER_PROPS &&
	    check_json_filter_cases[_i].props[n] != NULL; n++)
		;
	out = json_filter_properties(value,
	    check_json_filter_cases[_i].props, n);
	ck_assert_ptr_nonnull(out);
	got = json_dumps(out, JSON_COMPACT | JSON_ENCODE_ANY);
	exp = json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY);
	ck_assert_str_eq(got, exp);
	free(exp);
	free(got);
	json_decref(out);
	json_decref(want);
	json_decref(value);
}
END_TEST

START_TEST(test_json_filter_input_untouched)
{
	const char	*props[] = { "request.id", "!state" };
	json_t		*value, *copy, *out;

	value = fixture_json("{'request':{'id':'x','owners':['o']},"
	    "'state':'ACTIVE'}");
	copy = json_deep_copy(value);
	out = json_filter_properties(value, props, 2);
	ck_assert_ptr_nonnull(out);
	ck_assert(json_equal(value, copy));
	json_decref(out);
	json_decref(copy);
	json_decref(value);
}
END_TEST

START_TEST(test_json_filter_no_properties)
{
	json_t	*value, *out;

	value = fixture_json("{'a':1}");
	out = json_filter_properties(value, NULL, 0);
	ck_assert_ptr_eq(out, value);
	json_decref(out);
	json_decref(value);
}
END_TEST

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*json_filter_suite(void);

Suite *
json_filter_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("core"),
		FIXTURE_LOOP(test_json_filter_cases,
		    FIXTURE_N(check_json_filter_cases)),
		FIXTURE_TEST(test_json_filter_input_untouched),
		FIXTURE_TEST(test_json_filter_no_properties),
		FIXTURE_END
	};

	return (fixture_suite("json_filter", tests));
}
