/*
 * What Slurm says of its jobs, parsed (slurm_queue.c): squeue's list of
 * every job of ours, and scontrol's record of one that ended.  Pure text
 * handling, unit-tested without a cluster.
 */
#ifndef KERR_SLURM_QUEUE_H
#define KERR_SLURM_QUEUE_H

#include <stddef.h>

#include "task_event.h"

/* The squeue format the parser reads: name|id|state|nodes|partition. */
#define SLURM_QUEUE_FORMAT	"%j|%i|%T|%N|%P"

struct slurm_job {
	char		*name;		/* the task id */
	unsigned long	 id;
	char		 state[24];	/* RUNNING, PENDING, COMPLETED... */
	char		 node[TASK_EVENT_HOST_MAX];
	char		 partition[TASK_EVENT_RACK_MAX];
};

struct slurm_queue {
	struct slurm_job	*jobs;		/* sorted by name, then id */
	size_t			 n;
};

/* squeue -h -o SLURM_QUEUE_FORMAT output; malformed lines are skipped.
 * 0 or -ENOMEM. */
int	slurm_queue_parse(const char *out, struct slurm_queue *ret);
void	slurm_queue_clear(struct slurm_queue *q);
/* The newest job named name, or NULL. */
const struct slurm_job *slurm_queue_find(const struct slurm_queue *q,
	    const char *name);
/* 1 for a state of a job that is queued or whose processes run. */
int	slurm_state_is_live(const char *state);

/* The sinfo format slurm_nodes_parse reads: node|state|partition. */
#define SLURM_NODES_FORMAT	"%N|%T|%P"

/*
 * sinfo -h -N -o SLURM_NODES_FORMAT output as machines: one per node (a
 * node in several partitions is listed once, in the first), its Slurm
 * state as a Singularity MachineState (idle, mixed, allocated: ACTIVE;
 * draining: DECOMMISSIONING; drained: DECOMMISSIONED; down, failing, not
 * responding: DEAD).  0 and a malloc'd array, or -ENOMEM.
 */
struct executor_node;
int	slurm_nodes_parse(const char *out, struct executor_node **ret,
	    size_t *ret_n);

/*
 * A terminal event from `scontrol -o show job ID` of a job that ended
 * (its JobState, ExitCode=CODE:SIGNAL and Reason): 1 filled in (state,
 * exit_code, signal, oom, reason, message), 0 the job has not ended,
 * -EINVAL unreadable.
 */
int	slurm_job_outcome(const char *scontrol_out, struct task_event *ret);

#endif
