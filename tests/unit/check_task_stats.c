/*
 * Unit tests for daemons/apid/task_stats.c on made-up trees: a cgroup v2
 * group, v1 memory and cpu groups (with and without cpuacct beside cpu),
 * no group at all (the process group found in a fake /proc), limits that
 * say "none" (the allocation stands in), the sandbox's disk use, and one
 * read of this test's own process group in the real /proc.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "fs.h"
#include "task_stats.h"

Suite	*task_stats_suite(void);

#define TS_ID	"r-d1-1700000000000-1-host-DEFAULT"
/* What a group with memory and cpu controllers gives. */
#define TS_HAVE_ALL_BUT_DISK	(TASK_STATS_CPU_TIMES |			\
	TASK_STATS_CPU_THROTTLE | TASK_STATS_CPU_LIMIT | TASK_STATS_MEM_RSS |	\
	TASK_STATS_MEM_ANON | TASK_STATS_MEM_FILE | TASK_STATS_MEM_MAPPED |	\
	TASK_STATS_MEM_TOTAL | TASK_STATS_MEM_LIMIT)

static char	ts_dir[64];
static char	ts_cg[128];		/* cgroup root */
static char	ts_proc[128];		/* fake /proc */

static void
ts_setup(void)
{
	fixture_tmpdir("/tmp/kerr-check-stats-", ts_dir, sizeof(ts_dir));
	snprintf(ts_cg, sizeof(ts_cg), "%s/cgroup", ts_dir);
	snprintf(ts_proc, sizeof(ts_proc), "%s/proc", ts_dir);
	ck_assert_int_eq(fs_mkdirs(ts_cg, 0755), 0);
	ck_assert_int_eq(fs_mkdirs(ts_proc, 0755), 0);
}

static void
ts_teardown(void)
{
	fixture_rmtree(ts_dir);
}

/* <dir>/<file> with text, the directory made first. */
static void
ts_file(const char *dir, const char *file, const char *text)
{
	char	path[PATH_MAX];

	ck_assert_int_eq(fs_mkdirs(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fixture_write_file(path, text);
}

/* The task's group under <cg>[/ctl]/kerr/, into buf. */
static void
ts_group(const char *ctl, char *buf, size_t len)
{
	if (ctl != NULL)
		snprintf(buf, len, "%s/%s/kerr/%s", ts_cg, ctl, TS_ID);
	else
		snprintf(buf, len, "%s/kerr/%s", ts_cg, TS_ID);
}

/* v1's memory and cpu groups of the task, both holding procs. */
static void
ts_v1(char mem[PATH_MAX], char cpu[PATH_MAX], const char *procs)
{
	ts_group("memory", mem, PATH_MAX);
	ts_group("cpu", cpu, PATH_MAX);
	ts_file(mem, "cgroup.procs", procs);
	ts_file(cpu, "cgroup.procs", procs);
}

/* A fake process: its stat line (a command holding ") " on purpose) and
 * its status with RSS figures in kB. */
static void
ts_proc_pid(int pid, int pgrp, int utime, int stime, int cutime,
    int cstime, int rss_kb, int anon_kb, int file_kb)
{
	char	dir[PATH_MAX], stat[512], status[512];

	snprintf(dir, sizeof(dir), "%s/%d", ts_proc, pid);
	snprintf(stat, sizeof(stat), "%d (a) b) S 1 %d %d 0 -1 4194560 10 0 "
	    "0 0 %d %d %d %d 20 0 1 0 12345 1000 20\n", pid, pgrp, pgrp,
	    utime, stime, cutime, cstime);
	snprintf(status, sizeof(status), "Name:\tsh\nVmRSS:\t%8d kB\n"
	    "RssAnon:\t%8d kB\nRssFile:\t%8d kB\nRssShmem:\t       0 kB\n",
	    rss_kb, anon_kb, file_kb);
	ts_file(dir, "stat", stat);
	ts_file(dir, "status", status);
}

static void
ts_src(struct task_stats_src *src)
{
	memset(src, 0, sizeof(*src));
	src->cgroup_root = ts_cg;
	src->proc_root = ts_proc;
	src->task_id = TS_ID;
	src->cpus = 0.5;
	src->memory_mb = 64;
}

static double
ts_hz(void)
{
	return ((double)sysconf(_SC_CLK_TCK));
}

#define ts_assert_near(a, b)	ck_assert_msg((a) > (b) - 1e-9 &&	\
				    (a) < (b) + 1e-9, "%g != %g", (a), (b))

/* got has exactly want's figures, with want's values. */
static void
ts_assert_stats(const struct task_stats *got, const struct task_stats *want)
{
	ck_assert_uint_eq(got->have, want->have);
	ck_assert_int_eq(got->source, want->source);
	if (want->have & TASK_STATS_CPU_TIMES) {
		ts_assert_near(got->cpus_user_secs, want->cpus_user_secs);
		ts_assert_near(got->cpus_system_secs, want->cpus_system_secs);
	}
	if (want->have & TASK_STATS_CPU_THROTTLE) {
		ck_assert_uint_eq(got->cpus_nr_periods, want->cpus_nr_periods);
		ck_assert_uint_eq(got->cpus_nr_throttled,
		    want->cpus_nr_throttled);
		ts_assert_near(got->cpus_throttled_secs,
		    want->cpus_throttled_secs);
	}
	if (want->have & TASK_STATS_CPU_LIMIT)
		ts_assert_near(got->cpus_limit, want->cpus_limit);
	if (want->have & TASK_STATS_MEM_RSS)
		ck_assert_uint_eq(got->mem_rss_bytes, want->mem_rss_bytes);
	if (want->have & TASK_STATS_MEM_ANON)
		ck_assert_uint_eq(got->mem_anon_bytes, want->mem_anon_bytes);
	if (want->have & TASK_STATS_MEM_FILE)
		ck_assert_uint_eq(got->mem_file_bytes, want->mem_file_bytes);
	if (want->have & TASK_STATS_MEM_MAPPED)
		ck_assert_uint_eq(got->mem_mapped_file_bytes,
		    want->mem_mapped_file_bytes);
	if (want->have & TASK_STATS_MEM_TOTAL)
		ck_assert_uint_eq(got->mem_total_bytes, want->mem_total_bytes);
	if (want->have & TASK_STATS_MEM_LIMIT)
		ck_assert_uint_eq(got->mem_limit_bytes, want->mem_limit_bytes);
}

START_TEST(test_task_stats_v2)
{
	struct task_stats_src	 src;
	struct task_stats	 s;
	char			 g[PATH_MAX];

	ts_group(NULL, g, sizeof(g));
	ts_file(g, "cgroup.procs", "41\n");
	ts_file(g, "memory.current", "73400320\n");
	ts_file(g, "memory.max", "134217728\n");
	ts_file(g, "memory.stat", "anon 52428800\nfile 8388608\n"
	    "kernel_stack 16384\nfile_mapped 2097152\nanon_thp 0\n");
	ts_file(g, "cpu.stat", "usage_usec 3500000\nuser_usec 3000000\n"
	    "system_usec 500000\nnr_periods 40\nnr_throttled 12\n"
	    "throttled_usec 750000\n");
	ts_file(g, "cpu.max", "150000 100000\n");
	ts_src(&src);
	ck_assert_int_eq(task_stats_read(&src, &s), 0);
	ts_assert_stats(&s, &(struct task_stats){
	    .have = TS_HAVE_ALL_BUT_DISK,
	    .source = TASK_STATS_CGROUP_V2, .cpus_user_secs = 3.0,
	    .cpus_system_secs = 0.5, .cpus_nr_periods = 40,
	    .cpus_nr_throttled = 12, .cpus_throttled_secs = 0.75,
	    .cpus_limit = 1.5, .mem_rss_bytes = 52428800,
	    .mem_anon_bytes = 52428800, .mem_file_bytes = 8388608,
	    .mem_mapped_file_bytes = 2097152, .mem_total_bytes = 73400320,
	    .mem_limit_bytes = 134217728 });
}
END_TEST

/* No cpu controller, no limits: times yes, throttling no, the limits
 * are what the task was given. */
START_TEST(test_task_stats_v2_no_limits)
{
	struct task_stats_src	 src;
	struct task_stats	 s;
	char			 g[PATH_MAX];

	ts_group(NULL, g, sizeof(g));
	ts_file(g, "cgroup.procs", "");
	ts_file(g, "memory.max", "max\n");
	ts_file(g, "cpu.stat", "usage_usec 10\nuser_usec 6\nsystem_usec 4\n");
	ts_file(g, "cpu.max", "max 100000\n");
	ts_src(&src);
	ck_assert_int_eq(task_stats_read(&src, &s), 0);
	ts_assert_stats(&s, &(struct task_stats){
	    .have = TASK_STATS_CPU_TIMES | TASK_STATS_CPU_LIMIT |
	    TASK_STATS_MEM_LIMIT, .source = TASK_STATS_CGROUP_V2,
	    .cpus_user_secs = 6e-6, .cpus_system_secs = 4e-6,
	    .cpus_limit = 0.5, .mem_limit_bytes = 64 * 1024 * 1024 });
}
END_TEST

/* v1 as cgroup.c makes it: memory and cpu apart, cpuacct elsewhere, so
 * the CPU times are those of the group's processes. */
START_TEST(test_task_stats_v1)
{
	struct task_stats_src	 src;
	struct task_stats	 s;
	char			 mem[PATH_MAX], cpu[PATH_MAX];
	double			 hz = ts_hz();

	ts_v1(mem, cpu, "41\n42\n");
	ts_file(mem, "memory.usage_in_bytes", "61030400\n");
	ts_file(mem, "memory.limit_in_bytes", "134217728\n");
	ts_file(mem, "memory.stat", "cache 5144576\nrss 55406592\n"
	    "total_cache 5144576\ntotal_rss 55406592\n"
	    "total_mapped_file 2023424\ntotal_inactive_anon 1000\n"
	    "total_active_anon 55405592\ntotal_inactive_file 4000000\n"
	    "total_active_file 1144576\n");
	ts_file(cpu, "cpu.stat", "nr_periods 53\nnr_throttled 52\n"
	    "throttled_time 2509931961\n");
	ts_file(cpu, "cpu.cfs_period_us", "100000\n");
	ts_file(cpu, "cpu.cfs_quota_us", "50000\n");
	ts_proc_pid(41, 41, 100, 20, 7, 3, 1000, 900, 100);
	ts_proc_pid(42, 41, 50, 10, 0, 0, 500, 400, 100);
	/* not in the group: not counted, though in the process group */
	ts_proc_pid(43, 41, 9999, 9999, 0, 0, 9999, 9999, 0);
	ts_src(&src);
	ck_assert_int_eq(task_stats_read(&src, &s), 0);
	/* memory from the group, not from the processes' RSS */
	ts_assert_stats(&s, &(struct task_stats){
	    .have = TS_HAVE_ALL_BUT_DISK,
	    .source = TASK_STATS_CGROUP_V1, .cpus_user_secs = 157 / hz,
	    .cpus_system_secs = 33 / hz, .cpus_nr_periods = 53,
	    .cpus_nr_throttled = 52, .cpus_throttled_secs = 2.509931961,
	    .cpus_limit = 0.5, .mem_rss_bytes = 55406592,
	    .mem_anon_bytes = 55406592, .mem_file_bytes = 5144576,
	    .mem_mapped_file_bytes = 2023424, .mem_total_bytes = 61030400,
	    .mem_limit_bytes = 134217728 });
}
END_TEST

/* cpuacct mounted with cpu: its account is used; "no limit" values. */
START_TEST(test_task_stats_v1_cpuacct_unlimited)
{
	struct task_stats_src	 src;
	struct task_stats	 s;
	char			 mem[PATH_MAX], cpu[PATH_MAX];
	double			 hz = ts_hz();

	ts_v1(mem, cpu, "41\n");
	ts_file(mem, "memory.limit_in_bytes", "9223372036854771712\n");
	ts_file(cpu, "cpu.cfs_quota_us", "-1\n");
	ts_file(cpu, "cpu.cfs_period_us", "100000\n");
	ts_file(cpu, "cpuacct.stat", "user 300\nsystem 40\n");
	ts_proc_pid(41, 41, 1, 1, 0, 0, 10, 10, 0);
	ts_src(&src);
	src.cpus = 2;
	ck_assert_int_eq(task_stats_read(&src, &s), 0);
	ts_assert_stats(&s, &(struct task_stats){
	    .have = TASK_STATS_CPU_TIMES | TASK_STATS_CPU_LIMIT |
	    TASK_STATS_MEM_LIMIT, .source = TASK_STATS_CGROUP_V1,
	    .cpus_user_secs = 300 / hz, .cpus_system_secs = 40 / hz,
	    .cpus_limit = 2.0, .mem_limit_bytes = 64 * 1024 * 1024 });
}
END_TEST

/* A CPU limit alone: no memory group, so memory from the processes. */
START_TEST(test_task_stats_v1_cpu_only)
{
	struct task_stats_src	 src;
	struct task_stats	 s;
	char			 cpu[PATH_MAX];
	double			 hz = ts_hz();

	ts_group("cpu", cpu, sizeof(cpu));
	ts_file(cpu, "cgroup.procs", "41\n");
	ts_file(cpu, "cpu.cfs_quota_us", "25000\n");
	ts_file(cpu, "cpu.cfs_period_us", "100000\n");
	ts_proc_pid(41, 41, 10, 10, 0, 0, 2048, 1024, 1024);
	ts_src(&src);
	ck_assert_int_eq(task_stats_read(&src, &s), 0);
	ts_assert_stats(&s, &(struct task_stats){
	    .have = TASK_STATS_CPU_TIMES | TASK_STATS_CPU_LIMIT |
	    TASK_STATS_MEM_RSS | TASK_STATS_MEM_ANON | TASK_STATS_MEM_MAPPED |
	    TASK_STATS_MEM_LIMIT, .source = TASK_STATS_CGROUP_V1,
	    .cpus_user_secs = 10 / hz, .cpus_system_secs = 10 / hz,
	    .cpus_limit = 0.25, .mem_rss_bytes = 2048 * 1024,
	    .mem_anon_bytes = 1024 * 1024, .mem_mapped_file_bytes = 1024 * 1024,
	    .mem_limit_bytes = 64 * 1024 * 1024 });
}
END_TEST

/* No group: the process group, found by walking /proc. */
START_TEST(test_task_stats_proc)
{
	struct task_stats_src	 src;
	struct task_stats	 s;
	double			 hz = ts_hz();

	ts_proc_pid(500, 500, 100, 50, 20, 10, 3000, 2000, 1000);
	ts_proc_pid(501, 500, 40, 10, 0, 0, 1000, 800, 200);
	ts_proc_pid(600, 600, 777, 777, 0, 0, 7777, 7777, 0);
	ts_file(ts_proc, "self", "not a process\n");
	ts_src(&src);
	src.pgid = 500;
	ck_assert_int_eq(task_stats_read(&src, &s), 0);
	ts_assert_stats(&s, &(struct task_stats){
	    .have = TASK_STATS_CPU_TIMES | TASK_STATS_CPU_LIMIT |
	    TASK_STATS_MEM_RSS | TASK_STATS_MEM_ANON | TASK_STATS_MEM_MAPPED |
	    TASK_STATS_MEM_LIMIT, .source = TASK_STATS_PROC,
	    .cpus_user_secs = 160 / hz, .cpus_system_secs = 70 / hz,
	    .cpus_limit = 0.5, .mem_rss_bytes = 4000 * 1024,
	    .mem_anon_bytes = 2800 * 1024, .mem_mapped_file_bytes = 1200 * 1024,
	    .mem_limit_bytes = 64 * 1024 * 1024 });
	/* nothing to read: a group with no process, or no group known */
	src.pgid = 700;
	ck_assert_int_eq(task_stats_read(&src, &s), -ESRCH);
	src.pgid = 0;
	ck_assert_int_eq(task_stats_read(&src, &s), -ESRCH);
	src.task_id = "../x";
	ck_assert_int_eq(task_stats_read(&src, &s), -EINVAL);
	src.task_id = "";
	ck_assert_int_eq(task_stats_read(&src, &s), -EINVAL);
}
END_TEST

/* du of the sandbox: every file's blocks, not its length. */
START_TEST(test_task_stats_disk)
{
	struct task_stats_src	 src;
	struct task_stats	 s;
	struct stat		 st;
	char			 p[4][PATH_MAX], big[10000];
	uint64_t		 want = 0;
	int			 i;

	snprintf(p[0], sizeof(p[0]), "%s/sandbox", ts_dir);
	snprintf(p[1], sizeof(p[1]), "%s/sandbox/logs", ts_dir);
	snprintf(p[2], sizeof(p[2]), "%s/sandbox/stdout", ts_dir);
	snprintf(p[3], sizeof(p[3]), "%s/sandbox/logs/app.log", ts_dir);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ts_file(p[0], "stdout", big);
	ts_file(p[1], "app.log", "hello\n");
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(lstat(p[i], &st), 0);
		want += (uint64_t)st.st_blocks * 512;
	}
	ts_proc_pid(500, 500, 1, 1, 0, 0, 1, 1, 0);
	ts_src(&src);
	src.pgid = 500;
	src.sandbox = p[0];
	ck_assert_int_eq(task_stats_read(&src, &s), 0);
	ck_assert(s.have & TASK_STATS_DISK_USED);
	ck_assert_uint_eq(s.disk_used_bytes, want);
	ck_assert_uint_gt(s.disk_used_bytes, 0);
	/* a sandbox that is gone gives no figure, not 0 */
	snprintf(p[0], sizeof(p[0]), "%s/nothing", ts_dir);
	ck_assert_int_eq(task_stats_read(&src, &s), 0);
	ck_assert(!(s.have & TASK_STATS_DISK_USED));
}
END_TEST

/* The real /proc: this test's own process group is found and measured. */
START_TEST(test_task_stats_real_proc)
{
	struct task_stats_src	 src;
	struct task_stats	 s;
	volatile unsigned long	 spin = 0;
	unsigned long		 i;

	for (i = 0; i < 50000000UL; i++)
		spin += i;
	ts_src(&src);
	src.proc_root = NULL;
	src.pgid = getpgrp();
	ck_assert_int_eq(task_stats_read(&src, &s), 0);
	ck_assert_int_eq(s.source, TASK_STATS_PROC);
	ck_assert(s.have & TASK_STATS_CPU_TIMES);
	ck_assert(s.cpus_user_secs + s.cpus_system_secs > 0);
	ck_assert_uint_gt(s.mem_rss_bytes, 0);
}
END_TEST

Suite *
task_stats_suite(void)
{
	const struct fixture_row rows[] = {
		FIXTURE_CASE("read"),
		FIXTURE_CHECKED(ts_setup, ts_teardown),
		FIXTURE_TEST(test_task_stats_v2),
		FIXTURE_TEST(test_task_stats_v2_no_limits),
		FIXTURE_TEST(test_task_stats_v1),
		FIXTURE_TEST(test_task_stats_v1_cpuacct_unlimited),
		FIXTURE_TEST(test_task_stats_v1_cpu_only),
		FIXTURE_TEST(test_task_stats_proc),
		FIXTURE_TEST(test_task_stats_disk),
		FIXTURE_TEST(test_task_stats_real_proc),
		FIXTURE_END
	};

	return (fixture_suite("task_stats", rows));
}
