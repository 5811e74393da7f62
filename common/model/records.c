/*
 * Queue records shared by apid, schedulerd and cleanerd (see records.h).
 */
#include <sys/random.h>

#include <errno.h>
#include <stdio.h>

#include "records.h"

int
records_set_opt_string(json_t *obj, const char *key, const char *s)
{
	if (s == NULL)
		return (0);
	return (json_object_set_new(obj, key, json_string(s)) == 0 ? 0 :
	    -ENOMEM);
}

json_t *
records_pending_request(const char *request_id, const char *deploy_id,
    const char *pending_type, const char *user, const char *message,
    int64_t now)
{
	json_t *p;

	p = json_pack("{s:s, s:I, s:s, s:[], s:{}, s:{}, s:{}, s:{}, s:{},"
	    " s:[]}",
	    "requestId", request_id,
	    "timestamp", (json_int_t)now,
	    "pendingType", pending_type,
	    "s3UploaderAdditionalFiles",
	    "envOverrides",
	    "requiredAgentAttributeOverrides",
	    "allowedAgentAttributeOverrides",
	    "requiredSlaveAttributeOverrides",
	    "allowedSlaveAttributeOverrides",
	    "extraArtifacts");
	if (p == NULL || records_set_opt_string(p, "deployId", deploy_id) < 0 ||
	    records_set_opt_string(p, "user", user) < 0 ||
	    records_set_opt_string(p, "message", message) < 0) {
		json_decref(p);
		return (NULL);
	}
	return (p);
}

json_t *
records_request_cleanup(const char *request_id, const char *cleanup_type,
    const char *user, const char *message, int64_t now)
{
	json_t *c;

	c = json_pack("{s:s, s:s, s:I}", "requestId", request_id,
	    "cleanupType", cleanup_type, "timestamp", (json_int_t)now);
	if (c == NULL || records_set_opt_string(c, "user", user) < 0 ||
	    records_set_opt_string(c, "message", message) < 0) {
		json_decref(c);
		return (NULL);
	}
	return (c);
}

int
records_uuid(char *buf, size_t len)
{
	unsigned char	b[16];

	if (len < 37)
		return (-ENOSPC);
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return (-EIO);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	(void)snprintf(buf, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
	    b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
	    b[14], b[15]);
	return (0);
}
