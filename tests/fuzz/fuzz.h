/*
 * What every libFuzzer harness shares.  A harness checks the properties
 * its parser promises (a one-line error on refusal, a round trip, an
 * answer inside its bounds) and aborts when one fails, so libFuzzer
 * saves the input as a crash like any sanitizer report.
 */
#ifndef KERR_FUZZ_H
#define KERR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: property failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* data as a NUL-terminated string (caller frees); NULL on OOM. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		return (NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	return (s);
}

/* A refusal's message: set, and one line (the API replies it as is). */
static inline int
fuzz_one_line(const char *err)
{
	return (err[0] != '\0' && strchr(err, '\n') == NULL);
}

#endif
