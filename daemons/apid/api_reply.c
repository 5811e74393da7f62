/*
 * Building replies: JSON bodies with exactly "application/json" (the UI
 * compares the string), and errors as one plain-text line, the way
 * Singularity answers them.  Also the one errno -> HTTP status map, and
 * the reply to a write the full disk refused (507, naming the store's
 * filesystem).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "fs.h"

#define API_CT_JSON	"application/json"
#define API_CT_TEXT	"text/plain; charset=utf-8"

/* The store, set once before the HTTP threads start. */
static char	api_reply_store[PATH_MAX];

void
api_reply_set_store(const char *db_path)
{
	(void)snprintf(api_reply_store, sizeof(api_reply_store), "%s",
	    db_path);
}

void
api_reply_clear(struct api_reply *rep)
{
	free(rep->body);
	rep->body = NULL;
	rep->len = 0;
}

int
api_reply_json(struct api_reply *rep, unsigned int status, json_t *json)
{
	char *text;

	api_reply_clear(rep);
	text = json != NULL ? json_dumps(json, JSON_COMPACT |
	    JSON_ENCODE_ANY) : NULL;
	json_decref(json);
	if (text == NULL)
		return (api_reply_error(rep, 500, "Failed to encode reply"));
	rep->status = status;
	rep->body = text;
	rep->len = strlen(text);
	rep->content_type = API_CT_JSON;
	return (0);
}

int
api_reply_text(struct api_reply *rep, unsigned int status, char *json,
    size_t len)
{
	api_reply_clear(rep);
	rep->status = status;
	rep->body = json;
	rep->len = len;
	rep->content_type = API_CT_JSON;
	return (0);
}

int
api_reply_empty(struct api_reply *rep, unsigned int status)
{
	api_reply_clear(rep);
	rep->status = status;
	rep->content_type = NULL;
	return (0);
}

static int
api_reply_verror(struct api_reply *rep, unsigned int status,
    const char *fmt, va_list ap)
{
	char	*text = NULL;
	int	 n;

	api_reply_clear(rep);
	n = vasprintf(&text, fmt, ap);
	rep->status = status;
	rep->content_type = API_CT_TEXT;
	if (n < 0) {
		/* Still a valid reply: the status carries the meaning. */
		rep->body = NULL;
		rep->len = 0;
		return (0);
	}
	/* One line: a stray newline from a message part is flattened. */
	for (char *p = text; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	rep->body = text;
	rep->len = (size_t)n;
	return (0);
}

int
api_reply_error(struct api_reply *rep, unsigned int status, const char *fmt,
    ...)
{
	va_list	ap;
	int	r;

	va_start(ap, fmt);
	r = api_reply_verror(rep, status, fmt, ap);
	va_end(ap);
	return (r);
}

unsigned int
api_errno_status(int err)
{
	switch (err) {
	case -ENOENT:
		return (404);
	case -EINVAL:
		return (400);
	case -EEXIST:
	case -ESTALE:
		return (409);
	case -E2BIG:
		return (413);
	case -EBUSY:
		return (503);
	case -ENOSPC:
		return (507);
	default:
		return (500);
	}
}

int
api_reply_full(struct api_reply *rep)
{
	char mount[PATH_MAX];

	fs_mount_point(api_reply_store, mount, sizeof(mount));
	return (api_reply_error(rep, 507, "No space left on the filesystem "
	    "mounted on %s, which holds the store %s: nothing was changed; "
	    "try again once there is space", mount, api_reply_store));
}

int
api_reply_errno(struct api_reply *rep, int err, const char *fmt, ...)
{
	va_list	ap;
	int	r;

	/* Which filesystem is full says more than the caller's words. */
	if (err == -ENOSPC)
		return (api_reply_full(rep));

	va_start(ap, fmt);
	r = api_reply_verror(rep, api_errno_status(err), fmt, ap);
	va_end(ap);
	return (r);
}
