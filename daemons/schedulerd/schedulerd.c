/*
 * kerr-schedulerd: turns pending requests and deploys into tasks, runs
 * cron schedules and health checks.  Subscribes to the topics of
 * bus_msg.h addressed to "schedulerd".
 */
#include "daemon.h"
#include "notify.h"
#include "sched.h"

int
main(int argc, char **argv)
{
	static const enum bus_msg_type subs[] = { BUS_REQUEST_CHANGED,
	    BUS_REQUEST_PENDING, BUS_DEPLOY_PENDING, BUS_TASK_UPDATE,
	    BUS_TASK_KILLED };
	static const struct daemon_handlers handlers = {
		sched_loop_on_message, sched_loop_on_tick };
	struct daemon	d;
	struct sched	s;
	int		r;

	if ((r = daemon_init(&d, "schedulerd", argc, argv, subs,
	    sizeof(subs) / sizeof(subs[0]))) != 0)
		goto out;
	sched_loop_init(&s, &d);
	(void)notify_ready("Scheduling");
	r = daemon_run(&d, &handlers, &s);
	(void)notify_stopping();
out:
	daemon_fini(&d);
	return (r < 0 ? 1 : 0);
}
