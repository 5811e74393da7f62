/*
 * The one agent of the embedded executor: this machine.  Its host name and
 * rack id appear in task ids, task objects and GET /state.
 */
#ifndef KERR_HOST_H
#define KERR_HOST_H

#include <stddef.h>

#include "conf.h"

/* agent_hostname from the config, else gethostname(). */
void	host_name(const struct conf *conf, char *buf, size_t len);
/* Milliseconds since boot, for hostStates.uptime (0 if unknown). */
long	host_uptime_ms(void);

#endif
