/*
 * kerr-cleanerd: carries out pause, delete, bounce and kill.  Subscribes
 * to the topics of bus_msg.h addressed to "cleanerd".
 */
#include <string.h>

#include "cleaner.h"
#include "daemon.h"
#include "log.h"
#include "notify.h"

int
main(int argc, char **argv)
{
	/* Not request.changed: a request edit needs no cleaning, and a
	 * wake-up per POST costs every POST a pass here. */
	static const enum bus_msg_type subs[] = { BUS_REQUEST_CLEANUP,
	    BUS_TASK_CLEANUP };
	static const struct daemon_handlers handlers = {
		NULL, cleaner_loop_on_wake, cleaner_loop_on_tick };
	struct daemon	d;
	struct cleaner	c = { 0 };
	int		r;

	if ((r = daemon_init(&d, "cleanerd", argc, argv, subs,
	    sizeof(subs) / sizeof(subs[0]))) != 0)
		goto out;
	cleaner_loop_init(&c, &d);
	if ((r = cleaner_task_pool_start(&c)) < 0) {
		log_err("Failed to start kill workers: %s", strerror(-r));
		goto out;
	}
	daemon_ready(&d, "Cleaning");
	r = daemon_run(&d, &handlers, &c);
	daemon_stopping(&d);
out:
	cleaner_task_pool_stop(&c);
	json_decref(c.kills);
	daemon_fini(&d);
	return (daemon_exit_status(&d, r));
}
