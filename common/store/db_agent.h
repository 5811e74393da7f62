/*
 * agents: the machines tasks run on, as schedulerd last saw them
 * (db_agent.c).  The local executor's one host, or a cluster's nodes.
 */
#ifndef KERR_DB_AGENT_H
#define KERR_DB_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "executor.h"

/*
 * In one transaction: every node of nodes as seen at now (new ones from
 * now on), and every agent not among them DEAD (it left the cluster).
 */
int	db_agent_sync(struct db *db, const struct executor_node *nodes,
	    size_t n, int64_t now);

#endif
