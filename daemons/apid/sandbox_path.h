/*
 * Task ids, client paths, UTF-8 and grep patterns of the sandbox
 * endpoints: pure functions, see sandbox_path.c.
 */
#ifndef KERR_SANDBOX_PATH_H
#define KERR_SANDBOX_PATH_H

#include <stddef.h>

#define SANDBOX_PATH_ID_MAX		255
/* Bounds on a grep pattern: see sandbox_path_grep_ok. */
#define SANDBOX_PATH_GREP_LEN_MAX	1024
#define SANDBOX_PATH_GREP_REPEAT_MAX	1000UL

/* 1 when id may name a sandbox directory: a task id's characters, not
 * "." or "..". */
int	sandbox_path_task_id_ok(const char *id);
/* 1 when the NUL-terminated s is well-formed UTF-8. */
int	sandbox_path_utf8_valid(const char *s);
/* A NUL-terminated, valid UTF-8 copy of buf (caller frees), or NULL. */
char	*sandbox_path_utf8_clean(const unsigned char *buf, size_t n,
	    size_t *ret_len);
/* The whole characters of a chunk: skip bytes, then keep bytes. */
void	sandbox_path_utf8_edges(const unsigned char *buf, size_t n,
	    size_t *ret_skip, size_t *ret_keep);
/* The client's path made canonical into out; -EXDEV for "..". */
int	sandbox_path_normalise(const char *in, char *out, size_t len);
/* rel (normalised) resolved under root (a realpath, rootlen bytes) into
 * ret, relative to it; -EXDEV outside, -ENOENT missing. */
int	sandbox_path_resolve(const char *root, size_t rootlen,
	    const char *rel, char *ret, size_t len);
/* 1 when a grep pattern is cheap enough to compile and run. */
int	sandbox_path_grep_ok(const char *p);

#endif
