/*
 * The agents the API shows (GET /state, the agent lists): the machines
 * tasks run on, recorded by the one daemon that knows them.  The local
 * executor has this host alone, written once at start; a cluster's nodes
 * are read from the engine every SCHED_AGENTS_EVERY_MS (sinfo for Slurm),
 * with their states.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db_machine.h"
#include "log.h"
#include "sched.h"

#define SCHED_AGENTS_EVERY_MS	30000

void
sched_agents(struct sched *s)
{
	struct executor_node	 self, *nodes = &self;
	size_t			 n = 1;
	int64_t			 mono = clock_mono_ms();
	int			 r;

	if (mono < s->next_agents)
		return;
	/* This host does not change: once is enough. */
	s->next_agents = s->exec->nodes != NULL ? mono +
	    SCHED_AGENTS_EVERY_MS : INT64_MAX;
	if (s->exec->nodes != NULL) {
		if ((r = s->exec->nodes(&nodes, &n)) < 0) {
			log_warnx("Failed to read the %s nodes: %s, keeping "
			    "the last ones", s->exec->name, strerror(-r));
			return;
		}
	} else {
		memset(&self, 0, sizeof(self));
		(void)snprintf(self.name, sizeof(self.name), "%.*s",
		    (int)sizeof(self.name) - 1, s->host);
		(void)snprintf(self.rack, sizeof(self.rack), "%.*s",
		    (int)sizeof(self.rack) - 1, s->d->conf.rack_id);
		(void)snprintf(self.state, sizeof(self.state), "ACTIVE");
	}
	if ((r = db_machine_sync(s->d->db, nodes, n, clock_now_ms())) < 0) {
		log_warnx("Failed to record the agents: %s, retrying",
		    strerror(-r));
		s->next_agents = mono;
	}
	if (nodes != &self)
		free(nodes);
}
