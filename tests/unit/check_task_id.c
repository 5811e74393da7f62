/*
 * Unit tests for common/task_id.c: task id and pending task id round
 * trips (request ids and hosts with '-'), the right-split of spec 2.1's
 * example, malformed strings, the file-name-safe check and the JSON
 * objects.
 */
#include <errno.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "fixture.h"
#include "task_id.h"

#define CHECK_TASK_ID_EXAMPLE						\
	"my-service-v42-1668780000123-3-ip_10_0_0_12.ec2.internal-us_east_1a"

START_TEST(test_task_id_format_sanitizes_host_and_rack)
{
	char	 buf[TASK_ID_MAX + 1];

	ck_assert_int_eq(task_id_format(buf, sizeof(buf), "my-service", "v42",
	    1668780000123LL, 3, "ip-10-0-0-12.ec2.internal", "us-east-1a"), 0);
	ck_assert_str_eq(buf, CHECK_TASK_ID_EXAMPLE);
}
END_TEST

START_TEST(test_task_id_parse_spec_example)
{
	struct task_id	 t;

	ck_assert_int_eq(task_id_parse(CHECK_TASK_ID_EXAMPLE, &t), 0);
	/* the deploy id is the fifth field from the right */
	ck_assert_str_eq(t.request_id, "my-service");
	ck_assert_str_eq(t.deploy_id, "v42");
	ck_assert_int_eq(t.started_at, 1668780000123LL);
	ck_assert_int_eq(t.instance_no, 3);
	ck_assert_str_eq(t.host, "ip_10_0_0_12.ec2.internal");
	ck_assert_str_eq(t.rack_id, "us_east_1a");
	ck_assert(task_id_is_valid(CHECK_TASK_ID_EXAMPLE));
}
END_TEST

static const struct {
	const char	*request_id;
	const char	*deploy_id;
	long long	 started_at;
	int		 instance_no;
	const char	*host;
	const char	*rack_id;
	const char	*sanitized_host;
} check_task_id_trips[] = {
	{ "a", "b", 0, 1, "h", "r", "h" },
	{ "-lead-", "d.1_2", 1, 25, "--", "DEFAULT", "__" },
	{ "a-b-c-d-e-f", "x", 9223372036854775807LL, 2147483647,
	    "node-1.example.com", "rack-1", "node_1.example.com" },
	{ "test-singularity-1", "deploy1", 1700000000000LL, 1, "localhost",
	    "DEFAULT", "localhost" }
};

START_TEST(test_task_id_round_trip)
{
	char		 buf[TASK_ID_MAX + 1];
	struct task_id	 t;

	ck_assert_int_eq(task_id_format(buf, sizeof(buf),
	    check_task_id_trips[_i].request_id,
	    check_task_id_trips[_i].deploy_id,
	    check_task_id_trips[_i].started_at,
	    check_task_id_trips[_i].instance_no, check_task_id_trips[_i].host,
	    check_task_id_trips[_i].rack_id), 0);
	ck_assert(task_id_is_valid(buf));
	ck_assert_int_eq(task_id_parse(buf, &t), 0);
	ck_assert_str_eq(t.request_id, check_task_id_trips[_i].request_id);
	ck_assert_str_eq(t.deploy_id, check_task_id_trips[_i].deploy_id);
	ck_assert_int_eq(t.started_at, check_task_id_trips[_i].started_at);
	ck_assert_int_eq(t.instance_no, check_task_id_trips[_i].instance_no);
	ck_assert_str_eq(t.host, check_task_id_trips[_i].sanitized_host);
	ck_assert_ptr_null(strchr(t.rack_id, '-'));
}
END_TEST

static const char *const check_task_id_malformed[] = {
	"",
	"a-b-1-1-h",			/* five fields */
	"b-1-1-h-r",
	"-d-1-1-h-r",			/* empty request id */
	"r--1-1-h-r",			/* empty deploy id */
	"r-d--1-h-r",
	"r-d-1--h-r",
	"r-d-1-1--r",
	"r-d-1-1-h-",
	"r-d-x-1-h-r",			/* startedAt not a number */
	"r-d-+1-1-h-r",
	"r-d-1.5-1-h-r",
	"r-d-99999999999999999999-1-h-r",	/* past int64 */
	"r-d-1-0-h-r",			/* instances start at 1 */
	"r-d-1-2147483648-h-r",
	"r-d-1-one-h-r",
	"r-0123456789012345678901234567890123456789012345678901-1-1-h-r"
};

START_TEST(test_task_id_parse_malformed)
{
	struct task_id	 t;

	memset(&t, 0x5a, sizeof(t));
	ck_assert_msg(task_id_parse(check_task_id_malformed[_i], &t) ==
	    -EINVAL, "'%s' parsed", check_task_id_malformed[_i]);
	ck_assert_int_eq(t.instance_no, 0x5a5a5a5a);
	ck_assert(!task_id_is_valid(check_task_id_malformed[_i]));
}
END_TEST

START_TEST(test_task_id_parse_null)
{
	struct task_id	 t;

	ck_assert_int_eq(task_id_parse(NULL, &t), -EINVAL);
	ck_assert(!task_id_is_valid(NULL));
}
END_TEST

START_TEST(test_task_id_is_valid_file_name_safe)
{
	static const char *const good[] = { "r-d-1-1-h-r", "r.x-d-1-1-h-r" };
	static const char *const bad[] = { "r-d-1-1-h/../x-r", "r/x-d-1-1-h-r",
	    "r x-d-1-1-h-r", "r-d-1-1-h-r\n", "r-d-1-1-h\xc3\xa9-r" };
	char	 id[TASK_ID_MAX + 2];
	size_t	 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(task_id_is_valid(good[i]), "'%s' refused",
		    good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!task_id_is_valid(bad[i]), "'%s' accepted",
		    bad[i]);
	/* 255 bytes is the limit, whatever the host length */
	memset(id, 'h', sizeof(id));
	memcpy(id, "r-d-1-1-", 8);
	id[TASK_ID_MAX - 2] = '-';
	id[TASK_ID_MAX] = '\0';
	ck_assert(task_id_is_valid(id));
	id[TASK_ID_MAX] = 'r';
	id[TASK_ID_MAX + 1] = '\0';
	ck_assert(!task_id_is_valid(id));
}
END_TEST

START_TEST(test_task_id_format_errors)
{
	char	 buf[TASK_ID_MAX + 1], host[TASK_ID_MAX + 1];

	ck_assert_int_eq(task_id_format(buf, sizeof(buf), "a b", "d", 1, 1,
	    "h", "r"), -EINVAL);
	ck_assert_int_eq(task_id_format(buf, sizeof(buf), "r", "v-1", 1, 1,
	    "h", "r"), -EINVAL);
	ck_assert_int_eq(task_id_format(buf, sizeof(buf), "r", "d", -1, 1,
	    "h", "r"), -EINVAL);
	ck_assert_int_eq(task_id_format(buf, sizeof(buf), "r", "d", 1, 0,
	    "h", "r"), -EINVAL);
	ck_assert_int_eq(task_id_format(buf, sizeof(buf), "r", "d", 1, 1,
	    "", "r"), -EINVAL);
	ck_assert_int_eq(task_id_format(buf, sizeof(buf), "r", "d", 1, 1,
	    "h", NULL), -EINVAL);
	ck_assert_int_eq(task_id_format(buf, sizeof(buf), "r", "d", 1, 1,
	    "h/x", "r"), -EINVAL);
	ck_assert_int_eq(task_id_format(buf, 11, "r", "d", 1, 1, "h", "r"),
	    -ENOBUFS);
	ck_assert_int_eq(task_id_format(buf, 12, "r", "d", 1, 1, "h", "r"), 0);
	ck_assert_str_eq(buf, "r-d-1-1-h-r");
	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	ck_assert_int_eq(task_id_format(buf, sizeof(buf), "r", "d", 1, 1,
	    host, "r"), -ENAMETOOLONG);
	host[TASK_ID_MAX - 9] = '\0';	/* 256 bytes in all */
	ck_assert_int_eq(task_id_format(buf, sizeof(buf), "r", "d", 1, 1,
	    host, "r"), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_task_id_json)
{
	struct task_id	 t;
	json_t		*v, *want;

	ck_assert_int_eq(task_id_parse(CHECK_TASK_ID_EXAMPLE, &t), 0);
	v = task_id_json(&t);
	ck_assert_ptr_nonnull(v);
	want = json_pack("{s:s, s:s, s:s, s:I, s:i, s:s, s:s, s:s, s:s}",
	    "id", CHECK_TASK_ID_EXAMPLE, "requestId", "my-service",
	    "deployId", "v42", "startedAt", (json_int_t)1668780000123LL,
	    "instanceNo", 3, "sanitizedHost", "ip_10_0_0_12.ec2.internal",
	    "sanitizedRackId", "us_east_1a", "host",
	    "ip_10_0_0_12.ec2.internal", "rackId", "us_east_1a");
	ck_assert(json_equal(v, want));
	json_decref(want);
	json_decref(v);
	t.instance_no = 0;
	ck_assert_ptr_null(task_id_json(&t));
}
END_TEST

START_TEST(test_task_id_pending_round_trip)
{
	char			 buf[TASK_ID_MAX + 1];
	struct pending_task_id	 p;
	json_t			*v, *want;

	ck_assert_int_eq(pending_task_id_format(buf, sizeof(buf),
	    "my-req", "d1", 1700000000000LL, 2, "DECOMISSIONED_SLAVE_OR_RACK",
	    1699999999999LL), 0);
	ck_assert_str_eq(buf,
	    "my-req-d1-1700000000000-2-DECOMISSIONED_SLAVE_OR_RACK-"
	    "1699999999999");
	ck_assert_int_eq(pending_task_id_parse(buf, &p), 0);
	ck_assert_str_eq(p.request_id, "my-req");
	ck_assert_str_eq(p.deploy_id, "d1");
	ck_assert_int_eq(p.next_run_at, 1700000000000LL);
	ck_assert_int_eq(p.instance_no, 2);
	ck_assert_str_eq(p.pending_type, "DECOMISSIONED_SLAVE_OR_RACK");
	ck_assert_int_eq(p.created_at, 1699999999999LL);
	v = pending_task_id_json(&p);
	want = json_pack("{s:s, s:s, s:s, s:I, s:i, s:s, s:I}", "id", buf,
	    "requestId", "my-req", "deployId", "d1", "nextRunAt",
	    (json_int_t)1700000000000LL, "instanceNo", 2, "pendingType",
	    "DECOMISSIONED_SLAVE_OR_RACK", "createdAt",
	    (json_int_t)1699999999999LL);
	ck_assert(json_equal(v, want));
	json_decref(want);
	json_decref(v);
}
END_TEST

START_TEST(test_task_id_pending_invalid)
{
	char			 buf[TASK_ID_MAX + 1];
	struct pending_task_id	 p;

	ck_assert_int_eq(pending_task_id_format(buf, sizeof(buf), "r", "d",
	    1, 1, "SOMETIME", 1), -EINVAL);
	ck_assert_int_eq(pending_task_id_format(buf, sizeof(buf), "r", "d",
	    1, 1, NULL, 1), -EINVAL);
	ck_assert_int_eq(pending_task_id_format(buf, sizeof(buf), "r", "d",
	    1, 0, "ONEOFF", 1), -EINVAL);
	ck_assert_int_eq(pending_task_id_format(buf, 8, "r", "d", 1, 1,
	    "ONEOFF", 1), -ENOBUFS);
	ck_assert_int_eq(pending_task_id_parse("r-d-1-1-SOMETIME-1", &p),
	    -EINVAL);
	ck_assert_int_eq(pending_task_id_parse("r-d-1-1-ONEOFF-x", &p),
	    -EINVAL);
	ck_assert_int_eq(pending_task_id_parse("r-d-1-1-ONEOFF", &p),
	    -EINVAL);
	ck_assert_int_eq(pending_task_id_parse("a-b-d-1-1-ONEOFF-7", &p), 0);
	ck_assert_str_eq(p.request_id, "a-b");
	p.pending_type[0] = '\0';
	ck_assert_ptr_null(pending_task_id_json(&p));
}
END_TEST

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*task_id_suite(void);

Suite *
task_id_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("core"),
		FIXTURE_TEST(test_task_id_format_sanitizes_host_and_rack),
		FIXTURE_TEST(test_task_id_parse_spec_example),
		FIXTURE_LOOP(test_task_id_round_trip,
		    FIXTURE_N(check_task_id_trips)),
		FIXTURE_LOOP(test_task_id_parse_malformed,
		    FIXTURE_N(check_task_id_malformed)),
		FIXTURE_TEST(test_task_id_parse_null),
		FIXTURE_TEST(test_task_id_is_valid_file_name_safe),
		FIXTURE_TEST(test_task_id_format_errors),
		FIXTURE_TEST(test_task_id_json),
		FIXTURE_TEST(test_task_id_pending_round_trip),
		FIXTURE_TEST(test_task_id_pending_invalid),
		FIXTURE_END
	};

	return (fixture_suite("task_id", tests));
}
