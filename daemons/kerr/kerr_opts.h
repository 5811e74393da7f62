/*
 * The pure parts of kerr's command line (no I/O): the options every
 * command takes, numbers, K=V pairs, the server's URL.  Unit-tested as
 * they are (tests/unit/check_kerr_cli.c).
 */
#ifndef KERR_OPTS_H
#define KERR_OPTS_H

#define KERR_DEFAULT_URL	"http://127.0.0.1:5060/singularity/v1"

struct kerr_globals {
	const char	*url;		/* --url, NULL when not given */
	int		 json;		/* -o json */
	int		 help;		/* -h / --help */
};

/*
 * Take --url U, --url=U, -o FMT, -oFMT, --output FMT, -h and --help out
 * of argv (anywhere before a "--"), shifting the rest down; FMT is json
 * or table.  0, or -1 with a one-line reason in err.
 */
int	kerr_opts_globals(int *argc, char **argv, struct kerr_globals *g,
	    char *err, size_t errlen);
/* The server: flag, else KERR_URL, else SINGULARITY_URL, else the
 * default; a trailing slash dropped into buf. */
const char *kerr_opts_url(const char *flag, char *buf, size_t len);
/* A whole decimal number within [min, max]: 0, or -1. */
int	kerr_opts_long(const char *s, long min, long max, long *ret);
/* A decimal number of at most 3 places (cpus): 0, or -1. */
int	kerr_opts_double(const char *s, double min, double *ret);
/* "KEY=VALUE": 0 with the key's length, -1 when there is no '=' or the
 * key is empty. */
int	kerr_opts_env(const char *s, size_t *ret_keylen);

#endif
