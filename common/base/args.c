/*
 * Command-line options from a table (see args.h).
 */
#include <unistd.h>

#include "args.h"

#define ARGS_OPTSTRING_MAX	64

static const struct args_opt *
args_find(const struct args_opt *opts, size_t nopts, int ch)
{
	size_t i;

	for (i = 0; i < nopts; i++)
		if (opts[i].ch == ch)
			return (&opts[i]);
	return (NULL);
}

/* getopt(3) over the table, optstring led by prefix; optind, or -1. */
static int
args_getopt(int argc, char **argv, const char *prefix,
    const struct args_opt *opts, size_t nopts)
{
	const struct args_opt	*o;
	char			 optstring[ARGS_OPTSTRING_MAX];
	size_t			 i, n = 0;
	int			 ch;

	for (i = 0; prefix[i] != '\0'; i++)
		optstring[n++] = prefix[i];
	for (i = 0; i < nopts && n + 3 <= sizeof(optstring); i++) {
		optstring[n++] = opts[i].ch;
		if (opts[i].value != NULL)
			optstring[n++] = ':';
	}
	optstring[n] = '\0';
	while ((ch = getopt(argc, argv, optstring)) != -1) {
		if ((o = args_find(opts, nopts, ch)) == NULL)
			return (-1);	/* '?': getopt said which */
		if (o->value != NULL)
			*o->value = optarg;
		else
			*o->flag = 1;
	}
	return (optind);
}

int
args_parse(int argc, char **argv, const struct args_opt *opts, size_t nopts)
{
	return (args_getopt(argc, argv, "", opts, nopts) == argc ? 0 : -1);
}

int
args_parse_command(int argc, char **argv, const struct args_opt *opts,
    size_t nopts, char ***ret_command)
{
	/* "+": the command's own options are not ours. */
	int first = args_getopt(argc, argv, "+", opts, nopts);

	if (first < 0 || first >= argc)
		return (-1);
	*ret_command = argv + first;
	return (0);
}
