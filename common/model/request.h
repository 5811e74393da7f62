/*
 * The SingularityRequest model: request types and states with their string
 * tables, id rules, and the validation and normalisation of a posted
 * request into the JSON object kerr stores and serves back.  Pure logic:
 * no store, no logging.
 */
#ifndef KERR_REQUEST_H
#define KERR_REQUEST_H

#include <stddef.h>

#include <jansson.h>

enum request_type {
	REQUEST_SERVICE,
	REQUEST_WORKER,
	REQUEST_SCHEDULED,
	REQUEST_ON_DEMAND,
	REQUEST_RUN_ONCE,
	REQUEST_TYPE_COUNT
};

enum request_state {
	REQUEST_ACTIVE,
	REQUEST_DELETING,
	REQUEST_DELETED,
	REQUEST_PAUSED,
	REQUEST_SYSTEM_COOLDOWN,
	REQUEST_FINISHED,
	REQUEST_DEPLOYING_TO_UNPAUSE,
	REQUEST_STATE_COUNT
};

/* "SERVICE" ...; NULL for an out-of-range value. */
const char	*request_type_to_str(enum request_type t);
/* 0 and *ret set, or -EINVAL for an unknown spelling. */
int		 request_type_from_str(const char *s, enum request_type *ret);
const char	*request_state_to_str(enum request_state s);
int		 request_state_from_str(const char *s, enum request_state *ret);

/* SERVICE and WORKER. */
int	request_type_is_long_running(enum request_type t);
/* ACTIVE, SYSTEM_COOLDOWN, DEPLOYING_TO_UNPAUSE: tasks may be scheduled. */
int	request_state_is_runnable(enum request_state s);

#define REQUEST_ID_MAX		100	/* maxRequestIdSize */
#define DEPLOY_ID_MAX		50	/* maxDeployIdSize */
#define REQUEST_INSTANCES_MAX	25	/* maxInstancesPerRequest */

/* ^[a-zA-Z0-9_-]+$, at most REQUEST_ID_MAX bytes. */
int	request_id_is_valid(const char *id);
/* ^[a-zA-Z0-9_.]+$, at most DEPLOY_ID_MAX bytes. */
int	deploy_id_is_valid(const char *id);

/*
 * Validate a posted SingularityRequest and build the object kerr stores
 * and serves (Singularity's output form).  `existing` is the stored
 * request of the same id when this is an update, else NULL (it decides
 * which type changes are allowed).  On success returns 0 and *ret is a new
 * reference owned by the caller.  On failure returns -EINVAL and writes a
 * one-line message naming the field at fault into err.
 */
int	request_normalize(const json_t *posted, const json_t *existing,
	    json_t **ret, char *err, size_t errlen);

/* The type of a stored (normalised) request; REQUEST_WORKER if absent. */
enum request_type request_type_of(const json_t *request);
/* `instances` of a stored request, 1 when absent (getInstancesSafe). */
int	request_instances_of(const json_t *request);

#endif
