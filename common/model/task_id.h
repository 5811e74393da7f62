/*
 * Singularity task id and pending task id strings (spec 2.1, 2.5):
 * formatting, parsing from the right, and their JSON objects.  Pure
 * logic: no store, no logging.
 */
#ifndef KERR_TASK_ID_H
#define KERR_TASK_ID_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "request.h"

#define TASK_ID_MAX		255	/* a file name on every file system */
#define TASK_ID_PENDING_TYPE_MAX 32	/* longest PendingType name + room */

/* <requestId>-<deployId>-<startedAt>-<instanceNo>-<host>-<rackId> */
struct task_id {
	char	request_id[REQUEST_ID_MAX + 1];
	char	deploy_id[DEPLOY_ID_MAX + 1];
	int64_t	started_at;		/* ms */
	int	instance_no;		/* >= 1 */
	char	host[TASK_ID_MAX + 1];	/* sanitised: no '-' */
	char	rack_id[TASK_ID_MAX + 1];	/* sanitised: no '-' */
};

/* <requestId>-<deployId>-<nextRunAt>-<instanceNo>-<pendingType>-<createdAt> */
struct pending_task_id {
	char	request_id[REQUEST_ID_MAX + 1];
	char	deploy_id[DEPLOY_ID_MAX + 1];
	int64_t	next_run_at;		/* ms */
	int	instance_no;		/* >= 1 */
	char	pending_type[TASK_ID_PENDING_TYPE_MAX];
	int64_t	created_at;		/* ms */
};

/*
 * Write the task id into buf, host and rack id sanitised ('-' -> '_').
 * 0; -EINVAL for an argument that cannot make a valid id (bad request or
 * deploy id, instance_no < 1, started_at < 0, empty host or rack, a
 * character outside [A-Za-z0-9_.-]); -ENAMETOOLONG past TASK_ID_MAX;
 * -ENOBUFS when len is too small.
 */
int	task_id_format(char *buf, size_t len, const char *request_id,
	    const char *deploy_id, int64_t started_at, int instance_no,
	    const char *host, const char *rack_id);
/* Split s from the right into *ret (written only on success); -EINVAL. */
int	task_id_parse(const char *s, struct task_id *ret);
/* Parses, at most TASK_ID_MAX bytes of [A-Za-z0-9_.-]: a safe file name. */
int	task_id_is_valid(const char *s);
/* src with '-' made '_', as a task id holds a host or rack id: 0;
 * -EINVAL empty; -ENAMETOOLONG when it does not fit in len. */
int	task_id_sanitize(char *dst, size_t len, const char *src);
/* SingularityTaskId object, a new reference; NULL on OOM or a bad t. */
json_t	*task_id_json(const struct task_id *t);

/* As task_id_format; pending_type must be a PendingType name. */
int	pending_task_id_format(char *buf, size_t len, const char *request_id,
	    const char *deploy_id, int64_t next_run_at, int instance_no,
	    const char *pending_type, int64_t created_at);
/* Split s from the right into *ret (written only on success); -EINVAL. */
int	pending_task_id_parse(const char *s, struct pending_task_id *ret);
/* SingularityPendingTaskId object, a new reference; NULL on OOM/bad p. */
json_t	*pending_task_id_json(const struct pending_task_id *p);

#endif
