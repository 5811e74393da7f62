/*
 * What the local executor (executor_local.c) and its task supervisor
 * (daemons/supervisor) share: the files under <sandbox>/.kerr, the
 * descriptor on which the supervisor reports where it lives, and
 * launch.json, the struct executor_launch written down for it.
 */
#ifndef KERR_EXECUTOR_LOCAL_H
#define KERR_EXECUTOR_LOCAL_H

#include <jansson.h>

#include "executor.h"

/* Root-only (0700) state inside the sandbox, which the task user owns. */
#define EXECUTOR_LOCAL_DIR		".kerr"
#define EXECUTOR_LOCAL_LAUNCH		"launch.json"
#define EXECUTOR_LOCAL_EXIT		"exit.json"
#define EXECUTOR_LOCAL_LOG		"supervisor.log"

/* The binary: $KERR_SUPERVISOR, else kerr-supervisor beside our own. */
#define EXECUTOR_LOCAL_SUPERVISOR_ENV	"KERR_SUPERVISOR"
#define EXECUTOR_LOCAL_SUPERVISOR	"kerr-supervisor"

/*
 * The supervisor finds the write end of a pipe on this descriptor and
 * writes one line "<pid> <start_ticks>\n" on it once it runs for good.
 */
#define EXECUTOR_LOCAL_REPORT_FD	3

/* launch.json, read back: strings are copies the spec owns. */
struct executor_local_spec {
	struct executor_launch	 launch;	/* points into the rest */
	json_t			*doc;
	char			**argv;
	char			**envp;
};

/* Read <dirfd>/launch.json.  0, -ENOENT, -EINVAL (malformed), -ENOMEM. */
int	executor_local_spec_read(int dirfd, struct executor_local_spec *ret);
/* Free what spec_read filled; accepts a zeroed spec. */
void	executor_local_spec_free(struct executor_local_spec *spec);

/* Write the report line for h on fd.  0 or negative errno. */
int	executor_local_report(int fd, const struct executor_handle *h);

#endif
