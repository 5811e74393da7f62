/*
 * Time zones for SCHEDULED requests, read from the system's TZif files
 * (RFC 8536) and never through TZ/tzset(): TZ is process-wide and the
 * daemons are multi-threaded.  tzif_zone_load() reads a zone into an
 * immutable struct tzif_zone: the UTC offset before the first transition,
 * the transitions that change the offset, and the POSIX TZ rule of the
 * file's footer.  That rule governs every instant after the last listed
 * transition; "fat" files list transitions up to 2037 and "slim" ones stop
 * much earlier, so without it future DST dates would be wrong.
 * tzif_period_at() answers which offset holds at an instant and since and
 * until when, which is all cron_next.c needs to turn wall times into
 * instants.  The proleptic Gregorian calendar both work in lives here too.
 *
 * Touches no table, sends no bus message; the only I/O is reading zone
 * files, and nothing logs.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tzif.h"

#define TZIF_ZONEINFO	"/usr/share/zoneinfo/"
#define TZIF_ZONE_MAX	128
#define TZIF_FILE_MAX	(1024 * 1024)	/* largest zone file read */
#define TZIF_HDR	44		/* RFC 8536 header size */
#define TZIF_FOOTER_MAX	128
#define TZIF_OFF_MIN	(-89999)	/* RFC 8536 utoff limits */

/* One change of UTC offset. */
struct tzif_trans {
	int64_t	 at;		/* UTC seconds */
	int32_t	 off;		/* seconds east of UTC from then on */
};

/* A POSIX TZ rule date: Jn, n or Mm.w.d, then the local time of day. */
struct tzif_date {
	char	 kind;		/* 'J', 'N' (zero-based, with Feb 29), 'M' */
	int	 m;
	int	 w;		/* week 1-5, 5 being the last */
	int	 d;		/* weekday 0 (Sunday)-6, or the day number */
	int32_t	 time;		/* may be negative or past 24h (TZif v3) */
};

struct tzif_rule {
	int32_t			 std;	/* seconds east of UTC */
	int32_t			 dst;
	int			 has_dst;
	struct tzif_date	 start;	/* std -> dst, in standard time */
	struct tzif_date	 end;	/* dst -> std, in daylight time */
};

struct tzif_zone {
	int32_t			 off0;	/* before the first transition */
	int			 has_rule;	/* after the last one */
	struct tzif_rule	 rule;
	size_t			 n;
	struct tzif_trans	 tr[];
};

static const struct tzif_zone	tzif_utc;

/* A change of a POSIX TZ rule: at UTC instant at, to offset to. */
struct tzif_edge {
	int64_t	 at;
	int32_t	 to;
};

/* The counts of a TZif header. */
struct tzif_hdr {
	int		 ver;
	uint32_t	 isut;
	uint32_t	 isstd;
	uint32_t	 leap;
	uint32_t	 time;
	uint32_t	 type;
	uint32_t	 chars;
};

/* Calendar arithmetic, proleptic Gregorian, after H. Hinnant's algorithms. */

int64_t
tzif_floordiv(int64_t a, int64_t b)
{
	return (a / b - (a % b < 0));
}

static int
tzif_leap(int64_t y)
{
	return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

int
tzif_ldom(int64_t y, int m)
{
	static const int	 len[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return (len[m - 1] + (m == 2 && tzif_leap(y)));
}

/* Days since 1970-01-01. */
int64_t
tzif_days(int64_t y, int m, int d)
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
int
tzif_wday(int64_t days)
{
	return ((int)((days % 7 + 11) % 7));
}

/* Wall-clock seconds since the epoch into fields. */
void
tzif_civil(int64_t secs, struct tzif_tm *tm)
{
	int64_t	 z, era, doe, yoe, doy, mp, rem;

	z = tzif_floordiv(secs, TZIF_DAY);
	rem = secs - z * TZIF_DAY;
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

int64_t
tzif_secs(const struct tzif_tm *tm)
{
	return (tzif_days(tm->y, tm->mo, tm->d) * TZIF_DAY +
	    tm->h * 3600 + tm->mi * 60 + tm->s);
}

/* The footer: a POSIX TZ string such as "EST5EDT,M3.2.0,M11.1.0". */

/* "EST" or "<+0530>": the text after the name, or NULL. */
static const char *
tzif_tz_name(const char *s)
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
tzif_tz_num(const char *s, int max, int *ret)
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
tzif_tz_hms(const char *s, int maxh, int32_t *ret)
{
	int	 neg, h, m = 0, sec = 0;

	neg = *s == '-';
	if (*s == '+' || *s == '-')
		s++;
	if ((s = tzif_tz_num(s, maxh, &h)) == NULL)
		return (NULL);
	if (*s == ':' && (s = tzif_tz_num(s + 1, 59, &m)) != NULL &&
	    *s == ':')
		s = tzif_tz_num(s + 1, 59, &sec);
	if (s == NULL)
		return (NULL);
	*ret = (h * 3600 + m * 60 + sec) * (neg ? -1 : 1);
	return (s);
}

static const char *
tzif_tz_date(const char *s, struct tzif_date *d)
{
	d->time = 2 * 3600;	/* POSIX default: 02:00 */
	if (*s == 'M') {
		d->kind = 'M';
		if ((s = tzif_tz_num(s + 1, 12, &d->m)) == NULL ||
		    d->m < 1 || *s != '.' ||
		    (s = tzif_tz_num(s + 1, 5, &d->w)) == NULL ||
		    d->w < 1 || *s != '.' ||
		    (s = tzif_tz_num(s + 1, 6, &d->d)) == NULL)
			return (NULL);
	} else if (*s == 'J') {
		d->kind = 'J';
		if ((s = tzif_tz_num(s + 1, 365, &d->d)) == NULL ||
		    d->d < 1)
			return (NULL);
	} else {
		d->kind = 'N';
		if ((s = tzif_tz_num(s, 365, &d->d)) == NULL)
			return (NULL);
	}
	if (*s == '/')
		s = tzif_tz_hms(s + 1, 167, &d->time);
	return (s);
}

static int
tzif_tz_rule(const char *s, struct tzif_rule *r)
{
	int32_t	 v;

	memset(r, 0, sizeof(*r));
	/* POSIX counts hours west of Greenwich, hence the minus signs */
	if ((s = tzif_tz_name(s)) == NULL ||
	    (s = tzif_tz_hms(s, 24, &v)) == NULL)
		return (-EINVAL);
	r->std = -v;
	if (*s == '\0')
		return (0);
	if ((s = tzif_tz_name(s)) == NULL)
		return (-EINVAL);
	r->dst = r->std + 3600;
	if (*s != ',' && (s = tzif_tz_hms(s, 24, &v)) != NULL)
		r->dst = -v;
	/* tzcode would assume US rules here, but zic always writes them */
	if (s == NULL || *s++ != ',' ||
	    (s = tzif_tz_date(s, &r->start)) == NULL || *s++ != ',' ||
	    (s = tzif_tz_date(s, &r->end)) == NULL || *s != '\0')
		return (-EINVAL);
	r->has_dst = 1;
	return (0);
}

/* Days since the epoch of a rule date in year y. */
static int64_t
tzif_rule_day(const struct tzif_date *d, int64_t y)
{
	int64_t	 first, day;
	int	 ldom;

	if (d->kind == 'J')	/* 1-365, February 29 never counted */
		return (tzif_days(y, 1, 1) + d->d - 1 +
		    (d->d >= 60 && tzif_leap(y)));
	if (d->kind == 'N')
		return (tzif_days(y, 1, 1) + d->d);
	first = tzif_days(y, d->m, 1);
	ldom = tzif_ldom(y, d->m);
	day = (d->d - tzif_wday(first) + 7) % 7 + (d->w - 1) * 7;
	while (day >= ldom)
		day -= 7;
	return (first + day);
}

/* The rule's changes in the years around t, in order. */
static void
tzif_rule_edges(const struct tzif_rule *r, int64_t t,
    struct tzif_edge *e)
{
	struct tzif_edge	 tmp;
	struct tzif_tm	 tm;
	int64_t			 y;
	int			 i, j, n = 0;

	tzif_civil(t, &tm);
	for (y = tm.y - 1; y <= tm.y + 1; y++) {
		e[n].at = tzif_rule_day(&r->start, y) * TZIF_DAY +
		    r->start.time - r->std;
		e[n++].to = r->dst;
		e[n].at = tzif_rule_day(&r->end, y) * TZIF_DAY +
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
tzif_rule_period(const struct tzif_rule *r, int64_t t,
    struct tzif_period *p)
{
	struct tzif_edge	 e[6];
	int32_t			 cur;
	int			 i;

	p->begin = INT64_MIN;
	p->end = INT64_MAX;
	p->prev = p->off = r->std;
	if (!r->has_dst)
		return;
	tzif_rule_edges(r, t, e);
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

void
tzif_period_at(const struct tzif_zone *z, int64_t t, struct tzif_period *p)
{
	size_t	 lo, hi, mid;

	if (z == NULL)
		z = &tzif_utc;
	if (z->has_rule && (z->n == 0 || t >= z->tr[z->n - 1].at)) {
		tzif_rule_period(&z->rule, t, p);
		/* A rule without DST (the zone dropped it at its last
		 * transition) has one period from the dawn of time: the
		 * zone's began at that transition, from the offset before. */
		if (z->n > 0 && p->begin < z->tr[z->n - 1].at) {
			p->begin = z->tr[z->n - 1].at;
			p->prev = z->n > 1 ? z->tr[z->n - 2].off : z->off0;
		}
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
tzif_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3]);
}

static int64_t
tzif_be64(const uint8_t *p)
{
	return ((int64_t)((uint64_t)tzif_be32(p) << 32 |
	    tzif_be32(p + 4)));
}

static int
tzif_header(const uint8_t *p, size_t len, struct tzif_hdr *h)
{
	if (len < TZIF_HDR || memcmp(p, "TZif", 4) != 0)
		return (-EINVAL);
	h->ver = p[4];
	h->isut = tzif_be32(p + 20);
	h->isstd = tzif_be32(p + 24);
	h->leap = tzif_be32(p + 28);
	h->time = tzif_be32(p + 32);
	h->type = tzif_be32(p + 36);
	h->chars = tzif_be32(p + 40);
	/* counts bounded by the file size keep the sums below from wrapping */
	if (h->type == 0 || h->type > 256 || h->time > TZIF_FILE_MAX ||
	    h->leap > TZIF_FILE_MAX || h->chars > TZIF_FILE_MAX ||
	    h->isut > h->type || h->isstd > h->type)
		return (-EINVAL);
	return (0);
}

/* Bytes of the data block that follows a header, with tsz-byte times. */
static size_t
tzif_data_size(const struct tzif_hdr *h, size_t tsz)
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
tzif_data(const uint8_t *p, const struct tzif_hdr *h,
    size_t tsz, struct tzif_zone *z)
{
	const uint8_t	*idx = p + h->time * tsz, *tt = idx + h->time;
	int64_t		 at, last = INT64_MIN;
	int32_t		 off;
	uint32_t	 i;

	for (i = 0; i < h->type; i++) {
		off = (int32_t)tzif_be32(tt + i * 6);
		if (off < TZIF_OFF_MIN || off > TZIF_OFF_MAX)
			return (-EINVAL);
	}
	z->off0 = (int32_t)tzif_be32(tt);
	for (i = 0; i < h->time; i++) {
		at = tsz == 8 ? tzif_be64(p + i * 8) :
		    (int32_t)tzif_be32(p + i * 4);
		if (idx[i] >= h->type || (i > 0 && at <= last))
			return (-EINVAL);
		last = at;
		off = (int32_t)tzif_be32(tt + idx[i] * 6);
		if (off == (z->n > 0 ? z->tr[z->n - 1].off : z->off0))
			continue;
		z->tr[z->n].at = at;
		z->tr[z->n++].off = off;
	}
	return (0);
}

/* "\n<TZ string>\n"; an empty string keeps the last offset for ever. */
static int
tzif_footer(const uint8_t *p, size_t len, struct tzif_zone *z)
{
	char		 buf[TZIF_FOOTER_MAX];
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
	if (tzif_tz_rule(buf, &z->rule) < 0)
		return (-EINVAL);
	z->has_rule = 1;
	return (0);
}

/*
 * Version 2+ files repeat the data with 64-bit times and add the footer;
 * a version 1 file has neither, so its last offset stays in force.
 */
int
tzif_zone_parse(const uint8_t *p, size_t len, struct tzif_zone **ret)
{
	struct tzif_hdr	 h;
	struct tzif_zone	*z = NULL;
	size_t			 pos = 0, tsz = 4, end;
	int			 r;

	if ((r = tzif_header(p, len, &h)) < 0)
		return (r);
	if (h.ver >= '2') {
		pos = TZIF_HDR + tzif_data_size(&h, 4);
		if (pos > len || tzif_header(p + pos, len - pos, &h) < 0)
			return (-EINVAL);
		tsz = 8;
	}
	pos += TZIF_HDR;
	if ((end = pos + tzif_data_size(&h, tsz)) > len)
		return (-EINVAL);
	if ((z = calloc(1, sizeof(*z) + h.time * sizeof(z->tr[0]))) == NULL)
		return (-ENOMEM);
	if ((r = tzif_data(p + pos, &h, tsz, z)) < 0 ||
	    (tsz == 8 && (r = tzif_footer(p + end, len - end,
	    z)) < 0)) {
		free(z);
		return (r);
	}
	*ret = z;
	return (0);
}

/* Relative, no "..", only the characters IANA names use. */
static int
tzif_name_ok(const char *tz)
{
	size_t	 n = strlen(tz), i;

	if (n == 0 || n >= TZIF_ZONE_MAX || tz[0] == '/' || tz[n - 1] == '/' ||
	    strstr(tz, "..") != NULL || strstr(tz, "//") != NULL)
		return (0);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)tz[i]) &&
		    strchr("_+-/", tz[i]) == NULL)
			return (0);
	return (1);
}

static int
tzif_read_fd(int fd, uint8_t **ret, size_t *ret_len)
{
	struct stat	 st;
	uint8_t		*buf;
	size_t		 got = 0;
	ssize_t		 n;

	if (fstat(fd, &st) < 0)
		return (-errno);
	if (S_ISDIR(st.st_mode))	/* "America" is no zone */
		return (-ENOENT);
	if (!S_ISREG(st.st_mode) || st.st_size > TZIF_FILE_MAX)
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

/* The file of zone tz: an fd, -EINVAL for an unsafe name, or -errno. */
static int
tzif_open(const char *tz)
{
	char	 path[sizeof(TZIF_ZONEINFO) + TZIF_ZONE_MAX];
	int	 fd;

	if (!tzif_name_ok(tz))
		return (-EINVAL);
	(void)snprintf(path, sizeof(path), "%s%s", TZIF_ZONEINFO, tz);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return (errno == ENOTDIR ? -ENOENT : -errno);
	return (fd);
}

int
tzif_zone_load(const char *tz, struct tzif_zone **ret)
{
	struct tzif_zone	*z = NULL;
	uint8_t			*buf = NULL;
	size_t			 len = 0;
	int			 fd, r;

	if (tz == NULL || *tz == '\0' || strcmp(tz, "UTC") == 0 ||
	    strcmp(tz, "GMT") == 0) {
		if ((z = calloc(1, sizeof(*z))) == NULL)
			return (-ENOMEM);
		*ret = z;
		return (0);
	}
	if ((fd = tzif_open(tz)) < 0)
		return (fd);
	r = tzif_read_fd(fd, &buf, &len);
	(void)close(fd);
	if (r < 0)
		return (r);
	if ((r = tzif_zone_parse(buf, len, &z)) == 0)
		*ret = z;
	free(buf);
	return (r);
}

void
tzif_zone_free(struct tzif_zone *z)
{
	free(z);
}

int
tzif_zone_is_valid(const char *tz)
{
	struct stat	 st;
	char		 magic[4];
	int		 fd, ok;

	if (tz == NULL)
		return (0);
	if (strcmp(tz, "UTC") == 0 || strcmp(tz, "GMT") == 0)
		return (1);
	if ((fd = tzif_open(tz)) < 0)
		return (0);
	/* zoneinfo also holds tables such as leapseconds: want TZif data */
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "TZif", sizeof(magic)) == 0;
	(void)close(fd);
	return (ok);
}
