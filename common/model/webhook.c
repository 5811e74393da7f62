/*
 * Webhooks (see webhook.h): type names, URI checks, ids, placeholders
 * and retry delays.  The URI check is stricter than Singularity's (it
 * takes whatever java.net.URI parses, relative URIs too): kerr has to
 * POST to the URI, so it must be absolute http or https with a host.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema.h"
#include "webhook.h"

static const char *const webhook_types[] = {
	"REQUEST", "DEPLOY", "TASK", NULL
};
static const char *const webhook_types_unsupported[] = {
	"CRASHLOOP", "ELEVATED_ACCESS", NULL
};

int
webhook_type_ok(const char *type)
{
	return (type != NULL && schema_index(webhook_types, type) >= 0);
}

int
webhook_type_unsupported(const char *type)
{
	return (type != NULL &&
	    schema_index(webhook_types_unsupported, type) >= 0);
}

/* ---- URI check ---- */

/* Bytes no URI may hold as they are (RFC 3986 excludes them; Java's
 * URI parser refuses them too). */
static int
webhook_uri_byte_ok(unsigned char c)
{
	return (c > 0x20 && c < 0x7f && strchr("\"<>\\^`{|}", c) == NULL);
}

static int
webhook_uri_chars_ok(const char *uri, const char **ret_why)
{
	const unsigned char *p;

	for (p = (const unsigned char *)uri; *p != '\0'; p++) {
		if (!webhook_uri_byte_ok(*p)) {
			*ret_why = "it contains a space, a control character, "
			    "a non-ASCII byte or one of \"<>\\^`{|}";
			return (-EINVAL);
		}
		if (*p == '%' && (!isxdigit(p[1]) || !isxdigit(p[2]))) {
			*ret_why = "a '%' is not followed by two hex digits";
			return (-EINVAL);
		}
	}
	return (0);
}

/* The port after the host: 1..65535 when present. */
static int
webhook_uri_port_ok(const char *p, const char *end)
{
	long port = 0;

	if (p == end)
		return (1);		/* "host:" means the default port */
	for (; p < end; p++) {
		if (!isdigit((unsigned char)*p))
			return (0);
		port = port * 10 + (*p - '0');
		if (port > 65535)
			return (0);
	}
	return (port > 0);
}

/* The authority [userinfo@]host[:port] between start and end. */
static int
webhook_uri_authority_ok(const char *start, const char *end,
    const char **ret_why)
{
	const char	*host = start, *colon = NULL, *p;

	for (p = start; p < end; p++)
		if (*p == '@')
			host = p + 1;
	if (host < end && *host == '[') {
		if ((p = memchr(host, ']', (size_t)(end - host))) == NULL) {
			*ret_why = "its IPv6 host has no closing ']'";
			return (-EINVAL);
		}
		if (p + 1 < end && p[1] != ':') {
			*ret_why = "its host is followed by something else than "
			    "a port";
			return (-EINVAL);
		}
		colon = p + 1 < end ? p + 1 : NULL;
	} else
		colon = memchr(host, ':', (size_t)(end - host));
	if (host == end || host == colon) {
		*ret_why = "it has no host";
		return (-EINVAL);
	}
	if (colon != NULL && !webhook_uri_port_ok(colon + 1, end)) {
		*ret_why = "its port is not a number from 1 to 65535";
		return (-EINVAL);
	}
	return (0);
}

int
webhook_uri_check(const char *uri, const char **ret_why)
{
	const char	*rest;
	size_t		 skip;

	if (uri == NULL || *uri == '\0') {
		*ret_why = "it is empty";
		return (-EINVAL);
	}
	if (strlen(uri) > WEBHOOK_URI_MAX) {
		*ret_why = "it is longer than 2048 characters";
		return (-EINVAL);
	}
	if (strncasecmp(uri, "http://", 7) == 0)
		skip = 7;
	else if (strncasecmp(uri, "https://", 8) == 0)
		skip = 8;
	else {
		*ret_why = "only http:// and https:// URIs can be POSTed to";
		return (-EINVAL);
	}
	if (webhook_uri_chars_ok(uri, ret_why) < 0)
		return (-EINVAL);
	rest = uri + skip;
	return (webhook_uri_authority_ok(rest, rest + strcspn(rest, "/?#"),
	    ret_why));
}

/* ---- ids and placeholders ---- */

struct webhook_buf {
	char	*s;
	size_t	 len, cap;
	int	 oom;
};

static void
webhook_buf_add(struct webhook_buf *b, const char *p, size_t n)
{
	char	*s;
	size_t	 cap;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = (b->len + n + 1) * 2;
		if ((s = realloc(b->s, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* The string built, or NULL (freeing it) when memory ran out. */
static char *
webhook_buf_take(struct webhook_buf *b)
{
	if (b->oom || b->s == NULL) {
		free(b->s);
		return (NULL);
	}
	return (b->s);
}

/* Append s with every byte not in keep (nor alphanumeric) as %XX;
 * plus_for_space: a space as '+' (form encoding). */
static void
webhook_buf_encode(struct webhook_buf *b, const char *s, const char *keep,
    int plus_for_space)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	char			 esc[3];

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (isalnum(*p) || (*p != '\0' && strchr(keep, *p) != NULL))
			webhook_buf_add(b, (const char *)p, 1);
		else if (*p == ' ' && plus_for_space)
			webhook_buf_add(b, "+", 1);
		else {
			esc[0] = '%';
			esc[1] = hex[*p >> 4];
			esc[2] = hex[*p & 0xf];
			webhook_buf_add(b, esc, 3);
		}
	}
}

char *
webhook_id(const char *type, const char *uri)
{
	struct webhook_buf b = { 0 };

	webhook_buf_add(&b, type, strlen(type));
	webhook_buf_add(&b, "-", 1);
	webhook_buf_encode(&b, uri, ".-*_", 1);
	return (webhook_buf_take(&b));
}

char *
webhook_uri_expand(const char *uri, const char *request_id,
    const char *deploy_id, const char *task_id)
{
	const struct {
		const char	*name;
		const char	*value;
	} ph[] = {
		{ "$REQUEST_ID", request_id }, { "$DEPLOY_ID", deploy_id },
		{ "$TASK_ID", task_id },
	};
	struct webhook_buf	 b = { 0 };
	const char		*p = uri;
	size_t			 i, n;

	webhook_buf_add(&b, "", 0);
	while (*p != '\0') {
		for (i = 0; i < sizeof(ph) / sizeof(ph[0]); i++) {
			n = strlen(ph[i].name);
			if (ph[i].value != NULL && strncmp(p, ph[i].name, n) == 0)
				break;
		}
		if (i == sizeof(ph) / sizeof(ph[0])) {
			webhook_buf_add(&b, p++, 1);
			continue;
		}
		webhook_buf_encode(&b, ph[i].value, "-._~", 0);
		p += n;
	}
	return (webhook_buf_take(&b));
}

/* ---- retries ---- */

int64_t
webhook_retry_delay_ms(int64_t failures, int64_t min_ms, int64_t max_ms)
{
	int64_t delay = min_ms;

	if (failures < 1)
		return (0);
	/* Doubling stops at max_ms, so it never overflows. */
	while (--failures > 0 && delay < max_ms)
		delay = delay > max_ms / 2 ? max_ms : delay * 2;
	if (delay > max_ms)
		delay = max_ms;
	return (delay < min_ms ? min_ms : delay);
}
