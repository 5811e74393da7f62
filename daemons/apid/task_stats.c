/*
 * A running task's resource figures (see task_stats.h), where Mesos's
 * isolators would take them, so each field means what it means in a
 * MesosTaskStatisticsObject:
 *
 *   cgroup v2  <root>/kerr/<task>: memory.current (total), memory.max,
 *              memory.stat anon, file, file_mapped; cpu.stat user_usec,
 *              system_usec and the throttling counts; cpu.max;
 *   cgroup v1  <root>/memory/kerr/<task>: memory.usage_in_bytes,
 *              memory.limit_in_bytes, memory.stat total_rss,
 *              total_*_anon, total_*_file, total_mapped_file;
 *              <root>/cpu/kerr/<task>: cpu.stat, cpu.cfs_quota_us and
 *              cpu.cfs_period_us, and cpuacct.stat when cpuacct is
 *              mounted with cpu;
 *   /proc      the CPU times (utime, stime and those of waited-for
 *              children) and resident memory of the task's processes:
 *              those in its group when v1 keeps no CPU account, else
 *              its process group, for a task with no group at all.
 *
 * A limit not found in a group is what the task was given (Mesos reports
 * the allocation as cpus_limit and mem_limit_bytes whatever enforces it).
 * The layout is cgroup.c's, which the supervisor creates; this file only
 * reads.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "task_stats.h"

#define TASK_STATS_CGROUP_ROOT	"/sys/fs/cgroup"	/* cgroup.h */
#define TASK_STATS_CGROUP_ENV	"KERR_CGROUP_ROOT"
#define TASK_STATS_CGROUP_DIR	"kerr"
#define TASK_STATS_PROC_ROOT	"/proc"
#define TASK_STATS_READ_MAX	8192
/* v1 writes "no limit" as the largest page-aligned counter value */
#define TASK_STATS_V1_NO_LIMIT	(UINT64_C(1) << 62)
/* a sandbox of more entries than this gets no disk figure */
#define TASK_STATS_DISK_ENTRIES	100000
#define TASK_STATS_FDS		16

/* The task's groups; "" where it has none. */
struct task_stats_dirs {
	char	v2[PATH_MAX];
	char	mem[PATH_MAX];
	char	cpu[PATH_MAX];
};

/* Sums over the task's processes. */
struct task_stats_procs {
	unsigned long long	utime, stime;	/* clock ticks */
	unsigned long long	rss_kb, anon_kb, file_kb;
	int			n;
};

/* dir/file into buf, NUL-terminated: 0 or negative errno. */
static int
task_stats_file(const char *dir, const char *file, char *buf, size_t len)
{
	char	path[PATH_MAX];
	size_t	off = 0;
	ssize_t	n;
	int	fd, r = 0, w;

	w = snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (w < 0 || (size_t)w >= sizeof(path))
		return (-ENAMETOOLONG);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (-errno);
	while (off < len - 1) {
		if ((n = read(fd, buf + off, len - 1 - off)) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	buf[off] = '\0';
	(void)close(fd);
	return (r);
}

/* The number at s, which must be all of the word: 0 or -EINVAL. */
static int
task_stats_u64(const char *s, uint64_t *ret)
{
	char			*end;
	unsigned long long	 v;

	if (*s < '0' || *s > '9')
		return (-EINVAL);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || !(*end == '\0' || *end == '\n' || *end == ' '))
		return (-EINVAL);
	*ret = v;
	return (0);
}

/* The value of the "key N" line of a flat-keyed file: -ENODATA if none. */
static int
task_stats_key(const char *buf, const char *key, uint64_t *ret)
{
	size_t		 klen = strlen(key);
	const char	*line;

	for (line = buf; line != NULL && *line != '\0'; ) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
			return (task_stats_u64(line + klen + 1, ret));
		if ((line = strchr(line, '\n')) != NULL)
			line++;
	}
	return (-ENODATA);
}

/* A file holding one number; -ERANGE for "max" (no limit). */
static int
task_stats_number(const char *dir, const char *file, uint64_t *ret)
{
	char	buf[64];
	int	r;

	if ((r = task_stats_file(dir, file, buf, sizeof(buf))) < 0)
		return (r);
	if (strncmp(buf, "max", 3) == 0)
		return (-ERANGE);
	return (task_stats_u64(buf, ret));
}

/* Whether <a>/<b>/kerr/<id> (b may be NULL) is a directory, into buf. */
static int
task_stats_group(char *buf, size_t len, const char *root, const char *ctl,
    const char *task_id)
{
	struct stat	st;
	int		n;

	if (ctl != NULL)
		n = snprintf(buf, len, "%s/%s/%s/%s", root, ctl,
		    TASK_STATS_CGROUP_DIR, task_id);
	else
		n = snprintf(buf, len, "%s/%s/%s", root, TASK_STATS_CGROUP_DIR,
		    task_id);
	if (n < 0 || (size_t)n >= len || stat(buf, &st) != 0 ||
	    !S_ISDIR(st.st_mode)) {
		buf[0] = '\0';
		return (0);
	}
	return (1);
}

static void
task_stats_find_groups(const struct task_stats_src *src,
    struct task_stats_dirs *d)
{
	const char	*root = src->cgroup_root;
	char		 probe[PATH_MAX];

	if (root == NULL && ((root = getenv(TASK_STATS_CGROUP_ENV)) == NULL ||
	    root[0] == '\0'))
		root = TASK_STATS_CGROUP_ROOT;
	memset(d, 0, sizeof(*d));
	/* v2: one directory, told apart by its own cgroup.procs */
	if (task_stats_group(d->v2, sizeof(d->v2), root, NULL, src->task_id) &&
	    task_stats_file(d->v2, "cgroup.procs", probe, 2) == 0)
		return;
	d->v2[0] = '\0';
	(void)task_stats_group(d->mem, sizeof(d->mem), root, "memory",
	    src->task_id);
	(void)task_stats_group(d->cpu, sizeof(d->cpu), root, "cpu",
	    src->task_id);
}

/* Copy key's value from a stat file into *dst and mark it read. */
static void
task_stats_take(const char *buf, const char *key, uint64_t *dst,
    unsigned *have, unsigned bit)
{
	if (task_stats_key(buf, key, dst) == 0)
		*have |= bit;
}

/* The sum of two keys, both needed. */
static void
task_stats_take2(const char *buf, const char *k1, const char *k2,
    uint64_t *dst, unsigned *have, unsigned bit)
{
	uint64_t	a, b;

	if (task_stats_key(buf, k1, &a) == 0 &&
	    task_stats_key(buf, k2, &b) == 0) {
		*dst = a + b;
		*have |= bit;
	}
}

static void
task_stats_memory_v2(const char *dir, struct task_stats *s)
{
	char	buf[TASK_STATS_READ_MAX];

	if (task_stats_number(dir, "memory.current", &s->mem_total_bytes) ==
	    0)
		s->have |= TASK_STATS_MEM_TOTAL;
	if (task_stats_number(dir, "memory.max", &s->mem_limit_bytes) == 0)
		s->have |= TASK_STATS_MEM_LIMIT;
	if (task_stats_file(dir, "memory.stat", buf, sizeof(buf)) < 0)
		return;
	/* no other resident memory is the task's own in v2's accounting */
	task_stats_take(buf, "anon", &s->mem_rss_bytes, &s->have,
	    TASK_STATS_MEM_RSS);
	task_stats_take(buf, "anon", &s->mem_anon_bytes, &s->have,
	    TASK_STATS_MEM_ANON);
	task_stats_take(buf, "file", &s->mem_file_bytes, &s->have,
	    TASK_STATS_MEM_FILE);
	task_stats_take(buf, "file_mapped", &s->mem_mapped_file_bytes,
	    &s->have, TASK_STATS_MEM_MAPPED);
}

static void
task_stats_memory_v1(const char *dir, struct task_stats *s)
{
	char	buf[TASK_STATS_READ_MAX];

	if (task_stats_number(dir, "memory.usage_in_bytes",
	    &s->mem_total_bytes) == 0)
		s->have |= TASK_STATS_MEM_TOTAL;
	if (task_stats_number(dir, "memory.limit_in_bytes",
	    &s->mem_limit_bytes) == 0 &&
	    s->mem_limit_bytes < TASK_STATS_V1_NO_LIMIT)
		s->have |= TASK_STATS_MEM_LIMIT;
	if (task_stats_file(dir, "memory.stat", buf, sizeof(buf)) < 0)
		return;
	task_stats_take(buf, "total_rss", &s->mem_rss_bytes, &s->have,
	    TASK_STATS_MEM_RSS);
	task_stats_take2(buf, "total_active_anon", "total_inactive_anon",
	    &s->mem_anon_bytes, &s->have, TASK_STATS_MEM_ANON);
	task_stats_take2(buf, "total_active_file", "total_inactive_file",
	    &s->mem_file_bytes, &s->have, TASK_STATS_MEM_FILE);
	task_stats_take(buf, "total_mapped_file", &s->mem_mapped_file_bytes,
	    &s->have, TASK_STATS_MEM_MAPPED);
}

/* Throttling counts of a cpu.stat; the time in ns (v1) or us (v2). */
static void
task_stats_throttle(const char *buf, const char *time_key, double unit,
    struct task_stats *s)
{
	uint64_t	t;

	if (task_stats_key(buf, "nr_periods", &s->cpus_nr_periods) == 0 &&
	    task_stats_key(buf, "nr_throttled", &s->cpus_nr_throttled) == 0 &&
	    task_stats_key(buf, time_key, &t) == 0) {
		s->cpus_throttled_secs = (double)t / unit;
		s->have |= TASK_STATS_CPU_THROTTLE;
	}
}

static void
task_stats_cpu_v2(const char *dir, struct task_stats *s)
{
	char		buf[TASK_STATS_READ_MAX];
	uint64_t	user, sys, quota, period;

	if (task_stats_file(dir, "cpu.stat", buf, sizeof(buf)) == 0) {
		if (task_stats_key(buf, "user_usec", &user) == 0 &&
		    task_stats_key(buf, "system_usec", &sys) == 0) {
			s->cpus_user_secs = (double)user / 1e6;
			s->cpus_system_secs = (double)sys / 1e6;
			s->have |= TASK_STATS_CPU_TIMES;
		}
		task_stats_throttle(buf, "throttled_usec", 1e6, s);
	}
	/* "quota period", or "max period" for none */
	if (task_stats_file(dir, "cpu.max", buf, sizeof(buf)) == 0 &&
	    sscanf(buf, "%" SCNu64 " %" SCNu64, &quota, &period) == 2 &&
	    period > 0) {
		s->cpus_limit = (double)quota / (double)period;
		s->have |= TASK_STATS_CPU_LIMIT;
	}
}

static void
task_stats_cpu_v1(const char *dir, struct task_stats *s)
{
	char		buf[TASK_STATS_READ_MAX];
	uint64_t	user, sys, quota, period;
	long		hz = sysconf(_SC_CLK_TCK);

	if (task_stats_file(dir, "cpu.stat", buf, sizeof(buf)) == 0)
		task_stats_throttle(buf, "throttled_time", 1e9, s);
	/* a quota of -1 (no limit) is not a number here */
	if (task_stats_number(dir, "cpu.cfs_quota_us", &quota) == 0 &&
	    task_stats_number(dir, "cpu.cfs_period_us", &period) == 0 &&
	    period > 0) {
		s->cpus_limit = (double)quota / (double)period;
		s->have |= TASK_STATS_CPU_LIMIT;
	}
	/* only when cpuacct shares the hierarchy ("cpu,cpuacct") */
	if (hz > 0 && task_stats_file(dir, "cpuacct.stat", buf,
	    sizeof(buf)) == 0 && task_stats_key(buf, "user", &user) == 0 &&
	    task_stats_key(buf, "system", &sys) == 0) {
		s->cpus_user_secs = (double)user / (double)hz;
		s->cpus_system_secs = (double)sys / (double)hz;
		s->have |= TASK_STATS_CPU_TIMES;
	}
}

/*
 * Fields of /proc/<pid>/stat after the command (which may hold anything,
 * so the last ')' ends it): pgrp and the four CPU times.
 */
static int
task_stats_proc_stat(const char *proc, const char *pid, pid_t *ret_pgrp,
    unsigned long long times[4])
{
	char	 dir[PATH_MAX], buf[1024], *p;
	int	 n, pgrp;

	n = snprintf(dir, sizeof(dir), "%s/%s", proc, pid);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return (-ENAMETOOLONG);
	if ((n = task_stats_file(dir, "stat", buf, sizeof(buf))) < 0)
		return (n);
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %*d %d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu %llu %llu", &pgrp, &times[0], &times[1], &times[2],
	    &times[3]) != 5)
		return (-EINVAL);
	*ret_pgrp = (pid_t)pgrp;
	return (0);
}

/* A "Key:   N kB" line of /proc/<pid>/status; 0 when it is missing. */
static unsigned long long
task_stats_status_kb(const char *buf, const char *key)
{
	const char		*p = strstr(buf, key);
	unsigned long long	 v = 0;

	if (p != NULL && (p == buf || p[-1] == '\n'))
		(void)sscanf(p + strlen(key), " %llu", &v);
	return (v);
}

/* Add one process; pgid > 0 takes it only when it is in that group. */
static void
task_stats_proc_add(const char *proc, const char *pid, pid_t pgid,
    struct task_stats_procs *acc)
{
	char			 dir[PATH_MAX], buf[TASK_STATS_READ_MAX];
	unsigned long long	 t[4];
	pid_t			 pgrp;

	if (task_stats_proc_stat(proc, pid, &pgrp, t) < 0 ||
	    (pgid > 0 && pgrp != pgid))
		return;
	acc->utime += t[0] + t[2];
	acc->stime += t[1] + t[3];
	acc->n++;
	(void)snprintf(dir, sizeof(dir), "%s/%s", proc, pid);
	if (task_stats_file(dir, "status", buf, sizeof(buf)) < 0)
		return;
	acc->rss_kb += task_stats_status_kb(buf, "VmRSS:");
	acc->anon_kb += task_stats_status_kb(buf, "RssAnon:");
	acc->file_kb += task_stats_status_kb(buf, "RssFile:");
}

/* The processes a group's cgroup.procs lists. */
static void
task_stats_procs_of_group(const char *proc, const char *group,
    struct task_stats_procs *acc)
{
	char	 buf[TASK_STATS_READ_MAX], *line, *save = NULL;

	if (task_stats_file(group, "cgroup.procs", buf, sizeof(buf)) < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		task_stats_proc_add(proc, line, 0, acc);
}

/* Every process of process group pgid, found by walking /proc. */
static int
task_stats_procs_of_pgid(const char *proc, pid_t pgid,
    struct task_stats_procs *acc)
{
	struct dirent	*e;
	DIR		*d;

	if (pgid <= 0)
		return (0);
	if ((d = opendir(proc)) == NULL)
		return (-errno);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
			task_stats_proc_add(proc, e->d_name, pgid, acc);
	(void)closedir(d);
	return (0);
}

static void
task_stats_from_procs(const struct task_stats_procs *acc, int memory,
    struct task_stats *s)
{
	long	hz = sysconf(_SC_CLK_TCK);

	if (acc->n == 0)
		return;
	if (hz > 0 && !(s->have & TASK_STATS_CPU_TIMES)) {
		s->cpus_user_secs = (double)acc->utime / (double)hz;
		s->cpus_system_secs = (double)acc->stime / (double)hz;
		s->have |= TASK_STATS_CPU_TIMES;
	}
	if (!memory)
		return;
	s->mem_rss_bytes = acc->rss_kb * 1024;
	s->mem_anon_bytes = acc->anon_kb * 1024;
	s->mem_mapped_file_bytes = acc->file_kb * 1024;
	s->have |= TASK_STATS_MEM_RSS | TASK_STATS_MEM_ANON |
	    TASK_STATS_MEM_MAPPED;
}

/* nftw() passes no argument to its callback: this thread's walk. */
static __thread uint64_t	task_stats_disk_bytes;
static __thread long		task_stats_disk_entries;

static int
task_stats_disk_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)path;
	(void)flag;
	(void)ftw;
	task_stats_disk_bytes += (uint64_t)st->st_blocks * 512;
	return (++task_stats_disk_entries > TASK_STATS_DISK_ENTRIES);
}

/* What the sandbox takes on disk (du), not following links. */
static void
task_stats_disk(const char *sandbox, struct task_stats *s)
{
	task_stats_disk_bytes = 0;
	task_stats_disk_entries = 0;
	if (nftw(sandbox, task_stats_disk_one, TASK_STATS_FDS,
	    FTW_PHYS | FTW_MOUNT) == 0) {
		s->disk_used_bytes = task_stats_disk_bytes;
		s->have |= TASK_STATS_DISK_USED;
	}
}

/* A limit the groups did not hold is what the task was given. */
static void
task_stats_allocation(const struct task_stats_src *src, struct task_stats *s)
{
	if (!(s->have & TASK_STATS_CPU_LIMIT) && src->cpus > 0) {
		s->cpus_limit = src->cpus;
		s->have |= TASK_STATS_CPU_LIMIT;
	}
	if (!(s->have & TASK_STATS_MEM_LIMIT) && src->memory_mb > 0) {
		s->mem_limit_bytes = (uint64_t)(src->memory_mb * 1024 * 1024);
		s->have |= TASK_STATS_MEM_LIMIT;
	}
}

int
task_stats_read(const struct task_stats_src *src, struct task_stats *ret)
{
	struct task_stats_dirs	 d;
	struct task_stats_procs	 acc;
	struct task_stats	 s;
	const char		*proc = src->proc_root != NULL ?
				    src->proc_root : TASK_STATS_PROC_ROOT;
	int			 r;

	if (src->task_id == NULL || src->task_id[0] == '\0' ||
	    src->task_id[0] == '.' || strchr(src->task_id, '/') != NULL)
		return (-EINVAL);
	memset(&s, 0, sizeof(s));
	memset(&acc, 0, sizeof(acc));
	task_stats_find_groups(src, &d);
	if (d.v2[0] != '\0') {
		s.source = TASK_STATS_CGROUP_V2;
		task_stats_memory_v2(d.v2, &s);
		task_stats_cpu_v2(d.v2, &s);
	} else if (d.mem[0] != '\0' || d.cpu[0] != '\0') {
		s.source = TASK_STATS_CGROUP_V1;
		if (d.mem[0] != '\0')
			task_stats_memory_v1(d.mem, &s);
		if (d.cpu[0] != '\0')
			task_stats_cpu_v1(d.cpu, &s);
		/* no CPU account in v1 without cpuacct, no memory one
		 * without a memory group: the group's processes' own */
		if (!(s.have & TASK_STATS_CPU_TIMES) || d.mem[0] == '\0') {
			task_stats_procs_of_group(proc, d.mem[0] != '\0' ?
			    d.mem : d.cpu, &acc);
			task_stats_from_procs(&acc, d.mem[0] == '\0', &s);
		}
	} else {
		s.source = TASK_STATS_PROC;
		if ((r = task_stats_procs_of_pgid(proc, src->pgid, &acc)) < 0)
			return (r);
		if (acc.n == 0)
			return (-ESRCH);
		task_stats_from_procs(&acc, 1, &s);
	}
	task_stats_allocation(src, &s);
	if (src->sandbox != NULL)
		task_stats_disk(src->sandbox, &s);
	*ret = s;
	return (0);
}
