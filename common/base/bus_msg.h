/*
 * The one catalogue of bus messages.  A message is only a doorbell: it
 * names the id that changed and nothing else; the receiver reads the store.
 * Bump BUS_PROTOCOL_VERSION when a message a reader takes changes form.
 *
 * On the wire: "<topic>" NUL '{"v":1,"id":"<id>"}'.  Subscribers filter on
 * the topic including its NUL, so "task.kill" never matches "task.killed".
 */
#ifndef KERR_BUS_MSG_H
#define KERR_BUS_MSG_H

#define BUS_PROTOCOL_VERSION	1	/* task.update retired: no sender left */
/* The "to" column routes: a message goes to those daemons only.  Task
 * states no longer ride the bus: they are task events (task_event.h). */

/*	  id			  topic			  from		to			id names */
#define BUS_MESSAGES(X)								\
	X(BUS_REQUEST_CHANGED,	  "request.changed",	  "apid",	"(none yet)",		"request")	\
	X(BUS_REQUEST_PENDING,	  "request.pending",	  "apid,cleanerd", "schedulerd",	"request")	\
	X(BUS_REQUEST_CLEANUP,	  "request.cleanup",	  "apid",	"cleanerd",		"request")	\
	X(BUS_DEPLOY_PENDING,	  "deploy.pending",	  "apid",	"schedulerd",		"request")	\
	X(BUS_TASK_CLEANUP,	  "task.cleanup",	  "apid,schedulerd", "cleanerd",	"task")		\
	X(BUS_TASK_KILLED,	  "task.killed",	  "cleanerd",	"schedulerd",		"task")		\
	X(BUS_AGENT_CHANGED,	  "agent.changed",	  "apid",	"schedulerd,cleanerd",	"agent or rack")

enum bus_msg_type {
#define BUS_MSG_ENUM(id, topic, from, to, what)	id,
	BUS_MESSAGES(BUS_MSG_ENUM)
#undef BUS_MSG_ENUM
	BUS_MSG_COUNT
};

/* The daemons that own a subscriber socket, in a fixed order. */
#define BUS_DAEMONS	{ "apid", "schedulerd", "cleanerd" }
#define BUS_NDAEMONS	3

#endif
