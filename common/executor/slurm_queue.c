/*
 * Parsing squeue and scontrol (slurm_queue.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "executor.h"
#include "slurm_queue.h"
#include "text.h"

/* Job states whose processes may still run or start (squeue -t all). */
static const char *const slurm_live_states[] = {
	"PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED",
	"REQUEUED",
	"REQUEUE_HOLD", "REQUEUE_FED", "RESIZING", "SIGNALING", "STAGE_OUT",
	"RESV_DEL_HOLD", "STOPPED", NULL
};

int
slurm_state_is_live(const char *state)
{
	size_t i;

	for (i = 0; slurm_live_states[i] != NULL; i++)
		if (strcmp(state, slurm_live_states[i]) == 0)
			return (1);
	return (0);
}

static int
slurm_job_cmp(const void *a, const void *b)
{
	const struct slurm_job	*x = a, *y = b;
	int			 c = strcmp(x->name, y->name);

	if (c != 0)
		return (c);
	return (x->id < y->id ? -1 : x->id > y->id);
}

/* One "name|id|state|nodes|partition" line into j; 0 or -EINVAL. */
static int
slurm_queue_line(const char *line, size_t len, struct slurm_job *j)
{
	const char	*f[5], *end = line + len, *p = line, *bar;
	size_t		 fl[5];
	char		 num[24], *e;
	int		 i;

	for (i = 0; i < 5; i++) {
		bar = i < 4 ? memchr(p, '|', (size_t)(end - p)) : end;
		if (bar == NULL)
			return (-EINVAL);
		f[i] = p;
		fl[i] = (size_t)(bar - p);
		p = bar + 1;
	}
	if (fl[0] == 0 || text_copy(num, sizeof(num), f[1], fl[1]) < 0 ||
	    text_copy(j->state, sizeof(j->state), f[2], fl[2]) < 0)
		return (-EINVAL);
	errno = 0;
	j->id = strtoul(num, &e, 10);
	/* An array job's "123_4" is not one of ours. */
	if (errno != 0 || e == num || *e != '\0')
		return (-EINVAL);
	if (text_copy(j->node, sizeof(j->node), f[3], fl[3]) < 0)
		j->node[0] = '\0';
	if (text_copy(j->partition, sizeof(j->partition), f[4], fl[4]) < 0)
		j->partition[0] = '\0';
	if ((j->name = strndup(f[0], fl[0])) == NULL)
		return (-ENOMEM);
	return (0);
}

int
slurm_queue_parse(const char *out, struct slurm_queue *ret)
{
	struct slurm_job	*jobs = NULL, *more;
	const char		*p = out, *nl;
	size_t			 n = 0, cap = 0, len;
	int			 r;

	ret->jobs = NULL;
	ret->n = 0;
	while (*p != '\0') {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if ((more = realloc(jobs, cap * sizeof(*jobs))) ==
			    NULL) {
				ret->jobs = jobs;
				ret->n = n;
				slurm_queue_clear(ret);
				return (-ENOMEM);
			}
			jobs = more;
		}
		r = slurm_queue_line(p, len, &jobs[n]);
		if (r == 0)
			n++;
		else if (r == -ENOMEM) {
			ret->jobs = jobs;
			ret->n = n;
			slurm_queue_clear(ret);
			return (r);
		}
		p += len + (nl != NULL);
	}
	if (n > 0)
		qsort(jobs, n, sizeof(*jobs), slurm_job_cmp);
	ret->jobs = jobs;
	ret->n = n;
	return (0);
}

void
slurm_queue_clear(struct slurm_queue *q)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		free(q->jobs[i].name);
	free(q->jobs);
	q->jobs = NULL;
	q->n = 0;
}

const struct slurm_job *
slurm_queue_find(const struct slurm_queue *q, const char *name)
{
	size_t	lo = 0, hi = q->n, mid;
	int	c;

	/* The first entry not below name... */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(q->jobs[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == q->n || strcmp(q->jobs[lo].name, name) != 0)
		return (NULL);
	/* ...then the last of its name: the newest job id. */
	while (lo + 1 < q->n && (c = strcmp(q->jobs[lo + 1].name, name)) == 0)
		lo++;
	return (&q->jobs[lo]);
}

/* The value of " KEY=" in scontrol's one-line record, into buf. */
static int
slurm_field(const char *out, const char *key, char *buf, size_t len)
{
	const char	*p = out, *v, *end;
	size_t		 kl = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		if ((p == out || p[-1] == ' ') && p[kl] == '=')
			break;
		p += kl;
	}
	if (p == NULL)
		return (-ENOENT);
	v = p + kl + 1;
	end = v + strcspn(v, " \n");
	return (text_copy(buf, len, v, (size_t)(end - v)));
}

static void
slurm_outcome_set(struct task_event *e, const char *state,
    const char *reason, const char *message)
{
	(void)snprintf(e->state, sizeof(e->state), "%s", state);
	(void)snprintf(e->reason, sizeof(e->reason), "%s", reason);
	(void)snprintf(e->message, sizeof(e->message), "%s", message);
}

int
slurm_job_outcome(const char *out, struct task_event *e)
{
	char	state[32], exit_code[32], msg[TASK_EVENT_MESSAGE_MAX];
	int	code, sig;

	if (slurm_field(out, "JobState", state, sizeof(state)) < 0 ||
	    slurm_field(out, "ExitCode", exit_code, sizeof(exit_code)) < 0 ||
	    sscanf(exit_code, "%d:%d", &code, &sig) != 2)
		return (-EINVAL);
	if (slurm_state_is_live(state) || strcmp(state, "COMPLETING") == 0)
		return (0);
	/* The wrapper exits with its command's status, 128 + a signal's. */
	if (sig == 0 && code > 128 && code < 128 + 65) {
		sig = code - 128;
		code = -1;
	}
	e->exit_code = sig != 0 ? -1 : code;
	e->signal = sig;
	if (strcmp(state, "CANCELLED") == 0)
		slurm_outcome_set(e, "TASK_KILLED", "REASON_TASK_KILLED",
		    "Cancelled in Slurm");
	else if (strcmp(state, "TIMEOUT") == 0 ||
	    strcmp(state, "DEADLINE") == 0)
		slurm_outcome_set(e, "TASK_KILLED",
		    "REASON_EXECUTOR_TERMINATED", "Slurm's time limit");
	else if (strcmp(state, "NODE_FAIL") == 0 ||
	    strcmp(state, "BOOT_FAIL") == 0 ||
	    strcmp(state, "PREEMPTED") == 0) {
		(void)snprintf(msg, sizeof(msg), "Slurm job %s", state);
		slurm_outcome_set(e, "TASK_LOST", "REASON_AGENT_DISCONNECTED",
		    msg);
	} else if (strcmp(state, "OUT_OF_MEMORY") == 0) {
		e->oom = 1;
		slurm_outcome_set(e, "TASK_FAILED",
		    "REASON_CONTAINER_LIMITATION_MEMORY",
		    "Memory limit exceeded (Slurm)");
	} else if (sig != 0) {
		(void)snprintf(msg, sizeof(msg), "Terminated by signal SIG%s",
		    sigabbrev_np(sig) != NULL ? sigabbrev_np(sig) : "?");
		slurm_outcome_set(e, "TASK_FAILED",
		    "REASON_COMMAND_EXECUTOR_FAILED", msg);
	} else if (code == 0)
		slurm_outcome_set(e, "TASK_FINISHED", "", "");
	else {
		(void)snprintf(msg, sizeof(msg), "Exited with status %d", code);
		slurm_outcome_set(e, "TASK_FAILED",
		    "REASON_COMMAND_EXECUTOR_FAILED", msg);
	}
	return (1);
}

/* A Slurm node state (sinfo's %T, "*" when not responding) as a
 * Singularity MachineState. */
static const char *
slurm_node_state(const char *state)
{
	static const char *const active[] = { "idle", "mixed", "allocated",
	    "completing", "planned", "reserved", NULL };
	size_t i, n = strcspn(state, "*+~#!%$@^-");

	if (state[n] == '*')
		return ("DEAD");
	for (i = 0; active[i] != NULL; i++)
		if (strlen(active[i]) == n && strncmp(state, active[i], n) == 0)
			return ("ACTIVE");
	if (strncmp(state, "draining", n) == 0 && n == 8)
		return ("DECOMMISSIONING");
	if (strncmp(state, "drained", n) == 0 && n == 7)
		return ("DECOMMISSIONED");
	return ("DEAD");
}

int
slurm_nodes_parse(const char *out, struct executor_node **ret, size_t *ret_n)
{
	struct executor_node	*nodes = NULL, *more, *nd;
	const char		*p = out, *nl, *f[3];
	size_t			 n = 0, cap = 0, len, fl[3], i;
	char			 state[32];
	int			 k, dup;

	for (; *p != '\0'; p += len + (nl != NULL)) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		f[0] = p;
		for (k = 0; k < 3; k++) {
			const char *bar = k < 2 ? memchr(f[k], '|',
			    (size_t)(p + len - f[k])) : p + len;
			if (bar == NULL)
				break;
			fl[k] = (size_t)(bar - f[k]);
			if (k < 2)
				f[k + 1] = bar + 1;
		}
		if (k < 3 || fl[0] == 0)
			continue;
		for (dup = 0, i = 0; i < n && !dup; i++)
			dup = strlen(nodes[i].name) == fl[0] &&
			    strncmp(nodes[i].name, f[0], fl[0]) == 0;
		if (dup)
			continue;
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((more = realloc(nodes, cap * sizeof(*nodes))) ==
			    NULL) {
				free(nodes);
				return (-ENOMEM);
			}
			nodes = more;
		}
		nd = &nodes[n];
		memset(nd, 0, sizeof(*nd));
		if (text_copy(nd->name, sizeof(nd->name), f[0], fl[0]) < 0 ||
		    text_copy(state, sizeof(state), f[1], fl[1]) < 0)
			continue;
		/* The default partition is marked "batch*". */
		if (fl[2] > 0 && f[2][fl[2] - 1] == '*')
			fl[2]--;
		if (text_copy(nd->rack, sizeof(nd->rack), f[2], fl[2]) < 0)
			nd->rack[0] = '\0';
		(void)snprintf(nd->state, sizeof(nd->state), "%s",
		    slurm_node_state(state));
		n++;
	}
	*ret = nodes;
	*ret_n = n;
	return (0);
}
