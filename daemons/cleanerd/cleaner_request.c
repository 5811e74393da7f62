/*
 * Request cleanups (request_cleanups): PAUSING, DELETING, BOUNCE and
 * INCREMENTAL_BOUNCE.  A cleanup is finished when the request has no
 * active task left; each is handled in its own transaction, so a crash
 * part-way leaves it queued for the next pass.  Killing the tasks of a
 * request that still has some is the task-cleanup pass's work.
 */
#include <errno.h>
#include <string.h>

#include "cleaner.h"
#include "clock.h"
#include "daemon_scan.h"
#include "db_request.h"
#include "db_task.h"
#include "log.h"

/* The request is gone: its history gets DELETED and the rest goes. */
static int
cleaner_request_finish_delete(struct cleaner *c, const struct db_request *r,
    const json_t *cleanup, const char *id)
{
	const char	*user, *message;
	int		 rc;

	user = json_string_value(json_object_get(cleanup, "user"));
	message = json_string_value(json_object_get(cleanup, "message"));
	if ((rc = db_request_history_add(c->d->db, r->request, "DELETED", user,
	    message, clock_now_ms())) < 0)
		return (rc);
	if ((rc = db_request_purge(c->d->db, id)) == 0)
		log_notice("request=%s deleted", id);
	return (rc);
}

/* Give every active task of the request the cleanup of this request
 * cleanup; tasks that have one already keep theirs. */
static int
cleaner_request_clean_tasks(struct cleaner *c, const struct db_request *r,
    const json_t *cleanup, const char *id, const char *type)
{
	const char *task_type = NULL;

	if (strcmp(type, "DELETING") == 0)
		task_type = "REQUEST_DELETING";
	else if (strcmp(type, "PAUSING") == 0)
		/* Long-running tasks always die on pause (3.7 step 4). */
		task_type = json_is_false(json_object_get(cleanup,
		    "killTasks")) && !request_type_is_long_running(
		    request_type_of(r->request)) ? "PAUSING" : "PAUSE";
	if (task_type == NULL)
		return (0);	/* bounces are carried out elsewhere */
	return (db_task_cleanup_request_all(c->d->db, id, NULL, task_type,
	    json_string_value(json_object_get(cleanup, "user")),
	    json_string_value(json_object_get(cleanup, "message")),
	    clock_now_ms(), NULL));
}

/* 1 when the cleanup is done and can be removed, 0 to keep it. */
static int
cleaner_request_step(struct cleaner *c, const struct db_request *r,
    const json_t *cleanup, const char *id, const char *type)
{
	struct db_task_counts	counts;
	int			rc;

	if (strcmp(type, "PAUSING") == 0 && r->state != REQUEST_PAUSED)
		return (1);	/* unpaused before we got to it */
	if (strcmp(type, "BOUNCE") == 0 ||
	    strcmp(type, "INCREMENTAL_BOUNCE") == 0)
		return (cleaner_bounce_step(c, r, cleanup, type));
	if ((rc = db_task_counts(c->d->db, id, &counts)) < 0)
		return (rc);
	if (counts.active > 0)
		return (cleaner_request_clean_tasks(c, r, cleanup, id, type));
	if (strcmp(type, "DELETING") == 0)
		return (cleaner_request_finish_delete(c, r, cleanup, id) < 0 ?
		    -EIO : 2);
	log_info("request=%s cleanup %s done", id, type);
	return (1);
}

static int
cleaner_request_one(void *arg, const json_t *cleanup)
{
	struct cleaner		*c = arg;
	struct db_request	 r = { 0 };
	const char		*id, *type;
	int			 rc, done;

	id = json_string_value(json_object_get(cleanup, "requestId"));
	type = json_string_value(json_object_get(cleanup, "cleanupType"));
	if (id == NULL || type == NULL)
		return (-EINVAL);
	if ((rc = db_begin(c->d->db)) < 0)
		return (rc);
	rc = db_request_get(c->d->db, id, &r);
	if (rc == -ENOENT)
		done = 1;
	else if (rc == 0)
		done = cleaner_request_step(c, &r, cleanup, id, type);
	else
		done = rc;
	/* 2: the purge removed every cleanup of the request already. */
	rc = done == 1 ? db_request_cleanup_remove(c->d->db, id, type) :
	    (done < 0 ? done : 0);
	db_request_clear(&r);
	if (rc < 0 || (rc = db_commit(c->d->db)) < 0) {
		db_rollback(c->d->db);
		json_array_clear(c->kills);
		return (rc);
	}
	cleaner_task_send(c);
	return (0);
}

static const struct daemon_scan cleaner_request_cleanups = {
	.list = "request cleanups", .read = db_request_cleanup_list,
	.each = cleaner_request_one, .doing = "carry out a cleanup of",
	.word = "request", .key = "requestId",
};

void
cleaner_request_scan(struct cleaner *c)
{
	c->ring_pending = 0;
	if (daemon_scan_run(c->d->db, &cleaner_request_cleanups, c) < 0)
		return;
	if (c->ring_pending)
		(void)bus_send(c->d->bus, BUS_REQUEST_PENDING, "*");
}
