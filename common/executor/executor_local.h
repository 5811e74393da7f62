/*
 * What the local executor (executor_local.c) and its task supervisor
 * (daemons/supervisor) share: the files under <sandbox>/.kerr and the
 * supervisor's command line.  The executor makes the sandbox and its
 * root-only .kerr directory, then spawns
 *
 *   kerr-supervisor -t TASK_ID -s SANDBOX -e EVENTS [-u USER] [-c CPUS]
 *                   [-m MEMORY_MB] [-v LOG_LEVEL] -- COMMAND [ARG...]
 *
 * in a session of its own, with the task's complete environment as its
 * environment, stdin on /dev/null, the claim on descriptor 3 and no
 * signal blocked.  Nothing else
 * passes between them: the supervisor reads no file and no store.
 */
#ifndef KERR_EXECUTOR_LOCAL_H
#define KERR_EXECUTOR_LOCAL_H

#include "executor.h"

/* Root-only (0700) state inside the sandbox, which the task user owns. */
#define EXECUTOR_LOCAL_DIR		".kerr"
#define EXECUTOR_LOCAL_LOG		"supervisor.log"
/*
 * The claim on a launch: the executor takes an flock on .kerr/lock before
 * it spawns, and hands the descriptor over as EXECUTOR_LOCAL_LOCK_FD; the
 * supervisor keeps it open for its whole life.  A launch of the same task
 * again (a scheduler that restarted) finds it held and does nothing; one
 * whose supervisor never started (the scheduler died in between) finds it
 * free, since the kernel drops a dead holder's lock.
 */
#define EXECUTOR_LOCAL_LOCK		"lock"
#define EXECUTOR_LOCAL_LOCK_FD		3
/* TASK_EVENT_FILE ("events") in it: the task's events, one per line. */
/* The task's artifacts for kerr-fetch (JSON), when it has any. */
#define EXECUTOR_LOCAL_ARTIFACTS	"artifacts.json"
/* The fetcher: $KERR_FETCH, else kerr-fetch beside the supervisor. */
#define EXECUTOR_LOCAL_FETCH_ENV	"KERR_FETCH"
#define EXECUTOR_LOCAL_FETCH		"kerr-fetch"

/* The binary: $KERR_SUPERVISOR, else kerr-supervisor beside our own. */
#define EXECUTOR_LOCAL_SUPERVISOR_ENV	"KERR_SUPERVISOR"
#define EXECUTOR_LOCAL_SUPERVISOR	"kerr-supervisor"

#endif
