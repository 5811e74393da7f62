/*
 * agents, racks and machine_states (db_machine.c): the machines tasks run
 * on, their MachineState, and its history.  schedulerd records what the
 * executor sees (db_machine_sync); an operator changes a state through
 * the API (decommission, freeze, activate); cleanerd moves a
 * decommissioned machine's tasks off and marks it DECOMMISSIONED.
 */
#ifndef KERR_DB_MACHINE_H
#define KERR_DB_MACHINE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "db.h"
#include "executor.h"

enum db_machine_kind {
	DB_MACHINE_AGENT,
	DB_MACHINE_RACK
};

/*
 * In one transaction: every node as seen at now, new ones from now on;
 * every agent not among them DEAD (it left the cluster); the racks of
 * the agents, ACTIVE while one of their agents is not dead.  A state an
 * operator set stays unless the machine is dead.
 */
int	db_machine_sync(struct db *db, const struct executor_node *nodes,
	    size_t n, int64_t now);

/* [SingularityAgent] or [SingularityRack], of state only unless NULL. */
int	db_machine_list(struct db *db, enum db_machine_kind kind,
	    const char *state, json_t **ret);
/* One of them, or -ENOENT. */
int	db_machine_get(struct db *db, enum db_machine_kind kind,
	    const char *id, json_t **ret);
/* [SingularityMachineStateHistoryUpdate], oldest first; -ENOENT for a
 * machine never seen. */
int	db_machine_history(struct db *db, enum db_machine_kind kind,
	    const char *id, json_t **ret);

/*
 * An operator's action ("decommission", "freeze", "activate") in the
 * caller's transaction; a rack's applies to its agents too.  0, -ENOENT
 * (no such machine), -EALREADY (it is at that state already), -EPERM
 * (the transition is not allowed from its state), -EINVAL (no such
 * action).  *ret_state: the state it is in (for the message).
 */
int	db_machine_change(struct db *db, enum db_machine_kind kind,
	    const char *id, const char *action, const char *user,
	    const char *message, int64_t now, char *ret_state, size_t len);
/* Set a state as the daemons move a decommission on (caller's tx). */
int	db_machine_set_state(struct db *db, enum db_machine_kind kind,
	    const char *id, const char *state, const char *message,
	    int64_t now);
/* The ids of the machines in state: [string]. */
int	db_machine_ids_in_state(struct db *db, enum db_machine_kind kind,
	    const char *state, json_t **ret);

/* Forget a DEAD or DECOMMISSIONED machine: 0, -ENOENT, -EPERM. */
int	db_machine_forget(struct db *db, enum db_machine_kind kind,
	    const char *id);
/* Forget every DEAD one; how many in *ret_n. */
int	db_machine_forget_dead(struct db *db, enum db_machine_kind kind,
	    int *ret_n);

/* The active tasks on agent (its offer's hostname): [{taskId, requestId,
 * deployId, cleaning}]. */
int	db_machine_tasks(struct db *db, const char *agent, json_t **ret);

/* The agents that take no new task (frozen, decommissioning or
 * decommissioned), comma-separated in *ret (malloc'd, "" none). */
int	db_machine_unplaceable(struct db *db, char **ret);

#endif
