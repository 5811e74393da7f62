/*
 * Control groups for task limits (see cgroup.h).  Detection prefers the
 * unified (v2) hierarchy when its root lists and delegates the memory and
 * cpu controllers, else the v1 memory and cpu mounts.  Limits:
 *
 *   v1  memory.limit_in_bytes and memory.memsw.limit_in_bytes (equal, so
 *       swap cannot hide an OOM), cpu.cfs_period_us and cpu.cfs_quota_us;
 *   v2  memory.max, memory.swap.max 0, cpu.max "quota period".
 *
 * The kernel's own OOM count in the group (v1 memory.oom_control, v2
 * memory.events) tells a memory kill from any other SIGKILL.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"

#define CGROUP_DIR		"kerr"
#define CGROUP_PERIOD_US	100000
#define CGROUP_QUOTA_MIN_US	1000	/* the kernel's floor */
#define CGROUP_RMDIR_TRIES	200	/* of CGROUP_RMDIR_WAIT_NS: 2 s */
#define CGROUP_RMDIR_WAIT_NS	10000000L
#define CGROUP_READ_MAX		4096

/* "<dir>/<task_id>[/<file>]", or -ENAMETOOLONG / -EINVAL. */
static int
cgroup_path(char *buf, size_t len, const char *dir, const char *task_id,
    const char *file)
{
	int n;

	/* The id becomes one path component. */
	if (task_id[0] == '\0' || task_id[0] == '.' ||
	    strchr(task_id, '/') != NULL)
		return (-EINVAL);
	if (file != NULL)
		n = snprintf(buf, len, "%s/%s/%s", dir, task_id, file);
	else
		n = snprintf(buf, len, "%s/%s", dir, task_id);
	return (n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0);
}

/* Write s to an existing control file: -ENOENT when it is not there. */
static int
cgroup_write(const char *path, const char *s)
{
	size_t	len = strlen(s);
	ssize_t	n;
	int	fd, r = 0;

	if ((fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)) < 0)
		return (-errno);
	while ((n = write(fd, s, len)) < 0 && errno == EINTR)
		;
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	if (close(fd) != 0 && r == 0)
		r = -errno;
	return (r);
}

static int
cgroup_task_write(const char *dir, const char *task_id, const char *file,
    const char *s)
{
	char	path[PATH_MAX];
	int	r;

	if ((r = cgroup_path(path, sizeof(path), dir, task_id, file)) < 0)
		return (r);
	return (cgroup_write(path, s));
}

static int
cgroup_read(const char *path, char *buf, size_t len)
{
	ssize_t	n;
	size_t	off = 0;
	int	fd, r = 0;

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

/* 1 when the word occurs in a space-separated list, else 0. */
static int
cgroup_has_word(const char *list, const char *word)
{
	size_t		 len = strlen(word);
	const char	*p = list;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ' ' || p[-1] == '+') &&
		    (p[len] == '\0' || p[len] == ' ' || p[len] == '\n'))
			return (1);
		p += len;
	}
	return (0);
}

/* The value of a "key N" line of a flat-keyed file: -ENODATA if none. */
static int
cgroup_read_key(const char *path, const char *key, uint64_t *ret)
{
	char	 buf[CGROUP_READ_MAX];
	size_t	 klen = strlen(key);
	char	*line;
	int	 r;

	if ((r = cgroup_read(path, buf, sizeof(buf))) < 0)
		return (r);
	for (line = buf; line != NULL && *line != '\0'; ) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			*ret = strtoull(line + klen + 1, NULL, 10);
			return (0);
		}
		if ((line = strchr(line, '\n')) != NULL)
			line++;
	}
	return (-ENODATA);
}

/* A file holding one number. */
static int
cgroup_read_number(const char *path, uint64_t *ret)
{
	char	buf[64];
	int	r;

	if ((r = cgroup_read(path, buf, sizeof(buf))) < 0)
		return (r);
	*ret = strtoull(buf, NULL, 10);
	return (0);
}

static int
cgroup_set_dir(char *buf, size_t len, const char *base)
{
	int n = snprintf(buf, len, "%s/%s", base, CGROUP_DIR);

	return (n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0);
}

/* v2: the root lists the controller and hands it down to its children. */
static int
cgroup_detect_v2(const char *root, struct cgroup_env *env)
{
	char	path[PATH_MAX], avail[CGROUP_READ_MAX];
	char	enabled[CGROUP_READ_MAX];
	int	n;

	n = snprintf(path, sizeof(path), "%s/cgroup.controllers", root);
	if (n < 0 || (size_t)n >= sizeof(path))
		return (-ENAMETOOLONG);
	if (cgroup_read(path, avail, sizeof(avail)) < 0)
		return (0);
	(void)snprintf(path, sizeof(path), "%s/cgroup.subtree_control", root);
	if (cgroup_read(path, enabled, sizeof(enabled)) < 0)
		return (0);
	env->has_memory = cgroup_has_word(avail, "memory") &&
	    cgroup_has_word(enabled, "memory");
	env->has_cpu = cgroup_has_word(avail, "cpu") &&
	    cgroup_has_word(enabled, "cpu");
	if (!env->has_memory && !env->has_cpu)
		return (0);
	env->mode = CGROUP_V2;
	if (cgroup_set_dir(env->memory, sizeof(env->memory), root) < 0)
		return (-ENAMETOOLONG);
	memcpy(env->cpu, env->memory, sizeof(env->cpu));
	return (0);
}

/* v1: one mount per controller, <root>/memory and <root>/cpu. */
static int
cgroup_detect_v1(const char *root, struct cgroup_env *env)
{
	char	path[PATH_MAX];
	int	n;

	n = snprintf(path, sizeof(path), "%s/memory/memory.limit_in_bytes",
	    root);
	if (n < 0 || (size_t)n >= sizeof(path))
		return (-ENAMETOOLONG);
	env->has_memory = access(path, W_OK) == 0;
	(void)snprintf(path, sizeof(path), "%s/cpu/cpu.cfs_quota_us", root);
	env->has_cpu = access(path, W_OK) == 0;
	if (!env->has_memory && !env->has_cpu)
		return (0);
	env->mode = CGROUP_V1;
	(void)snprintf(path, sizeof(path), "%s/memory", root);
	if (cgroup_set_dir(env->memory, sizeof(env->memory), path) < 0)
		return (-ENAMETOOLONG);
	(void)snprintf(path, sizeof(path), "%s/cpu", root);
	return (cgroup_set_dir(env->cpu, sizeof(env->cpu), path));
}

int
cgroup_detect_root(const char *root, struct cgroup_env *ret)
{
	struct cgroup_env	env;
	int			r;

	memset(&env, 0, sizeof(env));
	env.mode = CGROUP_NONE;
	if ((r = cgroup_detect_v2(root, &env)) < 0)
		return (r);
	if (env.mode == CGROUP_NONE) {
		memset(&env, 0, sizeof(env));
		if ((r = cgroup_detect_v1(root, &env)) < 0)
			return (r);
	}
	if (env.mode == CGROUP_NONE)
		memset(&env, 0, sizeof(env));
	*ret = env;
	return (0);
}

int
cgroup_detect(struct cgroup_env *ret)
{
	const char *root = getenv(CGROUP_ROOT_ENV);

	if (root == NULL || root[0] == '\0')
		root = CGROUP_ROOT_DEFAULT;
	return (cgroup_detect_root(root, ret));
}

static int
cgroup_mkdir(const char *path)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return (-errno);
	return (0);
}

/* v2: children of kerr/ only get the controllers kerr/ hands down. */
static int
cgroup_enable_v2(const struct cgroup_env *env, int memory, int cpu)
{
	char	path[PATH_MAX];
	int	n, r = 0;

	n = snprintf(path, sizeof(path), "%s/cgroup.subtree_control",
	    env->memory);
	if (n < 0 || (size_t)n >= sizeof(path))
		return (-ENAMETOOLONG);
	if (memory)
		r = cgroup_write(path, "+memory");
	if (r == 0 && cpu)
		r = cgroup_write(path, "+cpu");
	return (r);
}

/* Make <dir>/kerr and <dir>/kerr/<task_id>. */
static int
cgroup_task_mkdir_one(const char *dir, const char *task_id)
{
	char	path[PATH_MAX];
	int	r;

	if ((r = cgroup_path(path, sizeof(path), dir, task_id, NULL)) < 0)
		return (r);
	if ((r = cgroup_mkdir(dir)) < 0)
		return (r);
	return (cgroup_mkdir(path));
}

int
cgroup_task_mkdir(const struct cgroup_env *env, const char *task_id,
    double cpus, double memory_mb)
{
	int	memory = env->has_memory && memory_mb > 0;
	int	cpu = env->has_cpu && cpus > 0;
	int	r = 0;

	if (env->mode == CGROUP_NONE || (!memory && !cpu))
		return (0);
	if (env->mode == CGROUP_V2) {
		if ((r = cgroup_mkdir(env->memory)) == 0 &&
		    (r = cgroup_enable_v2(env, memory, cpu)) == 0)
			r = cgroup_task_mkdir_one(env->memory, task_id);
	} else {
		if (memory)
			r = cgroup_task_mkdir_one(env->memory, task_id);
		if (r == 0 && cpu)
			r = cgroup_task_mkdir_one(env->cpu, task_id);
	}
	if (r < 0)
		(void)cgroup_task_remove(env, task_id);
	return (r);
}

int
cgroup_task_limit_memory(const struct cgroup_env *env, const char *task_id,
    double memory_mb)
{
	char		value[32];
	uint64_t	bytes;
	int		r;

	if (env->mode == CGROUP_NONE || !env->has_memory || memory_mb <= 0)
		return (0);
	bytes = (uint64_t)(memory_mb * 1024.0 * 1024.0);
	(void)snprintf(value, sizeof(value), "%" PRIu64, bytes);
	if (env->mode == CGROUP_V2) {
		if ((r = cgroup_task_write(env->memory, task_id, "memory.max",
		    value)) < 0)
			return (r);
		/* No swap, so the limit is hit and reported, not hidden. */
		r = cgroup_task_write(env->memory, task_id,
		    "memory.swap.max", "0");
	} else {
		/* memsw may never be below the plain limit: plain first. */
		if ((r = cgroup_task_write(env->memory, task_id,
		    "memory.limit_in_bytes", value)) < 0)
			return (r);
		r = cgroup_task_write(env->memory, task_id,
		    "memory.memsw.limit_in_bytes", value);
	}
	/* A kernel without swap accounting has no such file. */
	return (r == -ENOENT ? 0 : r);
}

int
cgroup_task_limit_cpu(const struct cgroup_env *env, const char *task_id,
    double cpus)
{
	char		value[64];
	long long	quota;
	int		r;

	if (env->mode == CGROUP_NONE || !env->has_cpu || cpus <= 0)
		return (0);
	quota = (long long)(cpus * CGROUP_PERIOD_US + 0.5);
	if (quota < CGROUP_QUOTA_MIN_US)
		quota = CGROUP_QUOTA_MIN_US;
	if (env->mode == CGROUP_V2) {
		(void)snprintf(value, sizeof(value), "%lld %d", quota,
		    CGROUP_PERIOD_US);
		return (cgroup_task_write(env->cpu, task_id, "cpu.max",
		    value));
	}
	(void)snprintf(value, sizeof(value), "%d", CGROUP_PERIOD_US);
	if ((r = cgroup_task_write(env->cpu, task_id, "cpu.cfs_period_us",
	    value)) < 0)
		return (r);
	(void)snprintf(value, sizeof(value), "%lld", quota);
	return (cgroup_task_write(env->cpu, task_id, "cpu.cfs_quota_us",
	    value));
}

int
cgroup_task_create(const struct cgroup_env *env, const char *task_id,
    double cpus, double memory_mb)
{
	int r;

	if ((r = cgroup_task_mkdir(env, task_id, cpus, memory_mb)) < 0)
		return (r);
	if ((r = cgroup_task_limit_memory(env, task_id, memory_mb)) < 0 ||
	    (r = cgroup_task_limit_cpu(env, task_id, cpus)) < 0)
		(void)cgroup_task_remove(env, task_id);
	return (r);
}

/* The distinct task directories: one with v2, up to two with v1. */
static int
cgroup_task_dirs(const struct cgroup_env *env, const char **dirs)
{
	int n = 0;

	if (env->mode == CGROUP_NONE)
		return (0);
	if (env->has_memory)
		dirs[n++] = env->memory;
	if (env->has_cpu && (n == 0 || strcmp(env->cpu, env->memory) != 0))
		dirs[n++] = env->cpu;
	return (n);
}

int
cgroup_task_join(const struct cgroup_env *env, const char *task_id,
    pid_t pid)
{
	const char	*dirs[2];
	char		 value[32];
	int		 i, n, r;

	n = cgroup_task_dirs(env, dirs);
	(void)snprintf(value, sizeof(value), "%d", (int)pid);
	for (i = 0; i < n; i++) {
		r = cgroup_task_write(dirs[i], task_id, "cgroup.procs", value);
		/* No group in this controller: the task has no such limit. */
		if (r < 0 && r != -ENOENT)
			return (r);
	}
	return (0);
}

int
cgroup_task_oom_killed(const struct cgroup_env *env, const char *task_id)
{
	char		path[PATH_MAX];
	uint64_t	n = 0;
	int		r;

	if (env->mode == CGROUP_NONE || !env->has_memory)
		return (0);
	if (env->mode == CGROUP_V2) {
		if ((r = cgroup_path(path, sizeof(path), env->memory, task_id,
		    "memory.events")) < 0)
			return (r);
		r = cgroup_read_key(path, "oom_kill", &n);
	} else {
		if ((r = cgroup_path(path, sizeof(path), env->memory, task_id,
		    "memory.oom_control")) < 0)
			return (r);
		r = cgroup_read_key(path, "oom_kill", &n);
		/* Before Linux 4.13: the limit was hit, the best we know. */
		if (r == -ENODATA && (r = cgroup_path(path, sizeof(path),
		    env->memory, task_id, "memory.failcnt")) == 0)
			r = cgroup_read_number(path, &n);
	}
	/* No group: the task ran without a memory limit. */
	if (r == -ENOENT)
		return (0);
	if (r < 0)
		return (r);
	return (n > 0);
}

static int
cgroup_rmdir(const char *path)
{
	struct timespec	ts = { 0, CGROUP_RMDIR_WAIT_NS };
	int		i;

	/* The last processes may still be on their way out. */
	for (i = 0; i < CGROUP_RMDIR_TRIES; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return (0);
		if (errno != EBUSY)
			return (-errno);
		(void)nanosleep(&ts, NULL);
	}
	return (-EBUSY);
}

int
cgroup_task_remove(const struct cgroup_env *env, const char *task_id)
{
	const char	*dirs[2];
	char		 path[PATH_MAX];
	int		 i, n, r, first = 0;

	n = cgroup_task_dirs(env, dirs);
	for (i = 0; i < n; i++) {
		if ((r = cgroup_path(path, sizeof(path), dirs[i], task_id,
		    NULL)) == 0)
			r = cgroup_rmdir(path);
		if (r < 0 && first == 0)
			first = r;
	}
	return (first);
}
