/*
 * Aligned tables and human times (kerr_table.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kerr_table.h"

struct kerr_table {
	size_t	  ncols;
	size_t	  nrows;		/* the header included */
	size_t	  cap;
	char	**cells;		/* nrows * ncols */
};

#define KERR_COLOR_GOOD	"\033[32m"
#define KERR_COLOR_BAD	"\033[31m"
#define KERR_COLOR_BUSY	"\033[33m"
#define KERR_COLOR_OFF	"\033[0m"

struct kerr_table *
kerr_table_new(size_t ncols, const char *const *headers)
{
	struct kerr_table *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return (NULL);
	t->ncols = ncols;
	if (kerr_table_add(t, headers) < 0) {
		kerr_table_free(t);
		return (NULL);
	}
	return (t);
}

int
kerr_table_add(struct kerr_table *t, const char *const *cells)
{
	size_t i;

	if (t->nrows == t->cap) {
		size_t	  cap = t->cap == 0 ? 16 : t->cap * 2;
		char	**n = realloc(t->cells, cap * t->ncols * sizeof(*n));

		if (n == NULL)
			return (-ENOMEM);
		t->cells = n;
		t->cap = cap;
	}
	for (i = 0; i < t->ncols; i++) {
		char *c = strdup(cells[i] != NULL && cells[i][0] != '\0' ?
		    cells[i] : "-");

		if (c == NULL) {
			while (i-- > 0)
				free(t->cells[t->nrows * t->ncols + i]);
			return (-ENOMEM);
		}
		/* One line per row: a newline in a message would break it. */
		for (char *p = c; *p != '\0'; p++)
			if (*p == '\n' || *p == '\r' || *p == '\t')
				*p = ' ';
		t->cells[t->nrows * t->ncols + i] = c;
	}
	t->nrows++;
	return (0);
}

size_t
kerr_table_rows(const struct kerr_table *t)
{
	return (t->nrows - 1);
}

/* Characters, not bytes: UTF-8 continuation bytes take no column. */
static size_t
kerr_table_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return (n);
}

const char *
kerr_state_color(const char *w)
{
	static const char *const good[] = { "TASK_RUNNING", "TASK_FINISHED",
	    "ACTIVE", "SUCCEEDED", "FINISHED", NULL };
	static const char *const bad[] = { "TASK_FAILED", "TASK_LOST",
	    "TASK_ERROR", "TASK_KILLED", "FAILED", "FAILED_INTERNAL_STATE",
	    "OVERDUE", "DELETED", "SYSTEM_COOLDOWN", NULL };
	static const char *const busy[] = { "TASK_LAUNCHED", "TASK_STAGING",
	    "TASK_STARTING", "TASK_CLEANING", "PAUSED", "WAITING",
	    "DEPLOYING_TO_UNPAUSE", "CANCELING", "CANCELED", NULL };
	size_t i;

	for (i = 0; good[i] != NULL; i++)
		if (strcmp(w, good[i]) == 0)
			return (KERR_COLOR_GOOD);
	for (i = 0; bad[i] != NULL; i++)
		if (strcmp(w, bad[i]) == 0)
			return (KERR_COLOR_BAD);
	for (i = 0; busy[i] != NULL; i++)
		if (strcmp(w, busy[i]) == 0)
			return (KERR_COLOR_BUSY);
	return (NULL);
}

void
kerr_table_print(const struct kerr_table *t, FILE *f, int color)
{
	size_t	*width, r, c, w;

	if ((width = calloc(t->ncols, sizeof(*width))) == NULL)
		return;
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++)
			if ((w = kerr_table_width(t->cells[r * t->ncols +
			    c])) > width[c])
				width[c] = w;
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];
			const char *col = color && r > 0 ?
			    kerr_state_color(cell) : NULL;
			int last = c + 1 == t->ncols;

			fprintf(f, "%s%s%s", col != NULL ? col : "", cell,
			    col != NULL ? KERR_COLOR_OFF : "");
			if (!last)
				fprintf(f, "%*s", (int)(width[c] -
				    kerr_table_width(cell) + 2), "");
		}
		fputc('\n', f);
	}
	free(width);
}

void
kerr_table_free(struct kerr_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void
kerr_reltime(int64_t now_ms, int64_t then_ms, char *buf, size_t len)
{
	static const struct { int64_t s; char unit; } units[] = {
		{ 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' }
	};
	int64_t	d = now_ms - then_ms, s;
	int	future = d < 0;
	size_t	i;

	s = (future ? -d : d) / 1000;
	if (s == 0) {
		(void)snprintf(buf, len, "now");
		return;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]) - 1; i++)
		if (s >= units[i].s)
			break;
	(void)snprintf(buf, len, "%s%jd%c%s", future ? "in " : "",
	    (intmax_t)(s / units[i].s), units[i].unit, future ? "" : " ago");
}

void
kerr_duration(int64_t ms, char *buf, size_t len)
{
	int64_t s;

	if (ms < 0)
		ms = 0;
	s = ms / 1000;
	if (ms < 1000)
		(void)snprintf(buf, len, "%jdms", (intmax_t)ms);
	else if (s < 60)
		(void)snprintf(buf, len, "%jd.%jds", (intmax_t)s,
		    (intmax_t)(ms % 1000 / 100));
	else if (s < 3600)
		(void)snprintf(buf, len, "%jdm%02jds", (intmax_t)(s / 60),
		    (intmax_t)(s % 60));
	else if (s < 86400)
		(void)snprintf(buf, len, "%jdh%02jdm", (intmax_t)(s / 3600),
		    (intmax_t)(s % 3600 / 60));
	else
		(void)snprintf(buf, len, "%jdd%02jdh", (intmax_t)(s / 86400),
		    (intmax_t)(s % 86400 / 3600));
}

void
kerr_isotime(int64_t ms, char *buf, size_t len)
{
	time_t		t = (time_t)(ms / 1000);
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(buf, len, "%jd", (intmax_t)ms);
}
