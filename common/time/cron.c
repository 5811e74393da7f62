/*
 * Schedule expressions.  Singularity stores every cron schedule as a Quartz
 * CronExpression in `quartzSchedule`; cron_to_quartz() performs the same
 * conversion as SingularityValidator.getQuartzScheduleFromCronSchedule()
 * (5 fields get seconds "0" in front, 6 or 7 fields start with seconds;
 * day-of-month or day-of-week turned into '?'; day-of-week numbers renamed
 * SUN..SAT, in lists and ranges too), and cron_validate_quartz() checks
 * what Quartz's CronExpression parser accepts.  Where Singularity's
 * conversion would silently change the meaning of a cron expression (both
 * day fields restricted, descending or stepped day-of-week ranges, a
 * dropped year) we either convert faithfully or refuse with -EINVAL: spec
 * 0A forbids silent reinterpretation.  Pure logic: no I/O, nothing logs.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cron.h"
#include "schema.h"

#define CRON_FIELDS_MAX	7
#define CRON_WHY_MAX	256

enum cron_extra {
	CRON_PLAIN,
	CRON_DOM,		/* also '?', L, LW, L-n, nW */
	CRON_DOW,		/* also '?', L, nL, n#k */
	CRON_YEAR		/* a descending range is an error, no wrap */
};

struct cron_spec {
	const char		*name;
	int			 min;
	int			 max;
	const char *const	*names;	/* 3-letter names of min, min+1, ... */
	enum cron_extra		 extra;
};

struct cron_fields {
	char	 buf[CRON_EXPR_MAX];
	char	*f[CRON_FIELDS_MAX];
	int	 n;		/* fields seen; may exceed CRON_FIELDS_MAX */
};

static const char *const cron_months[] = {
	"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
	"JUL", "AUG", "SEP", "OCT", "NOV", "DEC", NULL
};

/* Quartz numbers them 1-7, cron 0-6 (and 7 for Sunday again). */
static const char *const cron_days[] = {
	"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL
};

/* Quartz field order; the year bounds are those Singularity documents. */
static const struct cron_spec cron_specs[CRON_FIELDS_MAX] = {
	{ "seconds", 0, 59, NULL, CRON_PLAIN },
	{ "minutes", 0, 59, NULL, CRON_PLAIN },
	{ "hours", 0, 23, NULL, CRON_PLAIN },
	{ "day-of-month", 1, 31, NULL, CRON_DOM },
	{ "month", 1, 12, cron_months, CRON_PLAIN },
	{ "day-of-week", 1, 7, cron_days, CRON_DOW },
	{ "year", 1970, 2199, NULL, CRON_YEAR }
};

/* Split on blanks as Quartz's StringTokenizer does. */
static int
cron_split(const char *s, struct cron_fields *cf, char *err, size_t errlen)
{
	char	*p, *save = NULL;

	if (strlen(s) >= sizeof(cf->buf))
		return (schema_fail(err, errlen,
		    "Schedule is too long (at most %d characters)",
		    CRON_EXPR_MAX - 1));
	(void)snprintf(cf->buf, sizeof(cf->buf), "%s", s);
	cf->n = 0;
	for (p = strtok_r(cf->buf, " \t\r\n", &save); p != NULL;
	    p = strtok_r(NULL, " \t\r\n", &save)) {
		if (cf->n < CRON_FIELDS_MAX)
			cf->f[cf->n] = p;
		cf->n++;
	}
	return (0);
}

/* strtok_r() would skip an empty item and so hide a typo like "1,,2". */
static int
cron_has_empty_item(const char *s)
{
	size_t	 n = strlen(s);

	return (n == 0 || s[0] == ',' || s[n - 1] == ',' ||
	    strstr(s, ",,") != NULL);
}

/* At most 4 digits, so no overflow. */
int
cron_number(const char *s, size_t len, int *ret)
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

/* Index of a 3-letter name, any case (Quartz upper-cases), or -1. */
static int
cron_name(const char *s, size_t len, const char *const *names)
{
	int	 i;

	if (names == NULL || len != 3)
		return (-1);
	for (i = 0; names[i] != NULL; i++)
		if (strncasecmp(s, names[i], 3) == 0)
			return (i);
	return (-1);
}

/* A number, or a name of field sp: 0 with *ret and *isname, or -1. */
static int
cron_value(const struct cron_spec *sp, const char *s, size_t len, int *ret,
    int *isname)
{
	int	 i;

	if (cron_number(s, len, ret) == 0) {
		*isname = 0;
		return (0);
	}
	if ((i = cron_name(s, len, sp->names)) < 0)
		return (-1);
	*ret = sp->min + i;
	*isname = 1;
	return (0);
}

/* The value (>= 0), or -EINVAL when it is unknown or out of range. */
static int
cron_check_value(const struct cron_spec *sp, const char *s, size_t len,
    int *isname, char *err, size_t errlen)
{
	int	 v;

	if (cron_value(sp, s, len, &v, isname) < 0)
		return (schema_fail(err, errlen, "%s value '%.*s' is not a %s",
		    sp->name, (int)len, s,
		    sp->names != NULL ? "number or name" : "number"));
	if (v < sp->min || v > sp->max)
		return (schema_fail(err, errlen,
		    "%s value %d is out of range %d-%d", sp->name, v, sp->min,
		    sp->max));
	return (v);
}

/* Quartz refuses an increment larger than the field's largest value. */
static int
cron_check_step(const struct cron_spec *sp, const char *s, char *err,
    size_t errlen)
{
	int	 step, lim;

	lim = sp->extra == CRON_YEAR ? sp->max - sp->min : sp->max;
	if (cron_number(s, strlen(s), &step) < 0 || step < 1 || step > lim)
		return (schema_fail(err, errlen,
		    "%s step '%s' must be a number from 1 to %d", sp->name, s,
		    lim));
	return (0);
}

/*
 * "*", "v", "a-b", each optionally "/step".  Quartz wraps a descending
 * range (FRI-MON) except for years, and silently ignores a step after a
 * name, so that is refused rather than stored with a meaning it lacks.
 */
static int
cron_check_range(const struct cron_spec *sp, char *item, char *err,
    size_t errlen)
{
	char	*step, *dash;
	int	 a, b, aname, bname;

	if ((step = strchr(item, '/')) != NULL) {
		*step++ = '\0';
		if (cron_check_step(sp, step, err, errlen) < 0)
			return (-EINVAL);
	}
	if (strcmp(item, "*") == 0)
		return (0);
	if ((dash = strchr(item, '-')) == NULL)
		dash = item + strlen(item);
	if ((a = cron_check_value(sp, item, dash - item, &aname, err,
	    errlen)) < 0)
		return (-EINVAL);
	b = a;
	bname = aname;
	if (*dash == '-' && (b = cron_check_value(sp, dash + 1,
	    strlen(dash + 1), &bname, err, errlen)) < 0)
		return (-EINVAL);
	if (aname != bname)
		return (schema_fail(err, errlen,
		    "%s range '%s' mixes a name and a number", sp->name,
		    item));
	if (aname && step != NULL)
		return (schema_fail(err, errlen,
		    "%s: Quartz ignores a step after a name ('%s/%s'); use "
		    "numbers", sp->name, item, step));
	if (sp->extra == CRON_YEAR && a > b)
		return (schema_fail(err, errlen,
		    "year range '%s' is descending", item));
	return (0);
}

static int
cron_is_special(const struct cron_spec *sp, const char *s)
{
	size_t	 n = strlen(s);
	int	 last = n > 1 ? toupper((unsigned char)s[n - 1]) : 0;

	if (sp->extra == CRON_DOM)
		return (strcasecmp(s, "L") == 0 ||
		    strncasecmp(s, "L-", 2) == 0 || last == 'W');
	if (sp->extra == CRON_DOW)
		return (strcasecmp(s, "L") == 0 || strchr(s, '#') != NULL ||
		    last == 'L');
	return (0);
}

/* L (last day), LW (last weekday), L-n (n days before the last), nW. */
static int
cron_check_dom_special(const struct cron_spec *sp, const char *s, char *err,
    size_t errlen)
{
	size_t	 n = strlen(s);
	int	 v;

	if (strcasecmp(s, "L") == 0 || strcasecmp(s, "LW") == 0)
		return (0);
	if (strncasecmp(s, "L-", 2) == 0) {
		if (cron_number(s + 2, n - 2, &v) < 0 || v > 30)
			return (schema_fail(err, errlen,
			    "%s offset in '%s' must be a number from 0 to 30",
			    sp->name, s));
		return (0);
	}
	if (cron_number(s, n - 1, &v) < 0 || v < 1 || v > 31)
		return (schema_fail(err, errlen,
		    "%s value '%s': W needs a day from 1 to 31", sp->name, s));
	return (0);
}

/* L (Saturday), nL (last n of the month), n#k (k-th n of the month). */
static int
cron_check_dow_special(const struct cron_spec *sp, const char *s, char *err,
    size_t errlen)
{
	const char	*hash;
	size_t		 n = strlen(s);
	int		 isname, k;

	if (strcasecmp(s, "L") == 0)
		return (0);
	if ((hash = strchr(s, '#')) == NULL)
		return (cron_check_value(sp, s, n - 1, &isname, err,
		    errlen) < 0 ? -EINVAL : 0);
	if (cron_check_value(sp, s, hash - s, &isname, err, errlen) < 0)
		return (-EINVAL);
	if (cron_number(hash + 1, strlen(hash + 1), &k) < 0 || k < 1 ||
	    k > 5)
		return (schema_fail(err, errlen,
		    "%s value '%s': the number after # must be from 1 to 5",
		    sp->name, s));
	return (0);
}

static int
cron_check_field(const struct cron_spec *sp, const char *text, char *err,
    size_t errlen)
{
	char	 buf[CRON_EXPR_MAX], *item, *save = NULL;
	int	 single;

	if (strcmp(text, "?") == 0) {
		if (sp->extra != CRON_DOM && sp->extra != CRON_DOW)
			return (schema_fail(err, errlen, "'?' can only be "
			    "specified for day-of-month or day-of-week, not "
			    "for %s", sp->name));
		return (0);
	}
	if (cron_has_empty_item(text))
		return (schema_fail(err, errlen, "%s field '%s' has an empty "
		    "list item", sp->name, text));
	(void)snprintf(buf, sizeof(buf), "%s", text);
	single = strchr(buf, ',') == NULL;
	for (item = strtok_r(buf, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		if (!cron_is_special(sp, item)) {
			if (cron_check_range(sp, item, err, errlen) < 0)
				return (-EINVAL);
			continue;
		}
		if (!single)
			return (schema_fail(err, errlen, "%s value '%s' "
			    "cannot be combined with other values", sp->name,
			    item));
		if (sp->extra == CRON_DOM)
			return (cron_check_dom_special(sp, item, err, errlen));
		return (cron_check_dow_special(sp, item, err, errlen));
	}
	return (0);
}

/* Quartz needs exactly one of the two day fields to be '?'. */
static int
cron_check_days(const char *dom, const char *dow, char *err, size_t errlen)
{
	int	 domq = strcmp(dom, "?") == 0, dowq = strcmp(dow, "?") == 0;

	if (domq && dowq)
		return (schema_fail(err, errlen, "'?' can only be specified "
		    "for one of day-of-month and day-of-week"));
	if (!domq && !dowq)
		return (schema_fail(err, errlen, "Support for specifying both "
		    "a day-of-week AND a day-of-month parameter is not "
		    "implemented (one of them must be '?')"));
	return (0);
}

static int
cron_validate_fields(const char *quartz, char *err, size_t errlen)
{
	struct cron_fields	 cf;
	int			 i;

	if (cron_split(quartz, &cf, err, errlen) < 0)
		return (-EINVAL);
	if (cf.n < 6 || cf.n > CRON_FIELDS_MAX)
		return (schema_fail(err, errlen, "Quartz expression has %d "
		    "fields, expected 6 or 7 (seconds minutes hours "
		    "day-of-month month day-of-week [year])", cf.n));
	for (i = 0; i < cf.n; i++)
		if (cron_check_field(&cron_specs[i], cf.f[i], err, errlen) < 0)
			return (-EINVAL);
	return (cron_check_days(cf.f[3], cf.f[5], err, errlen));
}

/* The messages quote the expression, which may hold a newline. */
int
cron_validate_quartz(const char *quartz, char *err, size_t errlen)
{
	return (schema_result(cron_validate_fields(quartz, err, errlen), err,
	    errlen));
}

/*
 * Cron rejects a range such as 50-10 that Quartz would wrap around the
 * hour; refuse it rather than store a schedule cron never meant.
 */
static int
cron_check_ascending(const struct cron_spec *sp, const char *text,
    const char *cron, char *err, size_t errlen)
{
	char	 buf[CRON_EXPR_MAX], *item, *dash, *save = NULL;
	int	 a, b, aname, bname;

	(void)snprintf(buf, sizeof(buf), "%s", text);
	for (item = strtok_r(buf, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		item[strcspn(item, "/")] = '\0';
		if ((dash = strchr(item, '-')) == NULL ||
		    cron_value(sp, item, dash - item, &a, &aname) < 0 ||
		    cron_value(sp, dash + 1, strlen(dash + 1), &b, &bname) < 0)
			continue;
		if (a > b)
			return (schema_fail(err, errlen, "Schedule %s is "
			    "invalid, %s range %s is descending", cron,
			    sp->name, item));
	}
	return (0);
}

/*
 * A cron day of week: 0 and the cron number 0-7 in *ret (names give 0-6),
 * -1 when it is neither a number nor a name, -2 for a number above 7.
 */
static int
cron_dow_value(const char *s, size_t len, int *ret, int *isname)
{
	int	 i;

	*isname = 0;
	if (cron_number(s, len, ret) == 0)
		return (*ret > 7 ? -2 : 0);
	if ((i = cron_name(s, len, cron_days)) < 0)
		return (-1);
	*ret = i;
	*isname = 1;
	return (0);
}

static int
cron_dow_bad(const char *cron, int v, char *err, size_t errlen)
{
	return (schema_fail(err, errlen,
	    "Schedule %s is invalid, day of week (%d) is not 0-7", cron, v));
}

/* "5L" and "5#3": a cron number becomes the Quartz number (6L, 6#3). */
static int
cron_dow_suffixed(const char *item, size_t vlen, const char *cron, char *out,
    size_t outlen, char *err, size_t errlen)
{
	int	 r, v, isname;

	r = cron_dow_value(item, vlen, &v, &isname);
	if (r == -2)
		return (cron_dow_bad(cron, v, err, errlen));
	if (r == 0 && !isname)
		(void)snprintf(out, outlen, "%d%s", v % 7 + 1, item + vlen);
	else
		(void)snprintf(out, outlen, "%s", item);
	return (0);
}

/* Cron "a-b/s": Quartz steps in its own numbering, so list the days. */
static void
cron_dow_expand(int a, int b, int step, char *out, size_t outlen)
{
	size_t	 used = 0;
	int	 d, mask = 0;

	for (d = a; d <= b; d += step)
		mask |= 1 << (d % 7);
	out[0] = '\0';
	for (d = 0; d < 7; d++)
		if (mask & (1 << d))
			used += snprintf(out + used, outlen - used, "%s%s",
			    used > 0 ? "," : "", cron_days[d]);
}

static int
cron_dow_step(char *item, char *slash, const char *cron, char *out,
    size_t outlen, char *err, size_t errlen)
{
	char	*dash;
	int	 a, b, ra, rb, step, isname;

	if (cron_number(slash + 1, strlen(slash + 1), &step) < 0 || step < 1)
		return (schema_fail(err, errlen, "Schedule %s is invalid, "
		    "day of week step '%s' is not a positive number", cron,
		    item));
	if (slash - item == 1 && item[0] == '*') {
		/* cron counts from Sunday=0, Quartz from 1: same days */
		(void)snprintf(out, outlen, "%s", item);
		return (0);
	}
	*slash = '\0';
	if ((dash = strchr(item, '-')) == NULL)
		return (schema_fail(err, errlen, "Schedule %s is invalid, "
		    "day of week step needs a range such as 1-5/2, not %s",
		    cron, item));
	ra = cron_dow_value(item, dash - item, &a, &isname);
	rb = cron_dow_value(dash + 1, strlen(dash + 1), &b, &isname);
	if (ra == -2 || rb == -2)
		return (cron_dow_bad(cron, ra == -2 ? a : b, err, errlen));
	if (ra < 0 || rb < 0)
		return (schema_fail(err, errlen, "Schedule %s is invalid, "
		    "day of week range %s is not understood", cron, item));
	if (a > b)
		return (schema_fail(err, errlen, "Schedule %s is invalid, "
		    "day of week range %s is descending", cron, item));
	cron_dow_expand(a, b, step, out, outlen);
	return (0);
}

static int
cron_dow_range(const char *item, const char *dash, const char *cron,
    char *out, size_t outlen, char *err, size_t errlen)
{
	int	 a, b, ra, rb, aname, bname;

	ra = cron_dow_value(item, dash - item, &a, &aname);
	rb = cron_dow_value(dash + 1, strlen(dash + 1), &b, &bname);
	if (ra == -2 || rb == -2)
		return (cron_dow_bad(cron, ra == -2 ? a : b, err, errlen));
	if (ra < 0 || rb < 0) {
		(void)snprintf(out, outlen, "%s", item);
		return (0);
	}
	if (a > b)
		return (schema_fail(err, errlen, "Schedule %s is invalid, "
		    "day of week range %s is descending", cron, item));
	if (aname && bname)
		(void)snprintf(out, outlen, "%s", item);
	else if (a == 0 && b == 7)	/* SUN-SUN would be Sunday only */
		(void)snprintf(out, outlen, "SUN-SAT");
	else
		(void)snprintf(out, outlen, "%s-%s", cron_days[a % 7],
		    cron_days[b % 7]);
	return (0);
}

/* One comma item of a cron day-of-week field, into out. */
static int
cron_dow_item(char *item, const char *cron, char *out, size_t outlen,
    char *err, size_t errlen)
{
	char	*sep;
	size_t	 len = strlen(item);
	int	 r, v, isname;

	if ((sep = strchr(item, '#')) != NULL)
		return (cron_dow_suffixed(item, sep - item, cron, out, outlen,
		    err, errlen));
	if (len > 1 && toupper((unsigned char)item[len - 1]) == 'L')
		return (cron_dow_suffixed(item, len - 1, cron, out, outlen,
		    err, errlen));
	if ((sep = strchr(item, '/')) != NULL)
		return (cron_dow_step(item, sep, cron, out, outlen, err,
		    errlen));
	if ((sep = strchr(item, '-')) != NULL)
		return (cron_dow_range(item, sep, cron, out, outlen, err,
		    errlen));
	r = cron_dow_value(item, len, &v, &isname);
	if (r == -2)
		return (cron_dow_bad(cron, v, err, errlen));
	/* names, L and anything odd pass through for Quartz to judge */
	(void)snprintf(out, outlen, "%s",
	    r == 0 && !isname ? cron_days[v % 7] : item);
	return (0);
}

static int
cron_dow_convert(const char *field, const char *cron, char *out,
    size_t outlen, char *err, size_t errlen)
{
	char	 buf[CRON_EXPR_MAX], piece[CRON_EXPR_MAX], *item;
	char	*save = NULL;
	size_t	 used = 0;
	int	 n;

	if (cron_has_empty_item(field))
		return (schema_fail(err, errlen, "Schedule %s is invalid, "
		    "day of week field '%s' has an empty list item", cron,
		    field));
	(void)snprintf(buf, sizeof(buf), "%s", field);
	for (item = strtok_r(buf, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		if (cron_dow_item(item, cron, piece, sizeof(piece), err,
		    errlen) < 0)
			return (-EINVAL);
		n = snprintf(out + used, outlen - used, "%s%s",
		    used > 0 ? "," : "", piece);
		if (n < 0 || (size_t)n >= outlen - used)
			return (schema_fail(err, errlen, "Schedule %s is too "
			    "long once converted", cron));
		used += n;
	}
	return (0);
}

/* A cron expression's fields by name: seconds NULL for a 5-field one. */
struct cron_unix {
	const char	*sec, *min, *hour, *dom, *month, *dow, *year;
};

/*
 * 5 fields: minutes to day-of-week.  6: seconds first.  7: a year last.
 * This is where Singularity looks for each field (hasSeconds when there
 * are more than 5), except that it drops a 7th field whatever it says.
 */
static void
cron_unix_fields(const struct cron_fields *cf, struct cron_unix *u)
{
	int	 b = cf->n > 5;

	u->sec = b ? cf->f[0] : NULL;
	u->min = cf->f[b];
	u->hour = cf->f[b + 1];
	u->dom = cf->f[b + 2];
	u->month = cf->f[b + 3];
	u->dow = cf->f[b + 4];
	u->year = cf->n == 7 ? cf->f[6] : NULL;
}

/*
 * Singularity's rule: a '*' day-of-week becomes '?', any other
 * day-of-week makes day-of-month '?'.  When both are restricted cron runs
 * on either day but Singularity would drop the day-of-month: refuse.
 */
static int
cron_days_to_quartz(const struct cron_unix *u, const char *cron,
    const char **dom, char *dow, size_t dowlen, char *err, size_t errlen)
{
	*dom = u->dom;
	if (strcmp(u->dow, "*") == 0) {
		(void)snprintf(dow, dowlen, "?");
		return (0);
	}
	if (strcmp(u->dow, "?") != 0) {
		if (strcmp(*dom, "*") != 0 && strcmp(*dom, "?") != 0)
			return (schema_fail(err, errlen, "Schedule %s "
			    "restricts both day of month (%s) and day of week "
			    "(%s), which Quartz cannot express; use ? or * in "
			    "one of them", cron, *dom, u->dow));
		*dom = "?";
	}
	return (cron_dow_convert(u->dow, cron, dow, dowlen, err, errlen));
}

/* Cron never wraps a range such as 50-10, in any of these fields. */
static int
cron_unix_ascending(const struct cron_unix *u, const char *cron, char *err,
    size_t errlen)
{
	const char	*f[5] = { u->sec, u->min, u->hour, u->dom, u->month };
	int		 i;

	for (i = 0; i < 5; i++)
		if (f[i] != NULL && cron_check_ascending(&cron_specs[i], f[i],
		    cron, err, errlen) < 0)
			return (-EINVAL);
	return (0);
}

/*
 * A year of '*' is left out, as Singularity leaves out every year: the
 * same Quartz text, the same meaning.  Any other year stays as Quartz's
 * 7th field, where Singularity would drop it and fire in every year.
 */
static int
cron_convert(struct cron_fields *cf, const char *cron, char *out,
    size_t outlen, char *err, size_t errlen)
{
	char		 q[CRON_QUARTZ_MAX], dow[CRON_QUARTZ_MAX];
	char		 why[CRON_WHY_MAX];
	struct cron_unix u;
	const char	*dom;
	int		 n, year;

	cron_unix_fields(cf, &u);
	if (cron_unix_ascending(&u, cron, err, errlen) < 0)
		return (-EINVAL);
	if (cron_days_to_quartz(&u, cron, &dom, dow, sizeof(dow), err,
	    errlen) < 0)
		return (-EINVAL);
	year = u.year != NULL && strcmp(u.year, "*") != 0;
	n = snprintf(q, sizeof(q), "%s %s %s %s %s %s%s%s",
	    u.sec != NULL ? u.sec : "0", u.min, u.hour, dom, u.month, dow,
	    year ? " " : "", year ? u.year : "");
	if (n < 0 || (size_t)n >= sizeof(q) || (size_t)n >= outlen)
		return (schema_fail(err, errlen, "Schedule %s is too long "
		    "once converted", cron));
	if (cron_validate_quartz(q, why, sizeof(why)) < 0)
		return (schema_fail(err, errlen,
		    "Schedule %s (from: %s) is not valid: %s", q, cron, why));
	(void)snprintf(out, outlen, "%s", q);
	return (0);
}

static int
cron_convert_text(const char *cron, char *out, size_t outlen, char *err,
    size_t errlen)
{
	struct cron_fields	 cf;

	if (cron_split(cron, &cf, err, errlen) < 0)
		return (-EINVAL);
	if (cf.n < 5)
		return (schema_fail(err, errlen, "Schedule %s is invalid "
		    "because it contained only %d splits (looking for at "
		    "least 5)", cron, cf.n));
	if (cf.n > CRON_FIELDS_MAX)
		return (schema_fail(err, errlen, "Schedule %s is invalid "
		    "because it contained %d splits (at most 7: seconds, "
		    "5 cron fields, year)", cron, cf.n));
	return (cron_convert(&cf, cron, out, outlen, err, errlen));
}

int
cron_to_quartz(const char *cron, char *out, size_t outlen, char *err,
    size_t errlen)
{
	return (schema_result(cron_convert_text(cron, out, outlen, err,
	    errlen), err, errlen));
}
