/*
 * The ?property= filter of every list and object reply
 * (daemons/apid/json_filter.c): the input's first line is the property
 * list, comma-separated as a client may send several, the rest a JSON
 * value to filter.  Both forms are run: parsed once for many values,
 * and parsed per value.
 *
 * Properties: both forms give the same result; filtering by nothing
 * changes nothing; a result filtered again by the same list is
 * unchanged.
 */
#include <jansson.h>

#include "fuzz.h"
#include "json_filter.h"

#define FUZZ_FILTER_PROPS	16

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*props[FUZZ_FILTER_PROPS];
	const uint8_t		*nl;
	struct json_filter	*f;
	json_t			*value, *a = NULL, *b = NULL, *c = NULL;
	char			*list, *p, *save = NULL;
	size_t			 n = 0;

	if ((nl = memchr(data, '\n', size)) == NULL)
		return (0);
	if ((value = json_loadb((const char *)nl + 1,
	    size - (size_t)(nl + 1 - data), JSON_DECODE_ANY, NULL)) == NULL)
		return (0);
	if ((list = fuzz_cstr(data, (size_t)(nl - data))) == NULL) {
		json_decref(value);
		return (0);
	}
	for (p = strtok_r(list, ",", &save); p != NULL && n <
	    FUZZ_FILTER_PROPS; p = strtok_r(NULL, ",", &save))
		props[n++] = p;

	if ((f = json_filter_new(props, n)) != NULL) {
		a = json_filter_apply(f, value);
		if (a != NULL)
			c = json_filter_apply(f, a);
		json_filter_free(f);
	}
	b = json_filter_properties(value, props, n);
	if (a != NULL && b != NULL)
		FUZZ_ASSERT(json_equal(a, b));
	if (a != NULL && c != NULL)
		FUZZ_ASSERT(json_equal(a, c));
	if (n == 0 && b != NULL)
		FUZZ_ASSERT(json_equal(b, value));
	json_decref(a);
	json_decref(b);
	json_decref(c);
	json_decref(value);
	free(list);
	return (0);
}
