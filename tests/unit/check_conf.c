/*
 * Unit tests for common/conf.c: defaults, a file that sets every section,
 * each kind of error with its exact "file:line: " prefix, and that
 * etc/kerr.conf documents every key with its real default.  Config text is
 * written to mkstemp files under /tmp and removed before each check.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "conf.h"
#include "fixture.h"
#include "log.h"

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*conf_suite(void);

#ifndef KERR_SRCDIR
#define KERR_SRCDIR "."
#endif

#define CHECK_CONF_EXAMPLE	KERR_SRCDIR "/etc/kerr.conf"

/* Write text to a new temp file; its name goes to path (>= 32 bytes). */
static void
check_conf_write(const char *text, char *path, size_t len)
{
	size_t	 n = strlen(text);
	int	 fd;

	snprintf(path, len, "/tmp/kerr-check-conf-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
	close(fd);
}

/* Load text over the defaults; path keeps the (removed) file's name. */
static int
check_conf_load(const char *text, struct conf *conf, char *path,
    size_t pathlen, char *err, size_t errlen)
{
	int	 r;

	check_conf_write(text, path, pathlen);
	conf_defaults(conf);
	r = conf_load(conf, path, 1, err, errlen);
	unlink(path);
	return (r);
}

/* Assert that err is exactly path followed by want. */
static void
check_conf_assert_err(const char *err, const char *path, const char *want)
{
	char	 full[4096];

	snprintf(full, sizeof(full), "%s%s", path, want);
	ck_assert_str_eq(err, full);
}

START_TEST(test_conf_defaults)
{
	struct conf	 c;

	conf_defaults(&c);
	ck_assert_str_eq(c.state_dir, "/var/lib/kerr");
	ck_assert_str_eq(c.runtime_dir, "/run/kerr");
	ck_assert_str_eq(c.db_path, "");
	ck_assert_int_eq(c.log_level, LOG_NOTICE);
	ck_assert_int_eq(c.tick_ms, 1000);
	ck_assert_int_eq(c.db_busy_timeout_ms, 5000);
	ck_assert_int_eq(c.db_synchronous_full, 1);
	ck_assert_str_eq(c.listen_address, "127.0.0.1");
	ck_assert_int_eq(c.port, 5060);
	ck_assert_int_eq(c.http_threads, 2);
	ck_assert_int_eq(c.max_body_bytes, 1048576);
	ck_assert_int_eq(c.launch_workers, 2);
	ck_assert_int_eq(c.kill_workers, 2);
	ck_assert_int_eq(c.kill_grace_ms, 30000);
	ck_assert_str_eq(c.executor, "local");
	ck_assert_str_eq(c.task_user, "nobody");
	ck_assert_int_eq(c.allow_root_tasks, 0);
	ck_assert_int_eq(c.port_range_min, 31000);
	ck_assert_int_eq(c.port_range_max, 32000);
	ck_assert_str_eq(c.agent_hostname, "");
	ck_assert_str_eq(c.rack_id, "DEFAULT");
}
END_TEST

START_TEST(test_conf_good_file)
{
	struct conf	 c;
	char		 path[64], err[1024];

	ck_assert_int_eq(check_conf_load(
	    "# kerr test configuration\n"
	    "; another comment\n"
	    "\n"
	    "[common]\n"
	    "state_dir=/srv/kerr\n"
	    "  runtime_dir   =   /tmp/kerr-run  \n"
	    "db_path = /srv/kerr/db.sqlite\r\n"
	    "log_level = debug\n"
	    "tick_ms = 250\n"
	    "db_busy_timeout_ms = 0\n"
	    "db_synchronous = normal\n"
	    "[apid]\n"
	    "listen_address = 0.0.0.0\n"
	    "port = 8080\n"
	    "http_threads = 8\n"
	    "max_body_bytes = 2048\n"
	    "[ schedulerd ]\n"
	    "launch_workers = 4\n"
	    "[cleanerd]\n"
	    "kill_workers = 3\n"
	    "kill_grace_ms = 5000\n"
	    "[executor]\n"
	    "task_user = kerr\n"
	    "allow_root_tasks = yes\n"
	    "port_range_min = 40000\n"
	    "port_range_max = 40100\n"
	    "agent_hostname = node1.example\n"
	    "rack_id = r12\n"
	    "[common]\n"
	    "tick_ms = 300\n",
	    &c, path, sizeof(path), err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(c.state_dir, "/srv/kerr");
	ck_assert_str_eq(c.runtime_dir, "/tmp/kerr-run");
	ck_assert_str_eq(c.db_path, "/srv/kerr/db.sqlite");
	ck_assert_int_eq(c.log_level, LOG_DEBUG);
	ck_assert_int_eq(c.tick_ms, 300);	/* the later line wins */
	ck_assert_int_eq(c.db_busy_timeout_ms, 0);
	ck_assert_int_eq(c.db_synchronous_full, 0);
	ck_assert_str_eq(c.listen_address, "0.0.0.0");
	ck_assert_int_eq(c.port, 8080);
	ck_assert_int_eq(c.http_threads, 8);
	ck_assert_int_eq(c.max_body_bytes, 2048);
	ck_assert_int_eq(c.launch_workers, 4);
	ck_assert_int_eq(c.kill_workers, 3);
	ck_assert_int_eq(c.kill_grace_ms, 5000);
	ck_assert_str_eq(c.executor, "local");
	ck_assert_str_eq(c.task_user, "kerr");
	ck_assert_int_eq(c.allow_root_tasks, 1);
	ck_assert_int_eq(c.port_range_min, 40000);
	ck_assert_int_eq(c.port_range_max, 40100);
	ck_assert_str_eq(c.agent_hostname, "node1.example");
	ck_assert_str_eq(c.rack_id, "r12");
}
END_TEST

START_TEST(test_conf_bool_spellings)
{
	static const struct {
		const char	*word;
		int		 want;
	} words[] = {
		{ "true", 1 }, { "yes", 1 }, { "on", 1 }, { "1", 1 },
		{ "TRUE", 1 }, { "false", 0 }, { "no", 0 }, { "off", 0 },
		{ "0", 0 }, { "Off", 0 },
	};
	struct conf	 c;
	char		 text[128], path[64], err[512];
	size_t		 i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		snprintf(text, sizeof(text), "[executor]\n"
		    "allow_root_tasks = %s\n", words[i].word);
		ck_assert_int_eq(check_conf_load(text, &c, path, sizeof(path),
		    err, sizeof(err)), 0);
		ck_assert_int_eq(c.allow_root_tasks, words[i].want);
	}
}
END_TEST

START_TEST(test_conf_quoted_values)
{
	struct conf	 c;
	char		 path[64], err[512];

	ck_assert_int_eq(check_conf_load(
	    "[common]\n"
	    "state_dir = \"  /srv/with space  \"\n"
	    "db_path = \"\"\n"
	    "log_level = \"info\"\n"
	    "tick_ms = \"75\"\n"
	    "[executor]\n"
	    "rack_id = \"a\"b\"\n"
	    "agent_hostname = \"\n",
	    &c, path, sizeof(path), err, sizeof(err)), 0);
	ck_assert_str_eq(c.state_dir, "  /srv/with space  ");
	ck_assert_str_eq(c.db_path, "");
	ck_assert_int_eq(c.log_level, LOG_INFO);
	ck_assert_int_eq(c.tick_ms, 75);
	ck_assert_str_eq(c.rack_id, "a\"b");	/* only the outer pair goes */
	/* A lone quote is not a pair, so it stays. */
	ck_assert_str_eq(c.agent_hostname, "\"");
}
END_TEST

/* One file per error kind, and the exact message after the path. */
static const struct {
	const char	*text;
	const char	*want;
} check_conf_errors[] = {
	{ "[common]\n[bogus]\ntick_ms = 100\n",
	    ":2: unknown section [bogus]\n" },
	{ "[common\n", ":1: missing ']' in section header '[common'\n" },
	{ "# comment\ntick_ms = 100\n",
	    ":2: key 'tick_ms' outside a section\n" },
	{ "[apid]\n\nportt = 1\n",
	    ":3: unknown key 'portt' in section [apid]\n" },
	{ "[apid]\ntick_ms = 100\n",
	    ":2: unknown key 'tick_ms' in section [apid]\n" },
	{ "[common]\ntick_ms 100\n", ":2: missing '=' in 'tick_ms 100'\n" },
	{ "[common]\n = 100\n", ":2: missing key before '='\n" },
	{ "[common]\ntick_ms = 10x\n",
	    ":2: invalid integer '10x' for tick_ms\n" },
	{ "[common]\ntick_ms =\n", ":2: invalid integer '' for tick_ms\n" },
	{ "[common]\ntick_ms = 99999999999999999999\n",
	    ":2: invalid integer '99999999999999999999' for tick_ms\n" },
	{ "[common]\ntick_ms = 49\n",
	    ":2: tick_ms must be between 50 and 60000\n" },
	{ "[executor]\nallow_root_tasks = maybe\n",
	    ":2: invalid boolean 'maybe' for allow_root_tasks "
	    "(use true or false)\n" },
	{ "[common]\nlog_level = loud\n",
	    ":2: unknown log level 'loud' (use err, warning, notice, info "
	    "or debug)\n" },
	{ "[common]\ndb_synchronous = off\n",
	    ":2: db_synchronous must be 'full' or 'normal', not 'off'\n" },
	{ "[executor]\nbackend = docker\n",
	    ":2: unknown backend 'docker' (use local or slurm)\n" },
};

START_TEST(test_conf_error_kinds)
{
	struct conf	 c, def;
	char		 path[64], err[1024];

	ck_assert_int_eq(check_conf_load(check_conf_errors[_i].text, &c, path,
	    sizeof(path), err, sizeof(err)), -EINVAL);
	check_conf_assert_err(err, path, check_conf_errors[_i].want);
	conf_defaults(&def);
	/* A failed load leaves every field as it was. */
	ck_assert_mem_eq(&c, &def, sizeof(c));
}
END_TEST

START_TEST(test_conf_string_too_long)
{
	struct conf	 c;
	char		 text[CONF_STR_MAX + 64], path[64], err[1024];

	snprintf(text, sizeof(text), "[common]\nstate_dir = /%0*d\n",
	    CONF_STR_MAX - 2, 0);
	ck_assert_int_eq(check_conf_load(text, &c, path, sizeof(path), err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(strlen(c.state_dir), CONF_STR_MAX - 1);

	snprintf(text, sizeof(text), "[common]\nstate_dir = /%0*d\n",
	    CONF_STR_MAX - 1, 0);
	ck_assert_int_eq(check_conf_load(text, &c, path, sizeof(path), err,
	    sizeof(err)), -EINVAL);
	check_conf_assert_err(err, path,
	    ":2: value of state_dir is too long (at most 255 bytes)\n");
}
END_TEST

START_TEST(test_conf_all_errors_reported)
{
	struct conf	 c;
	char		 path[64], err[2048], want[2048];

	ck_assert_int_eq(check_conf_load(
	    "[common]\n"
	    "tick_ms = fast\n"
	    "log_level = info\n"
	    "colour = blue\n"
	    "[nosuch]\n"
	    "ignored = 1\n"
	    "[executor]\n"
	    "port_range_max = 2000\n"
	    "allow_root_tasks = perhaps\n",
	    &c, path, sizeof(path), err, sizeof(err)), -EINVAL);
	/*
	 * In file order, keys under the unknown section are skipped rather
	 * than each reported, and the cross-key check comes last.
	 */
	snprintf(want, sizeof(want),
	    "%s:2: invalid integer 'fast' for tick_ms\n"
	    "%s:4: unknown key 'colour' in section [common]\n"
	    "%s:5: unknown section [nosuch]\n"
	    "%s:9: invalid boolean 'perhaps' for allow_root_tasks "
	    "(use true or false)\n"
	    "%s:8: port_range_max (2000) is less than "
	    "port_range_min (31000)\n",
	    path, path, path, path, path);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_conf_range_limits)
{
	static const struct {
		const char	*text;
		int		 ok;
	} cases[] = {
		{ "[common]\ntick_ms = 50\n", 1 },
		{ "[common]\ntick_ms = 60000\n", 1 },
		{ "[common]\ntick_ms = 60001\n", 0 },
		{ "[common]\ndb_busy_timeout_ms = 0\n", 1 },
		{ "[common]\ndb_busy_timeout_ms = -1\n", 0 },
		{ "[apid]\nport = 0\n", 0 },
		{ "[apid]\nport = 65535\n", 1 },
		{ "[apid]\nport = 65536\n", 0 },
		{ "[apid]\nhttp_threads = 65\n", 0 },
		{ "[apid]\nmax_body_bytes = 1023\n", 0 },
		{ "[apid]\nmax_body_bytes = 67108864\n", 1 },
		{ "[schedulerd]\nlaunch_workers = 0\n", 0 },
		{ "[cleanerd]\nkill_grace_ms = 3600001\n", 0 },
		{ "[executor]\nport_range_min = 1023\n", 0 },
	};
	struct conf	 c;
	char		 path[64], err[512];
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(check_conf_load(cases[i].text, &c, path,
		    sizeof(path), err, sizeof(err)) == (cases[i].ok ? 0 :
		    -EINVAL), "case %zu: '%s' gave '%s'", i, cases[i].text,
		    err);

	ck_assert_int_eq(check_conf_load("[apid]\nport = -1\n", &c, path,
	    sizeof(path), err, sizeof(err)), -EINVAL);
	check_conf_assert_err(err, path,
	    ":2: port must be between 1 and 65535\n");
}
END_TEST

START_TEST(test_conf_port_range_order)
{
	struct conf	 c;
	char		 path[64], err[512];

	ck_assert_int_eq(check_conf_load("[executor]\n"
	    "port_range_max = 31500\n"
	    "port_range_min = 31600\n",
	    &c, path, sizeof(path), err, sizeof(err)), -EINVAL);
	check_conf_assert_err(err, path, ":3: port_range_max (31500) is less "
	    "than port_range_min (31600)\n");

	ck_assert_int_eq(check_conf_load("[executor]\n"
	    "port_range_min = 33000\n",
	    &c, path, sizeof(path), err, sizeof(err)), -EINVAL);
	check_conf_assert_err(err, path, ":2: port_range_max (32000) is less "
	    "than port_range_min (33000)\n");

	/* The order of the lines does not matter, only the final values. */
	ck_assert_int_eq(check_conf_load("[executor]\n"
	    "port_range_min = 40000\n"
	    "port_range_max = 40000\n",
	    &c, path, sizeof(path), err, sizeof(err)), 0);
	ck_assert_int_eq(c.port_range_min, 40000);
	ck_assert_int_eq(c.port_range_max, 40000);
}
END_TEST

/* task_log_max_mb takes decimals, kept in bytes; task_output a word. */
START_TEST(test_conf_task_output)
{
	struct conf	 c;
	char		 path[64], err[512];

	conf_defaults(&c);
	ck_assert_int_eq(c.task_log_max_bytes, 100LL * 1048576);
	ck_assert_int_eq(c.task_log_keep, 3);
	ck_assert_str_eq(c.task_output, "sandbox");
	ck_assert_str_eq(c.journal_socket, "/run/systemd/journal/socket");
	ck_assert_int_eq(check_conf_load("[executor]\n"
	    "task_log_max_mb = 0.5\ntask_log_keep = 0\ntask_output = both\n"
	    "journal_socket = /tmp/j.sock\n",
	    &c, path, sizeof(path), err, sizeof(err)), 0);
	ck_assert_int_eq(c.task_log_max_bytes, 524288);
	ck_assert_int_eq(c.task_log_keep, 0);
	ck_assert_str_eq(c.task_output, "both");
	ck_assert_str_eq(c.journal_socket, "/tmp/j.sock");
	ck_assert_int_eq(check_conf_load("[executor]\ntask_log_max_mb = 0\n",
	    &c, path, sizeof(path), err, sizeof(err)), 0);
	ck_assert_int_eq(c.task_log_max_bytes, 0);

	ck_assert_int_eq(check_conf_load("[executor]\n"
	    "task_log_max_mb = 0.0001\n",
	    &c, path, sizeof(path), err, sizeof(err)), -EINVAL);
	check_conf_assert_err(err, path, ":2: task_log_max_mb must be 0 or "
	    "between 0.001 and 1048576\n");
	ck_assert_int_eq(check_conf_load("[executor]\n"
	    "task_log_max_mb = 10MB\n",
	    &c, path, sizeof(path), err, sizeof(err)), -EINVAL);
	check_conf_assert_err(err, path, ":2: invalid number '10MB' for "
	    "task_log_max_mb\n");
	ck_assert_int_eq(check_conf_load("[executor]\n"
	    "task_output = syslog\n",
	    &c, path, sizeof(path), err, sizeof(err)), -EINVAL);
	check_conf_assert_err(err, path, ":2: task_output must be sandbox, "
	    "journal or both, not 'syslog'\n");
}
END_TEST

START_TEST(test_conf_missing_file)
{
	struct conf	 c;
	char		 path[64], err[512], want[512];
	int		 fd;

	/* A name that surely does not exist: create it, then remove it. */
	snprintf(path, sizeof(path), "/tmp/kerr-check-conf-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(path);

	conf_defaults(&c);
	c.tick_ms = 777;
	snprintf(err, sizeof(err), "stale");
	ck_assert_int_eq(conf_load(&c, path, 0, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(c.tick_ms, 777);	/* left as it was */

	ck_assert_int_eq(conf_load(&c, path, 1, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "%s: %s\n", path, strerror(ENOENT));
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(c.tick_ms, 777);
}
END_TEST

START_TEST(test_conf_small_errbuf)
{
	struct conf	 c;
	char		 path[64], err[24];

	/* Truncated, but still terminated and still a failure. */
	ck_assert_int_eq(check_conf_load("[a]\n[b]\n[c]\n", &c, path,
	    sizeof(path), err, sizeof(err)), -EINVAL);
	ck_assert_uint_lt(strlen(err), sizeof(err));
	ck_assert_int_eq(strncmp(err, path, strlen(err)), 0);

	ck_assert_int_eq(check_conf_load("[a]\n", &c, path, sizeof(path),
	    NULL, 0), -EINVAL);
}
END_TEST

/*
 * Found by tests/fuzz/fuzz_conf.c: a buffer filled mid-line ended in a
 * fragment ("/tmp/kerr-che") that read as one more, garbled, error.
 */
START_TEST(test_conf_errbuf_whole_lines)
{
	struct conf	 c;
	char		 path[64], err[200], *line, *nl;
	int		 lines = 0;

	ck_assert_int_eq(check_conf_load("[a]\n[b]\n[c]\n[d]\n[e]\n[f]\n",
	    &c, path, sizeof(path), err, sizeof(err)), -EINVAL);
	for (line = err; *line != '\0'; line = nl + 1) {
		ck_assert_msg(strncmp(line, path, strlen(path)) == 0,
		    "stray '%s'", line);
		ck_assert_ptr_nonnull(nl = strchr(line, '\n'));
		lines++;
	}
	/* Each is ~50 bytes: some fit, not all six. */
	ck_assert_int_ge(lines, 2);
	ck_assert_int_lt(lines, 6);
}
END_TEST

START_TEST(test_conf_derived_paths)
{
	struct conf	 c;
	char		 buf[256], small[8];

	conf_defaults(&c);
	conf_db_path(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/var/lib/kerr/kerr.db");
	conf_bus_path(&c, "schedulerd", buf, sizeof(buf));
	ck_assert_str_eq(buf, "/run/kerr/schedulerd.sub");
	conf_sandbox_root(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/var/lib/kerr/tasks");

	snprintf(c.state_dir, sizeof(c.state_dir), "/srv/kerr");
	snprintf(c.runtime_dir, sizeof(c.runtime_dir), "/tmp/run");
	conf_db_path(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/srv/kerr/kerr.db");
	conf_bus_path(&c, "cleanerd", buf, sizeof(buf));
	ck_assert_str_eq(buf, "/tmp/run/cleanerd.sub");
	conf_sandbox_root(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/srv/kerr/tasks");

	snprintf(c.db_path, sizeof(c.db_path), "/data/k.db");
	conf_db_path(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/data/k.db");

	conf_db_path(&c, small, sizeof(small));
	ck_assert_str_eq(small, "/data/k");
}
END_TEST

/* Read a whole file; the caller frees the result. */
static char *
check_conf_slurp(const char *path)
{
	FILE	*fp;
	char	*buf;
	long	 len;

	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s: %s", path,
	    strerror(errno));
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	ck_assert_int_ge(len, 0);
	rewind(fp);
	buf = calloc(1, len + 2);
	ck_assert_ptr_nonnull(buf);
	/* A leading newline lets every line be searched as "\nline\n". */
	buf[0] = '\n';
	ck_assert_uint_eq(fread(buf + 1, 1, len, fp), (size_t)len);
	fclose(fp);
	return (buf);
}

/* Does text (which starts with "\n") hold line as a whole line? */
static int
check_conf_has_line(const char *text, const char *line, size_t len)
{
	const char	*p;

	for (p = strstr(text, "\n"); p != NULL; p = strstr(p + 1, "\n"))
		if (strncmp(p + 1, line, len) == 0 && p[len + 1] == '\n')
			return (1);
	return (0);
}

START_TEST(test_conf_example_documents_defaults)
{
	struct conf	 c, def;
	FILE		*fp;
	char		*example, *printed = NULL, *line, *nl;
	char		 err[1024];
	size_t		 printedlen = 0;

	example = check_conf_slurp(CHECK_CONF_EXAMPLE);
	fp = open_memstream(&printed, &printedlen);
	ck_assert_ptr_nonnull(fp);
	fputc('\n', fp);
	conf_print_defaults(fp);
	fclose(fp);

	/* Every header and "#key = default" line is in etc/kerr.conf ... */
	for (line = printed + 1; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		if (nl == line)
			continue;
		ck_assert_msg(check_conf_has_line(example, line, nl - line),
		    "%s lacks the line '%.*s'", CHECK_CONF_EXAMPLE,
		    (int)(nl - line), line);
	}
	/* ... and every "#key = value" line there is a real default. */
	for (line = example + 1; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		/* The file must end in a newline. */
		ck_assert_ptr_nonnull(nl);
		if (line[0] != '#' || line[1] < 'a' || line[1] > 'z')
			continue;
		ck_assert_msg(check_conf_has_line(printed, line, nl - line),
		    "%s documents '%.*s', which is not a default",
		    CHECK_CONF_EXAMPLE, (int)(nl - line), line);
	}

	/* Loading the example as shipped changes nothing. */
	conf_defaults(&c);
	ck_assert_int_eq(conf_load(&c, CHECK_CONF_EXAMPLE, 1, err,
	    sizeof(err)), 0);
	conf_defaults(&def);
	ck_assert_mem_eq(&c, &def, sizeof(c));

	free(printed);
	free(example);
}
END_TEST

Suite *
conf_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("core"),
		FIXTURE_TEST(test_conf_defaults),
		FIXTURE_TEST(test_conf_good_file),
		FIXTURE_TEST(test_conf_bool_spellings),
		FIXTURE_TEST(test_conf_quoted_values),
		FIXTURE_LOOP(test_conf_error_kinds,
		    FIXTURE_N(check_conf_errors)),
		FIXTURE_TEST(test_conf_string_too_long),
		FIXTURE_TEST(test_conf_all_errors_reported),
		FIXTURE_TEST(test_conf_range_limits),
		FIXTURE_TEST(test_conf_port_range_order),
		FIXTURE_TEST(test_conf_task_output),
		FIXTURE_TEST(test_conf_missing_file),
		FIXTURE_TEST(test_conf_small_errbuf),
		FIXTURE_TEST(test_conf_errbuf_whole_lines),
		FIXTURE_TEST(test_conf_derived_paths),
		FIXTURE_TEST(test_conf_example_documents_defaults),
		FIXTURE_END
	};

	return (fixture_suite("conf", tests));
}
