/*
 * Configuration file parser.  Every key lives in one table (conf_keys)
 * giving its section, type, place in struct conf, default, range and a
 * one-line help; defaults, parsing and conf_print_defaults all walk that
 * table, so a new key is one new row.  The syntax is a small INI dialect:
 * "[section]", "key = value" (value optionally in double quotes), and
 * whole-line comments starting with '#' or ';'.  As in ntpd's parse.y, every
 * error is collected as "file:line: message" and the load fails at the end
 * if there was any.  Nothing here logs; the daemon prints errbuf.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "log.h"

#define CONF_NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

enum conf_type {
	CONF_STRING,
	CONF_INT,		/* range-checked against min and max */
	CONF_BOOL,
	CONF_LOGLEVEL,		/* err, warning, notice, info, debug */
	CONF_SYNC,		/* full or normal */
	CONF_EXECUTOR,		/* a string limited to the known executors */
	CONF_AUTH,		/* none (0) or token (1) */
	CONF_MEGABYTES,		/* a decimal number of MB, kept in bytes */
	CONF_TASK_OUTPUT	/* sandbox, journal or both */
};

struct conf_key {
	const char	*section;
	const char	*key;
	enum conf_type	 type;
	size_t		 offset;
	const char	*def;
	long		 min;
	long		 max;
	const char	*help;
};

#define CONF_OFF(f)	offsetof(struct conf, f)

/* Keep in step with etc/kerr.conf; a unit test checks that it is. */
static const struct conf_key conf_keys[] = {
	{ "common", "state_dir", CONF_STRING, CONF_OFF(state_dir),
	    "/var/lib/kerr", 0, 0, "database and task sandboxes" },
	{ "common", "runtime_dir", CONF_STRING, CONF_OFF(runtime_dir),
	    "/run/kerr", 0, 0, "bus sockets" },
	{ "common", "db_path", CONF_STRING, CONF_OFF(db_path),
	    "", 0, 0, "SQLite database; empty means <state_dir>/kerr.db" },
	{ "common", "log_level", CONF_LOGLEVEL, CONF_OFF(log_level),
	    "notice", 0, 0, "err, warning, notice, info or debug" },
	{ "common", "tick_ms", CONF_INT, CONF_OFF(tick_ms),
	    "1000", 50, 60000, "period of every re-scan loop" },
	{ "common", "db_busy_timeout_ms", CONF_INT,
	    CONF_OFF(db_busy_timeout_ms), "5000", 0, 600000,
	    "how long to wait for a locked database" },
	{ "common", "db_synchronous", CONF_SYNC,
	    CONF_OFF(db_synchronous_full), "full", 0, 0,
	    "SQLite synchronous mode: full or normal" },
	{ "common", "db_cache_kb", CONF_INT, CONF_OFF(db_cache_kb),
	    "512", 0, 1048576,
	    "SQLite page cache per connection in KiB; 0 is SQLite's 2 MiB" },

	{ "apid", "listen_address", CONF_STRING, CONF_OFF(listen_address),
	    "127.0.0.1", 0, 0, "address of the REST API" },
	{ "apid", "port", CONF_INT, CONF_OFF(port),
	    "5060", 1, 65535, "TCP port of the REST API" },
	{ "apid", "http_threads", CONF_INT, CONF_OFF(http_threads),
	    "2", 1, 64, "HTTP worker threads" },
	{ "apid", "max_body_bytes", CONF_INT, CONF_OFF(max_body_bytes),
	    "1048576", 1024, 67108864, "largest request body accepted" },
	{ "apid", "max_header_bytes", CONF_INT, CONF_OFF(max_header_bytes),
	    "16384", 2048, 1048576,
	    "largest request line and headers together (431 past it)" },
	{ "apid", "max_headers", CONF_INT, CONF_OFF(max_headers),
	    "64", 4, 10000, "most request headers accepted (431 past it)" },
	{ "apid", "idle_timeout_seconds", CONF_INT,
	    CONF_OFF(idle_timeout_seconds), "60", 1, 86400,
	    "a connection quiet this long is closed" },
	{ "apid", "max_connections", CONF_INT, CONF_OFF(max_connections),
	    "1000", 1, 100000, "connections open at once; more wait unaccepted "
	    "in the listen queue" },
	{ "apid", "auth", CONF_AUTH, CONF_OFF(auth_token), "none", 0, 0,
	    "none, or token: every call needs a token of tokens_file" },
	{ "apid", "tokens_file", CONF_STRING, CONF_OFF(tokens_file),
	    "/etc/kerr/tokens", 0, 0,
	    "with auth = token: lines \"SHA256-HEX USER GROUP,GROUP\"; "
	    "must not be readable by others" },
	{ "apid", "admin_groups", CONF_STRING, CONF_OFF(admin_groups), "", 0,
	    0, "comma-separated groups whose users may do everything" },
	{ "apid", "read_only_groups", CONF_STRING, CONF_OFF(read_only_groups),
	    "", 0, 0, "comma-separated groups whose users read everything and "
	    "change nothing" },
	{ "apid", "allow_unauthenticated", CONF_BOOL,
	    CONF_OFF(allow_unauthenticated), "false", 0, 0,
	    "serve a non-loopback address with auth = none" },
	{ "apid", "tls_cert", CONF_STRING, CONF_OFF(tls_cert), "", 0, 0,
	    "PEM certificate chain: serve HTTPS (with tls_key)" },
	{ "apid", "tls_key", CONF_STRING, CONF_OFF(tls_key), "", 0, 0,
	    "PEM private key of tls_cert" },

	{ "schedulerd", "launch_workers", CONF_INT, CONF_OFF(launch_workers),
	    "2", 1, 64, "threads that start tasks (with backend = slurm, each "
	    "mostly waits on sbatch: 8 or more)" },

	{ "cleanerd", "kill_workers", CONF_INT, CONF_OFF(kill_workers),
	    "2", 1, 64, "threads that stop tasks" },
	{ "cleanerd", "kill_grace_ms", CONF_INT, CONF_OFF(kill_grace_ms),
	    "30000", 0, 3600000, "time between SIGTERM and SIGKILL" },
	{ "cleanerd", "webhook_workers", CONF_INT, CONF_OFF(webhook_workers),
	    "2", 1, 64, "threads that POST webhook updates" },
	{ "cleanerd", "webhook_timeout_ms", CONF_INT,
	    CONF_OFF(webhook_timeout_ms), "10000", 100, 600000,
	    "longest one webhook POST may take" },
	{ "cleanerd", "webhook_retry_min_ms", CONF_INT,
	    CONF_OFF(webhook_retry_min_ms), "1000", 10, 3600000,
	    "wait after a webhook's first failure, doubled per failure" },
	{ "cleanerd", "webhook_retry_max_ms", CONF_INT,
	    CONF_OFF(webhook_retry_max_ms), "60000", 10, 86400000,
	    "longest wait between a failing webhook's attempts" },
	{ "cleanerd", "webhook_queue_max", CONF_INT,
	    CONF_OFF(webhook_queue_max), "1000", 1, 1000000,
	    "updates queued per webhook; more are dropped" },
	{ "cleanerd", "sandbox_keep_seconds", CONF_INT,
	    CONF_OFF(sandbox_keep_seconds), "604800", 0, INT_MAX,
	    "how long a finished task's sandbox is kept; 0 removes it at once" },
	{ "cleanerd", "sandbox_removals_per_second", CONF_INT,
	    CONF_OFF(sandbox_removals_per_second), "50", 1, 100000,
	    "most sandboxes removed per second" },
	{ "cleanerd", "sandbox_min_free_percent", CONF_INT,
	    CONF_OFF(sandbox_min_free_percent), "10", 0, 100,
	    "below this free space the oldest finished sandboxes go early; "
	    "0 never" },
	{ "cleanerd", "retention_check_seconds", CONF_INT,
	    CONF_OFF(retention_check_seconds), "300", 1, 86400,
	    "how often the sandbox sweep and the history purge look for work" },
	{ "cleanerd", "task_history_keep_days", CONF_INT,
	    CONF_OFF(task_history_keep_days), "30", 0, 36500,
	    "finished tasks older than this are purged; 0 no limit" },
	{ "cleanerd", "task_history_keep_per_request", CONF_INT,
	    CONF_OFF(task_history_keep_per_request), "1000", 0, INT_MAX,
	    "finished tasks kept per request; 0 no limit" },
	{ "cleanerd", "deploy_history_keep_per_request", CONF_INT,
	    CONF_OFF(deploy_history_keep_per_request), "100", 0, INT_MAX,
	    "deploys kept per request; 0 no limit" },
	{ "cleanerd", "request_history_keep_per_request", CONF_INT,
	    CONF_OFF(request_history_keep_per_request), "1000", 0, INT_MAX,
	    "request history entries kept per request; 0 no limit" },

	{ "executor", "backend", CONF_EXECUTOR, CONF_OFF(executor),
	    "local", 0, 0, "how tasks are run: local or slurm" },
	{ "executor", "task_user", CONF_STRING, CONF_OFF(task_user),
	    "nobody", 0, 0, "user tasks run as when the daemon is root" },
	{ "executor", "allow_root_tasks", CONF_BOOL,
	    CONF_OFF(allow_root_tasks), "false", 0, 0,
	    "let tasks ask to run as root" },
	{ "executor", "port_range_min", CONF_INT, CONF_OFF(port_range_min),
	    "31000", 1024, 65535, "lowest port handed to tasks" },
	{ "executor", "port_range_max", CONF_INT, CONF_OFF(port_range_max),
	    "32000", 1024, 65535, "highest port handed to tasks" },
	{ "executor", "agent_hostname", CONF_STRING,
	    CONF_OFF(agent_hostname), "", 0, 0,
	    "host name reported for tasks; empty means gethostname()" },
	{ "executor", "rack_id", CONF_STRING, CONF_OFF(rack_id),
	    "DEFAULT", 0, 0, "rack reported for tasks" },
	{ "executor", "artifact_max_mb", CONF_INT, CONF_OFF(artifact_max_mb),
	    "1024", 1, 1048576, "largest artifact, unpacked, in MB" },
	{ "executor", "artifact_timeout_seconds", CONF_INT,
	    CONF_OFF(artifact_timeout_seconds), "300", 1, 86400,
	    "longest download of one artifact" },
	{ "executor", "artifact_cache_dir", CONF_STRING,
	    CONF_OFF(artifact_cache_dir), "", 0, 0,
	    "cache of artifacts marked cache, a directory per task user; "
	    "empty means <state_dir>/artifacts" },
	{ "executor", "artifact_cache_max_mb", CONF_INT,
	    CONF_OFF(artifact_cache_max_mb), "2048", 0, 1048576,
	    "the cache's size per task user; 0 keeps nothing" },
	{ "executor", "task_log_max_mb", CONF_MEGABYTES,
	    CONF_OFF(task_log_max_bytes), "100", 0, 1048576,
	    "largest stdout or stderr file of a task before it is rotated, "
	    "in MB (decimals allowed); 0 means no limit" },
	{ "executor", "task_log_keep", CONF_INT, CONF_OFF(task_log_keep),
	    "3", 0, 100, "rotated stdout.N and stderr.N files kept per task" },
	{ "executor", "task_output", CONF_TASK_OUTPUT, CONF_OFF(task_output),
	    "sandbox", 0, 0, "where a task's stdout and stderr go: sandbox, "
	    "journal or both" },
	{ "executor", "journal_socket", CONF_STRING,
	    CONF_OFF(journal_socket), "/run/systemd/journal/socket", 0, 0,
	    "journald's native socket, for task_output journal or both" },
	{ "executor", "slurm_sandbox_dir", CONF_STRING,
	    CONF_OFF(slurm_sandbox_dir), "", 0, 0,
	    "sandboxes on a directory every node shares; empty means "
	    "<state_dir>/tasks" },
	{ "executor", "slurm_key_file", CONF_STRING, CONF_OFF(slurm_key_file),
	    "/etc/kerr/slurm.key", 0, 0,
	    "the key task wrappers sign their events with" },
	{ "executor", "slurm_events_listen", CONF_STRING,
	    CONF_OFF(slurm_events_listen), "127.0.0.1:5061", 0, 0,
	    "numeric address:port where the scheduler hears task events" },
	{ "executor", "slurm_events_address", CONF_STRING,
	    CONF_OFF(slurm_events_address), "", 0, 0,
	    "numeric address:port the nodes send events to; empty means "
	    "slurm_events_listen" },
	{ "executor", "slurm_partitions", CONF_STRING,
	    CONF_OFF(slurm_partitions), "", 0, 0,
	    "racks as Slurm partitions, RACK=PARTITION,...; DEFAULT and "
	    "unlisted racks use the default partition" },
	{ "executor", "slurm_wrapper", CONF_STRING, CONF_OFF(slurm_wrapper),
	    "", 0, 0, "kerr-supervisor's path on the nodes; empty means "
	    "this host's" },
	{ "executor", "slurm_conf", CONF_STRING, CONF_OFF(slurm_conf),
	    "", 0, 0, "SLURM_CONF for sbatch, squeue and scancel; empty means "
	    "Slurm's own default" },
};

/* State of one conf_load; conf is a copy so a failed load changes nothing. */
struct conf_parser {
	struct conf	 conf;
	const char	*path;
	int		 line;
	const char	*section;	/* NULL before the first header */
	int		 skip;		/* inside an unknown section */
	int		 set_line[CONF_NITEMS(conf_keys)];
	int		 nerr;
	char		*errbuf;
	size_t		 errlen;
};

static void	conf_error(struct conf_parser *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static const struct conf_key *
conf_find_key(const char *section, const char *key)
{
	size_t	 i;

	for (i = 0; i < CONF_NITEMS(conf_keys); i++)
		if (strcmp(conf_keys[i].section, section) == 0 &&
		    strcmp(conf_keys[i].key, key) == 0)
			return (&conf_keys[i]);
	return (NULL);
}

/* Returns the table's copy of the name, so it outlives the line buffer. */
static const char *
conf_find_section(const char *section)
{
	size_t	 i;

	for (i = 0; i < CONF_NITEMS(conf_keys); i++)
		if (strcmp(conf_keys[i].section, section) == 0)
			return (conf_keys[i].section);
	return (NULL);
}

static char *
conf_trim(char *s)
{
	char	*end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return (s);
}

/*
 * Append "path:line: message\n" to errbuf; line 0 means no line.  Only
 * whole lines: the first that does not fit is cut off, and so are all
 * after it (errlen becomes 0), rather than left as a stray fragment.
 */
static void
conf_error(struct conf_parser *p, int line, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 start, n;
	int	 r;

	p->nerr++;
	if (p->errbuf == NULL || p->errlen == 0)
		return;
	start = n = strlen(p->errbuf);
	if (line > 0)
		r = snprintf(p->errbuf + n, p->errlen - n, "%s:%d: ", p->path,
		    line);
	else
		r = snprintf(p->errbuf + n, p->errlen - n, "%s: ", p->path);
	if (r < 0 || (size_t)r >= p->errlen - n)
		goto full;
	n += r;
	va_start(ap, fmt);
	r = vsnprintf(p->errbuf + n, p->errlen - n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= p->errlen - n)
		goto full;
	n += r;
	if (p->errlen - n < 2)
		goto full;
	p->errbuf[n] = '\n';
	p->errbuf[n + 1] = '\0';
	return;
full:
	p->errbuf[start] = '\0';
	p->errlen = 0;
}

static int
conf_parse_int(const struct conf_key *k, const char *val, int *ret, char *msg,
    size_t msglen)
{
	char	*end;
	long	 l;

	errno = 0;
	l = strtol(val, &end, 10);
	if (*val == '\0' || *end != '\0' || errno == ERANGE) {
		snprintf(msg, msglen, "invalid integer '%s' for %s", val,
		    k->key);
		return (-EINVAL);
	}
	if (l < k->min || l > k->max) {
		snprintf(msg, msglen, "%s must be between %ld and %ld",
		    k->key, k->min, k->max);
		return (-EINVAL);
	}
	*ret = (int)l;
	return (0);
}

static int
conf_parse_bool(const struct conf_key *k, const char *val, int *ret,
    char *msg, size_t msglen)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t	 i;

	for (i = 0; i < CONF_NITEMS(yes); i++) {
		if (strcasecmp(val, yes[i]) == 0) {
			*ret = 1;
			return (0);
		}
		if (strcasecmp(val, no[i]) == 0) {
			*ret = 0;
			return (0);
		}
	}
	snprintf(msg, msglen, "invalid boolean '%s' for %s "
	    "(use true or false)", val, k->key);
	return (-EINVAL);
}

/* A decimal number of MB within k's range, at least 0.001 unless 0. */
static int
conf_parse_megabytes(const struct conf_key *k, const char *val,
    long long *ret, char *msg, size_t msglen)
{
	char	*end;
	double	 mb;

	errno = 0;
	mb = strtod(val, &end);
	if (*val == '\0' || *end != '\0' || errno == ERANGE || isnan(mb)) {
		snprintf(msg, msglen, "invalid number '%s' for %s", val,
		    k->key);
		return (-EINVAL);
	}
	if (mb < k->min || mb > k->max || (mb > 0 && mb < 0.001)) {
		snprintf(msg, msglen, "%s must be 0 or between 0.001 and %ld",
		    k->key, k->max);
		return (-EINVAL);
	}
	*ret = (long long)(mb * 1048576);
	return (0);
}

/*
 * Store val into the field k describes.  On error the field is unchanged
 * and msg says why, without the "file:line: " prefix.
 */
static int
conf_set(struct conf *conf, const struct conf_key *k, const char *val,
    char *msg, size_t msglen)
{
	char	*field = (char *)conf + k->offset;
	int	*ifield = (int *)(void *)field;
	int	 level;

	switch (k->type) {
	case CONF_MEGABYTES:
		return (conf_parse_megabytes(k, val,
		    (long long *)(void *)field, msg, msglen));
	case CONF_TASK_OUTPUT:
		if (strcmp(val, "sandbox") != 0 && strcmp(val, "journal") !=
		    0 && strcmp(val, "both") != 0) {
			snprintf(msg, msglen, "%s must be sandbox, journal or "
			    "both, not '%s'", k->key, val);
			return (-EINVAL);
		}
		/* FALLTHROUGH */
	case CONF_EXECUTOR:
		if (k->type == CONF_EXECUTOR && strcmp(val, "local") != 0 &&
		    strcmp(val, "slurm") != 0) {
			snprintf(msg, msglen, "unknown backend '%s' (use local "
			    "or slurm)", val);
			return (-EINVAL);
		}
		/* FALLTHROUGH */
	case CONF_STRING:
		if (strlen(val) >= CONF_STR_MAX) {
			snprintf(msg, msglen, "value of %s is too long "
			    "(at most %d bytes)", k->key, CONF_STR_MAX - 1);
			return (-EINVAL);
		}
		memcpy(field, val, strlen(val) + 1);
		return (0);
	case CONF_INT:
		return (conf_parse_int(k, val, ifield, msg, msglen));
	case CONF_BOOL:
		return (conf_parse_bool(k, val, ifield, msg, msglen));
	case CONF_LOGLEVEL:
		if ((level = log_level_from_str(val)) == -1) {
			snprintf(msg, msglen, "unknown log level '%s' "
			    "(use err, warning, notice, info or debug)", val);
			return (-EINVAL);
		}
		*ifield = level;
		return (0);
	case CONF_AUTH:
		if (strcmp(val, "none") != 0 && strcmp(val, "token") != 0) {
			snprintf(msg, msglen, "%s must be 'none' or 'token', "
			    "not '%s'", k->key, val);
			return (-EINVAL);
		}
		*ifield = strcmp(val, "token") == 0;
		return (0);
	case CONF_SYNC:
		if (strcmp(val, "full") != 0 && strcmp(val, "normal") != 0) {
			snprintf(msg, msglen, "%s must be 'full' or 'normal', "
			    "not '%s'", k->key, val);
			return (-EINVAL);
		}
		*ifield = strcmp(val, "full") == 0;
		return (0);
	}
	snprintf(msg, msglen, "%s has an unknown type", k->key);
	return (-EINVAL);
}

void
conf_defaults(struct conf *conf)
{
	char	 msg[128];
	size_t	 i;
	int	 r;

	memset(conf, 0, sizeof(*conf));
	for (i = 0; i < CONF_NITEMS(conf_keys); i++) {
		r = conf_set(conf, &conf_keys[i], conf_keys[i].def, msg,
		    sizeof(msg));
		assert(r == 0);		/* the table's defaults must parse */
		(void)r;
	}
}

/* s is a trimmed line starting with '['. */
static void
conf_parse_section(struct conf_parser *p, char *s)
{
	char	*name, *end = s + strlen(s) - 1;

	if (*end != ']') {
		conf_error(p, p->line, "missing ']' in section header '%s'",
		    s);
		p->skip = 1;
		return;
	}
	*end = '\0';
	name = conf_trim(s + 1);
	if ((p->section = conf_find_section(name)) == NULL) {
		conf_error(p, p->line, "unknown section [%s]", name);
		/* Its keys would only repeat the same mistake. */
		p->skip = 1;
		return;
	}
	p->skip = 0;
}

/* s is a trimmed line that is neither blank, a comment nor a header. */
static void
conf_parse_assign(struct conf_parser *p, char *s)
{
	const struct conf_key	*k;
	char			*eq, *key, *val, msg[CONF_STR_MAX + 128];
	size_t			 len;

	if ((eq = strchr(s, '=')) == NULL) {
		conf_error(p, p->line, "missing '=' in '%s'", s);
		return;
	}
	*eq = '\0';
	key = conf_trim(s);
	val = conf_trim(eq + 1);
	len = strlen(val);
	if (len >= 2 && val[0] == '"' && val[len - 1] == '"') {
		val[len - 1] = '\0';
		val++;
	}

	if (*key == '\0') {
		conf_error(p, p->line, "missing key before '='");
		return;
	}
	if (p->skip)
		return;
	if (p->section == NULL) {
		conf_error(p, p->line, "key '%s' outside a section", key);
		return;
	}
	if ((k = conf_find_key(p->section, key)) == NULL) {
		conf_error(p, p->line, "unknown key '%s' in section [%s]", key,
		    p->section);
		return;
	}
	if (conf_set(&p->conf, k, val, msg, sizeof(msg)) < 0) {
		conf_error(p, p->line, "%s", msg);
		return;
	}
	p->set_line[k - conf_keys] = p->line;
}

/* Checks across keys, once the whole file is read. */
static void
conf_check(struct conf_parser *p)
{
	const struct conf_key	*kmin, *kmax;
	int			 line;

	if (p->conf.port_range_max < p->conf.port_range_min) {
		kmin = conf_find_key("executor", "port_range_min");
		kmax = conf_find_key("executor", "port_range_max");
		/* Blame whichever of the two the file set last. */
		line = p->set_line[kmax - conf_keys];
		if (p->set_line[kmin - conf_keys] > line)
			line = p->set_line[kmin - conf_keys];
		conf_error(p, line, "port_range_max (%d) is less than "
		    "port_range_min (%d)", p->conf.port_range_max,
		    p->conf.port_range_min);
	}
}

int
conf_read(struct conf *conf, const char *path, char *why, size_t whylen)
{
	const char	*file = path != NULL ? path : CONF_PATH_DEFAULT;
	char		 errbuf[4096] = "";
	int		 r;

	conf_defaults(conf);
	r = conf_load(conf, file, path != NULL, errbuf, sizeof(errbuf));
	if (r == 0)
		return (0);
	if (r == -EINVAL) {
		fputs(errbuf, stderr);
		(void)snprintf(why, whylen, "Configuration '%s' has errors",
		    file);
	} else
		(void)snprintf(why, whylen, "Failed to read configuration "
		    "'%s': %s", file, strerror(-r));
	return (-1);
}

/* Every line of fp into p; -EIO on a read error, else 0. */
static int
conf_parse_lines(struct conf_parser *p, FILE *fp)
{
	char	*buf = NULL, *s;
	size_t	 bufsz = 0;
	int	 r = 0;

	while (getline(&buf, &bufsz, fp) != -1) {
		p->line++;
		s = conf_trim(buf);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[')
			conf_parse_section(p, s);
		else
			conf_parse_assign(p, s);
	}
	if (ferror(fp)) {
		r = -EIO;
		conf_error(p, 0, "read error");
	}
	free(buf);
	return (r);
}

static void
conf_parser_init(struct conf_parser *p, const struct conf *conf,
    const char *path, char *errbuf, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->conf = *conf;
	p->path = path;
	p->errbuf = errbuf;
	p->errlen = errlen;
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
}

/* The checks across keys, then *conf set when no line had an error. */
static int
conf_parser_finish(struct conf_parser *p, struct conf *conf)
{
	conf_check(p);
	if (p->nerr > 0)
		return (-EINVAL);
	*conf = p->conf;
	return (0);
}

int
conf_load(struct conf *conf, const char *path, int must_exist, char *errbuf,
    size_t errlen)
{
	struct conf_parser	 p;
	FILE			*fp;
	int			 r;

	conf_parser_init(&p, conf, path, errbuf, errlen);
	if ((fp = fopen(path, "r")) == NULL) {
		r = -errno;
		if (r == -ENOENT && !must_exist)
			return (0);
		conf_error(&p, 0, "%s", strerror(-r));
		return (r);
	}
	if ((r = conf_parse_lines(&p, fp)) == 0)
		r = conf_parser_finish(&p, conf);
	fclose(fp);
	return (r);
}

int
conf_parse_stream(struct conf *conf, FILE *fp, const char *name,
    char *errbuf, size_t errlen)
{
	struct conf_parser	 p;
	int			 r;

	conf_parser_init(&p, conf, name, errbuf, errlen);
	if ((r = conf_parse_lines(&p, fp)) < 0)
		return (r);
	return (conf_parser_finish(&p, conf));
}

void
conf_db_path(const struct conf *conf, char *buf, size_t len)
{
	if (conf->db_path[0] != '\0')
		snprintf(buf, len, "%s", conf->db_path);
	else
		snprintf(buf, len, "%s/kerr.db", conf->state_dir);
}

void
conf_bus_path(const struct conf *conf, const char *daemon, char *buf,
    size_t len)
{
	snprintf(buf, len, "%s/%s.sub", conf->runtime_dir, daemon);
}

void
conf_sandbox_root(const struct conf *conf, char *buf, size_t len)
{
	if (strcmp(conf->executor, "slurm") == 0 &&
	    conf->slurm_sandbox_dir[0] != '\0')
		snprintf(buf, len, "%s", conf->slurm_sandbox_dir);
	else
		snprintf(buf, len, "%s/tasks", conf->state_dir);
}

void
conf_artifact_cache_dir(const struct conf *conf, char *buf, size_t len)
{
	if (conf->artifact_cache_dir[0] != '\0')
		snprintf(buf, len, "%s", conf->artifact_cache_dir);
	else
		snprintf(buf, len, "%s/artifacts", conf->state_dir);
}

void
conf_print_defaults(FILE *fp)
{
	const char	*section = NULL;
	size_t		 i;

	for (i = 0; i < CONF_NITEMS(conf_keys); i++) {
		if (section == NULL ||
		    strcmp(section, conf_keys[i].section) != 0) {
			section = conf_keys[i].section;
			fprintf(fp, "%s[%s]\n", i > 0 ? "\n" : "", section);
		}
		/* No trailing blank after '=' when the default is empty. */
		if (conf_keys[i].def[0] == '\0')
			fprintf(fp, "#%s =\n", conf_keys[i].key);
		else
			fprintf(fp, "#%s = %s\n", conf_keys[i].key,
			    conf_keys[i].def);
	}
}
