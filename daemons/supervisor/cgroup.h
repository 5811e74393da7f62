/*
 * Per-task resource limits with control groups: a memory limit (the
 * kernel OOM-kills inside the task's group, and we can tell afterwards)
 * and a CPU quota.  Each task gets <root>/kerr/<task_id> in every
 * controller it has a limit for: under the memory and cpu mounts with
 * cgroup v1, one directory with cgroup v2.
 *
 * Nothing here logs; every call returns 0 or a negative errno.
 */
#ifndef KERR_CGROUP_H
#define KERR_CGROUP_H

#include <limits.h>
#include <sys/types.h>

#define CGROUP_ROOT_DEFAULT	"/sys/fs/cgroup"
/* Tests point detection at another tree with this variable. */
#define CGROUP_ROOT_ENV		"KERR_CGROUP_ROOT"

enum cgroup_mode {
	CGROUP_NONE,			/* no usable controller: no limits */
	CGROUP_V1,			/* memory and cpu hierarchies */
	CGROUP_V2			/* one unified hierarchy */
};

struct cgroup_env {
	enum cgroup_mode mode;
	int		 has_memory;	/* the memory controller is usable */
	int		 has_cpu;	/* the cpu controller is usable */
	char		 memory[PATH_MAX];	/* .../kerr holding tasks */
	char		 cpu[PATH_MAX];		/* the same path with v2 */
};

/*
 * Find the controllers under $KERR_CGROUP_ROOT, else /sys/fs/cgroup.
 * 0 with *ret filled (mode CGROUP_NONE when nothing is usable), or
 * -ENAMETOOLONG.
 */
int	cgroup_detect(struct cgroup_env *ret);
/* The same under an explicit root. */
int	cgroup_detect_root(const char *root, struct cgroup_env *ret);

/*
 * Make the task's groups and write both limits: cgroup_task_mkdir, then
 * cgroup_task_limit_memory and cgroup_task_limit_cpu.  A limit of 0 means
 * none (and no group in that controller).  On failure nothing is left.
 */
int	cgroup_task_create(const struct cgroup_env *env, const char *task_id,
	    double cpus, double memory_mb);
/* The steps of cgroup_task_create, for a caller that treats a failed
 * directory and a failed limit differently.  mkdir removes what it made
 * when it fails; the limit calls leave the groups in place. */
int	cgroup_task_mkdir(const struct cgroup_env *env, const char *task_id,
	    double cpus, double memory_mb);
int	cgroup_task_limit_memory(const struct cgroup_env *env,
	    const char *task_id, double memory_mb);
int	cgroup_task_limit_cpu(const struct cgroup_env *env,
	    const char *task_id, double cpus);

/*
 * Move pid into each of the task's groups that exists.  Only open, write
 * and snprintf on the stack: safe in a child between fork and exec.
 */
int	cgroup_task_join(const struct cgroup_env *env, const char *task_id,
	    pid_t pid);

/* 1 when the kernel OOM-killed a process of the task, else 0. */
int	cgroup_task_oom_killed(const struct cgroup_env *env,
	    const char *task_id);

/* Remove the task's groups (waiting briefly while still busy); a group
 * that does not exist is not an error. */
int	cgroup_task_remove(const struct cgroup_env *env, const char *task_id);

#endif
