/*
 * Task health checks (spec 2.3 HealthcheckOptions, 2.5
 * SingularityTaskHealthcheckResult, 3.13): one blocking HTTP/1.1 request
 * per call, bounded by one overall timeout, for a scheduler worker
 * thread; the result's JSON object; and the pass/fail rules.  No logging.
 */
#ifndef KERR_HEALTHCHECK_H
#define KERR_HEALTHCHECK_H

#include <stdint.h>

#include <jansson.h>

#define HEALTHCHECK_BODY_MAX	8192	/* responseBody bytes (spec 2.5) */
#define HEALTHCHECK_ERROR_MAX	256

struct healthcheck_result {
	int	 status_code;	/* 0 when no response */
	int64_t	 duration_ms;
	char	*body;		/* response body, truncated to 8192 bytes,
				   malloc'd, may be NULL */
	char	 error[HEALTHCHECK_ERROR_MAX];	/* "" on a response */
};

/*
 * Send `METHOD /uri HTTP/1.1` to host:port (IPv4 or IPv6 literal, an
 * IPv6 literal may be bracketed, or a name for getaddrinfo, which is the
 * one step the timeout cannot bound) and read the status, headers and
 * body, all within timeout_ms.  method is "GET" or "POST"; uri is a path,
 * leading '/' optional, that may carry a query.  On return 0 *ret holds a
 * result, possibly a failed one: either a response (status_code, body,
 * error "") or none (status_code 0, body NULL, error a one-line reason,
 * "Connection refused" exactly when the task is not listening yet).  The
 * body is NUL-terminated valid UTF-8 (bad bytes become '?'), NULL when
 * empty; the caller releases it with healthcheck_result_clear().
 * -EINVAL for bad arguments (port outside 1..65535, timeout_ms < 1, a
 * method other than GET or POST, a NULL pointer); -ENOMEM;
 * -EMFILE/-ENFILE/-ENOBUFS when no socket could be had (local trouble,
 * not the task's fault, so not a check result).  *ret is written only
 * on 0.
 */
int	healthcheck_http(const char *host, int port, const char *method,
	    const char *uri, int timeout_ms, struct healthcheck_result *ret);
/* Free the body and zero *r; NULL is a no-op. */
void	healthcheck_result_clear(struct healthcheck_result *r);
/*
 * SingularityTaskHealthcheckResult, a new reference: a copy of task_id
 * (a SingularityTaskId object), timestamp = started_at_ms (the start of
 * the check), statusCode when a response came, durationMillis,
 * responseBody when there is a body, errorMessage when error is not "",
 * startup.  NULL on OOM or a NULL argument.
 */
json_t	*healthcheck_result_json(const json_t *task_id, int64_t started_at_ms,
	    const struct healthcheck_result *r, int startup);
/*
 * 1 when the check passed: no error, a 2xx status and that status not
 * listed in failure_status_codes (an array of ints, or NULL); else 0.
 */
int	healthcheck_result_ok(const struct healthcheck_result *r,
	    const json_t *failure_status_codes);
/* 1 when code is in failure_status_codes: unhealthy at once, no retry. */
int	healthcheck_status_is_fatal(int code,
	    const json_t *failure_status_codes);

#endif
