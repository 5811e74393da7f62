/*
 * What other handlers ask of the cluster settings (api_cluster.c).
 */
#ifndef KERR_API_CLUSTER_H
#define KERR_API_CLUSTER_H

#include "api.h"

/* 0 when no priority freeze holds the stored request back; otherwise
 * replies 400 naming both levels and returns -EINVAL (or a store error
 * with no reply). */
int	api_cluster_priority_check(struct api_req *req, struct api_reply *rep,
	    const json_t *request);

#endif
