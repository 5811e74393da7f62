/*
 * Route patterns against request paths: see route_match.c.
 */
#ifndef KERR_ROUTE_MATCH_H
#define KERR_ROUTE_MATCH_H

/*
 * 1 when the writable path pathbuf matches pattern; then params (room
 * for max) point at the values of its {x} segments in order, each cut at
 * its closing slash in pathbuf.  0 when it does not match, pathbuf
 * unchanged.
 */
int	route_match(const char *pattern, char *pathbuf, const char **params,
	    int max);

#endif
