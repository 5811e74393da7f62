/*
 * Small text helpers shared by the parsers of ids and event lines; libc
 * only, so the task supervisor can link them.
 */
#ifndef KERR_TEXT_H
#define KERR_TEXT_H

#include <stddef.h>

/* Copy the n bytes at p into dst (of size len) as a string: 0, or
 * -EINVAL when they do not fit. */
int	text_copy(char *dst, size_t len, const char *p, size_t n);

#endif
