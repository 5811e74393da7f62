/*
 * POST /deploys: deploy_normalize() of any JSON against a stored request
 * of each type.  A string requestId is pointed at that request, as the
 * API finds the request by it, so inputs get past the first check.  A
 * refusal is -EINVAL with a one-line message; what it accepts it accepts
 * again as posted, unchanged.  Posted back less the resources kerr filled
 * in where the deploy named none: loadBalancerPortIndex is checked, as by
 * Singularity, only against resources a deploy names, and the defaults
 * have no ports.
 */
#include <errno.h>

#include <jansson.h>

#include "deploy.h"
#include "fuzz.h"
#include "fuzz_round_trip.h"
#include "fuzz_requests.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_requests_init();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const json_t	*request = fuzz_requests[size % FUZZ_NREQUESTS];
	json_t		*posted, *norm = NULL, *again = NULL, *back, *id;
	char		 err[1024] = "";
	int		 named, r;

	if ((posted = json_loadb((const char *)data, size, JSON_DECODE_ANY,
	    NULL)) == NULL)
		return (0);
	if (json_is_string(json_object_get(posted, "requestId")) &&
	    (id = json_object_get(request, "id")) != NULL &&
	    json_object_set(posted, "requestId", id) < 0) {
		json_decref(posted);
		return (0);
	}
	r = deploy_normalize(posted, request, &norm, err, sizeof(err));
	named = json_object_get(posted, "resources") != NULL &&
	    !json_is_null(json_object_get(posted, "resources"));
	json_decref(posted);
	if (r < 0) {
		FUZZ_ASSERT(r == -EINVAL || r == -ENOMEM);
		FUZZ_ASSERT(norm == NULL);
		FUZZ_ASSERT(r == -ENOMEM || fuzz_one_line(err));
		return (0);
	}
	FUZZ_ASSERT(json_is_object(norm));
	err[0] = '\0';
	if ((back = json_deep_copy(norm)) == NULL) {
		json_decref(norm);
		return (0);
	}
	if (!named)
		(void)json_object_del(back, "resources");
	r = deploy_normalize(back, request, &again, err, sizeof(err));
	json_decref(back);
	fuzz_check_round_trip(norm, again, r, err);
	json_decref(again);
	json_decref(norm);
	return (0);
}
