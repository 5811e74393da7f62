/*
 * What a running task uses, for GET /tasks/task/{id}/statistics: read
 * from the control groups the supervisor made for it (cgroup v1 or v2,
 * daemons/supervisor/cgroup.h) and from /proc.  Only figures that can be
 * read are set; the rest are left out of the reply rather than made up.
 * Reads files only: no store, no logging.
 */
#ifndef KERR_TASK_STATS_H
#define KERR_TASK_STATS_H

#include <stdint.h>
#include <sys/types.h>

/* Where to look; NULL roots mean the system's. */
struct task_stats_src {
	const char	*cgroup_root;	/* NULL: $KERR_CGROUP_ROOT, else
					   /sys/fs/cgroup (as cgroup.c) */
	const char	*proc_root;	/* NULL: /proc */
	const char	*task_id;
	pid_t		 pgid;		/* the task's process group; 0: none */
	const char	*sandbox;	/* NULL: no disk figure */
	double		 cpus;		/* what the task was given; 0: none */
	double		 memory_mb;
};

/* Which figures of struct task_stats were read. */
enum task_stats_have {
	TASK_STATS_CPU_TIMES	= 1 << 0,
	TASK_STATS_CPU_THROTTLE	= 1 << 1,
	TASK_STATS_CPU_LIMIT	= 1 << 2,
	TASK_STATS_MEM_RSS	= 1 << 3,
	TASK_STATS_MEM_ANON	= 1 << 4,
	TASK_STATS_MEM_FILE	= 1 << 5,
	TASK_STATS_MEM_MAPPED	= 1 << 6,
	TASK_STATS_MEM_TOTAL	= 1 << 7,
	TASK_STATS_MEM_LIMIT	= 1 << 8,
	TASK_STATS_DISK_USED	= 1 << 9
};

/* Where the figures came from. */
enum task_stats_source {
	TASK_STATS_PROC,		/* the process group's /proc files */
	TASK_STATS_CGROUP_V1,
	TASK_STATS_CGROUP_V2
};

struct task_stats {
	unsigned		 have;		/* enum task_stats_have bits */
	enum task_stats_source	 source;
	double			 cpus_user_secs;
	double			 cpus_system_secs;
	uint64_t		 cpus_nr_periods;
	uint64_t		 cpus_nr_throttled;
	double			 cpus_throttled_secs;
	double			 cpus_limit;
	uint64_t		 mem_rss_bytes;
	uint64_t		 mem_anon_bytes;
	uint64_t		 mem_file_bytes;
	uint64_t		 mem_mapped_file_bytes;
	uint64_t		 mem_total_bytes;
	uint64_t		 mem_limit_bytes;
	uint64_t		 disk_used_bytes;
};

/*
 * The figures of one task into *ret: 0; -ESRCH when it has neither a
 * control group nor a live process to read; -EINVAL for a task id that
 * cannot be a directory name; other negative errno for a file that
 * exists but cannot be read.
 */
int	task_stats_read(const struct task_stats_src *src,
	    struct task_stats *ret);

#endif
