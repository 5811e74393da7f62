/*
 * Task ids and pending task ids in URLs and bodies: task_id_parse() and
 * pending_task_id_parse() of any text (common/model/task_id.c).
 *
 * Properties: what parses formats back into an id that parses to the
 * same fields (so into the same text, but for zeros leading a number),
 * and gives its JSON; a valid task id is a safe file name, the sandbox
 * directory being named after it.
 */
#include <errno.h>

#include "fuzz.h"
#include "task_id.h"

/* Field by field: a struct copy need not copy its padding. */
static int
fuzz_task_id_equal(const struct task_id *a, const struct task_id *b)
{
	return (strcmp(a->request_id, b->request_id) == 0 &&
	    strcmp(a->deploy_id, b->deploy_id) == 0 &&
	    a->started_at == b->started_at &&
	    a->instance_no == b->instance_no &&
	    strcmp(a->host, b->host) == 0 &&
	    strcmp(a->rack_id, b->rack_id) == 0);
}

static int
fuzz_pending_task_id_equal(const struct pending_task_id *a,
    const struct pending_task_id *b)
{
	return (strcmp(a->request_id, b->request_id) == 0 &&
	    strcmp(a->deploy_id, b->deploy_id) == 0 &&
	    a->next_run_at == b->next_run_at &&
	    a->instance_no == b->instance_no &&
	    strcmp(a->pending_type, b->pending_type) == 0 &&
	    a->created_at == b->created_at);
}

static void
fuzz_task_id(const char *s)
{
	struct task_id	 t, again;
	char		 buf[TASK_ID_MAX + 1];
	json_t		*j;

	if (task_id_parse(s, &t) < 0) {
		FUZZ_ASSERT(!task_id_is_valid(s));
		return;
	}
	if (task_id_format(buf, sizeof(buf), t.request_id, t.deploy_id,
	    t.started_at, t.instance_no, t.host, t.rack_id) == 0) {
		FUZZ_ASSERT(task_id_parse(buf, &again) == 0);
		FUZZ_ASSERT(fuzz_task_id_equal(&t, &again));
	}
	if ((j = task_id_json(&t)) != NULL)
		json_decref(j);
	if (task_id_is_valid(s))
		FUZZ_ASSERT(strchr(s, '/') == NULL && strcmp(s, "..") != 0 &&
		    strlen(s) <= TASK_ID_MAX);
}

static void
fuzz_pending_task_id(const char *s)
{
	struct pending_task_id	 p, again;
	char			 buf[TASK_ID_MAX + 1];
	json_t			*j;

	if (pending_task_id_parse(s, &p) < 0)
		return;
	if (pending_task_id_format(buf, sizeof(buf), p.request_id,
	    p.deploy_id, p.next_run_at, p.instance_no, p.pending_type,
	    p.created_at) == 0) {
		FUZZ_ASSERT(pending_task_id_parse(buf, &again) == 0);
		FUZZ_ASSERT(fuzz_pending_task_id_equal(&p, &again));
	}
	if ((j = pending_task_id_json(&p)) != NULL)
		json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, sane[TASK_ID_MAX + 1];

	if ((s = fuzz_cstr(data, size)) == NULL)
		return (0);
	fuzz_task_id(s);
	fuzz_pending_task_id(s);
	if (task_id_sanitize(sane, sizeof(sane), s) == 0)
		FUZZ_ASSERT(strchr(sane, '-') == NULL);
	free(s);
	return (0);
}
