/*
 * The Slurm executor (executor.h): each task is one Slurm job, named
 * after the task id, whose batch script execs kerr-supervisor in its
 * cluster-node mode (-N) on whatever node Slurm picks.  The wrapper makes
 * the sandbox its working directory (on a directory every node shares),
 * picks the task's ports on the node, runs the command and reports task
 * events over the authenticated network channel (event_channel.h),
 * appending them to the shared sandbox first, as on this host.
 *
 * launch: sbatch per task, the claim on the sandbox held (by sbatch
 *   itself) until Slurm has the job, so a restarted scheduler resuming
 *   the launch finds the job instead of submitting it twice.
 * kill: scancel --batch --signal=TERM to the wrapper, which passes it on;
 *   SIGKILL goes to every process of the job (scancel --full), and the
 *   end is then read back from Slurm (outcome).  A job still queued is
 *   cancelled.
 * sync/probe: one squeue of every job per reconciliation round.
 * outcome: scontrol's JobState and ExitCode, when the wrapper could not
 *   report (it exits with its command's status for this).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "executor.h"
#include "executor_local.h"
#include "event_channel.h"
#include "executor_sandbox.h"
#include "executor_slurm.h"
#include "slurm_cmd.h"
#include "slurm_queue.h"

#define SLURM_SCRIPT		"job.sh"
#define SLURM_JOB_FILE		"slurm-job"
#define SLURM_OUTPUT		"slurm.out"
#define SLURM_ARGV_OWN		34
#define SLURM_NUM_MAX		32

static struct {
	char			 wrapper[PATH_MAX];
	char			 fetcher[PATH_MAX];	/* beside it */
	char			 events[CONF_STR_MAX + 8];	/* udp:... */
	char			 key_file[CONF_STR_MAX];
	char			 partitions[CONF_STR_MAX];
	char			 ports[64];	/* MIN-MAX */
	char			**envp;		/* ours + SLURM_CONF */
	pthread_mutex_t		 lock;
	struct slurm_queue	 queue;		/* the last sync */
	int			 synced;	/* queue is this round's */
} slurm = { .lock = PTHREAD_MUTEX_INITIALIZER };

extern char **environ;

/* Our environment with SLURM_CONF set as the config says. */
static int
executor_slurm_env(const char *slurm_conf)
{
	size_t	n, i, j = 0;

	for (n = 0; environ[n] != NULL; n++)
		;
	if ((slurm.envp = calloc(n + 2, sizeof(char *))) == NULL)
		return (-ENOMEM);
	for (i = 0; i < n; i++) {
		if (slurm_conf[0] != '\0' &&
		    strncmp(environ[i], "SLURM_CONF=", 11) == 0)
			continue;
		if ((slurm.envp[j++] = strdup(environ[i])) == NULL)
			return (-ENOMEM);
	}
	if (slurm_conf[0] != '\0' && asprintf(&slurm.envp[j++],
	    "SLURM_CONF=%s", slurm_conf) < 0) {
		slurm.envp[j - 1] = NULL;
		return (-ENOMEM);
	}
	return (0);
}

static void
executor_slurm_close(void)
{
	if (slurm.envp != NULL)
		executor_argv_free(slurm.envp);
	slurm.envp = NULL;
	slurm_queue_clear(&slurm.queue);
}

static int
executor_slurm_open(const struct conf *c)
{
	const char	*addr = c->slurm_events_address[0] != '\0' ?
			    c->slurm_events_address : c->slurm_events_listen;
	int		 r;

	if (c->slurm_wrapper[0] != '\0')
		(void)snprintf(slurm.wrapper, sizeof(slurm.wrapper), "%s",
		    c->slurm_wrapper);
	else if ((r = executor_supervisor_path(slurm.wrapper,
	    sizeof(slurm.wrapper))) < 0)
		return (r);
	/* kerr-fetch is installed beside the wrapper, on every node. */
	(void)snprintf(slurm.fetcher, sizeof(slurm.fetcher), "%.*s/%s",
	    (int)(strrchr(slurm.wrapper, '/') != NULL ?
	    strrchr(slurm.wrapper, '/') - slurm.wrapper : 1),
	    strrchr(slurm.wrapper, '/') != NULL ? slurm.wrapper : ".",
	    EXECUTOR_LOCAL_FETCH);
	(void)snprintf(slurm.events, sizeof(slurm.events), "%s%s",
	    EVENT_CHANNEL_UDP, addr);
	(void)snprintf(slurm.key_file, sizeof(slurm.key_file), "%s",
	    c->slurm_key_file);
	(void)snprintf(slurm.partitions, sizeof(slurm.partitions), "%s",
	    c->slurm_partitions);
	(void)snprintf(slurm.ports, sizeof(slurm.ports), "%d-%d",
	    c->port_range_min, c->port_range_max);
	if ((r = executor_slurm_env(c->slurm_conf)) < 0) {
		executor_slurm_close();
		return (r);
	}
	return (0);
}

int
executor_slurm_partition(const char *map, const char *rack, char *buf,
    size_t len)
{
	const char	*p = map, *eq, *end;
	size_t		 rl;

	buf[0] = '\0';
	if (rack == NULL || rack[0] == '\0')
		return (0);
	rl = strlen(rack);
	while (*p != '\0') {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL && (size_t)(eq - p) == rl &&
		    memcmp(p, rack, rl) == 0) {
			if ((size_t)(end - eq - 1) >= len)
				return (-ENAMETOOLONG);
			memcpy(buf, eq + 1, (size_t)(end - eq - 1));
			buf[end - eq - 1] = '\0';
			return (buf[0] != '\0');
		}
		p = *end == ',' ? end + 1 : end;
	}
	return (0);
}

/* s in single quotes for sh, each ' as '\''. */
static int
executor_slurm_quote(FILE *fp, const char *s)
{
	if (fputc('\'', fp) == EOF)
		return (-EIO);
	for (; *s != '\0'; s++)
		if ((*s == '\'' ? fputs("'\\''", fp) : fputc(*s, fp)) == EOF)
			return (-EIO);
	return (fputc('\'', fp) == EOF ? -EIO : 0);
}

static int
executor_slurm_quote_all(FILE *fp, char *const *v)
{
	int r;

	for (; v != NULL && *v != NULL; v++)
		if ((r = executor_slurm_quote(fp, *v)) < 0 ||
		    fputc(' ', fp) == EOF)
			return (r < 0 ? r : -EIO);
	return (0);
}

/*
 * The wrapper's options: -t -s -e -k [-u] [-v], then -N with the
 * partition Slurm ran the job in (expanded by the batch shell) and -p.
 */
static int
executor_slurm_wrapper_argv(const struct executor_launch *l, char ***ret)
{
	char	  level[SLURM_NUM_MAX], ports[SLURM_NUM_MAX + 64];
	char	**argv;
	size_t	  n = 0;
	int	  r;

	if ((argv = calloc(SLURM_ARGV_OWN, sizeof(*argv))) == NULL)
		return (-ENOMEM);
	(void)snprintf(level, sizeof(level), "%d", l->log_level);
	(void)snprintf(ports, sizeof(ports), "%d:%s", l->nports, slurm.ports);
	if ((r = executor_argv_add(argv, &n, slurm.wrapper)) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-t", l->task_id)) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-s", l->sandbox_dir)) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-e", slurm.events)) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-k", slurm.key_file)) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-u", l->user)) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-v",
	    l->log_level > 0 ? level : NULL)) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-p",
	    l->nports > 0 ? ports : NULL)) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-X",
	    l->artifacts != NULL ? slurm.fetcher : NULL)) < 0 ||
	    (r = executor_argv_opt(argv, &n, "-F",
	    l->artifacts != NULL ? l->artifact_names : NULL)) < 0 ||
	    (r = executor_output_argv(l, argv, &n)) < 0) {
		executor_argv_free(argv);
		return (r);
	}
	*ret = argv;
	return (0);
}

/*
 * The batch script: the wrapper with exactly the task's environment
 * (env -i), every word single-quoted.  sbatch keeps a copy of it, so
 * the nodes need not read this file.
 */
static int
executor_slurm_script(const struct executor_launch *l, const char *path)
{
	char	**wargv = NULL;
	FILE	 *fp;
	int	  fd, r;

	if ((r = executor_slurm_wrapper_argv(l, &wargv)) < 0)
		return (r);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0700);
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL) {
		r = -errno;
		if (fd >= 0)
			(void)close(fd);
		executor_argv_free(wargv);
		return (r);
	}
	if (fprintf(fp, "#!/bin/sh\n# kerr task %s, submitted by "
	    "kerr-schedulerd\nexec /usr/bin/env -i ", l->task_id) < 0)
		r = -EIO;
	if (r == 0)
		r = executor_slurm_quote_all(fp, l->envp);
	if (r == 0)
		r = executor_slurm_quote_all(fp, wargv);
	if (r == 0 && fputs("-N \"${SLURM_JOB_PARTITION:-DEFAULT}\" "
	    "-H \"${SLURMD_NODENAME:-}\" -- ", fp) == EOF)
		r = -EIO;
	if (r == 0)
		r = executor_slurm_quote_all(fp, l->argv);
	if (r == 0 && fputc('\n', fp) == EOF)
		r = -EIO;
	if (fclose(fp) != 0 && r == 0)
		r = -errno;
	executor_argv_free(wargv);
	return (r);
}

static int
executor_slurm_path(char *buf, size_t len, const char *sandbox,
    const char *name)
{
	int n = snprintf(buf, len, "%s/%s/%s", sandbox, EXECUTOR_LOCAL_DIR,
	    name);

	return (n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0);
}

/*
 * A launch that ran before (its script is there): 1 when Slurm has the
 * job, or its wrapper reported (the job may be gone from squeue by
 * now), 0 when it must be submitted (again).
 */
static int
executor_slurm_submitted(const struct executor_launch *l)
{
	char	 path[PATH_MAX], *out = NULL;
	char	*argv[] = { "squeue", "--noheader", "--me", "--states=all",
		    "--format=%i", NULL, NULL };
	char	 name[TASK_EVENT_ID_MAX + 16];
	int	 r;

	if (executor_slurm_path(path, sizeof(path), l->sandbox_dir,
	    SLURM_SCRIPT) < 0 || access(path, F_OK) != 0)
		return (0);
	(void)snprintf(name, sizeof(name), "--name=%s", l->task_id);
	argv[5] = name;
	if ((r = slurm_cmd_run(argv, slurm.envp, -1, &out, NULL, 0)) != 0) {
		free(out);
		return (r < 0 ? r : -EAGAIN);
	}
	r = out[strspn(out, " \n")] != '\0';
	free(out);
	if (r == 0 && executor_slurm_path(path, sizeof(path), l->sandbox_dir,
	    TASK_EVENT_FILE) == 0 && access(path, F_OK) == 0)
		r = 1;
	return (r);
}

/* The job id sbatch printed, kept for kill and outcome. */
static void
executor_slurm_save_id(const struct executor_launch *l, const char *out)
{
	char	path[PATH_MAX];
	FILE	*fp;
	int	fd;

	if (executor_slurm_path(path, sizeof(path), l->sandbox_dir,
	    SLURM_JOB_FILE) < 0)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			(void)close(fd);
		return;
	}
	(void)fprintf(fp, "%lu\n", strtoul(out, NULL, 10));
	(void)fclose(fp);
}

/* Slurm counts whole CPUs and megabytes: a fraction asks for one more. */
static long long
executor_slurm_ceil(double v)
{
	long long whole = (long long)v;

	return ((double)whole < v ? whole + 1 : whole);
}

static int
executor_slurm_sbatch(const struct executor_launch *l, int claim)
{
	char	script[PATH_MAX], output[PATH_MAX + 16];
	char	name[TASK_EVENT_ID_MAX + 16], chdir_opt[PATH_MAX + 16];
	char	cpus[SLURM_NUM_MAX], mem[SLURM_NUM_MAX], time_opt[SLURM_NUM_MAX];
	char	part[CONF_STR_MAX + 16], pname[CONF_STR_MAX];
	char	err[256], *out = NULL, *exclude = NULL;
	char	*argv[16];
	size_t	n = 0;
	int	r;

	if ((r = executor_slurm_path(script, sizeof(script), l->sandbox_dir,
	    SLURM_SCRIPT)) < 0 ||
	    (r = executor_slurm_script(l, script)) < 0)
		return (r);
	(void)snprintf(name, sizeof(name), "--job-name=%s", l->task_id);
	(void)snprintf(chdir_opt, sizeof(chdir_opt), "--chdir=%s",
	    l->sandbox_dir);
	(void)snprintf(output, sizeof(output), "--output=%s/%s/%s",
	    l->sandbox_dir, EXECUTOR_LOCAL_DIR, SLURM_OUTPUT);
	argv[n++] = "sbatch";
	argv[n++] = "--parsable";
	argv[n++] = name;
	argv[n++] = chdir_opt;
	argv[n++] = output;
	if (l->cpus > 0) {
		(void)snprintf(cpus, sizeof(cpus), "--cpus-per-task=%lld",
		    executor_slurm_ceil(l->cpus));
		argv[n++] = cpus;
	}
	if (l->memory_mb > 0) {
		(void)snprintf(mem, sizeof(mem), "--mem=%lldM",
		    executor_slurm_ceil(l->memory_mb));
		argv[n++] = mem;
	}
	/* Slurm counts whole minutes; kerr's own limit, a minute sooner,
	 * ends the task with its proper state first. */
	if (l->time_limit_ms > 0) {
		(void)snprintf(time_opt, sizeof(time_opt), "--time=%lld",
		    (long long)((l->time_limit_ms + 59999) / 60000 + 1));
		argv[n++] = time_opt;
	}
	if ((r = executor_slurm_partition(slurm.partitions, l->rack, pname,
	    sizeof(pname))) < 0)
		return (r);
	if (r == 1) {
		(void)snprintf(part, sizeof(part), "--partition=%s", pname);
		argv[n++] = part;
	}
	/* Frozen or decommissioned agents take no new task. */
	if (l->exclude != NULL && l->exclude[0] != '\0') {
		if (asprintf(&exclude, "--exclude=%s", l->exclude) < 0)
			return (-ENOMEM);
		argv[n++] = exclude;
	}
	argv[n++] = script;
	argv[n] = NULL;
	/* sbatch holds the claim until slurmctld has the job. */
	r = slurm_cmd_run(argv, slurm.envp, claim, &out, err, sizeof(err));
	if (r == 0)
		executor_slurm_save_id(l, out);
	else if (r > 0) {
		/* Slurm's own words, for the task's failure message. */
		r = -ENOEXEC;
		if (l->error != NULL && l->error_len > 0)
			(void)snprintf(l->error, l->error_len, "%s",
			    err[0] != '\0' ? err : "sbatch failed");
	}
	free(out);
	free(exclude);
	return (r);
}

static int
executor_slurm_launch_one(const struct executor_launch *l)
{
	int claim, r;

	if (l->task_id == NULL || l->task_id[0] == '\0' ||
	    strpbrk(l->task_id, " \t\r\n|") != NULL ||
	    l->sandbox_dir == NULL || l->sandbox_dir[0] != '/' ||
	    l->argv == NULL || l->argv[0] == NULL || l->nports < 0)
		return (-EINVAL);
	if ((claim = executor_sandbox_make(l)) < 0)
		return (claim);
	if ((r = executor_slurm_submitted(l)) == 1)
		r = -EALREADY;
	else if (r == 0 && (r = executor_sandbox_artifacts(l)) == 0)
		r = executor_slurm_sbatch(l, claim);
	(void)close(claim);
	return (r);
}

static void
executor_slurm_launch(const struct executor_launch *l, size_t n, int *ret)
{
	size_t i;

	for (i = 0; i < n; i++)
		ret[i] = slurm.envp == NULL ? -ENXIO :
		    executor_slurm_launch_one(&l[i]);
}

/* scancel --quiet --name=TASK with opts; 0 or negative errno. */
static int
executor_slurm_scancel(const char *task_id, const char *const *opts)
{
	char	 name[TASK_EVENT_ID_MAX + 16], err[256];
	char	*argv[12];
	size_t	 n = 0;
	int	 r;

	(void)snprintf(name, sizeof(name), "--name=%s", task_id);
	argv[n++] = "scancel";
	argv[n++] = "--quiet";
	argv[n++] = "--me";
	argv[n++] = name;
	for (; *opts != NULL && n < sizeof(argv) / sizeof(argv[0]) - 1;
	    opts++)
		argv[n++] = (char *)(uintptr_t)*opts;
	argv[n] = NULL;
	if ((r = slurm_cmd_run(argv, slurm.envp, -1, NULL, err,
	    sizeof(err))) > 0)
		r = -EIO;
	return (r);
}

static int
executor_slurm_kill(const char *task_id, const struct executor_handle *h,
    int sig)
{
	static const char *const pending[] = { "--state=PENDING", NULL };
	static const char *const term[] = { "--state=RUNNING", "--batch",
		"--signal=TERM", NULL };
	static const char *const kill9[] = { "--state=RUNNING", "--full",
		"--signal=KILL", NULL };
	int r;

	(void)h;
	if (slurm.envp == NULL)
		return (-ENXIO);
	/* Queued: it never ran, it is simply taken off the queue. */
	if ((r = executor_slurm_scancel(task_id, pending)) < 0)
		return (r);
	return (executor_slurm_scancel(task_id, sig == SIGKILL ? kill9 :
	    term));
}

static int
executor_slurm_sync(void)
{
	char	*argv[] = { "squeue", "--noheader", "--me", "--states=all",
		    "--format=" SLURM_QUEUE_FORMAT, NULL };
	struct slurm_queue	 q;
	char			 err[256], *out = NULL;
	int			 r;

	if (slurm.envp == NULL)
		return (-ENXIO);
	r = slurm_cmd_run(argv, slurm.envp, -1, &out, err, sizeof(err));
	if (r == 0)
		r = slurm_queue_parse(out, &q);
	else if (r > 0) {
		(void)fprintf(stderr, "kerr: squeue failed: %s\n", err);
		r = -EIO;
	}
	free(out);
	if (pthread_mutex_lock(&slurm.lock) != 0) {
		if (r == 0)
			slurm_queue_clear(&q);
		return (-EDEADLK);
	}
	slurm_queue_clear(&slurm.queue);
	slurm.synced = r == 0;
	if (r == 0)
		slurm.queue = q;
	(void)pthread_mutex_unlock(&slurm.lock);
	return (r);
}

static int
executor_slurm_probe(const char *task_id, const struct executor_handle *h)
{
	const struct slurm_job	*j;
	int			 alive;

	(void)h;
	if (pthread_mutex_lock(&slurm.lock) != 0)
		return (1);
	/* Unsure (squeue failed) is not dead: never lose a task. */
	if (!slurm.synced)
		alive = 1;
	else
		alive = (j = slurm_queue_find(&slurm.queue, task_id)) !=
		    NULL && slurm_state_is_live(j->state);
	(void)pthread_mutex_unlock(&slurm.lock);
	return (alive);
}

static int
executor_slurm_outcome(const char *sandbox_dir, const char *task_id,
    struct task_event *ret)
{
	char	 path[PATH_MAX], id[32], *out = NULL;
	char	*argv[] = { "scontrol", "--oneliner", "show", "job", id, NULL };
	FILE	*fp;
	int	 r;

	if (slurm.envp == NULL)
		return (-ENXIO);
	if ((r = executor_slurm_path(path, sizeof(path), sandbox_dir,
	    SLURM_JOB_FILE)) < 0)
		return (r);
	if ((fp = fopen(path, "re")) == NULL)
		return (errno == ENOENT ? 0 : -errno);
	r = fgets(id, sizeof(id), fp) != NULL;
	(void)fclose(fp);
	id[strcspn(id, "\n")] = '\0';
	if (!r || id[0] == '\0')
		return (0);
	/* Slurm forgets a job MinJobAge after its end: then unknown. */
	if ((r = slurm_cmd_run(argv, slurm.envp, -1, &out, NULL, 0)) != 0) {
		free(out);
		return (r < 0 ? r : 0);
	}
	task_event_init(ret, task_id);
	r = slurm_job_outcome(out, ret);
	free(out);
	return (r < 0 ? 0 : r);
}

static int
executor_slurm_nodes(struct executor_node **ret, size_t *ret_n)
{
	char	*argv[] = { "sinfo", "--noheader", "--Node",
		    "--format=" SLURM_NODES_FORMAT, NULL };
	char	 err[256], *out = NULL;
	int	 r;

	if (slurm.envp == NULL)
		return (-ENXIO);
	r = slurm_cmd_run(argv, slurm.envp, -1, &out, err, sizeof(err));
	if (r == 0)
		r = slurm_nodes_parse(out, ret, ret_n);
	else if (r > 0) {
		(void)fprintf(stderr, "kerr: sinfo failed: %s\n", err);
		r = -EIO;
	}
	free(out);
	return (r);
}

const struct executor_ops executor_slurm = {
	.name = "slurm",
	.flags = EXECUTOR_REMOTE,
	.open = executor_slurm_open,
	.close = executor_slurm_close,
	.launch = executor_slurm_launch,
	.kill = executor_slurm_kill,
	.sync = executor_slurm_sync,
	.probe = executor_slurm_probe,
	.outcome = executor_slurm_outcome,
	.nodes = executor_slurm_nodes,
	.replay = executor_sandbox_replay,
};
