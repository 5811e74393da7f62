/*
 * The Slurm executor's text handling without a cluster (slurm_queue.c,
 * executor_slurm_partition): squeue's list, the newest job of a name,
 * which states are live, scontrol's record of an ended job as a terminal
 * event, and racks as partitions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "executor.h"
#include "executor_slurm.h"
#include "fixture.h"
#include "slurm_queue.h"

Suite	*slurm_queue_suite(void);

START_TEST(test_slurm_queue_parse_and_find)
{
	struct slurm_queue	 q;
	const struct slurm_job	*j;

	ck_assert_int_eq(slurm_queue_parse(
	    "web-d1-2-1-slurm-DEFAULT|12|RUNNING|node2|batch\n"
	    "web-d1-1-1-slurm-DEFAULT|7|COMPLETED|node1|batch\n"
	    "not a job line\n"
	    "array|40_3|RUNNING|node1|batch\n"
	    "web-d1-1-1-slurm-DEFAULT|9|PENDING||second\n"
	    "|5|RUNNING|n|p\n", &q), 0);
	ck_assert_uint_eq(q.n, 3);
	/* The newest job of a name: a resubmission outranks the old one. */
	ck_assert_ptr_nonnull(j = slurm_queue_find(&q,
	    "web-d1-1-1-slurm-DEFAULT"));
	ck_assert_uint_eq(j->id, 9);
	ck_assert_str_eq(j->state, "PENDING");
	ck_assert_str_eq(j->node, "");
	ck_assert_str_eq(j->partition, "second");
	ck_assert_ptr_nonnull(j = slurm_queue_find(&q,
	    "web-d1-2-1-slurm-DEFAULT"));
	ck_assert_str_eq(j->node, "node2");
	ck_assert_ptr_null(slurm_queue_find(&q, "web"));
	ck_assert_ptr_null(slurm_queue_find(&q, "zzz"));
	slurm_queue_clear(&q);
	ck_assert_uint_eq(q.n, 0);
	ck_assert_int_eq(slurm_queue_parse("", &q), 0);
	ck_assert_uint_eq(q.n, 0);
	ck_assert_ptr_null(slurm_queue_find(&q, "x"));
	slurm_queue_clear(&q);
}
END_TEST

START_TEST(test_slurm_state_live)
{
	ck_assert(slurm_state_is_live("PENDING"));
	ck_assert(slurm_state_is_live("RUNNING"));
	/* Its processes are being cleaned up: its events may still come. */
	ck_assert(slurm_state_is_live("COMPLETING"));
	ck_assert(!slurm_state_is_live("COMPLETED"));
	ck_assert(!slurm_state_is_live("CANCELLED"));
	ck_assert(!slurm_state_is_live("FAILED"));
	ck_assert(!slurm_state_is_live(""));
}
END_TEST

/* scontrol's record with state and exit code: the outcome's state. */
static const char *
check_outcome(const char *state, const char *exit_code,
    struct task_event *e)
{
	char	out[512];
	int	r;

	snprintf(out, sizeof(out), "JobId=9 JobName=t UserId=root(0) "
	    "JobState=%s Reason=None Dependency=(null) ExitCode=%s "
	    "NodeList=node1\n", state, exit_code);
	task_event_init(e, "t");
	r = slurm_job_outcome(out, e);
	if (r == 0)
		return ("live");
	ck_assert_int_eq(r, 1);
	return (e->state);
}

START_TEST(test_slurm_job_outcome)
{
	struct task_event e;

	ck_assert_str_eq(check_outcome("COMPLETED", "0:0", &e),
	    "TASK_FINISHED");
	ck_assert_int_eq(e.exit_code, 0);
	ck_assert_str_eq(check_outcome("FAILED", "3:0", &e), "TASK_FAILED");
	ck_assert_int_eq(e.exit_code, 3);
	ck_assert_str_eq(e.message, "Exited with status 3");
	/* The wrapper's 128 + signal, or Slurm's own signal field. */
	ck_assert_str_eq(check_outcome("FAILED", "143:0", &e), "TASK_FAILED");
	ck_assert_int_eq(e.signal, 15);
	ck_assert_str_eq(e.message, "Terminated by signal SIGTERM");
	ck_assert_str_eq(check_outcome("FAILED", "0:9", &e), "TASK_FAILED");
	ck_assert_int_eq(e.signal, 9);
	ck_assert_str_eq(check_outcome("CANCELLED", "0:15", &e),
	    "TASK_KILLED");
	ck_assert_str_eq(check_outcome("TIMEOUT", "0:15", &e), "TASK_KILLED");
	ck_assert_str_eq(check_outcome("NODE_FAIL", "0:0", &e), "TASK_LOST");
	ck_assert_str_eq(check_outcome("OUT_OF_MEMORY", "0:125", &e),
	    "TASK_FAILED");
	ck_assert_int_eq(e.oom, 1);
	ck_assert_str_eq(check_outcome("RUNNING", "0:0", &e), "live");
	ck_assert_str_eq(check_outcome("COMPLETING", "0:0", &e), "live");
	task_event_init(&e, "t");
	ck_assert_int_eq(slurm_job_outcome("JobId=9 JobState=FAILED\n", &e),
	    -EINVAL);
	/* "ExitCode" must be a key of its own, not the end of another. */
	ck_assert_int_eq(slurm_job_outcome("JobState=FAILED "
	    "DerivedExitCode=1:0\n", &e), -EINVAL);
}
END_TEST

START_TEST(test_slurm_partition_map)
{
	char buf[16];

	ck_assert_int_eq(executor_slurm_partition("gpu=gpus,east=batch-e",
	    "east", buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "batch-e");
	ck_assert_int_eq(executor_slurm_partition("gpu=gpus,east=batch-e",
	    "gpu", buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "gpus");
	/* Unlisted, DEFAULT, none: Slurm's default partition. */
	ck_assert_int_eq(executor_slurm_partition("gpu=gpus", "DEFAULT", buf,
	    sizeof(buf)), 0);
	ck_assert_int_eq(executor_slurm_partition("gpu=gpus", "gp", buf,
	    sizeof(buf)), 0);
	ck_assert_int_eq(executor_slurm_partition("", "gpu", buf,
	    sizeof(buf)), 0);
	ck_assert_int_eq(executor_slurm_partition("gpu=gpus", NULL, buf,
	    sizeof(buf)), 0);
	ck_assert_int_eq(executor_slurm_partition("gpu=", "gpu", buf,
	    sizeof(buf)), 0);
	ck_assert_int_eq(executor_slurm_partition("x=a-very-long-partition",
	    "x", buf, sizeof(buf)), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_slurm_nodes_parse)
{
	struct executor_node	*nodes;
	size_t			 n;

	ck_assert_int_eq(slurm_nodes_parse(
	    "vm|idle|batch*\n"
	    "localhost|mixed|batch*\n"
	    "localhost|mixed|second\n"
	    "n3|draining|batch*\n"
	    "n4|drained|gpu\n"
	    "n5|idle*|gpu\n"
	    "n6|down|gpu\n"
	    "garbage\n", &nodes, &n), 0);
	ck_assert_uint_eq(n, 6);
	ck_assert_str_eq(nodes[0].name, "vm");
	ck_assert_str_eq(nodes[0].rack, "batch");
	ck_assert_str_eq(nodes[0].state, "ACTIVE");
	/* Listed once, in its first partition. */
	ck_assert_str_eq(nodes[1].name, "localhost");
	ck_assert_str_eq(nodes[1].rack, "batch");
	ck_assert_str_eq(nodes[1].state, "ACTIVE");
	ck_assert_str_eq(nodes[2].state, "DECOMMISSIONING");
	ck_assert_str_eq(nodes[3].state, "DECOMMISSIONED");
	ck_assert_str_eq(nodes[3].rack, "gpu");
	/* Not responding, or down: dead. */
	ck_assert_str_eq(nodes[4].state, "DEAD");
	ck_assert_str_eq(nodes[5].state, "DEAD");
	free(nodes);
	ck_assert_int_eq(slurm_nodes_parse("", &nodes, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(nodes);
}
END_TEST

Suite *
slurm_queue_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("text"),
		FIXTURE_TEST(test_slurm_queue_parse_and_find),
		FIXTURE_TEST(test_slurm_state_live),
		FIXTURE_TEST(test_slurm_job_outcome),
		FIXTURE_TEST(test_slurm_partition_map),
		FIXTURE_TEST(test_slurm_nodes_parse),
		FIXTURE_END
	};

	return (fixture_suite("slurm_queue", tests));
}
