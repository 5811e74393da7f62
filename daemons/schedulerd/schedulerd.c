/*
 * kerr-schedulerd: turns pending requests and deploys into tasks, launches
 * them through the executor, replaces the ones that end and reconciles
 * with their supervisors.  Subscribes to the topics of bus_msg.h addressed
 * to "schedulerd"; publishes task.cleanup.
 */
#include "daemon.h"
#include "sched.h"

int
main(int argc, char **argv)
{
	/* Not request.changed: what the scheduler must act on comes as a
	 * pending request (request.pending) or a deploy. */
	static const enum bus_msg_type subs[] = { BUS_REQUEST_PENDING,
	    BUS_DEPLOY_PENDING, BUS_TASK_KILLED, BUS_AGENT_CHANGED };
	static const struct daemon_role role = {
		.name = "schedulerd", .subs = subs,
		.nsubs = sizeof(subs) / sizeof(subs[0]),
		.status = "Scheduling", .start = sched_init,
		.stop = sched_fini,
		.handlers = { .on_wake = sched_loop_pass,
		    .on_tick = sched_loop_pass, .status = sched_loop_status },
	};
	struct sched s = { 0 };

	return (daemon_main(&role, argc, argv, &s));
}
