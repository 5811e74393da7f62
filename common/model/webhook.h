/*
 * The SingularityWebhook model and the rules of its delivery: the types
 * kerr sends, what a webhook URI may be, the id Singularity computes for
 * a webhook, the placeholders a URI may carry, and how long a failing
 * webhook waits before its next attempt.  Pure logic: no store, no
 * network, no logging.
 */
#ifndef KERR_WEBHOOK_H
#define KERR_WEBHOOK_H

#include <stdint.h>

#define WEBHOOK_URI_MAX		2048	/* characters of a webhook URI */

/* 1 for the types kerr delivers (REQUEST, DEPLOY, TASK), else 0. */
int	webhook_type_ok(const char *type);
/* 1 for a WebhookType Singularity has that kerr does not deliver
 * (CRASHLOOP, ELEVATED_ACCESS), else 0. */
int	webhook_type_unsupported(const char *type);

/*
 * 0 when uri is an absolute http:// or https:// URI with a host, else
 * -EINVAL with *ret_why (static text) saying what is wrong with it.
 */
int	webhook_uri_check(const char *uri, const char **ret_why);

/*
 * Singularity's id of a webhook: "<type>-<uri as Java's URLEncoder writes
 * it>" (letters, digits and ".-*_" kept, space as '+', every other byte
 * as %XX).  Malloc'd; NULL on OOM.
 */
char	*webhook_id(const char *type, const char *uri);

/*
 * uri with $REQUEST_ID, $DEPLOY_ID and $TASK_ID replaced by the ids of
 * the update it is POSTed for, percent-encoded where a byte is not
 * unreserved (RFC 3986).  An id the update does not have (NULL: a
 * request update has no deploy) leaves its placeholder as written.
 * Malloc'd; NULL on OOM.
 */
char	*webhook_uri_expand(const char *uri, const char *request_id,
	    const char *deploy_id, const char *task_id);

/*
 * How long a webhook waits after its failures-th failure in a row:
 * min_ms, doubled for each failure before it, at most max_ms (and at
 * least min_ms).  0 when failures < 1.
 */
int64_t	webhook_retry_delay_ms(int64_t failures, int64_t min_ms,
	    int64_t max_ms);

#endif
