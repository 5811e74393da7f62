/*
 * Task ids and pending task ids (spec 2.1): six '-' separated fields whose
 * first one, the request id, may itself contain '-'.  So, as Singularity's
 * valueOf() does, a string is split from the right: the last five fields
 * never contain '-' (deploy ids cannot, host and rack ids are sanitised,
 * numbers and PendingType names have none) and the rest is the request id.
 * Ids we format always parse back and are safe as file names, because the
 * sandbox directory of a task is named after its id.  Pure logic.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "request.h"
#include "schema.h"
#include "task_id.h"
#include "text.h"

#define TASK_ID_NFIELDS		6

/* PendingType (spec 2.9). */
static const char *const task_id_pending_types[] = {
	"IMMEDIATE", "ONEOFF", "BOUNCE", "NEW_DEPLOY", "NEXT_DEPLOY_STEP",
	"UNPAUSED", "RETRY", "UPDATED_REQUEST", "DECOMISSIONED_SLAVE_OR_RACK",
	"TASK_DONE", "STARTUP", "CANCEL_BOUNCE", "TASK_BOUNCE",
	"DEPLOY_CANCELLED", "DEPLOY_FAILED", "DEPLOY_FINISHED",
	"TASK_RECOVERED", NULL
};

struct task_id_fields {
	const char	*p[TASK_ID_NFIELDS];
	size_t		 len[TASK_ID_NFIELDS];
};

/* The last five fields from the right, the request id is what is left. */
static int
task_id_split(const char *s, struct task_id_fields *ret)
{
	const char	*end, *p;
	int		 i;

	if (s == NULL)
		return (-EINVAL);
	end = s + strlen(s);
	for (i = TASK_ID_NFIELDS - 1; i > 0; i--) {
		for (p = end; p > s && p[-1] != '-'; p--)
			;
		if (p == s)
			return (-EINVAL);
		ret->p[i] = p;
		ret->len[i] = (size_t)(end - p);
		end = p - 1;
	}
	ret->p[0] = s;
	ret->len[0] = (size_t)(end - s);
	for (i = 0; i < TASK_ID_NFIELDS; i++)
		if (ret->len[i] == 0)
			return (-EINVAL);
	return (0);
}

/* Decimal digits only (we never write a sign), at most max. */
static int
task_id_number(const char *p, size_t n, int64_t max, int64_t *ret)
{
	int64_t	 v = 0;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9' || v > (max - (p[i] - '0')) / 10)
			return (-EINVAL);
		v = v * 10 + (p[i] - '0');
	}
	*ret = v;
	return (0);
}

static int
task_id_chars_ok(const char *s)
{
	const char	*p;

	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
		    *p == '-'))
			return (0);
	return (1);
}

static int
task_id_pending_type_ok(const char *s)
{
	return (schema_index(task_id_pending_types, s) >= 0);
}

/* Singularity's getSanitizedHost()/getSanitizedRackId(): '-' -> '_'. */
int
task_id_sanitize(char *dst, size_t len, const char *src)
{
	size_t	 i;

	if (src == NULL || src[0] == '\0')
		return (-EINVAL);
	for (i = 0; src[i] != '\0'; i++) {
		if (i + 1 >= len)
			return (-ENAMETOOLONG);
		dst[i] = src[i] == '-' ? '_' : src[i];
	}
	dst[i] = '\0';
	return (0);
}

/* The common tail of both formats: length, character set, room. */
static int
task_id_finish(char *buf, size_t len, const char *id, int n)
{
	if (n < 0)
		return (-EINVAL);
	if (n > TASK_ID_MAX)
		return (-ENAMETOOLONG);
	if (!task_id_chars_ok(id))
		return (-EINVAL);
	if ((size_t)n >= len)
		return (-ENOBUFS);
	memcpy(buf, id, (size_t)n + 1);
	return (0);
}

int
task_id_format(char *buf, size_t len, const char *request_id,
    const char *deploy_id, int64_t started_at, int instance_no,
    const char *host, const char *rack_id)
{
	char	 h[TASK_ID_MAX + 1], r[TASK_ID_MAX + 1];
	char	 id[TASK_ID_MAX + 2];
	int	 n, rc;

	if (!request_id_is_valid(request_id) ||
	    !deploy_id_is_valid(deploy_id) || started_at < 0 ||
	    instance_no < 1)
		return (-EINVAL);
	if ((rc = task_id_sanitize(h, sizeof(h), host)) < 0 ||
	    (rc = task_id_sanitize(r, sizeof(r), rack_id)) < 0)
		return (rc);
	n = snprintf(id, sizeof(id), "%s-%s-%lld-%d-%s-%s", request_id,
	    deploy_id, (long long)started_at, instance_no, h, r);
	return (task_id_finish(buf, len, id, n));
}

/*
 * Split s and parse the four fields both kinds of id start with: request
 * id, deploy id, a time and the instance number (>= 1).  f gets the
 * fields for the caller to parse the last two.
 */
static int
task_id_parse_head(const char *s, struct task_id_fields *f,
    char request_id[REQUEST_ID_MAX + 1], char deploy_id[DEPLOY_ID_MAX + 1],
    int64_t *ret_at, int *ret_instance_no)
{
	int64_t n;

	if (task_id_split(s, f) < 0 ||
	    text_copy(request_id, REQUEST_ID_MAX + 1, f->p[0],
	    f->len[0]) < 0 ||
	    text_copy(deploy_id, DEPLOY_ID_MAX + 1, f->p[1],
	    f->len[1]) < 0 ||
	    task_id_number(f->p[2], f->len[2], INT64_MAX, ret_at) < 0 ||
	    task_id_number(f->p[3], f->len[3], INT32_MAX, &n) < 0 || n < 1)
		return (-EINVAL);
	*ret_instance_no = (int)n;
	return (0);
}

int
task_id_parse(const char *s, struct task_id *ret)
{
	struct task_id_fields	f;
	struct task_id		t;

	if (task_id_parse_head(s, &f, t.request_id, t.deploy_id,
	    &t.started_at, &t.instance_no) < 0 ||
	    text_copy(t.host, sizeof(t.host), f.p[4], f.len[4]) < 0 ||
	    text_copy(t.rack_id, sizeof(t.rack_id), f.p[5], f.len[5]) < 0)
		return (-EINVAL);
	*ret = t;
	return (0);
}

int
task_id_is_valid(const char *s)
{
	struct task_id	 t;

	return (s != NULL && strlen(s) <= TASK_ID_MAX && task_id_chars_ok(s) &&
	    task_id_parse(s, &t) == 0);
}

json_t *
task_id_json(const struct task_id *t)
{
	char	 id[TASK_ID_MAX + 1];

	if (task_id_format(id, sizeof(id), t->request_id, t->deploy_id,
	    t->started_at, t->instance_no, t->host, t->rack_id) < 0)
		return (NULL);
	/* host and rackId are the deprecated copies of the sanitised pair */
	return (json_pack("{s:s, s:s, s:s, s:I, s:i, s:s, s:s, s:s, s:s}",
	    "id", id, "requestId", t->request_id, "deployId", t->deploy_id,
	    "startedAt", (json_int_t)t->started_at, "instanceNo",
	    t->instance_no, "sanitizedHost", t->host, "sanitizedRackId",
	    t->rack_id, "host", t->host, "rackId", t->rack_id));
}

int
pending_task_id_format(char *buf, size_t len, const char *request_id,
    const char *deploy_id, int64_t next_run_at, int instance_no,
    const char *pending_type, int64_t created_at)
{
	char	 id[TASK_ID_MAX + 2];
	int	 n;

	if (!request_id_is_valid(request_id) ||
	    !deploy_id_is_valid(deploy_id) || next_run_at < 0 ||
	    instance_no < 1 || pending_type == NULL ||
	    !task_id_pending_type_ok(pending_type) || created_at < 0)
		return (-EINVAL);
	n = snprintf(id, sizeof(id), "%s-%s-%lld-%d-%s-%lld", request_id,
	    deploy_id, (long long)next_run_at, instance_no, pending_type,
	    (long long)created_at);
	return (task_id_finish(buf, len, id, n));
}

int
pending_task_id_parse(const char *s, struct pending_task_id *ret)
{
	struct task_id_fields	f;
	struct pending_task_id	p;

	if (task_id_parse_head(s, &f, p.request_id, p.deploy_id,
	    &p.next_run_at, &p.instance_no) < 0 ||
	    text_copy(p.pending_type, sizeof(p.pending_type), f.p[4],
	    f.len[4]) < 0 || !task_id_pending_type_ok(p.pending_type) ||
	    task_id_number(f.p[5], f.len[5], INT64_MAX, &p.created_at) < 0)
		return (-EINVAL);
	*ret = p;
	return (0);
}

json_t *
pending_task_id_json(const struct pending_task_id *p)
{
	char	 id[TASK_ID_MAX + 1];

	if (pending_task_id_format(id, sizeof(id), p->request_id,
	    p->deploy_id, p->next_run_at, p->instance_no, p->pending_type,
	    p->created_at) < 0)
		return (NULL);
	return (json_pack("{s:s, s:s, s:s, s:I, s:i, s:s, s:I}", "id", id,
	    "requestId", p->request_id, "deployId", p->deploy_id,
	    "nextRunAt", (json_int_t)p->next_run_at, "instanceNo",
	    p->instance_no, "pendingType", p->pending_type, "createdAt",
	    (json_int_t)p->created_at));
}
