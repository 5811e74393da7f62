/*
 * Command-line options from a table (args.c): what kerr-apid,
 * kerr-schedulerd, kerr-cleanerd, kerr-supervisor and kerr-run each
 * parsed with a getopt loop of their own.
 */
#ifndef KERR_ARGS_H
#define KERR_ARGS_H

#include <stddef.h>

/* -x FILE sets *value to FILE; -x alone (value NULL) sets *flag to 1. */
struct args_opt {
	char		  ch;
	const char	**value;
	int		 *flag;
};

/*
 * getopt(3) over argv with the options of opts.  0, or -1 for an unknown
 * option, a missing argument or an operand: the caller prints its usage.
 */
int	args_parse(int argc, char **argv, const struct args_opt *opts,
	    size_t nopts);
/* The same for "prog [options] command [arg...]": the options stop at the
 * command, which must be there; *ret_command points at it. */
int	args_parse_command(int argc, char **argv, const struct args_opt *opts,
	    size_t nopts, char ***ret_command);

#endif
