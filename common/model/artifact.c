/*
 * Artifact names and embedded content (artifact.h).  The base64 is
 * Nettle's, already linked for the event channel's HMAC.
 */
#include <string.h>

#include <nettle/base64.h>

#include "artifact.h"

/* The sandbox's own files, which an artifact must not replace. */
static const char *const artifact_reserved[] = {
	".", "..", ".kerr", "stdout", "stderr", NULL
};

int
artifact_name_ok(const char *name)
{
	size_t	i;

	if (name == NULL || name[0] == '\0' || strchr(name, '/') != NULL ||
	    strlen(name) > 255)
		return (0);
	for (i = 0; artifact_reserved[i] != NULL; i++)
		if (strcmp(name, artifact_reserved[i]) == 0)
			return (0);
	return (1);
}

/* Decode into out when it is not NULL; the decoded size, or -1. */
static long long
artifact_base64_run(const char *text, uint8_t *out, size_t len)
{
	struct base64_decode_ctx	ctx;
	uint8_t				buf[BASE64_DECODE_LENGTH(256)];
	size_t				n, step, done = 0, chunk;
	const char			*p = text;

	base64_decode_init(&ctx);
	for (n = strlen(text); n > 0; n -= step, p += step) {
		step = n < 256 ? n : 256;
		chunk = sizeof(buf);
		if (!base64_decode_update(&ctx, &chunk, buf, step, p))
			return (-1);
		if (out != NULL) {
			if (done + chunk > len)
				return (-1);
			memcpy(out + done, buf, chunk);
		}
		done += chunk;
	}
	if (!base64_decode_final(&ctx))
		return (-1);
	return ((long long)done);
}

long long
artifact_base64_size(const char *text)
{
	return (artifact_base64_run(text, NULL, 0));
}

int
artifact_base64_decode(const char *text, uint8_t *out, size_t len)
{
	return (artifact_base64_run(text, out, len) == (long long)len ? 0 :
	    -1);
}
