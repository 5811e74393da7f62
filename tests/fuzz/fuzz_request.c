/*
 * POST /requests: request_normalize() of any JSON, as a new request and
 * as an update of a stored one of each type.  A refusal is -EINVAL with
 * a one-line message; what it accepts it accepts again as posted (a
 * client GETs a request, changes a field and PUTs it back), unchanged.
 */
#include <errno.h>

#include <jansson.h>

#include "fuzz.h"
#include "fuzz_round_trip.h"
#include "fuzz_requests.h"
#include "request.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_requests_init();
	return (0);
}

static void
fuzz_request_one(const json_t *posted, const json_t *existing)
{
	json_t	*norm = NULL, *again = NULL;
	char	 err[1024] = "";
	int	 r;

	r = request_normalize(posted, existing, &norm, err, sizeof(err));
	if (r < 0) {
		FUZZ_ASSERT(r == -EINVAL || r == -ENOMEM);
		FUZZ_ASSERT(norm == NULL);
		FUZZ_ASSERT(r == -ENOMEM || fuzz_one_line(err));
		return;
	}
	FUZZ_ASSERT(json_is_object(norm));
	err[0] = '\0';
	r = request_normalize(norm, existing, &again, err, sizeof(err));
	fuzz_check_round_trip(norm, again, r, err);
	json_decref(again);
	json_decref(norm);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t	*posted;

	if ((posted = json_loadb((const char *)data, size, JSON_DECODE_ANY,
	    NULL)) == NULL)
		return (0);
	fuzz_request_one(posted, NULL);
	fuzz_request_one(posted, fuzz_requests[size % FUZZ_NREQUESTS]);
	json_decref(posted);
	return (0);
}
