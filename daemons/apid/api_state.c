/*
 * GET /state: SingularityState, the counts of every queue and table, read
 * from the store in one snapshot.  The embedded executor has exactly one
 * agent and one rack, the local host, which is always active.
 */
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "clock.h"
#include "db_state.h"
#include "host.h"

static int
api_state_set_int(json_t *obj, const char *key, int64_t v)
{
	return (json_object_set_new(obj, key, json_integer(v)));
}

static json_t *
api_state_host(const struct conf *conf)
{
	char hostname[256];

	host_name(conf, hostname, sizeof(hostname));
	return (json_pack("[{s:s, s:s, s:b, s:I, s:s, s:I, s:s, s:b,"
	    " s:i, s:f, s:f}]",
	    "hostname", hostname,
	    "hostAddress", conf->listen_address,
	    "master", 1,
	    "uptime", (json_int_t)host_uptime_ms(),
	    "driverStatus", "DRIVER_RUNNING",
	    "millisSinceLastOffer", (json_int_t)0,
	    "mesosMaster", "local",
	    "mesosConnected", 1,
	    "offerCacheSize", 0,
	    "availableCachedCpus", 0.0,
	    "availableCachedMemory", 0.0));
}

/* Counts of agents and racks: one live local agent in one rack. */
static void
api_state_machines(json_t *o)
{
	static const char *const one[] = { "activeAgents", "activeSlaves",
	    "activeRacks" };
	static const char *const zero[] = { "deadAgents", "deadSlaves",
	    "decommissioningAgents", "decommissioningSlaves",
	    "decomissioningSlaves", "unknownAgents", "unknownSlaves",
	    "deadRacks", "decommissioningRacks", "decomissioningRacks",
	    "unknownRacks" };
	size_t i;

	for (i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		(void)api_state_set_int(o, one[i], 1);
	for (i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		(void)api_state_set_int(o, zero[i], 0);
}

static json_t *
api_state_json(const struct db_state_counts *c, const struct conf *conf,
    int64_t now)
{
	json_t *o = json_object();

	if (o == NULL)
		return (NULL);
	(void)api_state_set_int(o, "activeTasks", c->active_tasks);
	(void)api_state_set_int(o, "launchingTasks", c->launching_tasks);
	(void)api_state_set_int(o, "activeRequests", c->active_requests);
	(void)api_state_set_int(o, "allRequests", c->all_requests);
	(void)api_state_set_int(o, "cooldownRequests", c->cooldown_requests);
	(void)api_state_set_int(o, "pausedRequests", c->paused_requests);
	(void)api_state_set_int(o, "finishedRequests", c->finished_requests);
	(void)api_state_set_int(o, "scheduledTasks", c->scheduled_tasks);
	(void)api_state_set_int(o, "pendingRequests", c->pending_requests);
	(void)api_state_set_int(o, "cleaningRequests", c->cleaning_requests);
	(void)api_state_set_int(o, "cleaningTasks", c->cleaning_tasks);
	(void)api_state_set_int(o, "lateTasks", c->late_tasks);
	(void)api_state_set_int(o, "futureTasks", c->future_tasks);
	(void)api_state_set_int(o, "maxTaskLag", c->max_task_lag_ms);
	/* No load balancer is configured (spec 0A): nothing to clean. */
	(void)api_state_set_int(o, "lbCleanupTasks", 0);
	(void)api_state_set_int(o, "lbCleanupRequests", 0);
	(void)api_state_set_int(o, "generatedAt", now);
	api_state_machines(o);
	(void)json_object_set_new(o, "hostStates", api_state_host(conf));
	return (o);
}

int
api_state_get(struct api_req *req, struct api_reply *rep)
{
	struct db_state_counts	c;
	int64_t			now = clock_now_ms();
	int			r;

	if ((r = db_state_counts(req->db, now, &c)) < 0)
		return (api_reply_errno(rep, r, "Failed to read state: %s",
		    strerror(-r)));
	return (api_reply_json(rep, 200, api_state_json(&c, req->conf, now)));
}
