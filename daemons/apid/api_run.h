/*
 * Run ids and pending tasks (api_run.c).
 */
#ifndef KERR_API_RUN_H
#define KERR_API_RUN_H

#include "api.h"

int	api_run_task_id(struct api_req *req, struct api_reply *rep);
int	api_run_history(struct api_req *req, struct api_reply *rep);
int	api_run_track(struct api_req *req, struct api_reply *rep);
int	api_run_pending_get(struct api_req *req, struct api_reply *rep);
int	api_run_pending_delete(struct api_req *req, struct api_reply *rep);

#endif
