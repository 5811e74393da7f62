/*
 * The frame every request action runs in (api_request_action.c): load the
 * request inside a write transaction, run the action, reply with the
 * request parent (or act->reply), ring the bus after commit.  Shared with
 * api_request_run.c (run-now and scale).
 */
#ifndef KERR_API_ACTION_H
#define KERR_API_ACTION_H

#include "api.h"
#include "db_request.h"

struct api_action {
	const char	*id;
	json_t		*body;		/* the optional body object */
	json_t		*reply;		/* set when not the request parent */
	int		 rings;		/* API_RING_* bits */
	int		 paused_only;	/* DELETE .../paused */
	const char	*kind;		/* expiring kind to cancel */
};

#define API_RING_CLEANUP	0x1
#define API_RING_PENDING	0x2

typedef int (*api_action_fn)(struct api_req *, struct api_reply *,
    struct api_action *, struct db_request *);

/* act: the action's options, or NULL for none. */
int	api_action_run(struct api_req *req, struct api_reply *rep,
	    api_action_fn fn, struct api_action *act);
/* message and actionId of the body; -EINVAL after a 400 reply. */
int	api_action_common(struct api_action *act, struct api_reply *rep,
	    const char **ret_message, const char **ret_action_id);
/* A request history row (CREATED, PAUSED, ...), and its log line. */
int	api_action_history(struct api_req *req, const json_t *request,
	    const char *event, const char *message, int64_t now);
/* Queue a pending request for the deploy in use (none: nothing). */
int	api_action_pending(struct api_req *req, struct api_action *act,
	    const struct db_request *r, const char *type,
	    int skip_healthchecks);
int	api_action_expiring(struct api_req *req, struct api_action *act,
	    const char *kind, const char *action_id, int64_t duration,
	    int64_t now, json_t *extra);

#endif
