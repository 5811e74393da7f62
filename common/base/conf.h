/*
 * kerr configuration: one INI file with sections [common], [apid],
 * [schedulerd], [cleanerd] and [executor], parsed from one table of keys
 * (conf.c).  The defaults in that table are the documentation; etc/kerr.conf
 * shows every one of them commented out.
 */
#ifndef KERR_CONF_H
#define KERR_CONF_H

#include <stddef.h>
#include <stdio.h>

#define CONF_PATH_DEFAULT	"/etc/kerr/kerr.conf"
#define CONF_STR_MAX		256

struct conf {
	/* [common] */
	char	state_dir[CONF_STR_MAX];	/* database and task sandboxes */
	char	runtime_dir[CONF_STR_MAX];	/* bus sockets */
	char	db_path[CONF_STR_MAX];		/* empty: <state_dir>/kerr.db */
	int	log_level;			/* LOG_ERR .. LOG_DEBUG */
	int	tick_ms;			/* re-scan period of every loop */
	int	db_busy_timeout_ms;
	int	db_synchronous_full;		/* 1 FULL, 0 NORMAL */
	int	db_cache_kb;			/* per connection; 0 SQLite's */

	/* [apid] */
	char	listen_address[CONF_STR_MAX];
	int	port;
	int	http_threads;
	int	max_body_bytes;
	int	max_header_bytes;
	int	max_headers;
	int	idle_timeout_seconds;
	int	max_connections;
	int	auth_token;			/* auth = token */
	char	tokens_file[CONF_STR_MAX];
	char	admin_groups[CONF_STR_MAX];	/* comma-separated */
	char	read_only_groups[CONF_STR_MAX];
	int	allow_unauthenticated;
	char	tls_cert[CONF_STR_MAX];		/* empty: plain HTTP */
	char	tls_key[CONF_STR_MAX];

	/* [schedulerd] */
	int	launch_workers;

	/* [cleanerd] */
	int	kill_workers;
	int	kill_grace_ms;
	int	webhook_workers;
	int	webhook_timeout_ms;		/* one POST, connect included */
	int	webhook_retry_min_ms;		/* first backoff, then doubled */
	int	webhook_retry_max_ms;
	int	webhook_queue_max;		/* updates queued per webhook */
	/* Retention (cleaner_retention.c): 0 in a *_keep_* means no limit,
	 * but for sandbox_keep_seconds, where it means at once. */
	int	sandbox_keep_seconds;		/* after the task ended */
	int	sandbox_removals_per_second;
	int	sandbox_min_free_percent;	/* early removal below it */
	int	retention_check_seconds;
	int	task_history_keep_days;
	int	task_history_keep_per_request;	/* finished tasks */
	int	deploy_history_keep_per_request;
	int	request_history_keep_per_request;

	/* [executor] */
	char	executor[CONF_STR_MAX];		/* backend: "local", "slurm" */
	char	task_user[CONF_STR_MAX];	/* when the daemon runs as root */
	int	allow_root_tasks;
	int	port_range_min;
	int	port_range_max;
	char	agent_hostname[CONF_STR_MAX];	/* empty: gethostname() */
	char	rack_id[CONF_STR_MAX];
	int	artifact_max_mb;		/* per artifact, unpacked */
	int	artifact_timeout_seconds;	/* per download */
	char	artifact_cache_dir[CONF_STR_MAX]; /* empty: <state>/artifacts */
	int	artifact_cache_max_mb;		/* per task user */
	long long task_log_max_bytes;		/* task_log_max_mb; 0: no cap */
	int	task_log_keep;			/* rotated files kept */
	char	task_output[CONF_STR_MAX];	/* sandbox, journal or both */
	char	journal_socket[CONF_STR_MAX];	/* journald's native socket */
	/* backend = slurm (executor_slurm.c) */
	char	slurm_sandbox_dir[CONF_STR_MAX];
	char	slurm_key_file[CONF_STR_MAX];
	char	slurm_events_listen[CONF_STR_MAX];
	char	slurm_events_address[CONF_STR_MAX];
	char	slurm_partitions[CONF_STR_MAX];
	char	slurm_wrapper[CONF_STR_MAX];
	char	slurm_conf[CONF_STR_MAX];
};

/* Fill every field with its default from the key table. */
void	conf_defaults(struct conf *conf);

/*
 * Read path over the defaults.  Every error is written to errbuf as
 * "file:line: message" lines (all of them, not only the first).  Returns 0,
 * or -EINVAL when the file had errors, or -errno when it cannot be read.
 * A missing file is an error only when must_exist is set.
 */
int	conf_load(struct conf *conf, const char *path, int must_exist,
	    char *errbuf, size_t errlen);
/* conf_load's parsing of an open stream; name stands for the file in
 * errbuf's "name:line: message" lines. */
int	conf_parse_stream(struct conf *conf, FILE *fp, const char *name,
	    char *errbuf, size_t errlen);
/*
 * What every program does with its -c file: the defaults, then the file
 * (NULL: CONF_PATH_DEFAULT, which may be missing).  0, or -1 with the line
 * for the program to report in why: "Configuration 'FILE' has errors",
 * after the file's own "file:line: message" lines went to stderr, or
 * "Failed to read configuration 'FILE': <error>".
 */
int	conf_read(struct conf *conf, const char *path, char *why,
	    size_t whylen);

/* Derived paths: <state_dir>/kerr.db unless db_path is set, and so on;
 * the sandboxes are under slurm_sandbox_dir with the Slurm backend. */
void	conf_db_path(const struct conf *conf, char *buf, size_t len);
void	conf_bus_path(const struct conf *conf, const char *daemon, char *buf,
	    size_t len);
void	conf_sandbox_root(const struct conf *conf, char *buf, size_t len);
void	conf_artifact_cache_dir(const struct conf *conf, char *buf,
	    size_t len);

/*
 * Print "[section]" headers and "#key = default" lines for the whole table,
 * so a test can check that etc/kerr.conf documents every key.
 */
void	conf_print_defaults(FILE *fp);

#endif
