/*
 * Counts behind GET /state (SingularityState), read in one transaction so
 * they are consistent with each other.
 */
#ifndef KERR_DB_STATE_H
#define KERR_DB_STATE_H

#include <stdint.h>

#include <jansson.h>

#include "db.h"

struct db_state_counts {
	int64_t	active_requests;	/* ACTIVE + DEPLOYING_TO_UNPAUSE */
	int64_t	all_requests;
	int64_t	paused_requests;
	int64_t	cooldown_requests;
	int64_t	finished_requests;
	int64_t	pending_requests;
	int64_t	cleaning_requests;
	int64_t	active_tasks;
	int64_t	launching_tasks;
	int64_t	scheduled_tasks;
	int64_t	late_tasks;		/* pending tasks already due */
	int64_t	future_tasks;		/* pending tasks not yet due */
	int64_t	cleaning_tasks;
	int64_t	max_task_lag_ms;	/* now - oldest due next_run_at */
};

/* now_ms decides which pending tasks are late.  0 or negative errno. */
int	db_state_counts(struct db *db, int64_t now_ms,
	    struct db_state_counts *ret);

/*
 * The rest of SingularityState, as Singularity computes it (spec 2.8):
 * late tasks are pending tasks due more than late_after_ms ago, those of
 * ON_DEMAND requests apart (and only while the request runs fewer than
 * its instances); a long-running or scheduled request that may run is
 * over- or under-provisioned when its active plus pending tasks, less
 * the cleaning ones, are more or fewer than its instances (fewer counts
 * only with a deploy and nothing queued for it).  The JSON members are
 * new references, released by db_state_clear().
 */
struct db_state {
	struct db_state_counts	 c;		/* the counts above */
	int64_t			 late_tasks;	/* not ON_DEMAND */
	int64_t			 on_demand_late_tasks;
	int64_t			 future_tasks;	/* pending, not late */
	int64_t			 max_task_lag_ms; /* of the late ones */
	int64_t			 num_deploys;	/* pending deploys */
	int64_t			 oldest_deploy_ms;
	int64_t			 oldest_deploy_step_ms;
	int64_t			 avg_update_delay_ms; /* last 100 updates */
	int64_t			 last_update_at; /* last update applied */
	int			 has_min_priority;
	double			 min_priority;	/* of the priority freeze */
	int64_t			 deployed;	/* requests with a deploy */
	int			 provisioned;	/* over_ids, under_ids read */
	json_t			*active_deploys; /* [SingularityDeployMarker] */
	json_t			*late_list;	/* [SingularityPendingTaskId] */
	json_t			*on_demand_late_list;
	json_t			*over_ids;	/* [request id] */
	json_t			*under_ids;
	/* Agents and racks (the agents table) by MachineState group:
	 * DB_STATE_MACHINE_*.  A store no agent was written to yet counts
	 * one active agent and rack: this host. */
	int64_t			 agents[4];
	int64_t			 racks[4];
};

#define DB_STATE_MACHINE_ACTIVE		0	/* ACTIVE, FROZEN */
#define DB_STATE_MACHINE_DEAD		1
#define DB_STATE_MACHINE_DECOMMISSIONING 2	/* and DECOMMISSIONED */
#define DB_STATE_MACHINE_UNKNOWN	3

/* The provisioning lists are read when provision_max < 0 or at most
 * provision_max requests have a deploy (each costs a visit). */
int	db_state_read(struct db *db, int64_t now_ms, int64_t late_after_ms,
	    int64_t provision_max, struct db_state *ret);
void	db_state_clear(struct db_state *s);

/* db_usage.c: [{requestId, deployId?, numTasks, cpuReserved,
 * memBytesReserved, diskBytesReserved}] of the requests with active
 * tasks (of request_id alone when it is not NULL), by request id. */
int	db_usage_requests(struct db *db, const char *request_id,
	    json_t **ret);
/* [{taskId, requestId, pgid, runningAt}] of the running tasks (of
 * request_id alone when it is not NULL), by request id. */
int	db_usage_tasks(struct db *db, const char *request_id, json_t **ret);

#endif
