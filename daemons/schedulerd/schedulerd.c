/*
 * kerr-schedulerd: turns pending requests and deploys into tasks, launches
 * them through the executor, replaces the ones that end and reconciles
 * with their supervisors.  Subscribes to the topics of bus_msg.h addressed
 * to "schedulerd"; publishes task.cleanup.
 */
#include "daemon.h"
#include "notify.h"
#include "sched.h"

int
main(int argc, char **argv)
{
	/* Not request.changed: what the scheduler must act on comes as a
	 * pending request (request.pending) or a deploy. */
	static const enum bus_msg_type subs[] = { BUS_REQUEST_PENDING,
	    BUS_DEPLOY_PENDING, BUS_TASK_UPDATE, BUS_TASK_KILLED };
	static const struct daemon_handlers handlers = {
		NULL, sched_loop_on_wake, sched_loop_on_tick };
	struct daemon	d;
	struct sched	s = { 0 };
	int		r;

	if ((r = daemon_init(&d, "schedulerd", argc, argv, subs,
	    sizeof(subs) / sizeof(subs[0]))) != 0)
		goto out;
	if ((r = sched_init(&s, &d)) < 0)
		goto out;
	daemon_ready(&d, "Scheduling");
	r = daemon_run(&d, &handlers, &s);
	daemon_stopping(&d);
out:
	sched_fini(&s);
	daemon_fini(&d);
	return (daemon_exit_status(&d, r));
}
