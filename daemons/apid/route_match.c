/*
 * One route pattern against one request path, for api_routes.c: a {x}
 * segment matches one non-empty path segment and becomes a parameter.
 * Pure string work with no libmicrohttpd, so the fuzzer
 * (tests/fuzz/fuzz_route.c) links this file alone.
 */
#include <string.h>

#include "route_match.h"

/* Match pattern against path; on success point params into pathbuf. */
static int
route_match_segments(const char *pattern, char *pathbuf, const char **params,
    int max)
{
	const char	*p = pattern;
	char		*s = pathbuf;
	int		 n = 0;

	while (*p != '\0') {
		const char	*pend;
		char		*send;
		size_t		 plen, slen;

		if (*p != '/' || *s != '/')
			return (-1);
		p++;
		s++;
		pend = strchrnul(p, '/');
		send = strchrnul(s, '/');
		plen = (size_t)(pend - p);
		slen = (size_t)(send - s);
		if (plen > 1 && p[0] == '{' && p[plen - 1] == '}') {
			if (slen == 0 || n == max)
				return (-1);
			params[n++] = s;
		} else if (plen != slen || memcmp(p, s, plen) != 0)
			return (-1);
		p = pend;
		s = send;
	}
	/* A single trailing slash is tolerated, as JAX-RS does. */
	if (!(*s == '\0' || (s[0] == '/' && s[1] == '\0')))
		return (-1);
	return (n);
}

int
route_match(const char *pattern, char *pathbuf, const char **params, int max)
{
	int	i, n;

	if ((n = route_match_segments(pattern, pathbuf, params, max)) < 0)
		return (0);
	/* Cut each parameter at its closing slash, now that it matched. */
	for (i = 0; i < n; i++) {
		char *slash = strchr(params[i], '/');

		if (slash != NULL)
			*slash = '\0';
	}
	return (1);
}
