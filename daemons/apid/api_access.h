/*
 * auth = token (api_access.c): who calls (401 without a known token) and
 * whether it may make the call its handler stands for (403), following
 * Singularity's groups: admins do everything, read-only users read
 * everything, anyone else reads a request when in its group,
 * readWriteGroups or readOnlyGroups and changes it when in its group or
 * readWriteGroups (a request naming neither is everyone's).  Lists leave
 * out what the caller may not read.  With auth = none every call passes.
 */
#ifndef KERR_API_ACCESS_H
#define KERR_API_ACCESS_H

#include <jansson.h>

#include "api.h"
#include "api_tokens.h"

struct MHD_Connection;

/* Read tokens_file when auth = token; 0, or -errno with a one-line
 * reason in err.  Called once, before the first connection. */
int	api_access_start(const struct conf *c, char *err, size_t errlen);
void	api_access_stop(void);

/* The caller's identity into who (NULL req->who when auth is off): 0,
 * or -EACCES with a 401 in rep. */
int	api_access_authenticate(const struct conf *c,
	    struct MHD_Connection *conn, struct api_identity *who,
	    struct api_reply *rep);
/* Whether req->who may call handler: 0, or -EPERM with a 403 in rep. */
int	api_access_authorize(struct api_req *req, api_handler_fn handler,
	    struct api_reply *rep);
/* Whether the caller may read this element of a list (a request, task,
 * pending task or id of one; anything else is not a request's). */
int	api_access_visible(const struct api_req *req, const json_t *element);
/* Drop from list, in place, the elements the caller may not read. */
void	api_access_filter(const struct api_req *req, json_t *list);

#endif
