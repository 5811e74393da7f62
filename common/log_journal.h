/*
 * Structured journal output for the daemons.  When stderr is journald's
 * stream (JOURNAL_STREAM names it), every log line is sent with
 * sd_journal_send() instead, carrying KERR_TASK_ID=, KERR_REQUEST_ID= and
 * KERR_DEPLOY_ID= fields taken from the line's own "task=", "request=" and
 * "deploy=" words, so `journalctl KERR_REQUEST_ID=web` shows a request's
 * whole life across the three daemons.  The text of the line is unchanged.
 * Kept out of log.c so that programs that never call log_journal_attach()
 * (the task supervisor) do not link libsystemd.
 */
#ifndef KERR_LOG_JOURNAL_H
#define KERR_LOG_JOURNAL_H

#include <stddef.h>

#include "request.h"
#include "task_id.h"

struct log_journal_ids {
	char	task_id[TASK_ID_MAX + 1];
	char	request_id[REQUEST_ID_MAX + 1];
	char	deploy_id[DEPLOY_ID_MAX + 1];
};

/*
 * The ids a log line names: the value after "task=", "request=" and
 * "deploy=" at the start of a word, up to the first character that no id
 * has.  A task id also gives its request and deploy ids when the line does
 * not name them itself.  Empty strings for what the line does not name.
 */
void	log_journal_ids(const char *msg, struct log_journal_ids *ret);

/* 1 when JOURNAL_STREAM names the file stderr is (see systemd.exec(5)). */
int	log_journal_stderr_is_journal(void);

/* Send log lines to the journal when stderr goes there; 1 if it does. */
int	log_journal_attach(void);

#endif
