/*
 * POST /webhooks and every update POSTed: webhook_uri_check(),
 * webhook_id() and webhook_uri_expand() of any URI (common/model/
 * webhook.c).  The input's first byte picks the type, the rest is the
 * URI.
 *
 * Properties: a refused URI says why in one line; an id is the type,
 * '-', then only URLEncoder's characters; a retry waits between the
 * least and the most wait.
 */
#include <ctype.h>

#include "fuzz.h"
#include "webhook.h"

static const char *const fuzz_webhook_types[] = {
	"REQUEST", "DEPLOY", "TASK", "TASK_HISTORY", "", "request",
};
#define FUZZ_NWEBHOOK_TYPES \
	(sizeof(fuzz_webhook_types) / sizeof(fuzz_webhook_types[0]))

static int
fuzz_webhook_id_ok(const char *id, const char *type)
{
	size_t	 n = strlen(type);
	const char *p;

	if (strncmp(id, type, n) != 0 || id[n] != '-')
		return (0);
	for (p = id + n + 1; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr(".-*_+%", *p) ==
		    NULL)
			return (0);
	return (1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*type, *why = NULL;
	char		*uri, *id, *expanded;
	int64_t		 failures, least, most, delay;

	if (size < 1 || (uri = fuzz_cstr(data + 1, size - 1)) == NULL)
		return (0);
	type = fuzz_webhook_types[data[0] % FUZZ_NWEBHOOK_TYPES];
	(void)webhook_type_ok(type);
	(void)webhook_type_unsupported(type);
	if (webhook_uri_check(uri, &why) < 0)
		FUZZ_ASSERT(why != NULL && fuzz_one_line(why));
	if ((id = webhook_id(type, uri)) != NULL) {
		FUZZ_ASSERT(fuzz_webhook_id_ok(id, type));
		free(id);
	}
	if ((expanded = webhook_uri_expand(uri, "req-1", "d1",
	    "req-1-d1-1700000000000-1-host-DEFAULT")) != NULL)
		free(expanded);
	if ((expanded = webhook_uri_expand(uri, uri, NULL, uri)) != NULL)
		free(expanded);
	failures = (int64_t)size - 3;
	least = (int64_t)data[0] * 10;
	most = (int64_t)size * 1000;
	delay = webhook_retry_delay_ms(failures, least, most);
	FUZZ_ASSERT(failures >= 1 || delay == 0);
	FUZZ_ASSERT(failures < 1 || least > most ||
	    (delay >= least && delay <= most));
	free(uri);
	return (0);
}
