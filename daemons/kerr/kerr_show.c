/*
 * What every command prints with: times (relative on a terminal,
 * ISO 8601 otherwise), JSON fields, failures and progress lines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "kerr.h"
#include "kerr_table.h"

void
kerr_when(const struct kerr *k, int64_t ms, char *buf, size_t len)
{
	if (ms <= 0)
		(void)snprintf(buf, len, "-");
	else if (k->tty)
		kerr_reltime(clock_now_ms(), ms, buf, len);
	else
		kerr_isotime(ms, buf, len);
}

const char *
kerr_str(const json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

const char *
kerr_str2(const json_t *o, const char *key, const char *key2)
{
	return (kerr_str(json_object_get(o, key), key2));
}

int64_t
kerr_int(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		return ((int64_t)json_integer_value(v));
	return (json_is_real(v) ? (int64_t)json_real_value(v) : 0);
}

int
kerr_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("kerr: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return (KERR_EXIT_FAIL);
}

int
kerr_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kerr %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (kerr help %s)\n", cmd);
	return (KERR_EXIT_USAGE);
}

void
kerr_progress(const struct kerr *k, const char *fmt, ...)
{
	va_list ap;

	if (!k->progress)
		return;
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

void
kerr_progress_end(const struct kerr *k)
{
	if (k->progress)
		fputs("\r\033[K", stderr);
}
