/*
 * Routing: route_match() (daemons/apid/route_match.c) of any path
 * against every pattern of the route table, read from api_routes.c at
 * start-up so the harness follows the table.  An input holding a newline
 * is also tried as "pattern\npath".
 *
 * Properties: a match yields one non-empty parameter per {x} segment,
 * none holding a slash, and putting them back into the pattern gives the
 * path (less the one trailing slash tolerated).
 */
#include <ctype.h>

#include "fuzz.h"
#include "route_match.h"

#define FUZZ_ROUTE_PARAMS	4	/* API_MAX_PARAMS */
#define FUZZ_ROUTE_MAX		512
#define FUZZ_ROUTE_PATH_MAX	4096	/* api_routes_match's buffer */

static char	*fuzz_route_patterns[FUZZ_ROUTE_MAX];
static size_t	 fuzz_route_npatterns;

/* Every string literal starting with '/' in the table's source. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE	*fp;
	char	 line[1024], *q, *end;

	(void)argc;
	(void)argv;
	if ((fp = fopen(KERR_SRCDIR "/daemons/apid/api_routes.c", "r")) ==
	    NULL)
		abort();
	while (fgets(line, sizeof(line), fp) != NULL &&
	    fuzz_route_npatterns < FUZZ_ROUTE_MAX) {
		if ((q = strstr(line, "\"/")) == NULL ||
		    (end = strchr(q + 1, '"')) == NULL)
			continue;
		*end = '\0';
		if ((fuzz_route_patterns[fuzz_route_npatterns++] =
		    strdup(q + 1)) == NULL)
			abort();
	}
	fclose(fp);
	if (fuzz_route_npatterns < 100) {
		fprintf(stderr, "only %zu routes found in api_routes.c\n",
		    fuzz_route_npatterns);
		abort();
	}
	return (0);
}

/* The pattern with each {x} replaced by the next parameter. */
static void
fuzz_route_rebuild(const char *pattern, const char **params, char *out,
    size_t len, int *ret_n)
{
	const char	*seg;
	size_t		 used = 0, n;
	int		 k = 0;

	out[0] = '\0';
	for (seg = pattern; *seg == '/'; seg += n) {
		seg++;
		n = strcspn(seg, "/");
		if (n > 1 && seg[0] == '{' && seg[n - 1] == '}')
			used += (size_t)snprintf(out + used, len - used,
			    "/%s", params[k++]);
		else
			used += (size_t)snprintf(out + used, len - used,
			    "/%.*s", (int)n, seg);
		FUZZ_ASSERT(used < len);
	}
	*ret_n = k;
}

static void
fuzz_route_one(const char *pattern, const char *path)
{
	static char	 pathbuf[FUZZ_ROUTE_PATH_MAX];
	const char	*params[FUZZ_ROUTE_PARAMS] = { NULL };
	char		 rebuilt[2 * FUZZ_ROUTE_PATH_MAX];
	size_t		 len = strlen(path);
	int		 i, n;

	if (len >= sizeof(pathbuf))
		return;
	memcpy(pathbuf, path, len + 1);
	if (!route_match(pattern, pathbuf, params, FUZZ_ROUTE_PARAMS)) {
		FUZZ_ASSERT(strcmp(pathbuf, path) == 0);
		return;
	}
	FUZZ_ASSERT(*pattern == '\0' || *pattern == '/');
	for (i = 0; i < FUZZ_ROUTE_PARAMS && params[i] != NULL; i++)
		FUZZ_ASSERT(params[i][0] != '\0' &&
		    strchr(params[i], '/') == NULL);
	fuzz_route_rebuild(pattern, params, rebuilt, sizeof(rebuilt), &n);
	FUZZ_ASSERT(n == i);
	if (len > 0 && path[len - 1] == '/' && strcmp(rebuilt, path) != 0)
		len--;
	FUZZ_ASSERT(strlen(rebuilt) == len &&
	    strncmp(rebuilt, path, len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*text, *nl;
	size_t	 i;

	if ((text = fuzz_cstr(data, size)) == NULL)
		return (0);
	for (i = 0; i < fuzz_route_npatterns; i++)
		fuzz_route_one(fuzz_route_patterns[i], text);
	if ((nl = strchr(text, '\n')) != NULL) {
		*nl = '\0';
		fuzz_route_one(text, nl + 1);
	}
	free(text);
	return (0);
}
