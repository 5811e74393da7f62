/*
 * Serving the web UI.  The page is one index.html whose scripts route on
 * the client with the History API, so a shared link such as
 * /singularity/ui/request/web must answer index.html too: every path
 * below /singularity/ui/ is the page, except /singularity/ui/assets/...,
 * which is a file or a 404 (a missing script must fail as missing, not
 * arrive as HTML).  /singularity/ itself is the page (the status view);
 * /singularity redirects there so relative links resolve.
 *
 * The files change only with the binary: each reply carries the ETag the
 * build computed and "Cache-Control: no-cache", so a browser revalidates
 * and gets a 304 until apid is upgraded.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "api_ui.h"
#include "log.h"
#include "ui_assets.h"

#define API_UI_ROOT		"/singularity"
#define API_UI_PAGES		"/singularity/ui"
#define API_UI_ASSETS		"/singularity/ui/assets/"
#define API_UI_INDEX		"index.html"

enum api_ui_target {
	API_UI_REDIRECT,
	API_UI_INDEX_PAGE,
	API_UI_FILE,
	API_UI_MISSING
};

static const struct ui_asset *
api_ui_find(const char *path)
{
	size_t i;

	for (i = 0; i < ui_nassets; i++)
		if (strcmp(ui_assets[i].path, path) == 0)
			return (&ui_assets[i]);
	return (NULL);
}

int
api_ui_owns(const char *url)
{
	size_t n = strlen(API_UI_PAGES);

	if (strcmp(url, API_UI_ROOT) == 0 || strcmp(url, API_UI_ROOT "/") == 0)
		return (1);
	return (strncmp(url, API_UI_PAGES, n) == 0 &&
	    (url[n] == '\0' || url[n] == '/'));
}

static enum api_ui_target
api_ui_resolve(const char *url, const struct ui_asset **ret)
{
	size_t n = strlen(API_UI_ASSETS);

	*ret = NULL;
	if (strcmp(url, API_UI_ROOT) == 0)
		return (API_UI_REDIRECT);
	if (strncmp(url, API_UI_ASSETS, n) == 0) {
		*ret = api_ui_find(url + n);
		return (*ret != NULL ? API_UI_FILE : API_UI_MISSING);
	}
	*ret = api_ui_find(API_UI_INDEX);
	return (*ret != NULL ? API_UI_INDEX_PAGE : API_UI_MISSING);
}

static int
api_ui_etag_matches(struct MHD_Connection *conn, const char *etag)
{
	const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH);

	/* A list of tags or "*" as well as the one tag browsers send. */
	return (inm != NULL && (strstr(inm, etag) != NULL ||
	    strcmp(inm, "*") == 0));
}

static enum MHD_Result
api_ui_queue(struct MHD_Connection *conn, unsigned int status,
    struct MHD_Response *resp, int close_after)
{
	enum MHD_Result ret;

	if (resp == NULL)
		return (MHD_NO);
	(void)MHD_add_response_header(resp, "X-Content-Type-Options",
	    "nosniff");
	if (close_after)
		(void)MHD_add_response_header(resp,
		    MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return (ret);
}

static enum MHD_Result
api_ui_text(struct MHD_Connection *conn, unsigned int status,
    const char *allow, int close_after, const char *fmt, const char *arg)
{
	struct MHD_Response	*resp;
	char			 msg[512];
	int			 n;

	n = snprintf(msg, sizeof(msg), fmt, arg);
	if (n < 0)
		return (MHD_NO);
	if ((size_t)n >= sizeof(msg))
		n = (int)sizeof(msg) - 1;
	resp = MHD_create_response_from_buffer((size_t)n, msg,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return (MHD_NO);
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	if (allow != NULL)
		(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
		    allow);
	return (api_ui_queue(conn, status, resp, close_after));
}

static enum MHD_Result
api_ui_redirect(struct MHD_Connection *conn, int close_after)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(0, NULL,
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return (MHD_NO);
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION,
	    API_UI_ROOT "/");
	return (api_ui_queue(conn, MHD_HTTP_MOVED_PERMANENTLY, resp,
	    close_after));
}

static enum MHD_Result
api_ui_file(struct MHD_Connection *conn, const struct ui_asset *a,
    int close_after)
{
	struct MHD_Response	*resp;
	unsigned int		 status = MHD_HTTP_OK;

	if (api_ui_etag_matches(conn, a->etag)) {
		status = MHD_HTTP_NOT_MODIFIED;
		resp = MHD_create_response_from_buffer(0, NULL,
		    MHD_RESPMEM_PERSISTENT);
	} else
		/* Persistent: MHD never writes it; its API just lacks const. */
		resp = MHD_create_response_from_buffer(a->len,
		    (void *)(uintptr_t)a->data, MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return (MHD_NO);
	if (status == MHD_HTTP_OK)
		(void)MHD_add_response_header(resp,
		    MHD_HTTP_HEADER_CONTENT_TYPE, a->content_type);
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, a->etag);
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "no-cache");
	return (api_ui_queue(conn, status, resp, close_after));
}

enum MHD_Result
api_ui_serve(struct MHD_Connection *conn, const char *method,
    const char *url, int close_after)
{
	const struct ui_asset	*a;
	enum api_ui_target	 target;

	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		log_debug("%s %s -> 405", method, url);
		return (api_ui_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "GET, HEAD", close_after,
		    "Method not allowed on the web UI: %s", method));
	}
	target = api_ui_resolve(url, &a);
	log_debug("%s %s -> UI %s", method, url, a != NULL ? a->path :
	    target == API_UI_REDIRECT ? "redirect" : "missing");
	switch (target) {
	case API_UI_REDIRECT:
		return (api_ui_redirect(conn, close_after));
	case API_UI_INDEX_PAGE:
	case API_UI_FILE:
		return (api_ui_file(conn, a, close_after));
	case API_UI_MISSING:
		break;
	}
	return (api_ui_text(conn, MHD_HTTP_NOT_FOUND, NULL, close_after,
	    "No such web UI file: %s", url));
}
