/*
 * kerr.conf: conf_parse_stream() of any bytes over the defaults.
 *
 * Properties: a refusal is -EINVAL with every error as a
 * "fuzz.conf:line: message" or "fuzz.conf: message" line, and leaves the
 * configuration as it was; an accepted file leaves every string
 * terminated and the port range in order.
 */
#include <errno.h>

#include "conf.h"
#include "fuzz.h"

#define FUZZ_CONF_NAME	"fuzz.conf"

static int
fuzz_conf_lines_ok(const char *errbuf)
{
	const char	*line = errbuf, *nl;

	if (*errbuf == '\0')
		return (0);
	for (; *line != '\0'; line = nl + 1) {
		if (strncmp(line, FUZZ_CONF_NAME ":", strlen(FUZZ_CONF_NAME)
		    + 1) != 0)
			return (0);
		/* The last line may be cut by the buffer's end. */
		if ((nl = strchr(line, '\n')) == NULL)
			break;
	}
	return (1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf	 conf, before;
	FILE		*fp;
	char		 errbuf[4096];
	int		 r;

	if (size == 0 || (fp = fmemopen((void *)(uintptr_t)data, size,
	    "r")) == NULL)
		return (0);
	conf_defaults(&conf);
	before = conf;
	r = conf_parse_stream(&conf, fp, FUZZ_CONF_NAME, errbuf,
	    sizeof(errbuf));
	fclose(fp);
	if (r < 0) {
		if (!fuzz_conf_lines_ok(errbuf))
			fprintf(stderr, "errors: '%s'\n", errbuf);
		FUZZ_ASSERT(r == -EINVAL);
		FUZZ_ASSERT(fuzz_conf_lines_ok(errbuf));
		FUZZ_ASSERT(memcmp(&conf, &before, sizeof(conf)) == 0);
		return (0);
	}
	FUZZ_ASSERT(errbuf[0] == '\0');
	FUZZ_ASSERT(memchr(conf.state_dir, '\0', CONF_STR_MAX) != NULL);
	FUZZ_ASSERT(memchr(conf.listen_address, '\0', CONF_STR_MAX) != NULL);
	FUZZ_ASSERT(memchr(conf.slurm_conf, '\0', CONF_STR_MAX) != NULL);
	FUZZ_ASSERT(conf.port_range_min <= conf.port_range_max);
	FUZZ_ASSERT(conf.port >= 1 && conf.port <= 65535);
	return (0);
}
