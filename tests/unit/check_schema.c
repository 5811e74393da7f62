/*
 * Unit tests for common/schema.c on small tables of its own: each type's
 * message, ranges, enum spellings, aliases read and written under both
 * names, unknown fields dropped, null as absent, required fields and
 * defaults, and the paths that name nested fields in messages (objects,
 * arrays of objects, maps).  JSON in the tables is written with single
 * quotes, turned into double quotes by fixture_json().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fixture.h"
#include <jansson.h>

#include "schema.h"

static const char *const check_schema_colours[] = {
	"RED", "GREEN", "BLUE", NULL
};

static const struct schema_range check_schema_port = { 1, 65535 };

/* {uri, cache}: an artifact; a bare string is {"uri": s}. */
static const struct schema_field check_schema_item_fields[] = {
	SCHEMA_F("uri", SCHEMA_STRING, .required = 1),
	SCHEMA_F("cache", SCHEMA_BOOL, .def = "false")
};
static const struct schema_table check_schema_item =
    SCHEMA_TABLE(check_schema_item_fields, NULL);

static const struct schema_field check_schema_inner_fields[] = {
	SCHEMA_F("n", SCHEMA_INT, .range = &schema_positive),
	SCHEMA_F("items", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_OBJECT,
	    .table = &check_schema_item, .strkey = "uri"))
};
static const struct schema_table check_schema_inner =
    SCHEMA_TABLE(check_schema_inner_fields, NULL);

static const struct schema_field check_schema_fields[] = {
	SCHEMA_F("name", SCHEMA_STRING),
	SCHEMA_F("on", SCHEMA_BOOL),
	SCHEMA_F("count", SCHEMA_INT, .range = &schema_nonneg),
	SCHEMA_F("big", SCHEMA_LONG),
	SCHEMA_F("port", SCHEMA_LONG, .range = &check_schema_port),
	SCHEMA_F("ratio", SCHEMA_DOUBLE),
	SCHEMA_F("colour", SCHEMA_ENUM, .values = check_schema_colours),
	SCHEMA_F("tags", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_STRING)),
	SCHEMA_F("groups", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_STRING),
	    .unique = 1),
	SCHEMA_F("codes", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_INT)),
	SCHEMA_F("env", SCHEMA_MAP, SCHEMA_OF(SCHEMA_STRING)),
	SCHEMA_F("any", SCHEMA_MAP),
	SCHEMA_F("paint", SCHEMA_MAP, .keys = check_schema_colours,
	    SCHEMA_OF(SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_ENUM,
	    .values = check_schema_colours))),
	SCHEMA_F("perInstance", SCHEMA_MAP, .instance_keys = 1,
	    .skip_null = 1, SCHEMA_OF(SCHEMA_MAP, SCHEMA_OF(SCHEMA_STRING))),
	SCHEMA_F("minimums", SCHEMA_MAP, .desc = "an object of objects",
	    SCHEMA_OF(SCHEMA_MAP, SCHEMA_OF(SCHEMA_INT))),
	SCHEMA_F("inner", SCHEMA_OBJECT, .table = &check_schema_inner),
	{ .in = "agentPlacement", .in2 = "slavePlacement",
	    .out = "agentPlacement", .out2 = "slavePlacement",
	    .type = SCHEMA_ENUM, .values = check_schema_colours },
	/* read under either name, written only under the new one */
	{ .in = "hint", .in2 = "oldHint", .out = "hint", .type = SCHEMA_BOOL },
	SCHEMA_F("level", SCHEMA_INT, .def = "3")
};
static const struct schema_table check_schema_top =
    SCHEMA_TABLE(check_schema_fields, "Thing");

static const struct schema_field check_schema_must_fields[] = {
	SCHEMA_F("id", SCHEMA_STRING, .required = 1)
};
static const struct schema_table check_schema_must =
    SCHEMA_TABLE(check_schema_must_fields, NULL);

/* Read text with t; the result is compared with want, both as JSON. */
static void
check_schema_assert_reads(const struct schema_table *t, const char *text,
    const char *want)
{
	json_t	*in, *out, *expect;
	char	 err[512], *got;

	in = fixture_json(text);
	expect = fixture_json(want);
	out = json_object();
	err[0] = '\0';
	ck_assert_msg(schema_read(t, in, NULL, out, err, sizeof(err)) == 0,
	    "%s: %s", text, err);
	got = json_dumps(out, JSON_COMPACT);
	ck_assert_msg(json_equal(out, expect), "%s gave %s", text, got);
	free(got);
	json_decref(in);
	json_decref(out);
	json_decref(expect);
}

/* The whole message, not a part of it: these wordings are the API's. */
static void
check_schema_assert_fails(const struct schema_table *t, const char *text,
    const char *want)
{
	json_t	*in, *out;
	char	 err[512];

	in = fixture_json(text);
	out = json_object();
	err[0] = '\0';
	ck_assert_msg(schema_read(t, in, NULL, out, err, sizeof(err)) ==
	    -EINVAL, "%s was accepted", text);
	ck_assert_str_eq(err, want);
	json_decref(in);
	json_decref(out);
}

static const struct {
	const char	*posted;
	const char	*want;
} check_schema_errors[] = {
	{ "{'name':7}", "name must be a string" },
	{ "{'on':'yes'}", "on must be a boolean" },
	{ "{'count':'2'}", "count must be an integer" },
	{ "{'count':2.5}", "count must be an integer" },
	{ "{'count':4294967297}", "count must be a 32-bit integer" },
	{ "{'ratio':'half'}", "ratio must be a number" },
	{ "{'colour':1}", "colour must be one of RED, GREEN or BLUE" },
	{ "{'colour':'PINK'}", "colour 'PINK' is not one of RED, GREEN or "
	    "BLUE" },
	{ "{'colour':'red'}", "colour 'red' is not one of RED, GREEN or "
	    "BLUE" },
	/* ranges */
	{ "{'count':-1}", "count must not be negative (it is -1)" },
	{ "{'port':0}", "port must be between 1 and 65535 (it is 0)" },
	{ "{'port':65536}", "port must be between 1 and 65535 (it is 65536)" },
	{ "{'inner':{'n':0}}", "inner.n must be greater than 0 (it is 0)" },
	/* arrays */
	{ "{'tags':'a'}", "tags must be an array of strings" },
	{ "{'tags':['a',1]}", "tags must be an array of strings" },
	{ "{'tags':['a',null]}", "Thing tags cannot contain null values" },
	{ "{'codes':[200,'x']}", "codes must be an array of integers" },
	{ "{'codes':[4294967297]}", "codes must be an array of integers" },
	/* maps */
	{ "{'env':[]}", "env must be an object of strings" },
	{ "{'env':{'K':1}}", "env.K must be a string" },
	{ "{'env':{'K':null}}", "env.K must be a string" },
	{ "{'any':'x'}", "any must be an object" },
	{ "{'paint':[]}", "paint must be an object of arrays" },
	{ "{'paint':{'PINK':[]}}", "paint key 'PINK' is not one of RED, GREEN "
	    "or BLUE" },
	{ "{'paint':{'RED':'BLUE'}}", "paint.RED must be an array" },
	{ "{'paint':{'RED':['BLUE','TEAL']}}", "paint.RED 'TEAL' is not one "
	    "of RED, GREEN or BLUE" },
	{ "{'paint':{'RED':[null]}}", "paint.RED must be one of RED, GREEN "
	    "or BLUE" },
	{ "{'perInstance':[]}", "perInstance must be an object keyed by "
	    "instance number" },
	{ "{'perInstance':{'0':{}}}", "perInstance key '0' must be an "
	    "instance number (a positive integer)" },
	{ "{'perInstance':{'x':null}}", "perInstance key 'x' must be an "
	    "instance number (a positive integer)" },
	{ "{'perInstance':{'2147483648':{}}}", "perInstance key '2147483648' "
	    "must be an instance number (a positive integer)" },
	{ "{'perInstance':{'02':{'K':false}}}",
	    "perInstance.2.K must be a string" },
	{ "{'minimums':{'a':5}}", "minimums.a must be an object of integers" },
	{ "{'minimums':{'a':{'b':'5'}}}", "minimums.a.b must be an integer" },
	{ "{'minimums':7}", "minimums must be an object of objects" },
	/* nested objects and arrays of them */
	{ "{'inner':[]}", "inner must be an object" },
	{ "{'inner':{'n':'1'}}", "inner.n must be an integer" },
	{ "{'inner':{'items':{}}}", "inner.items must be an array" },
	{ "{'inner':{'items':['a',null]}}",
	    "inner.items[1] cannot contain null values" },
	{ "{'inner':{'items':['a',{}]}}",
	    "inner.items[1].uri must not be null" },
	{ "{'inner':{'items':[{'uri':'a','cache':1}]}}",
	    "inner.items[0].cache must be a boolean" },
	{ "{'inner':{'items':[7]}}", "inner.items[0] must be an object" },
	/* aliases name the field as it was posted */
	{ "{'slavePlacement':'PINK'}", "slavePlacement 'PINK' is not one of "
	    "RED, GREEN or BLUE" },
	{ "{'agentPlacement':'PINK','slavePlacement':'RED'}",
	    "agentPlacement 'PINK' is not one of RED, GREEN or BLUE" },
	{ "{'oldHint':1}", "oldHint must be a boolean" }
};

START_TEST(test_schema_errors)
{
	check_schema_assert_fails(&check_schema_top,
	    check_schema_errors[_i].posted, check_schema_errors[_i].want);
}
END_TEST

START_TEST(test_schema_values)
{
	/* a double given as an integer is a real (json_equal tells) */
	check_schema_assert_reads(&check_schema_top,
	    "{'name':'a','on':true,'count':0,'big':4294967297,'port':443,"
	    "'ratio':1,'colour':'GREEN'}",
	    "{'name':'a','on':true,'count':0,'big':4294967297,'port':443,"
	    "'ratio':1.0,'colour':'GREEN','level':3}");
	check_schema_assert_reads(&check_schema_top,
	    "{'tags':['b','a','b'],'groups':['b','a','b'],'codes':[500]}",
	    "{'tags':['b','a','b'],'groups':['b','a'],'codes':[500],"
	    "'level':3}");
	check_schema_assert_reads(&check_schema_top,
	    "{'env':{'K':'v'},'any':{'x':[1,null]},"
	    "'paint':{'RED':['RED','BLUE']},'minimums':{'a':{'b':5}}}",
	    "{'env':{'K':'v'},'any':{'x':[1,null]},"
	    "'paint':{'RED':['RED','BLUE']},'minimums':{'a':{'b':5}},"
	    "'level':3}");
	/* instance keys lose leading zeros; null instances are absent */
	check_schema_assert_reads(&check_schema_top,
	    "{'perInstance':{'01':{'K':'v'},'3':null}}",
	    "{'perInstance':{'1':{'K':'v'}},'level':3}");
}
END_TEST

START_TEST(test_schema_nested_defaults)
{
	/* a bare string is {strkey: s}; members take their defaults */
	check_schema_assert_reads(&check_schema_top,
	    "{'inner':{'n':2,'items':['a',{'uri':'b','cache':true}]}}",
	    "{'inner':{'n':2,'items':[{'uri':'a','cache':false},"
	    "{'uri':'b','cache':true}]},'level':3}");
}
END_TEST

START_TEST(test_schema_aliases)
{
	/* the old input name, written under both output names */
	check_schema_assert_reads(&check_schema_top,
	    "{'slavePlacement':'RED'}",
	    "{'agentPlacement':'RED','slavePlacement':'RED','level':3}");
	/* the new name wins over the old one */
	check_schema_assert_reads(&check_schema_top,
	    "{'agentPlacement':'BLUE','slavePlacement':'RED'}",
	    "{'agentPlacement':'BLUE','slavePlacement':'BLUE','level':3}");
	/* a null new name lets the old one through */
	check_schema_assert_reads(&check_schema_top,
	    "{'agentPlacement':null,'slavePlacement':'RED'}",
	    "{'agentPlacement':'RED','slavePlacement':'RED','level':3}");
	/* read under either name, written only under the new one */
	check_schema_assert_reads(&check_schema_top, "{'oldHint':true}",
	    "{'hint':true,'level':3}");
	check_schema_assert_reads(&check_schema_top,
	    "{'hint':false,'oldHint':true}", "{'hint':false,'level':3}");
}
END_TEST

START_TEST(test_schema_unknown_and_null)
{
	/* unknown fields are dropped; null is absent, so defaults apply */
	check_schema_assert_reads(&check_schema_top,
	    "{'shoeSize':44,'name':null,'count':null,'level':null,"
	    "'inner':null}", "{'level':3}");
	check_schema_assert_reads(&check_schema_top, "{'level':7}",
	    "{'level':7}");
}
END_TEST

START_TEST(test_schema_required)
{
	check_schema_assert_fails(&check_schema_must, "{}",
	    "id must not be null");
	check_schema_assert_fails(&check_schema_must, "{'id':null}",
	    "id must not be null");
	check_schema_assert_reads(&check_schema_must, "{'id':'x'}",
	    "{'id':'x'}");
}
END_TEST

START_TEST(test_schema_read_object)
{
	json_t	*v, *out = NULL;
	char	 err[256];

	v = fixture_json("[]");
	ck_assert_int_eq(schema_read_object(&check_schema_inner, "inner", v,
	    &out, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "inner must be an object");
	ck_assert_ptr_null(out);
	json_decref(v);
	v = fixture_json("{'n':0}");
	ck_assert_int_eq(schema_read_object(&check_schema_inner, "deep.inner",
	    v, &out, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "deep.inner.n must be greater than 0 (it is 0)");
	json_decref(v);
	v = fixture_json("{'n':1,'x':2}");
	ck_assert_int_eq(schema_read_object(&check_schema_inner, "inner", v,
	    &out, NULL, 0), 0);
	ck_assert_int_eq(json_object_size(out), 1);
	json_decref(out);
	json_decref(v);
}
END_TEST

/* schema_write: the table's order, both names, whatever src's order. */
START_TEST(test_schema_write_order)
{
	json_t	*src, *dst;
	char	*s;

	src = fixture_json("{'level':1,'slavePlacement':'RED',"
	    "'extra':1,'agentPlacement':'RED','name':'n'}");
	dst = json_object();
	ck_assert_int_eq(schema_write(&check_schema_top, src, dst), 0);
	s = json_dumps(dst, JSON_COMPACT);
	ck_assert_str_eq(s, "{\"name\":\"n\",\"agentPlacement\":\"RED\","
	    "\"slavePlacement\":\"RED\",\"level\":1}");
	free(s);
	json_decref(src);
	json_decref(dst);
}
END_TEST

START_TEST(test_schema_helpers)
{
	const char *const	 one[] = { "A", NULL };
	const char *const	 two[] = { "A", "B", NULL };
	char			 buf[64], err[64];
	json_t			*obj;

	ck_assert_str_eq(schema_list(one, buf, sizeof(buf)), "A");
	ck_assert_str_eq(schema_list(two, buf, sizeof(buf)), "A or B");
	ck_assert_str_eq(schema_list(check_schema_colours, buf, sizeof(buf)),
	    "RED, GREEN or BLUE");
	ck_assert_int_eq(schema_index(check_schema_colours, "BLUE"), 2);
	ck_assert_int_eq(schema_index(check_schema_colours, "blue"), -1);
	ck_assert_int_eq(schema_index(check_schema_colours, NULL), -1);
	obj = fixture_json("{'a':null,'b':1}");
	ck_assert_ptr_null(schema_get(obj, "a"));
	ck_assert_ptr_null(schema_get(obj, "c"));
	ck_assert_ptr_nonnull(schema_get(obj, "b"));
	json_decref(obj);
	ck_assert_int_eq(schema_fail(err, sizeof(err), "x %d", 1), -EINVAL);
	ck_assert_str_eq(err, "x 1");
	ck_assert_int_eq(schema_fail(NULL, 0, "x"), -EINVAL);
	(void)schema_fail(err, sizeof(err), "a\nb\tc");
	ck_assert_int_eq(schema_result(-EINVAL, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "a b c");
	ck_assert_int_eq(schema_result(-ENOMEM, err, sizeof(err)), -ENOMEM);
	ck_assert_str_eq(err, "Out of memory");
	ck_assert_int_eq(schema_result(0, NULL, 0), 0);
}
END_TEST

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*schema_suite(void);

Suite *
schema_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("schema");
	tc = tcase_create("core");
	tcase_add_loop_test(tc, test_schema_errors, 0,
	    (int)SCHEMA_NITEMS(check_schema_errors));
	tcase_add_test(tc, test_schema_values);
	tcase_add_test(tc, test_schema_nested_defaults);
	tcase_add_test(tc, test_schema_aliases);
	tcase_add_test(tc, test_schema_unknown_and_null);
	tcase_add_test(tc, test_schema_required);
	tcase_add_test(tc, test_schema_read_object);
	tcase_add_test(tc, test_schema_write_order);
	tcase_add_test(tc, test_schema_helpers);
	suite_add_tcase(s, tc);
	return (s);
}
