/*
 * apid's single writer with group commit (api_writer.c).
 */
#ifndef KERR_API_WRITER_H
#define KERR_API_WRITER_H

#include "api.h"

struct api_writer;

int	api_writer_start(const struct conf *conf, struct api_writer **ret);
/* Finishes the queued writes, then stops; accepts NULL. */
void	api_writer_stop(struct api_writer *w);
/* Run fn in the next group transaction; returns after its commit. */
int	api_writer_run(struct api_writer *w, struct api_req *req,
	    struct api_reply *rep,
	    int (*fn)(struct api_req *, struct api_reply *, void *),
	    void *arg);

#endif
