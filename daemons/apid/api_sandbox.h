/*
 * Sandbox handlers (api_sandbox.c): GET /sandbox/{taskId}/browse and
 * GET /sandbox/{taskId}/read, the files of a task's sandbox read from the
 * local disk in place of the Mesos agent's files API (spec 1.6, 4.5).
 */
#ifndef KERR_API_SANDBOX_H
#define KERR_API_SANDBOX_H

#include "api.h"

/* 200 with the SingularitySandbox of directory ?path= (default: root). */
int	api_sandbox_browse(struct api_req *req, struct api_reply *rep);
/* 200 with the MesosFileChunkObject of file ?path= at ?offset= (with
 * ?length= and ?grep=); without ?offset=, the file's size. */
int	api_sandbox_read(struct api_req *req, struct api_reply *rep);

#endif
