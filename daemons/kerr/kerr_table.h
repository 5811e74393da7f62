/*
 * Aligned tables and human times for kerr's output (pure: no I/O but the
 * FILE given).  Unit-tested as they are.
 */
#ifndef KERR_TABLE_H
#define KERR_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct kerr_table;

struct kerr_table *kerr_table_new(size_t ncols, const char *const *headers);
/* A row of ncols cells (NULL prints "-"), copied.  0 or -ENOMEM. */
int	kerr_table_add(struct kerr_table *t, const char *const *cells);
size_t	kerr_table_rows(const struct kerr_table *t);
/* Columns two spaces apart, each as wide as its widest cell (in
 * characters, not bytes); the last is not padded.  With color, state
 * words (TASK_RUNNING, ACTIVE, ...) are coloured. */
void	kerr_table_print(const struct kerr_table *t, FILE *f, int color);
void	kerr_table_free(struct kerr_table *t);

/* "5s ago", "3m ago", "2h ago", "4d ago", "in 10s", "now". */
void	kerr_reltime(int64_t now_ms, int64_t then_ms, char *buf, size_t len);
/* "850ms", "4.2s", "3m05s", "2h07m", "3d04h". */
void	kerr_duration(int64_t ms, char *buf, size_t len);
/* "2026-12-07T10:54:21Z". */
void	kerr_isotime(int64_t ms, char *buf, size_t len);
/* The ANSI colour of a state word, NULL for none. */
const char *kerr_state_color(const char *word);

#endif
