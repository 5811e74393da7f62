/*
 * Task endpoints (api_task.c).
 */
#ifndef KERR_API_TASK_H
#define KERR_API_TASK_H

#include "api.h"

int	api_task_active(struct api_req *req, struct api_reply *rep);
int	api_task_active_ids(struct api_req *req, struct api_reply *rep);
int	api_task_scheduled(struct api_req *req, struct api_reply *rep);
int	api_task_scheduled_ids(struct api_req *req, struct api_reply *rep);
int	api_task_scheduled_request(struct api_req *req, struct api_reply *rep);
int	api_task_ids_request(struct api_req *req, struct api_reply *rep);
int	api_task_counts_request(struct api_req *req, struct api_reply *rep);
int	api_task_get(struct api_req *req, struct api_reply *rep);
int	api_task_history(struct api_req *req, struct api_reply *rep);
int	api_task_track(struct api_req *req, struct api_reply *rep);
int	api_task_request_history(struct api_req *req, struct api_reply *rep);
int	api_task_request_history_active(struct api_req *req,
	    struct api_reply *rep);
int	api_task_cleaning(struct api_req *req, struct api_reply *rep);
int	api_task_cleanup_get(struct api_req *req, struct api_reply *rep);
int	api_task_kill(struct api_req *req, struct api_reply *rep);
int	api_task_killed(struct api_req *req, struct api_reply *rep);

#endif
