/*
 * The web UI's files, compiled into kerr-apid: ui_embed.c turns
 * daemons/apid/ui/ into a table of these at build time (ui_assets.c in the
 * build directory), so apid needs nothing beside itself to serve the UI.
 */
#ifndef KERR_UI_ASSETS_H
#define KERR_UI_ASSETS_H

#include <stddef.h>

struct ui_asset {
	const char		*path;		/* "js/app.js", below ui/ */
	const char		*content_type;
	const char		*etag;		/* quoted, a hash of data */
	const unsigned char	*data;
	size_t			 len;
};

extern const struct ui_asset	ui_assets[];
extern const size_t		ui_nassets;

#endif
