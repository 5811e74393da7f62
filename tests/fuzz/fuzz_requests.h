/*
 * Stored requests of every type, normalised once, for the request and
 * deploy harnesses: an update is judged against one, a deploy belongs to
 * one.
 */
#ifndef KERR_FUZZ_REQUESTS_H
#define KERR_FUZZ_REQUESTS_H

#include <jansson.h>

#include "request.h"

static const char *const fuzz_request_texts[] = {
	"{\"id\":\"svc\",\"requestType\":\"SERVICE\",\"instances\":2}",
	"{\"id\":\"wrk\",\"requestType\":\"WORKER\",\"rackSensitive\":true}",
	("{\"id\":\"sch\",\"requestType\":\"SCHEDULED\","
	    "\"schedule\":\"*/5 * * * *\",\"scheduleTimeZone\":\"UTC\"}"),
	"{\"id\":\"ond\",\"requestType\":\"ON_DEMAND\"}",
	"{\"id\":\"one\",\"requestType\":\"RUN_ONCE\"}",
};
#define FUZZ_NREQUESTS \
	(sizeof(fuzz_request_texts) / sizeof(fuzz_request_texts[0]))

static json_t	*fuzz_requests[FUZZ_NREQUESTS];

/* Build them; aborts when one is refused, as the harness would be moot. */
static inline void
fuzz_requests_init(void)
{
	json_t	*posted;
	char	 err[512];
	size_t	 i;

	for (i = 0; i < FUZZ_NREQUESTS; i++) {
		posted = json_loads(fuzz_request_texts[i], 0, NULL);
		if (posted == NULL || request_normalize(posted, NULL,
		    &fuzz_requests[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "seed request %zu refused: %s\n", i,
			    err);
			abort();
		}
		json_decref(posted);
	}
}

#endif
