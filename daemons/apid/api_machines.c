/*
 * Agents and racks (spec 1.8, 3.18): /agents (and the older /slaves) and
 * /racks, from the machines schedulerd records (db_machine.h).  An
 * operator decommissions, freezes or activates one; cleanerd then moves a
 * decommissioned machine's tasks off, and the scheduler places no new
 * task on a machine that is not ACTIVE.
 */
#include <errno.h>
#include <string.h>

#include "api.h"
#include "clock.h"
#include "db_machine.h"

#define API_MACHINE_ID_MAX	255

static const char *const api_machine_states[] = {
	"MISSING_ON_STARTUP", "ACTIVE", "STARTING_DECOMMISSION",
	"DECOMMISSIONING", "DECOMMISSIONED", "DEAD", "FROZEN", NULL
};

static const char *
api_machine_noun(enum db_machine_kind kind)
{
	return (kind == DB_MACHINE_AGENT ? "agent" : "rack");
}

/* A host or rack name: letters, digits and ".-_:". */
static int
api_machine_id_ok(struct api_req *req, struct api_reply *rep,
    enum db_machine_kind kind)
{
	const char	*id = req->params[0];
	size_t		 len = strlen(id);

	if (len > 0 && len <= API_MACHINE_ID_MAX && strspn(id, "abcdefghijklm"
	    "nopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:") == len)
		return (1);
	(void)api_reply_error(rep, 400, "Invalid %s id '%s'",
	    api_machine_noun(kind), id);
	return (0);
}

static int
api_machine_list(struct api_req *req, struct api_reply *rep,
    enum db_machine_kind kind)
{
	const char	*state = api_query(req, "state");
	json_t		*list = NULL;
	size_t		 i;
	int		 r;

	if (state != NULL) {
		for (i = 0; api_machine_states[i] != NULL; i++)
			if (strcmp(state, api_machine_states[i]) == 0)
				break;
		if (api_machine_states[i] == NULL)
			return (api_reply_error(rep, 400, "Invalid state '%s' "
			    "(a MachineState)", state));
	}
	r = db_machine_list(req->db, kind, state, &list);
	return (api_reply_list(req, rep, r, list, kind == DB_MACHINE_AGENT ?
	    "agents" : "racks"));
}

static int
api_machine_history(struct api_req *req, struct api_reply *rep,
    enum db_machine_kind kind)
{
	json_t	*list = NULL;
	int	 r;

	if (!api_machine_id_ok(req, rep, kind))
		return (0);
	if ((r = db_machine_history(req->db, kind, req->params[0],
	    &list)) == -ENOENT)
		return (api_reply_error(rep, 404, "Couldn't find %s with id %s",
		    api_machine_noun(kind), req->params[0]));
	return (api_reply_list(req, rep, r, list, "machine states"));
}

static int
api_machine_details(struct api_req *req, struct api_reply *rep,
    enum db_machine_kind kind)
{
	json_t	*m = NULL;
	int	 r;

	if (!api_machine_id_ok(req, rep, kind))
		return (0);
	if ((r = db_machine_get(req->db, kind, req->params[0], &m)) ==
	    -ENOENT)
		return (api_reply_error(rep, 404, "Couldn't find %s with id %s",
		    api_machine_noun(kind), req->params[0]));
	if (r < 0)
		return (api_reply_errno(rep, r, "Failed to read the %s",
		    api_machine_noun(kind)));
	return (api_reply_filtered(req, rep, m));
}

struct api_machine_op {
	enum db_machine_kind	 kind;
	const char		*action;	/* NULL: forget */
	const char		*message;
};

static int
api_machine_change_tx(struct api_req *req, struct api_reply *rep, void *arg)
{
	struct api_machine_op	*op = arg;
	const char		*noun = api_machine_noun(op->kind);
	char			 state[32] = "";
	int			 r;

	if (op->action == NULL)
		r = db_machine_forget(req->db, op->kind, req->params[0]);
	else
		r = db_machine_change(req->db, op->kind, req->params[0],
		    op->action, api_user(req), op->message, clock_now_ms(),
		    state, sizeof(state));
	if (r == -ENOENT)
		return (api_reply_error(rep, 404, "Couldn't find an active %s "
		    "with id %s", noun, req->params[0]), r);
	if (r == -EALREADY)
		return (api_reply_error(rep, 409, "FAILURE_ALREADY_AT_STATE: "
		    "%s %s is %s already", noun, req->params[0], state), r);
	if (r == -EPERM && op->action == NULL)
		return (api_reply_error(rep, 409, "FAILURE_ILLEGAL_TRANSITION: "
		    "%s %s is neither DEAD nor DECOMMISSIONED", noun,
		    req->params[0]), r);
	if (r == -EPERM)
		return (api_reply_error(rep, 409, "FAILURE_ILLEGAL_TRANSITION: "
		    "%s %s cannot %s from %s", noun, req->params[0],
		    op->action, state), r);
	if (r < 0)
		return (r);
	return (api_reply_empty(rep, 200));
}

static int
api_machine_change(struct api_req *req, struct api_reply *rep,
    enum db_machine_kind kind, const char *action)
{
	struct api_machine_op	 op = { kind, action, NULL };
	json_t			*body = NULL;
	json_int_t		 duration = 0;

	if (!api_machine_id_ok(req, rep, kind) ||
	    api_body_object(req, rep, "SingularityMachineChangeRequest",
	    &body) < 0 ||
	    api_body_string(body, "message", rep, &op.message) < 0 ||
	    api_body_int(body, "durationMillis", rep, &duration) < 0)
		return (0);
	/* A timed change would need its revert kept and carried out. */
	if (json_object_get(body, "durationMillis") != NULL &&
	    !json_is_null(json_object_get(body, "durationMillis")))
		return (api_reply_error(rep, 400, "durationMillis (a timed "
		    "machine state) is not supported"));
	(void)api_tx(req, rep, api_machine_change_tx, &op);
	if (rep->status == 200)
		(void)bus_send(req->bus, BUS_AGENT_CHANGED, req->params[0]);
	return (0);
}

static int
api_machine_forget_dead(struct api_req *req, struct api_reply *rep,
    enum db_machine_kind kind)
{
	int n = 0, r;

	if ((r = db_machine_forget_dead(req->db, kind, &n)) < 0)
		return (api_reply_errno(rep, r, "Failed to forget the dead %ss",
		    api_machine_noun(kind)));
	return (api_reply_empty(rep, 200));
}

/* One handler per route, for the table. */
#define API_MACHINE_HANDLERS(name, kind)				\
int api_##name##_list(struct api_req *req, struct api_reply *rep)	\
{ return (api_machine_list(req, rep, kind)); }				\
int api_##name##_history(struct api_req *req, struct api_reply *rep)	\
{ return (api_machine_history(req, rep, kind)); }			\
int api_##name##_details(struct api_req *req, struct api_reply *rep)	\
{ return (api_machine_details(req, rep, kind)); }			\
int api_##name##_decommission(struct api_req *req, struct api_reply *rep) \
{ return (api_machine_change(req, rep, kind, "decommission")); }	\
int api_##name##_freeze(struct api_req *req, struct api_reply *rep)	\
{ return (api_machine_change(req, rep, kind, "freeze")); }		\
int api_##name##_activate(struct api_req *req, struct api_reply *rep)	\
{ return (api_machine_change(req, rep, kind, "activate")); }		\
int api_##name##_forget(struct api_req *req, struct api_reply *rep)	\
{ return (api_machine_change(req, rep, kind, NULL)); }			\
int api_##name##_forget_dead(struct api_req *req, struct api_reply *rep) \
{ return (api_machine_forget_dead(req, rep, kind)); }

API_MACHINE_HANDLERS(agents, DB_MACHINE_AGENT)
API_MACHINE_HANDLERS(racks, DB_MACHINE_RACK)
