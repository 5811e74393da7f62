/*
 * What every artifact of a task has to satisfy, checked where the deploy
 * is posted and again by kerr-fetch, which trusts nothing it reads: a
 * name that stays at the sandbox's top and does not hide kerr's own
 * files, and embedded content that is base64 (RFC 4648, as Jackson
 * writes a byte[]).
 */
#ifndef KERR_ARTIFACT_H
#define KERR_ARTIFACT_H

#include <stddef.h>
#include <stdint.h>

/* Whether name can be an artifact's file in the sandbox. */
int	artifact_name_ok(const char *name);

/* The decoded size of base64 text, or -1 when it is not base64. */
long long	artifact_base64_size(const char *text);
/* Decode base64 text into out (artifact_base64_size bytes); 0 or -1. */
int	artifact_base64_decode(const char *text, uint8_t *out, size_t len);

#endif
