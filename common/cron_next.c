/*
 * Next fire time of a Quartz cron expression in an IANA time zone, which
 * the scheduler needs for SCHEDULED requests (spec 3.9: Quartz
 * getNextValidTimeAfter(), evaluated in scheduleTimeZone, else UTC).
 * cron_validate_quartz() has checked the syntax of every expression that
 * gets here; zones come from tzif.c.
 *
 * DESIGN.  The search runs on the zone's wall clock: it jumps to the next
 * allowed year, month, day, hour, minute and second in turn (never second
 * by second), up to 2199, the last year cron.c lets a year field name.
 * Wall times become instants one UTC-offset period (tzif_period_at()) at
 * a time, with Quartz's (Java's lenient Calendar's) resolution of DST
 * changes:
 *  - a wall time skipped by a spring-forward gap fires at that wall time
 *    read with the offset from before the gap: 02:30 on a spring-forward
 *    day in New York fires at 07:30Z, which is 03:30 EDT;
 *  - a wall time repeated by a fall-back fires once, at its first
 *    occurrence.
 * The result is the earliest such instant after the given time, so walking
 * from fire to fire neither repeats nor skips a fire.
 *
 * Touches no table, sends no bus message; the only I/O is reading the zone
 * file (cron_next_fire()), and nothing logs.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cron.h"
#include "cron_next.h"
#include "tzif.h"

#define CRON_NEXT_YEAR_MIN	1970		/* cron.c's year range */
#define CRON_NEXT_YEAR_MAX	2199
/* a year or month that cannot match costs one step, a month at most 4 */
#define CRON_NEXT_STEPS							\
	((CRON_NEXT_YEAR_MAX - CRON_NEXT_YEAR_MIN + 2) * 12 * 4)
/* offset periods visited per search: those within about two days */
#define CRON_NEXT_PERIODS	16

/* Which rule picks the days of a month. */
enum cron_next_day {
	CRON_NEXT_DOM,		/* day-of-month list */
	CRON_NEXT_LAST,		/* L, L-n: n days before the last day */
	CRON_NEXT_LASTWD,	/* LW: last weekday */
	CRON_NEXT_NEAR,		/* nW: weekday nearest to day n */
	CRON_NEXT_DOW,		/* day-of-week list */
	CRON_NEXT_LASTDOW,	/* nL: last weekday n */
	CRON_NEXT_NTH		/* n#k: k-th weekday n */
};

/* 256 bits: bit i stands for value base + i of the field. */
struct cron_next_set {
	uint64_t	 w[4];
};

struct cron_next_expr {
	struct cron_next_set	 set[7];	/* Quartz field order */
	enum cron_next_day	 day;
	int			 arg;		/* n of L-n, nW, nL, n#k */
	int			 nth;		/* k of n#k */
};

struct cron_next_spec {
	int		 min;
	int		 max;
	int		 wrap;		/* Quartz wraps b < a in a-b by this */
	int		 base;		/* the value of bit 0 */
	const char	*names;		/* 3-letter names of min, min+1, ... */
};

static const struct cron_next_spec cron_next_specs[7] = {
	{ 0, 59, 60, 0, NULL },
	{ 0, 59, 60, 0, NULL },
	{ 0, 23, 24, 0, NULL },
	{ 1, 31, 31, 0, NULL },
	{ 1, 12, 12, 0, "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC" },
	{ 1, 7, 7, 0, "SUNMONTUEWEDTHUFRISAT" },
	{ CRON_NEXT_YEAR_MIN, CRON_NEXT_YEAR_MAX, 0, CRON_NEXT_YEAR_MIN, NULL }
};

static void
cron_next_set_bit(struct cron_next_set *s, int i)
{
	s->w[i / 64] |= (uint64_t)1 << (i % 64);
}

/* The smallest member >= from, or -1. */
static int
cron_next_set_next(const struct cron_next_set *s, int from)
{
	uint64_t	 m;
	int		 i;

	if (from < 0)
		from = 0;
	for (i = from / 64; i < 4; i++) {
		m = s->w[i];
		if (i == from / 64)
			m &= ~(uint64_t)0 << (from % 64);
		if (m != 0)
			return (i * 64 + __builtin_ctzll(m));
	}
	return (-1);
}

/* A number or a name of the field, within its range. */
static int
cron_next_value(const struct cron_next_spec *sp, const char *s, size_t len,
    int *ret)
{
	int	 i, v = -1;

	if (sp->names != NULL && len == 3)
		for (i = 0; sp->names[i * 3] != '\0'; i++)
			if (strncmp(sp->names + i * 3, s, 3) == 0)
				v = sp->min + i;
	if (v < 0 && cron_number(s, len, &v) < 0)
		return (-EINVAL);
	if (v < sp->min || v > sp->max)
		return (-EINVAL);
	*ret = v;
	return (0);
}

/* "*", "v", "a-b", each with an optional "/step", as Quartz's addToSet. */
static int
cron_next_range(const struct cron_next_spec *sp, char *item,
    struct cron_next_set *set)
{
	char	*slash, *dash;
	int	 a, b, i, v, step = 0;

	if ((slash = strchr(item, '/')) != NULL) {
		*slash++ = '\0';
		if (cron_number(slash, strlen(slash), &step) < 0 ||
		    step < 1)
			return (-EINVAL);
	}
	if (strcmp(item, "*") == 0) {
		a = sp->min;
		b = sp->max;
	} else {
		dash = strchr(item, '-');
		if (cron_next_value(sp, item, dash != NULL ?
		    (size_t)(dash - item) : strlen(item), &a) < 0)
			return (-EINVAL);
		b = step > 0 ? sp->max : a;	/* "v/step" runs to the end */
		if (dash != NULL && cron_next_value(sp, dash + 1,
		    strlen(dash + 1), &b) < 0)
			return (-EINVAL);
	}
	if (b < a) {			/* FRI-MON, 22-2: wrap around */
		if (sp->wrap == 0)
			return (-EINVAL);
		b += sp->wrap;
	}
	for (i = a; i <= b; i += step > 0 ? step : 1) {
		v = i > sp->max ? i % sp->wrap : i;
		if (v == 0 && sp->min == 1)
			v = sp->wrap;
		cron_next_set_bit(set, v - sp->base);
	}
	return (0);
}

static int
cron_next_field(const struct cron_next_spec *sp, char *text,
    struct cron_next_set *set)
{
	char	*item, *save = NULL;

	for (item = strtok_r(text, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save))
		if (cron_next_range(sp, item, set) < 0)
			return (-EINVAL);
	return (0);
}

/* L, LW, L-n, nW or a list; L and W items stand alone (cron.c). */
static int
cron_next_dom(char *s, struct cron_next_expr *e)
{
	size_t	 n = strlen(s);

	if (strcmp(s, "L") == 0 || strcmp(s, "LW") == 0) {
		e->day = n == 1 ? CRON_NEXT_LAST : CRON_NEXT_LASTWD;
		return (0);
	}
	if (strncmp(s, "L-", 2) == 0) {
		e->day = CRON_NEXT_LAST;
		return (cron_number(s + 2, n - 2, &e->arg));
	}
	if (n > 1 && s[n - 1] == 'W') {
		e->day = CRON_NEXT_NEAR;
		return (cron_next_value(&cron_next_specs[3], s, n - 1,
		    &e->arg));
	}
	e->day = CRON_NEXT_DOM;
	return (cron_next_field(&cron_next_specs[3], s, &e->set[3]));
}

/* n#k, nL, a lone L (Saturday, as in Quartz) or a list. */
static int
cron_next_dow(char *s, struct cron_next_expr *e)
{
	const struct cron_next_spec	*sp = &cron_next_specs[5];
	char				*hash;
	size_t				 n = strlen(s);

	if ((hash = strchr(s, '#')) != NULL) {
		e->day = CRON_NEXT_NTH;
		if (cron_number(hash + 1, strlen(hash + 1), &e->nth) < 0 ||
		    e->nth < 1 || e->nth > 5)
			return (-EINVAL);
		return (cron_next_value(sp, s, (size_t)(hash - s), &e->arg));
	}
	if (n > 1 && s[n - 1] == 'L') {
		e->day = CRON_NEXT_LASTDOW;
		return (cron_next_value(sp, s, n - 1, &e->arg));
	}
	e->day = CRON_NEXT_DOW;
	if (strcmp(s, "L") == 0) {
		cron_next_set_bit(&e->set[5], 7);
		return (0);
	}
	return (cron_next_field(sp, s, &e->set[5]));
}

static int
cron_next_parse(const char *quartz, struct cron_next_expr *e)
{
	char	 buf[CRON_EXPR_MAX], all[] = "*", *f[7], *p, *save = NULL;
	size_t	 i;
	int	 n = 0;

	if (strlen(quartz) >= sizeof(buf))
		return (-EINVAL);
	for (i = 0; quartz[i] != '\0'; i++)	/* Quartz upper-cases too */
		buf[i] = (char)toupper((unsigned char)quartz[i]);
	buf[i] = '\0';
	for (p = strtok_r(buf, " \t\r\n", &save); p != NULL;
	    p = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == 7)
			return (-EINVAL);
		f[n++] = p;
	}
	if (n < 6)
		return (-EINVAL);
	memset(e, 0, sizeof(*e));
	for (i = 0; i < 5; i++)
		if (i != 3 && cron_next_field(&cron_next_specs[i], f[i],
		    &e->set[i]) < 0)
			return (-EINVAL);
	if (n == 6)
		f[6] = all;		/* no year field: any year */
	if (cron_next_field(&cron_next_specs[6], f[6], &e->set[6]) < 0)
		return (-EINVAL);
	/* exactly one of the day fields is '?'; the other picks the days */
	if (strcmp(f[3], "?") != 0)
		return (cron_next_dom(f[3], e));
	return (cron_next_dow(f[5], e));
}

/* Day n moved off a weekend, never out of its month (Quartz's nW). */
static int
cron_next_weekday_near(int n, int wday, int ldom)
{
	if (wday == 6)
		return (n == 1 ? 3 : n - 1);
	if (wday == 0)
		return (n == ldom ? n - 2 : n + 1);
	return (n);
}

/* The days of month m of year y that match, as bits 1-31. */
static uint32_t
cron_next_month_days(const struct cron_next_expr *e, int y, int m)
{
	int64_t		 first = tzif_days(y, m, 1);
	uint32_t	 mask = 0;
	int		 ldom = tzif_ldom(y, m), wd1, d;

	wd1 = tzif_wday(first);
	switch (e->day) {
	case CRON_NEXT_DOM:
		/* bits 1 to ldom: no 31st in June */
		return ((uint32_t)e->set[3].w[0] &
		    (uint32_t)(((uint64_t)2 << ldom) - 2));
	case CRON_NEXT_LAST:
		d = ldom - e->arg;
		return (d >= 1 ? (uint32_t)1 << d : 0);
	case CRON_NEXT_LASTWD:
		return ((uint32_t)1 << cron_next_weekday_near(ldom,
		    (wd1 + ldom - 1) % 7, ldom));
	case CRON_NEXT_NEAR:	/* no nearest weekday to the 31st in June */
		if (e->arg > ldom)
			return (0);
		return ((uint32_t)1 << cron_next_weekday_near(e->arg,
		    (wd1 + e->arg - 1) % 7, ldom));
	case CRON_NEXT_DOW:
		for (d = 1; d <= ldom; d++)
			if (e->set[5].w[0] & ((uint64_t)1 <<
			    ((wd1 + d - 1) % 7 + 1)))
				mask |= (uint32_t)1 << d;
		return (mask);
	case CRON_NEXT_LASTDOW:
		return ((uint32_t)1 << (ldom - ((wd1 + ldom - 1) % 7 -
		    (e->arg - 1) + 7) % 7));
	case CRON_NEXT_NTH:
		d = 1 + (e->arg - 1 - wd1 + 7) % 7 + (e->nth - 1) * 7;
		return (d <= ldom ? (uint32_t)1 << d : 0);
	}
	return (0);
}

/* Midnight of day d of month mo (13 = January of the next year). */
static void
cron_next_tm_day(struct tzif_tm *tm, int y, int mo, int d)
{
	if (mo > 12) {
		mo = 1;
		y++;
	}
	tm->y = y;
	tm->mo = mo;
	tm->d = d;
	tm->h = tm->mi = tm->s = 0;
}

/* The start of the next minute (1), hour (2) or day (3). */
static void
cron_next_tm_bump(struct tzif_tm *tm, int level)
{
	tm->s = 0;
	if (level == 1 && ++tm->mi < 60)
		return;
	tm->mi = 0;
	if (level <= 2 && ++tm->h < 24)
		return;
	tm->h = 0;
	if (++tm->d > tzif_ldom(tm->y, tm->mo))
		cron_next_tm_day(tm, tm->y, tm->mo + 1, 1);
}

/*
 * The first matching wall time >= *tm.  Each field jumps straight to its
 * next allowed value, and a field that has none left moves the one above
 * it on.  A month without a matching day costs one pass, so even a
 * search that fails runs to 2199 in a few thousand passes.
 */
static int
cron_next_search(const struct cron_next_expr *e, struct tzif_tm *tm)
{
	uint32_t	 days;
	int		 i, v;

	for (i = 0; i < CRON_NEXT_STEPS; i++) {
		if (tm->y > CRON_NEXT_YEAR_MAX ||
		    (v = cron_next_set_next(&e->set[6],
		    tm->y - CRON_NEXT_YEAR_MIN)) < 0)
			return (-ENOENT);
		if (v + CRON_NEXT_YEAR_MIN != tm->y)
			cron_next_tm_day(tm, v + CRON_NEXT_YEAR_MIN, 1, 1);
		if ((v = cron_next_set_next(&e->set[4], tm->mo)) < 0) {
			cron_next_tm_day(tm, tm->y + 1, 1, 1);
			continue;
		}
		if (v != tm->mo)
			cron_next_tm_day(tm, tm->y, v, 1);
		days = cron_next_month_days(e, tm->y, tm->mo) &
		    (~(uint32_t)0 << tm->d);
		if (days == 0) {
			cron_next_tm_day(tm, tm->y, tm->mo + 1, 1);
			continue;
		}
		if ((v = __builtin_ctz(days)) != tm->d)
			cron_next_tm_day(tm, tm->y, tm->mo, v);
		if ((v = cron_next_set_next(&e->set[2], tm->h)) < 0) {
			cron_next_tm_bump(tm, 3);
			continue;
		}
		if (v != tm->h) {
			tm->h = v;
			tm->mi = tm->s = 0;
		}
		if ((v = cron_next_set_next(&e->set[1], tm->mi)) < 0) {
			cron_next_tm_bump(tm, 2);
			continue;
		}
		if (v != tm->mi) {
			tm->mi = v;
			tm->s = 0;
		}
		if ((v = cron_next_set_next(&e->set[0], tm->s)) < 0) {
			cron_next_tm_bump(tm, 1);
			continue;
		}
		tm->s = v;
		return (0);
	}
	return (-ENOENT);
}

/* The first matching wall time (seconds) >= wall. */
static int
cron_next_wall(const struct cron_next_expr *e, int64_t wall, int64_t *ret)
{
	struct tzif_tm	 tm;
	int			 r;

	tzif_civil(wall, &tm);
	if ((r = cron_next_search(e, &tm)) < 0)
		return (r);
	*ret = tzif_secs(&tm);
	return (0);
}

/*
 * When period p began by springing forward, a wall time the clock skipped
 * fires read with the earlier offset: between p->begin and p->begin plus
 * the gap, so possibly after start although it lies before start's wall.
 */
static int
cron_next_gap(const struct cron_next_expr *e,
    const struct tzif_period *p, int64_t start, int64_t *ret)
{
	int64_t	 wall;

	if (p->begin == INT64_MIN || p->off <= p->prev ||
	    start >= p->begin + (p->off - p->prev))
		return (-ENOENT);
	if (cron_next_wall(e, start + p->prev, &wall) < 0 ||
	    wall >= p->begin + p->off)
		return (-ENOENT);
	*ret = wall - p->prev;
	return (0);
}

/* The first fire instant >= start (UTC seconds). */
static int
cron_next_find(const struct cron_next_expr *e, const struct tzif_zone *z,
    int64_t start, int64_t *ret)
{
	struct tzif_period	 p;
	int64_t			 wall, gap;
	int			 i, r;

	for (i = 0; i < CRON_NEXT_PERIODS; i++) {
		tzif_period_at(z, start, &p);
		wall = start + p.off;
		/* after a fall-back, walls before begin + prev have fired */
		if (p.begin != INT64_MIN && p.begin + p.prev > wall)
			wall = p.begin + p.prev;
		if ((r = cron_next_wall(e, wall, &wall)) == 0 &&
		    wall - p.off >= p.end)
			r = 1;		/* matches only in a later period */
		if (cron_next_gap(e, &p, start, &gap) == 0 &&
		    (r != 0 || gap < wall - p.off)) {
			*ret = gap;
			return (0);
		}
		if (r <= 0) {
			if (r == 0)
				*ret = wall - p.off;
			return (r);
		}
		/* earlier instants show earlier, unmatched, wall times */
		start = p.end > wall - TZIF_OFF_MAX ? p.end :
		    wall - TZIF_OFF_MAX;
	}
	return (-ENOENT);	/* not reached with offsets of real zones */
}

int
cron_next_fire_zone(const char *quartz, const struct tzif_zone *z,
    int64_t after_ms, int64_t *ret_ms)
{
	struct cron_next_expr	 e;
	int64_t			 t;
	int			 r;

	if (quartz == NULL || cron_validate_quartz(quartz, NULL, 0) < 0 ||
	    cron_next_parse(quartz, &e) < 0)
		return (-EINVAL);
	/* whole seconds, as Quartz: strictly after means from the next one */
	if ((r = cron_next_find(&e, z, tzif_floordiv(after_ms, 1000) + 1,
	    &t)) < 0)
		return (r);
	*ret_ms = t * 1000;
	return (0);
}

int
cron_next_fire(const char *quartz, const char *tz, int64_t after_ms,
    int64_t *ret_ms)
{
	struct tzif_zone	*z = NULL;
	int			 r;

	if ((r = tzif_zone_load(tz, &z)) < 0)
		return (r == -ENOENT ? -EINVAL : r);
	r = cron_next_fire_zone(quartz, z, after_ms, ret_ms);
	tzif_zone_free(z);
	return (r);
}
