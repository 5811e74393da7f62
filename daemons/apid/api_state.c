/*
 * GET /state: SingularityState, computed from the store in one snapshot
 * (db_state_read) as Singularity's StateManager computes it, and the two
 * lists behind its provisioning counts.  The embedded executor has
 * exactly one agent and one rack, the local host, which is always
 * active; apid itself is the one scheduler host of hostStates.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "clock.h"
#include "db_state.h"
#include "host.h"

/* Singularity's deltaAfterWhichTasksAreLateMillis default. */
#define API_STATE_LATE_AFTER_MS	30000

/*
 * The over- and under-provisioned lists cost a visit to every request
 * with a deploy, ~4 us each: 40 ms at 10 000, where the rest of /state
 * takes well under a millisecond.  Past API_STATE_CACHE_FROM such
 * requests, an apid computes them at most once per API_STATE_CACHE_MS and
 * serves them from memory in between, as Singularity serves /state from
 * a snapshot it saves now and then; ?skipCache=true computes them anew.
 * Below it, every call computes them.
 */
#define API_STATE_CACHE_FROM	500
#define API_STATE_CACHE_MS	1000

static struct {
	pthread_mutex_t	 lock;
	int64_t		 at;		/* clock_mono_ms() of the lists */
	json_t		*over, *under;
} api_state_cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void
api_state_set_int(json_t *obj, const char *key, int64_t v)
{
	(void)json_object_set_new(obj, key, json_integer(v));
}

/* SingularityHostState of this apid.  SUBSCRIBED is the Mesos driver
 * state the UI takes for a connected scheduler; kerr's executor is
 * always there, and it caches no offers. */
static json_t *
api_state_host(const struct conf *conf)
{
	char hostname[256];

	host_name(conf, hostname, sizeof(hostname));
	return (json_pack("[{s:s, s:s, s:b, s:I, s:s, s:s, s:b, s:i, s:f,"
	    " s:f}]",
	    "hostname", hostname,
	    "hostAddress", conf->listen_address,
	    "master", 1,
	    "uptime", (json_int_t)host_uptime_ms(),
	    "driverStatus", "SUBSCRIBED",
	    "mesosMaster", "local",
	    "mesosConnected", 1,
	    "offerCacheSize", 0,
	    "availableCachedCpus", 0.0,
	    "availableCachedMemory", 0.0));
}

/* Counts of agents (this host, or a cluster's nodes) and racks, under
 * every spelling Singularity has used, "decomissioning" included (the
 * status page reads decomissioningAgents). */
static void
api_state_machines(json_t *o, const struct db_state *s)
{
	static const struct {
		const char	*key;
		int		 rack;
		int		 group;
	} keys[] = {
		{ "activeAgents", 0, DB_STATE_MACHINE_ACTIVE },
		{ "activeSlaves", 0, DB_STATE_MACHINE_ACTIVE },
		{ "deadAgents", 0, DB_STATE_MACHINE_DEAD },
		{ "deadSlaves", 0, DB_STATE_MACHINE_DEAD },
		{ "decommissioningAgents", 0, DB_STATE_MACHINE_DECOMMISSIONING },
		{ "decomissioningAgents", 0, DB_STATE_MACHINE_DECOMMISSIONING },
		{ "decommissioningSlaves", 0, DB_STATE_MACHINE_DECOMMISSIONING },
		{ "decomissioningSlaves", 0, DB_STATE_MACHINE_DECOMMISSIONING },
		{ "unknownAgents", 0, DB_STATE_MACHINE_UNKNOWN },
		{ "unknownSlaves", 0, DB_STATE_MACHINE_UNKNOWN },
		{ "activeRacks", 1, DB_STATE_MACHINE_ACTIVE },
		{ "deadRacks", 1, DB_STATE_MACHINE_DEAD },
		{ "decommissioningRacks", 1, DB_STATE_MACHINE_DECOMMISSIONING },
		{ "decomissioningRacks", 1, DB_STATE_MACHINE_DECOMMISSIONING },
		{ "unknownRacks", 1, DB_STATE_MACHINE_UNKNOWN },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		api_state_set_int(o, keys[i].key, keys[i].rack ?
		    s->racks[keys[i].group] : s->agents[keys[i].group]);
}

static void
api_state_counts(json_t *o, const struct db_state *s)
{
	const struct db_state_counts *c = &s->c;

	/* Singularity counts launching tasks apart from the active ones. */
	api_state_set_int(o, "activeTasks", c->active_tasks -
	    c->launching_tasks);
	api_state_set_int(o, "launchingTasks", c->launching_tasks);
	api_state_set_int(o, "activeRequests", c->active_requests);
	api_state_set_int(o, "allRequests", c->active_requests +
	    c->cooldown_requests + c->paused_requests);
	api_state_set_int(o, "cooldownRequests", c->cooldown_requests);
	api_state_set_int(o, "pausedRequests", c->paused_requests);
	api_state_set_int(o, "finishedRequests", c->finished_requests);
	api_state_set_int(o, "scheduledTasks", c->scheduled_tasks);
	api_state_set_int(o, "pendingRequests", c->pending_requests);
	api_state_set_int(o, "cleaningRequests", c->cleaning_requests);
	api_state_set_int(o, "cleaningTasks", c->cleaning_tasks);
	api_state_set_int(o, "lateTasks", s->late_tasks);
	api_state_set_int(o, "onDemandLateTasks", s->on_demand_late_tasks);
	api_state_set_int(o, "futureTasks", s->future_tasks);
	api_state_set_int(o, "maxTaskLag", s->max_task_lag_ms);
	api_state_set_int(o, "numDeploys", s->num_deploys);
	api_state_set_int(o, "oldestDeploy", s->oldest_deploy_ms);
	api_state_set_int(o, "oldestDeployStep", s->oldest_deploy_step_ms);
	api_state_set_int(o, "overProvisionedRequests",
	    (int64_t)json_array_size(s->over_ids));
	api_state_set_int(o, "underProvisionedRequests",
	    (int64_t)json_array_size(s->under_ids));
	api_state_set_int(o, "avgStatusUpdateDelayMs", s->avg_update_delay_ms);
	/* Singularity's last word from the Mesos master; kerr's last word
	 * from its executor is the last task update applied. */
	api_state_set_int(o, "lastHeartbeatAt", s->last_update_at);
	/* No load balancer is configured (spec 0A): nothing to clean. */
	api_state_set_int(o, "lbCleanupTasks", 0);
	api_state_set_int(o, "lbCleanupRequests", 0);
}

static json_t *
api_state_json(const struct db_state *s, const struct conf *conf,
    int64_t now, int include_ids)
{
	json_t *o = json_object();

	if (o == NULL)
		return (NULL);
	api_state_counts(o, s);
	(void)json_object_set(o, "activeDeploys", s->active_deploys);
	(void)json_object_set(o, "listLateTasks", s->late_list);
	(void)json_object_set(o, "onDemandListLateTasks",
	    s->on_demand_late_list);
	if (include_ids) {
		(void)json_object_set(o, "overProvisionedRequestIds",
		    s->over_ids);
		(void)json_object_set(o, "underProvisionedRequestIds",
		    s->under_ids);
	}
	if (s->has_min_priority)
		(void)json_object_set_new(o, "minimumPriorityLevel",
		    json_real(s->min_priority));
	/* kerr keeps no auth datastore that could be unreachable. */
	(void)json_object_set_new(o, "authDatastoreHealthy", json_true());
	api_state_set_int(o, "generatedAt", now);
	api_state_machines(o, s);
	(void)json_object_set_new(o, "hostStates", api_state_host(conf));
	return (o);
}

/* Copies of the cached lists into s (0), or -ENOMEM. */
static int
api_state_cache_get(struct db_state *s)
{
	(void)pthread_mutex_lock(&api_state_cache.lock);
	s->over_ids = json_deep_copy(api_state_cache.over);
	s->under_ids = json_deep_copy(api_state_cache.under);
	(void)pthread_mutex_unlock(&api_state_cache.lock);
	return (s->over_ids != NULL && s->under_ids != NULL ? 0 : -ENOMEM);
}

static void
api_state_cache_put(const struct db_state *s, int64_t mono)
{
	json_t *over = json_deep_copy(s->over_ids);
	json_t *under = json_deep_copy(s->under_ids);

	(void)pthread_mutex_lock(&api_state_cache.lock);
	json_decref(api_state_cache.over);
	json_decref(api_state_cache.under);
	api_state_cache.over = over;
	api_state_cache.under = under;
	api_state_cache.at = over != NULL && under != NULL ? mono : 0;
	(void)pthread_mutex_unlock(&api_state_cache.lock);
}

static int
api_state_fresh(int64_t mono)
{
	int64_t at;

	(void)pthread_mutex_lock(&api_state_cache.lock);
	at = api_state_cache.at;
	(void)pthread_mutex_unlock(&api_state_cache.lock);
	return (at != 0 && mono - at < API_STATE_CACHE_MS);
}

static int
api_state_load(struct api_req *req, struct api_reply *rep, int64_t now,
    struct db_state *ret)
{
	int64_t	mono = clock_mono_ms();
	int	cached, r;

	cached = !api_query_bool(req, "skipCache", 0) &&
	    api_state_fresh(mono);
	r = db_state_read(req->db, now, API_STATE_LATE_AFTER_MS, cached ?
	    API_STATE_CACHE_FROM : -1, ret);
	if (r == 0 && !ret->provisioned && (r = api_state_cache_get(ret)) <
	    0)
		db_state_clear(ret);
	else if (r == 0 && ret->deployed > API_STATE_CACHE_FROM)
		api_state_cache_put(ret, mono);
	if (r < 0)
		(void)api_reply_errno(rep, r, "Failed to read state: %s",
		    strerror(-r));
	return (r);
}

int
api_state_get(struct api_req *req, struct api_reply *rep)
{
	struct db_state	s;
	int64_t		now = clock_now_ms();
	int		r;

	if ((r = api_state_load(req, rep, now, &s)) < 0)
		return (r);
	r = api_reply_json(rep, 200, api_state_json(&s, req->conf, now,
	    api_query_bool(req, "includeRequestIds", 0)));
	db_state_clear(&s);
	return (r);
}

/* GET /state/requests/{under,over}-provisioned: the ids alone. */
static int
api_state_provisioned(struct api_req *req, struct api_reply *rep, int over)
{
	struct db_state	s;
	int		r;

	if ((r = api_state_load(req, rep, clock_now_ms(), &s)) < 0)
		return (r);
	r = api_reply_json(rep, 200, json_incref(over ? s.over_ids :
	    s.under_ids));
	db_state_clear(&s);
	return (r);
}

int
api_state_under_provisioned(struct api_req *req, struct api_reply *rep)
{
	return (api_state_provisioned(req, rep, 0));
}

int
api_state_over_provisioned(struct api_req *req, struct api_reply *rep)
{
	return (api_state_provisioned(req, rep, 1));
}
