/*
 * Small text helpers (text.h).
 */
#include <errno.h>
#include <string.h>

#include "text.h"

int
text_copy(char *dst, size_t len, const char *p, size_t n)
{
	if (n >= len)
		return (-EINVAL);
	memcpy(dst, p, n);
	dst[n] = '\0';
	return (0);
}
