/*
 * The pure parts of kerr's command line (kerr_opts.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kerr_opts.h"

/* The value of an option spelled "--name V", "--name=V" or "-xV": *ret
 * and how many arguments it took (1 or 2), 0 when argv[i] is not it,
 * -1 when its value is missing. */
static int
kerr_opts_value(int argc, char **argv, int i, const char *lng,
    const char *shrt, const char **ret)
{
	const char	*a = argv[i];
	size_t		 n = strlen(lng);

	if (strcmp(a, lng) == 0 || (shrt != NULL && strcmp(a, shrt) == 0)) {
		if (i + 1 >= argc)
			return (-1);
		*ret = argv[i + 1];
		return (2);
	}
	if (strncmp(a, lng, n) == 0 && a[n] == '=') {
		*ret = a + n + 1;
		return (1);
	}
	if (shrt != NULL && strncmp(a, shrt, 2) == 0 && a[2] != '\0') {
		*ret = a + 2;
		return (1);
	}
	return (0);
}

static int
kerr_opts_take(int *argc, char **argv, int i, int n)
{
	memmove(&argv[i], &argv[i + n], sizeof(char *) *
	    (size_t)(*argc - i - n + 1));	/* with argv[argc], NULL */
	*argc -= n;
	return (i);
}

int
kerr_opts_globals(int *argc, char **argv, struct kerr_globals *g,
    char *err, size_t errlen)
{
	const char	*v;
	int		 i = 1, n;

	memset(g, 0, sizeof(*g));
	while (i < *argc && strcmp(argv[i], "--") != 0) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			g->help = 1;
			i = kerr_opts_take(argc, argv, i, 1);
			continue;
		}
		if ((n = kerr_opts_value(*argc, argv, i, "--url", NULL,
		    &v)) != 0) {
			if (n < 0 || v[0] == '\0') {
				(void)snprintf(err, errlen,
				    "--url needs a URL");
				return (-1);
			}
			g->url = v;
			i = kerr_opts_take(argc, argv, i, n);
			continue;
		}
		if ((n = kerr_opts_value(*argc, argv, i, "--output", "-o",
		    &v)) != 0) {
			if (n < 0 || (strcmp(v, "json") != 0 &&
			    strcmp(v, "table") != 0)) {
				(void)snprintf(err, errlen, "-o takes json or "
				    "table, not '%s'", n < 0 ? "" : v);
				return (-1);
			}
			g->json = strcmp(v, "json") == 0;
			i = kerr_opts_take(argc, argv, i, n);
			continue;
		}
		i++;
	}
	return (0);
}

const char *
kerr_opts_url(const char *flag, char *buf, size_t len)
{
	const char	*u = flag;
	size_t		 n;

	if (u == NULL || u[0] == '\0')
		u = getenv("KERR_URL");
	if (u == NULL || u[0] == '\0')
		u = getenv("SINGULARITY_URL");
	if (u == NULL || u[0] == '\0')
		u = KERR_DEFAULT_URL;
	(void)snprintf(buf, len, "%s", u);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return (buf);
}

int
kerr_opts_long(const char *s, long min, long max, long *ret)
{
	char	*end;
	long	 v;

	if (s == NULL || s[0] == '\0' || s[0] == ' ')
		return (-1);
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return (-1);
	*ret = v;
	return (0);
}

int
kerr_opts_double(const char *s, double min, double *ret)
{
	char	*end;
	double	 v;

	if (s == NULL || s[0] == '\0' || s[0] == ' ')
		return (-1);
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < min)
		return (-1);
	*ret = v;
	return (0);
}

int
kerr_opts_env(const char *s, size_t *ret_keylen)
{
	const char *eq = strchr(s, '=');

	if (eq == NULL || eq == s)
		return (-1);
	*ret_keylen = (size_t)(eq - s);
	return (0);
}
