/*
 * agents (db_agent.h).
 */
#include <errno.h>

#include "db_agent.h"

static const char SQL_AGENT_UPSERT[] =
	"INSERT INTO agents (agent_id, host, rack_id, state, first_seen,"
	" last_seen) VALUES (?1, ?1, ?2, ?3, ?4, ?4)"
	" ON CONFLICT (agent_id) DO UPDATE SET rack_id = ?2, state = ?3,"
	" last_seen = ?4";
/* Gone from the cluster's list: dead, kept for the history. */
static const char SQL_AGENT_GONE[] =
	"UPDATE agents SET state = 'DEAD' WHERE last_seen < ?1"
	" AND state <> 'DEAD'";

int
db_agent_sync(struct db *db, const struct executor_node *nodes, size_t n,
    int64_t now)
{
	size_t	i;
	int	r;

	if ((r = db_begin(db)) < 0)
		return (r);
	for (i = 0; i < n && r == 0; i++)
		r = db_run(db, SQL_AGENT_UPSERT, NULL, "sssi", nodes[i].name,
		    nodes[i].rack[0] != '\0' ? nodes[i].rack : "DEFAULT",
		    nodes[i].state, now);
	if (r == 0)
		r = db_run(db, SQL_AGENT_GONE, NULL, "i", now);
	return (db_end(db, r));
}
