/*
 * POST /deploys: deploy_normalize() of any JSON against a stored request
 * of each type.  A refusal is -EINVAL with a one-line message; what it
 * accepts it accepts again as posted, unchanged.
 */
#include <errno.h>

#include <jansson.h>

#include "deploy.h"
#include "fuzz.h"
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
	json_t		*posted, *norm = NULL, *again = NULL;
	char		 err[1024] = "";
	int		 r;

	if ((posted = json_loadb((const char *)data, size, JSON_DECODE_ANY,
	    NULL)) == NULL)
		return (0);
	r = deploy_normalize(posted, request, &norm, err, sizeof(err));
	json_decref(posted);
	if (r < 0) {
		FUZZ_ASSERT(r == -EINVAL || r == -ENOMEM);
		FUZZ_ASSERT(norm == NULL);
		FUZZ_ASSERT(r == -ENOMEM || fuzz_one_line(err));
		return (0);
	}
	FUZZ_ASSERT(json_is_object(norm));
	err[0] = '\0';
	r = deploy_normalize(norm, request, &again, err, sizeof(err));
	if (r != 0 || !json_equal(norm, again)) {
		fprintf(stderr, "posted back: %s\n", err);
		json_dumpf(norm, stderr, JSON_SORT_KEYS);
		fputc('\n', stderr);
		if (again != NULL)
			json_dumpf(again, stderr, JSON_SORT_KEYS);
		fputc('\n', stderr);
	}
	FUZZ_ASSERT(r == 0 || r == -ENOMEM);
	FUZZ_ASSERT(r != 0 || json_equal(norm, again));
	json_decref(again);
	json_decref(norm);
	return (0);
}
