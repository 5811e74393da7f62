/*
 * Builders for the queue records several daemons write: a
 * SingularityPendingRequest (with the empty collections Singularity always
 * writes) and a SingularityRequestCleanup.  New references; NULL on OOM.
 */
#ifndef KERR_RECORDS_H
#define KERR_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* deploy_id, user and message may be NULL (then absent). */
json_t	*records_pending_request(const char *request_id,
	    const char *deploy_id, const char *pending_type, const char *user,
	    const char *message, int64_t now);
json_t	*records_request_cleanup(const char *request_id,
	    const char *cleanup_type, const char *user, const char *message,
	    int64_t now);
/* A random RFC 4122 version 4 UUID, as Singularity makes for runId and
 * actionId.  buf must hold 37 bytes.  0 or negative errno. */
int	records_uuid(char *buf, size_t len);
/* Set key to a copy of s when s is not NULL; 0 or -ENOMEM. */
int	records_set_opt_string(json_t *obj, const char *key, const char *s);

#endif
