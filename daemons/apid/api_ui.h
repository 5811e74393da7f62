/*
 * The web UI's HTTP side: /singularity/ and /singularity/ui/... answered
 * from the files compiled in (ui_assets.h), beside the API.
 */
#ifndef KERR_API_UI_H
#define KERR_API_UI_H

#include <microhttpd.h>

/* 1 when url is the UI's to answer, not the API's. */
int		api_ui_owns(const char *url);
/* Queue the UI's reply to method url on conn; close_after: ask the client
 * to close the connection (apid is stopping). */
enum MHD_Result	api_ui_serve(struct MHD_Connection *conn, const char *method,
		    const char *url, int close_after);

#endif
