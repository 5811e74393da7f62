/*
 * The disabled-action gate of api_disasters.c, for api_http.c.
 */
#ifndef KERR_API_DISASTERS_H
#define KERR_API_DISASTERS_H

#include "api.h"

/* 1 when the call h would make is a disabled SingularityAction (409 with
 * the action's message is then in rep), else 0: run the handler. */
int	api_disasters_gate(api_handler_fn h, struct api_req *req,
	    struct api_reply *rep);

#endif
