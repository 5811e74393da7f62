/*
 * Decommissioning (spec 3.18).  An agent an operator decommissioned
 * (STARTING_DECOMMISSION) has every active task on it given a
 * DECOMISSIONING cleanup and its requests a DECOMISSIONED_SLAVE_OR_RACK
 * pending request, in one transaction, so schedulerd starts replacements
 * (on other agents: this one takes no new task) and the agent is
 * DECOMMISSIONING.  A service's old task dies once its request is fully
 * healthy without it (cleaner_task.c); a job runs to its end.  With no
 * task left the agent is DECOMMISSIONED.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cleaner.h"
#include "clock.h"
#include "db_machine.h"
#include "db_task.h"
#include "log.h"
#include "records.h"

static int
cleaner_machines_queue(struct cleaner *c, const char *request_id,
    const char *deploy_id, int64_t now)
{
	json_t	*p;
	int	 existed, rc;

	if ((p = records_pending_request(request_id, deploy_id,
	    "DECOMISSIONED_SLAVE_OR_RACK", NULL, NULL, now)) == NULL)
		return (-ENOMEM);
	rc = db_pending_request_add(c->d->db, p, &existed);
	json_decref(p);
	if (rc == 0)
		c->ring_pending = 1;
	return (rc);
}

/* Its tasks get their cleanup and their requests a pending request. */
static int
cleaner_machines_start(struct cleaner *c, const char *agent)
{
	json_t		*tasks = NULL, *t;
	char		 message[300];
	const char	*id;
	size_t		 i;
	int64_t		 now = clock_now_ms();
	int		 n = 0, rc;

	if ((rc = db_machine_tasks(c->d->db, agent, &tasks)) < 0)
		return (rc);
	(void)snprintf(message, sizeof(message), "Agent %s is decomissioning",
	    agent);
	json_array_foreach(tasks, i, t) {
		id = json_string_value(json_object_get(t, "taskId"));
		if (json_is_true(json_object_get(t, "cleaning")))
			continue;
		if ((rc = db_task_cleanup_request(c->d->db, id,
		    "DECOMISSIONING", NULL, message, now)) < 0 ||
		    (rc = cleaner_machines_queue(c, json_string_value(
		    json_object_get(t, "requestId")), json_string_value(
		    json_object_get(t, "deployId")), now)) < 0)
			break;
		n++;
	}
	json_decref(tasks);
	if (rc == 0)
		rc = db_machine_set_state(c->d->db, DB_MACHINE_AGENT, agent,
		    "DECOMMISSIONING", message, now);
	if (rc == 0)
		log_notice("agent=%s decommissioning: %d tasks to move off",
		    agent, n);
	return (rc);
}

/* Nothing left on it: decommissioned. */
static int
cleaner_machines_finish(struct cleaner *c, const char *agent)
{
	json_t	*tasks = NULL;
	int	 rc;

	if ((rc = db_machine_tasks(c->d->db, agent, &tasks)) < 0)
		return (rc);
	if (json_array_size(tasks) == 0) {
		rc = db_machine_set_state(c->d->db, DB_MACHINE_AGENT, agent,
		    "DECOMMISSIONED", "No task left on it", clock_now_ms());
		if (rc == 0)
			log_notice("agent=%s decommissioned", agent);
	}
	json_decref(tasks);
	return (rc);
}

/* Every agent in state, each step in its own transaction. */
static void
cleaner_machines_each(struct cleaner *c, const char *state,
    int (*step)(struct cleaner *, const char *))
{
	json_t	*ids = NULL, *id;
	size_t	 i;
	int	 rc;

	if (db_machine_ids_in_state(c->d->db, DB_MACHINE_AGENT, state,
	    &ids) < 0)
		return;
	json_array_foreach(ids, i, id) {
		if ((rc = db_begin(c->d->db)) == 0)
			rc = db_end(c->d->db, step(c, json_string_value(id)));
		if (rc < 0)
			log_warnx("Failed to move agent=%s on from %s: %s, "
			    "retrying on the next tick", json_string_value(id),
			    state, strerror(-rc));
	}
	json_decref(ids);
}

void
cleaner_machines_scan(struct cleaner *c)
{
	c->ring_pending = 0;
	cleaner_machines_each(c, "STARTING_DECOMMISSION",
	    cleaner_machines_start);
	cleaner_machines_each(c, "DECOMMISSIONING", cleaner_machines_finish);
	if (c->ring_pending)
		(void)bus_send(c->d->bus, BUS_REQUEST_PENDING, "*");
	c->ring_pending = 0;
}
