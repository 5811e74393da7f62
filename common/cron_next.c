/*
 * Next fire time of a Quartz cron expression in an IANA time zone, which
 * the scheduler needs for SCHEDULED requests (spec 3.9: Quartz
 * getNextValidTimeAfter(), evaluated in scheduleTimeZone, else UTC).
 *
 * DESIGN.  The daemons are multi-threaded, so setenv("TZ") + tzset() +
 * localtime_r() per request is out of the question: TZ is process-wide.
 * Instead cron_zone_load() reads the zone's TZif file (RFC 8536) into an
 * immutable struct cron_zone: the UTC offset before the first transition,
 * the transitions that change the offset, and the POSIX TZ rule of the
 * file's footer.  That rule governs every instant after the last listed
 * transition; "fat" files list transitions up to 2037 and "slim" ones stop
 * much earlier, so without it future DST dates would be wrong.
 *
 * The search runs on the zone's wall clock: it jumps to the next allowed
 * year, month, day, hour, minute and second in turn (never second by
 * second), up to 2199, the last year cron.c lets a year field name.  Wall
 * times become instants one UTC-offset period at a time, with Quartz's
 * (Java's lenient Calendar's) resolution of DST changes:
 *  - a wall time skipped by a spring-forward gap fires at that wall time
 *    read with the offset from before the gap: 02:30 on a spring-forward
 *    day in New York fires at 07:30Z, which is 03:30 EDT;
 *  - a wall time repeated by a fall-back fires once, at its first
 *    occurrence.
 * The result is the earliest such instant after the given time, so walking
 * from fire to fire neither repeats nor skips a fire.
 *
 * Touches no table, sends no bus message; the only I/O is reading the zone
 * file, and nothing logs.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cron.h"
#include "cron_next.h"

#define CRON_NEXT_ZONEINFO	"/usr/share/zoneinfo/"	/* as cron.c */
#define CRON_NEXT_ZONE_MAX	128
#define CRON_NEXT_TZIF_MAX	(1024 * 1024)	/* largest zone file read */
#define CRON_NEXT_TZIF_HDR	44		/* RFC 8536 header size */
#define CRON_NEXT_FOOTER_MAX	128
#define CRON_NEXT_OFF_MIN	(-89999)	/* RFC 8536 utoff limits */
#define CRON_NEXT_OFF_MAX	93599
#define CRON_NEXT_YEAR_MIN	1970		/* cron.c's year range */
#define CRON_NEXT_YEAR_MAX	2199
#define CRON_NEXT_DAY		86400
/* a year or month that cannot match costs one step, a month at most 4 */
#define CRON_NEXT_STEPS							\
	((CRON_NEXT_YEAR_MAX - CRON_NEXT_YEAR_MIN + 2) * 12 * 4)
/* offset periods visited per search: those within about two days */
#define CRON_NEXT_PERIODS	16

/* One change of UTC offset. */
struct cron_next_trans {
	int64_t	 at;		/* UTC seconds */
	int32_t	 off;		/* seconds east of UTC from then on */
};

/* A POSIX TZ rule date: Jn, n or Mm.w.d, then the local time of day. */
struct cron_next_date {
	char	 kind;		/* 'J', 'N' (zero-based, with Feb 29), 'M' */
	int	 m;
	int	 w;		/* week 1-5, 5 being the last */
	int	 d;		/* weekday 0 (Sunday)-6, or the day number */
	int32_t	 time;		/* may be negative or past 24h (TZif v3) */
};

struct cron_next_rule {
	int32_t			 std;	/* seconds east of UTC */
	int32_t			 dst;
	int			 has_dst;
	struct cron_next_date	 start;	/* std -> dst, in standard time */
	struct cron_next_date	 end;	/* dst -> std, in daylight time */
};

struct cron_zone {
	int32_t			 off0;	/* before the first transition */
	int			 has_rule;	/* after the last one */
	struct cron_next_rule	 rule;
	size_t			 n;
	struct cron_next_trans	 tr[];
};

/* A stretch of one UTC offset: [begin, end), INT64_MIN/MAX when open. */
struct cron_next_period {
	int64_t	 begin;
	int64_t	 end;
	int32_t	 prev;		/* the offset before begin */
	int32_t	 off;
};

struct cron_next_edge {
	int64_t	 at;
	int32_t	 to;
};

struct cron_next_hdr {
	int		 ver;
	uint32_t	 isut;
	uint32_t	 isstd;
	uint32_t	 leap;
	uint32_t	 time;
	uint32_t	 type;
	uint32_t	 chars;
};

struct cron_next_tm {
	int	 y;
	int	 mo;		/* 1-12 */
	int	 d;		/* 1-31 */
	int	 h;
	int	 mi;
	int	 s;
};

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

static const struct cron_zone	cron_next_utc;

/* Calendar arithmetic, proleptic Gregorian, after H. Hinnant's algorithms. */

static int64_t
cron_next_floordiv(int64_t a, int64_t b)
{
	return (a / b - (a % b < 0));
}

static int
cron_next_leap(int64_t y)
{
	return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

static int
cron_next_ldom(int64_t y, int m)
{
	static const int	 len[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return (len[m - 1] + (m == 2 && cron_next_leap(y)));
}

/* Days since 1970-01-01. */
static int64_t
cron_next_days(int64_t y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/* 0 Sunday .. 6 Saturday; 1970-01-01 was a Thursday. */
static int
cron_next_wday(int64_t days)
{
	return ((int)((days % 7 + 11) % 7));
}

/* Wall-clock seconds since the epoch into fields. */
static void
cron_next_civil(int64_t secs, struct cron_next_tm *tm)
{
	int64_t	 z, era, doe, yoe, doy, mp, rem;

	z = cron_next_floordiv(secs, CRON_NEXT_DAY);
	rem = secs - z * CRON_NEXT_DAY;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->d = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->mo = (int)(mp < 10 ? mp + 3 : mp - 9);
	tm->y = (int)(yoe + era * 400 + (tm->mo <= 2));
	tm->h = (int)(rem / 3600);
	tm->mi = (int)(rem / 60 % 60);
	tm->s = (int)(rem % 60);
}

static int64_t
cron_next_secs(const struct cron_next_tm *tm)
{
	return (cron_next_days(tm->y, tm->mo, tm->d) * CRON_NEXT_DAY +
	    tm->h * 3600 + tm->mi * 60 + tm->s);
}

/* The footer: a POSIX TZ string such as "EST5EDT,M3.2.0,M11.1.0". */

/* "EST" or "<+0530>": the text after the name, or NULL. */
static const char *
cron_next_tz_name(const char *s)
{
	const char	*p = s;

	if (*p == '<') {
		while (*++p != '>')
			if (*p == '\0')
				return (NULL);
		return (p - s > 1 ? p + 1 : NULL);
	}
	while (isalpha((unsigned char)*p))
		p++;
	return (p - s >= 3 ? p : NULL);
}

/* At most 3 digits, value up to max: the text after them, or NULL. */
static const char *
cron_next_tz_num(const char *s, int max, int *ret)
{
	int	 n = 0, v = 0;

	while (n < 3 && isdigit((unsigned char)s[n]))
		v = v * 10 + (s[n++] - '0');
	if (n == 0 || v > max)
		return (NULL);
	*ret = v;
	return (s + n);
}

/* [+-]h[:mm[:ss]] with hours up to maxh, in seconds. */
static const char *
cron_next_tz_hms(const char *s, int maxh, int32_t *ret)
{
	int	 neg, h, m = 0, sec = 0;

	neg = *s == '-';
	if (*s == '+' || *s == '-')
		s++;
	if ((s = cron_next_tz_num(s, maxh, &h)) == NULL)
		return (NULL);
	if (*s == ':' && (s = cron_next_tz_num(s + 1, 59, &m)) != NULL &&
	    *s == ':')
		s = cron_next_tz_num(s + 1, 59, &sec);
	if (s == NULL)
		return (NULL);
	*ret = (h * 3600 + m * 60 + sec) * (neg ? -1 : 1);
	return (s);
}

static const char *
cron_next_tz_date(const char *s, struct cron_next_date *d)
{
	d->time = 2 * 3600;	/* POSIX default: 02:00 */
	if (*s == 'M') {
		d->kind = 'M';
		if ((s = cron_next_tz_num(s + 1, 12, &d->m)) == NULL ||
		    d->m < 1 || *s != '.' ||
		    (s = cron_next_tz_num(s + 1, 5, &d->w)) == NULL ||
		    d->w < 1 || *s != '.' ||
		    (s = cron_next_tz_num(s + 1, 6, &d->d)) == NULL)
			return (NULL);
	} else if (*s == 'J') {
		d->kind = 'J';
		if ((s = cron_next_tz_num(s + 1, 365, &d->d)) == NULL ||
		    d->d < 1)
			return (NULL);
	} else {
		d->kind = 'N';
		if ((s = cron_next_tz_num(s, 365, &d->d)) == NULL)
			return (NULL);
	}
	if (*s == '/')
		s = cron_next_tz_hms(s + 1, 167, &d->time);
	return (s);
}

static int
cron_next_tz_rule(const char *s, struct cron_next_rule *r)
{
	int32_t	 v;

	memset(r, 0, sizeof(*r));
	/* POSIX counts hours west of Greenwich, hence the minus signs */
	if ((s = cron_next_tz_name(s)) == NULL ||
	    (s = cron_next_tz_hms(s, 24, &v)) == NULL)
		return (-EINVAL);
	r->std = -v;
	if (*s == '\0')
		return (0);
	if ((s = cron_next_tz_name(s)) == NULL)
		return (-EINVAL);
	r->dst = r->std + 3600;
	if (*s != ',' && (s = cron_next_tz_hms(s, 24, &v)) != NULL)
		r->dst = -v;
	/* tzcode would assume US rules here, but zic always writes them */
	if (s == NULL || *s++ != ',' ||
	    (s = cron_next_tz_date(s, &r->start)) == NULL || *s++ != ',' ||
	    (s = cron_next_tz_date(s, &r->end)) == NULL || *s != '\0')
		return (-EINVAL);
	r->has_dst = 1;
	return (0);
}

/* Days since the epoch of a rule date in year y. */
static int64_t
cron_next_rule_day(const struct cron_next_date *d, int64_t y)
{
	int64_t	 first, day;
	int	 ldom;

	if (d->kind == 'J')	/* 1-365, February 29 never counted */
		return (cron_next_days(y, 1, 1) + d->d - 1 +
		    (d->d >= 60 && cron_next_leap(y)));
	if (d->kind == 'N')
		return (cron_next_days(y, 1, 1) + d->d);
	first = cron_next_days(y, d->m, 1);
	ldom = cron_next_ldom(y, d->m);
	day = (d->d - cron_next_wday(first) + 7) % 7 + (d->w - 1) * 7;
	while (day >= ldom)
		day -= 7;
	return (first + day);
}

/* The rule's changes in the years around t, in order. */
static void
cron_next_rule_edges(const struct cron_next_rule *r, int64_t t,
    struct cron_next_edge *e)
{
	struct cron_next_edge	 tmp;
	struct cron_next_tm	 tm;
	int64_t			 y;
	int			 i, j, n = 0;

	cron_next_civil(t, &tm);
	for (y = tm.y - 1; y <= tm.y + 1; y++) {
		e[n].at = cron_next_rule_day(&r->start, y) * CRON_NEXT_DAY +
		    r->start.time - r->std;
		e[n++].to = r->dst;
		e[n].at = cron_next_rule_day(&r->end, y) * CRON_NEXT_DAY +
		    r->end.time - r->dst;
		e[n++].to = r->std;
	}
	/* stable, so "0/0,J365/25" (DST all year) ends then restarts */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && e[j - 1].at > e[j].at; j--) {
			tmp = e[j];
			e[j] = e[j - 1];
			e[j - 1] = tmp;
		}
}

static void
cron_next_rule_period(const struct cron_next_rule *r, int64_t t,
    struct cron_next_period *p)
{
	struct cron_next_edge	 e[6];
	int32_t			 cur;
	int			 i;

	p->begin = INT64_MIN;
	p->end = INT64_MAX;
	p->prev = p->off = r->std;
	if (!r->has_dst)
		return;
	cron_next_rule_edges(r, t, e);
	cur = e[0].to == r->dst ? r->std : r->dst;
	p->prev = cur;
	for (i = 0; i < 6 && e[i].at <= t; i++) {
		/* changes at one instant count as one */
		if (i == 0 || e[i].at != e[i - 1].at) {
			p->begin = e[i].at;
			p->prev = cur;
		}
		cur = e[i].to;
	}
	p->off = cur;
	if (i < 6)
		p->end = e[i].at;
}

/* The offset period holding UTC instant t. */
static void
cron_next_period(const struct cron_zone *z, int64_t t,
    struct cron_next_period *p)
{
	size_t	 lo, hi, mid;

	if (z->has_rule && (z->n == 0 || t >= z->tr[z->n - 1].at)) {
		cron_next_rule_period(&z->rule, t, p);
		return;
	}
	if (z->n == 0 || t < z->tr[0].at) {
		p->begin = INT64_MIN;
		p->end = z->n > 0 ? z->tr[0].at : INT64_MAX;
		p->prev = p->off = z->off0;
		return;
	}
	lo = 0;			/* tr[lo].at <= t < tr[hi].at */
	hi = z->n;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (z->tr[mid].at <= t)
			lo = mid;
		else
			hi = mid;
	}
	p->begin = z->tr[lo].at;
	p->end = hi < z->n ? z->tr[hi].at : INT64_MAX;
	p->prev = lo > 0 ? z->tr[lo - 1].off : z->off0;
	p->off = z->tr[lo].off;
}

/* Zone files. */

static uint32_t
cron_next_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3]);
}

static int64_t
cron_next_be64(const uint8_t *p)
{
	return ((int64_t)((uint64_t)cron_next_be32(p) << 32 |
	    cron_next_be32(p + 4)));
}

static int
cron_next_tzif_hdr(const uint8_t *p, size_t len, struct cron_next_hdr *h)
{
	if (len < CRON_NEXT_TZIF_HDR || memcmp(p, "TZif", 4) != 0)
		return (-EINVAL);
	h->ver = p[4];
	h->isut = cron_next_be32(p + 20);
	h->isstd = cron_next_be32(p + 24);
	h->leap = cron_next_be32(p + 28);
	h->time = cron_next_be32(p + 32);
	h->type = cron_next_be32(p + 36);
	h->chars = cron_next_be32(p + 40);
	/* counts bounded by the file size keep the sums below from wrapping */
	if (h->type == 0 || h->type > 256 || h->time > CRON_NEXT_TZIF_MAX ||
	    h->leap > CRON_NEXT_TZIF_MAX || h->chars > CRON_NEXT_TZIF_MAX ||
	    h->isut > h->type || h->isstd > h->type)
		return (-EINVAL);
	return (0);
}

/* Bytes of the data block that follows a header, with tsz-byte times. */
static size_t
cron_next_tzif_size(const struct cron_next_hdr *h, size_t tsz)
{
	return (h->time * (tsz + 1) + h->type * 6 + h->chars +
	    h->leap * (tsz + 4) + h->isstd + h->isut);
}

/*
 * Offsets and transitions; a transition that only changes the name or the
 * isdst flag is dropped, so each period has an offset of its own.  Leap
 * second records are ignored: "right/" zones are not for schedules.
 */
static int
cron_next_tzif_body(const uint8_t *p, const struct cron_next_hdr *h,
    size_t tsz, struct cron_zone *z)
{
	const uint8_t	*idx = p + h->time * tsz, *tt = idx + h->time;
	int64_t		 at, last = INT64_MIN;
	int32_t		 off;
	uint32_t	 i;

	for (i = 0; i < h->type; i++) {
		off = (int32_t)cron_next_be32(tt + i * 6);
		if (off < CRON_NEXT_OFF_MIN || off > CRON_NEXT_OFF_MAX)
			return (-EINVAL);
	}
	z->off0 = (int32_t)cron_next_be32(tt);
	for (i = 0; i < h->time; i++) {
		at = tsz == 8 ? cron_next_be64(p + i * 8) :
		    (int32_t)cron_next_be32(p + i * 4);
		if (idx[i] >= h->type || (i > 0 && at <= last))
			return (-EINVAL);
		last = at;
		off = (int32_t)cron_next_be32(tt + idx[i] * 6);
		if (off == (z->n > 0 ? z->tr[z->n - 1].off : z->off0))
			continue;
		z->tr[z->n].at = at;
		z->tr[z->n++].off = off;
	}
	return (0);
}

/* "\n<TZ string>\n"; an empty string keeps the last offset for ever. */
static int
cron_next_tzif_footer(const uint8_t *p, size_t len, struct cron_zone *z)
{
	char		 buf[CRON_NEXT_FOOTER_MAX];
	const uint8_t	*nl;
	size_t		 n;

	if (len < 2 || p[0] != '\n' ||
	    (nl = memchr(p + 1, '\n', len - 1)) == NULL)
		return (-EINVAL);
	if ((n = (size_t)(nl - (p + 1))) == 0)
		return (0);
	if (n >= sizeof(buf))
		return (-EINVAL);
	memcpy(buf, p + 1, n);
	buf[n] = '\0';
	if (cron_next_tz_rule(buf, &z->rule) < 0)
		return (-EINVAL);
	z->has_rule = 1;
	return (0);
}

/*
 * Version 2+ files repeat the data with 64-bit times and add the footer;
 * a version 1 file has neither, so its last offset stays in force.
 */
static int
cron_next_tzif_parse(const uint8_t *p, size_t len, struct cron_zone **ret)
{
	struct cron_next_hdr	 h;
	struct cron_zone	*z = NULL;
	size_t			 pos = 0, tsz = 4, end;
	int			 r;

	if ((r = cron_next_tzif_hdr(p, len, &h)) < 0)
		return (r);
	if (h.ver >= '2') {
		pos = CRON_NEXT_TZIF_HDR + cron_next_tzif_size(&h, 4);
		if (pos > len || cron_next_tzif_hdr(p + pos, len - pos, &h) < 0)
			return (-EINVAL);
		tsz = 8;
	}
	pos += CRON_NEXT_TZIF_HDR;
	if ((end = pos + cron_next_tzif_size(&h, tsz)) > len)
		return (-EINVAL);
	if ((z = calloc(1, sizeof(*z) + h.time * sizeof(z->tr[0]))) == NULL)
		return (-ENOMEM);
	if ((r = cron_next_tzif_body(p + pos, &h, tsz, z)) < 0 ||
	    (tsz == 8 && (r = cron_next_tzif_footer(p + end, len - end,
	    z)) < 0)) {
		free(z);
		return (r);
	}
	*ret = z;
	return (0);
}

/* The same rule as cron.c: relative, no "..", only IANA characters. */
static int
cron_next_zone_name_ok(const char *tz)
{
	size_t	 n = strlen(tz), i;

	if (n >= CRON_NEXT_ZONE_MAX || tz[0] == '/' || tz[n - 1] == '/' ||
	    strstr(tz, "..") != NULL || strstr(tz, "//") != NULL)
		return (0);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)tz[i]) &&
		    strchr("_+-/", tz[i]) == NULL)
			return (0);
	return (1);
}

static int
cron_next_read_fd(int fd, uint8_t **ret, size_t *ret_len)
{
	struct stat	 st;
	uint8_t		*buf;
	size_t		 got = 0;
	ssize_t		 n;

	if (fstat(fd, &st) < 0)
		return (-errno);
	if (S_ISDIR(st.st_mode))	/* "America" is no zone */
		return (-ENOENT);
	if (!S_ISREG(st.st_mode) || st.st_size > CRON_NEXT_TZIF_MAX)
		return (-EINVAL);
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		return (-ENOMEM);
	while (got < (size_t)st.st_size) {
		if ((n = read(fd, buf + got, (size_t)st.st_size - got)) < 0 &&
		    errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(buf);
			return ((int)n);
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	*ret = buf;
	*ret_len = got;
	return (0);
}

static int
cron_next_read(const char *tz, uint8_t **ret, size_t *ret_len)
{
	char	 path[sizeof(CRON_NEXT_ZONEINFO) + CRON_NEXT_ZONE_MAX];
	int	 fd, r;

	(void)snprintf(path, sizeof(path), "%s%s", CRON_NEXT_ZONEINFO, tz);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return (errno == ENOTDIR ? -ENOENT : -errno);
	r = cron_next_read_fd(fd, ret, ret_len);
	(void)close(fd);
	return (r);
}

int
cron_zone_load(const char *tz, struct cron_zone **ret)
{
	struct cron_zone	*z = NULL;
	uint8_t			*buf = NULL;
	size_t			 len = 0;
	int			 r;

	if (tz == NULL || *tz == '\0' || strcmp(tz, "UTC") == 0 ||
	    strcmp(tz, "GMT") == 0) {
		if ((z = calloc(1, sizeof(*z))) == NULL)
			return (-ENOMEM);
		*ret = z;
		return (0);
	}
	if (!cron_next_zone_name_ok(tz))
		return (-EINVAL);
	if ((r = cron_next_read(tz, &buf, &len)) < 0)
		return (r);
	if ((r = cron_next_tzif_parse(buf, len, &z)) == 0)
		*ret = z;
	free(buf);
	return (r);
}

void
cron_zone_free(struct cron_zone *z)
{
	free(z);
}

/* Expressions.  cron_validate_quartz() has checked the syntax already. */

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

static int
cron_next_number(const char *s, size_t len, int *ret)
{
	size_t	 i;
	int	 v = 0;

	if (len == 0 || len > 4)
		return (-EINVAL);
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return (-EINVAL);
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return (0);
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
	if (v < 0 && cron_next_number(s, len, &v) < 0)
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
		if (cron_next_number(slash, strlen(slash), &step) < 0 ||
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
		return (cron_next_number(s + 2, n - 2, &e->arg));
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
		if (cron_next_number(hash + 1, strlen(hash + 1), &e->nth) < 0 ||
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
	int64_t		 first = cron_next_days(y, m, 1);
	uint32_t	 mask = 0;
	int		 ldom = cron_next_ldom(y, m), wd1, d;

	wd1 = cron_next_wday(first);
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
cron_next_tm_day(struct cron_next_tm *tm, int y, int mo, int d)
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
cron_next_tm_bump(struct cron_next_tm *tm, int level)
{
	tm->s = 0;
	if (level == 1 && ++tm->mi < 60)
		return;
	tm->mi = 0;
	if (level <= 2 && ++tm->h < 24)
		return;
	tm->h = 0;
	if (++tm->d > cron_next_ldom(tm->y, tm->mo))
		cron_next_tm_day(tm, tm->y, tm->mo + 1, 1);
}

/*
 * The first matching wall time >= *tm.  Each field jumps straight to its
 * next allowed value, and a field that has none left moves the one above
 * it on.  A month without a matching day costs one pass, so even a
 * search that fails runs to 2199 in a few thousand passes.
 */
static int
cron_next_search(const struct cron_next_expr *e, struct cron_next_tm *tm)
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
	struct cron_next_tm	 tm;
	int			 r;

	cron_next_civil(wall, &tm);
	if ((r = cron_next_search(e, &tm)) < 0)
		return (r);
	*ret = cron_next_secs(&tm);
	return (0);
}

/*
 * When period p began by springing forward, a wall time the clock skipped
 * fires read with the earlier offset: between p->begin and p->begin plus
 * the gap, so possibly after start although it lies before start's wall.
 */
static int
cron_next_gap(const struct cron_next_expr *e,
    const struct cron_next_period *p, int64_t start, int64_t *ret)
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
cron_next_find(const struct cron_next_expr *e, const struct cron_zone *z,
    int64_t start, int64_t *ret)
{
	struct cron_next_period	 p;
	int64_t			 wall, gap;
	int			 i, r;

	for (i = 0; i < CRON_NEXT_PERIODS; i++) {
		cron_next_period(z, start, &p);
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
		start = p.end > wall - CRON_NEXT_OFF_MAX ? p.end :
		    wall - CRON_NEXT_OFF_MAX;
	}
	return (-ENOENT);	/* not reached with offsets of real zones */
}

int
cron_next_fire_zone(const char *quartz, const struct cron_zone *z,
    int64_t after_ms, int64_t *ret_ms)
{
	struct cron_next_expr	 e;
	int64_t			 t;
	int			 r;

	if (quartz == NULL || cron_validate_quartz(quartz, NULL, 0) < 0 ||
	    cron_next_parse(quartz, &e) < 0)
		return (-EINVAL);
	/* whole seconds, as Quartz: strictly after means from the next one */
	if ((r = cron_next_find(&e, z != NULL ? z : &cron_next_utc,
	    cron_next_floordiv(after_ms, 1000) + 1, &t)) < 0)
		return (r);
	*ret_ms = t * 1000;
	return (0);
}

int
cron_next_fire(const char *quartz, const char *tz, int64_t after_ms,
    int64_t *ret_ms)
{
	struct cron_zone	*z = NULL;
	int			 r;

	if ((r = cron_zone_load(tz, &z)) < 0)
		return (r == -ENOENT ? -EINVAL : r);
	r = cron_next_fire_zone(quartz, z, after_ms, ret_ms);
	cron_zone_free(z);
	return (r);
}
