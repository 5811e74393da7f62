/*
 * kerr-cleanerd: carries out pause, delete, bounce and kill, POSTs the
 * webhooks' updates, and removes what kerr no longer needs: finished
 * tasks' sandboxes and old history (cleaner_retention.h).  Subscribes to
 * the topics of bus_msg.h addressed to "cleanerd"; the webhook queues
 * are read on every pass.
 */
#include "cleaner.h"
#include "daemon.h"

int
main(int argc, char **argv)
{
	/* Not request.changed: a request edit needs no cleaning, and a
	 * wake-up per POST costs every POST a pass here. */
	static const enum bus_msg_type subs[] = { BUS_REQUEST_CLEANUP,
	    BUS_TASK_CLEANUP, BUS_AGENT_CHANGED };
	static const struct daemon_role role = {
		.name = "cleanerd", .subs = subs,
		.nsubs = sizeof(subs) / sizeof(subs[0]), .status = "Cleaning",
		.start = cleaner_loop_start, .stop = cleaner_loop_stop,
		.handlers = { .on_wake = cleaner_loop_scan,
		    .on_tick = cleaner_loop_scan,
		    .status = cleaner_loop_status },
	};
	struct cleaner c = { 0 };

	return (daemon_main(&role, argc, argv, &c));
}
