/*
 * kerr, the command-line client: short commands over the public API only
 * (libcurl + jansson).  Exit status: 0 success, 1 the API or a task
 * failed (with the API's one line), 2 a usage error.
 */
#ifndef KERR_CLI_H
#define KERR_CLI_H

#include <stdint.h>

#include <curl/curl.h>
#include <jansson.h>

#define KERR_EXIT_OK	0
#define KERR_EXIT_FAIL	1
#define KERR_EXIT_USAGE	2

struct kerr {
	const char	*url;		/* API root, no trailing slash */
	const char	*token;		/* KERR_TOKEN, NULL if unset */
	int		 json;		/* -o json: the API's JSON */
	int		 tty;		/* stdout is a terminal */
	int		 color;		/* ... and no NO_COLOR */
	int		 progress;	/* stderr is a terminal */
	CURL		*curl;
};

/* kerr_http.c */
struct kerr_resp {
	long	 status;		/* 0: no answer */
	char	*body;			/* NUL-terminated, malloc'd */
	size_t	 len;
};
/* One call; 0, or -1 after printing why nothing was answered. */
int	kerr_http(struct kerr *k, const char *method, const char *path,
	    const char *body, struct kerr_resp *ret);
void	kerr_resp_free(struct kerr_resp *r);
/*
 * One call that must succeed (2xx): *ret (may be NULL) is the JSON
 * answered (NULL for an empty body), *ret_raw (may be NULL) the text.
 * KERR_EXIT_OK, or KERR_EXIT_FAIL after printing the API's line.
 */
int	kerr_call(struct kerr *k, const char *method, const char *path,
	    const json_t *body, json_t **ret, char **ret_raw);
/* path with each %s replaced by the URL-escaped argument. */
char	*kerr_path(struct kerr *k, const char *fmt, ...);
/* Print the raw text (adding the newline it lacks). */
void	kerr_print_raw(const char *raw);

/* kerr_show.c: what the commands print. */
void	kerr_when(const struct kerr *k, int64_t ms, char *buf, size_t len);
const char *kerr_str(const json_t *o, const char *key);
const char *kerr_str2(const json_t *o, const char *key, const char *key2);
int64_t	kerr_int(const json_t *o, const char *key);
int	kerr_fail(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
int	kerr_usage_error(const char *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* A progress line on stderr when it is a terminal ("\r" + text). */
void	kerr_progress(const struct kerr *k, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	kerr_progress_end(const struct kerr *k);

/* The commands: argv[0] is the command's name; an exit status. */
int	kerr_cmd_status(struct kerr *k, int argc, char **argv);
int	kerr_cmd_ls(struct kerr *k, int argc, char **argv);
int	kerr_cmd_show(struct kerr *k, int argc, char **argv);
int	kerr_cmd_create(struct kerr *k, int argc, char **argv);
int	kerr_cmd_scale(struct kerr *k, int argc, char **argv);
int	kerr_cmd_action(struct kerr *k, int argc, char **argv);
int	kerr_cmd_history(struct kerr *k, int argc, char **argv);
int	kerr_cmd_deploy(struct kerr *k, int argc, char **argv);
int	kerr_cmd_run(struct kerr *k, int argc, char **argv);
int	kerr_cmd_tasks(struct kerr *k, int argc, char **argv);
int	kerr_cmd_task(struct kerr *k, int argc, char **argv);
int	kerr_cmd_kill(struct kerr *k, int argc, char **argv);
int	kerr_cmd_logs(struct kerr *k, int argc, char **argv);
int	kerr_cmd_complete(struct kerr *k, int argc, char **argv);

/* kerr_wait.c: --wait; an exit status. */
int	kerr_wait_deploy(struct kerr *k, const char *request,
	    const char *deploy_id, int timeout_s);
/* old: the ids of the tasks the bounce replaces. */
int	kerr_wait_bounce(struct kerr *k, const char *request,
	    const json_t *old, int timeout_s);
int	kerr_wait_run(struct kerr *k, const char *request,
	    const char *run_id, int timeout_s);
int	kerr_task_state_is_terminal(const char *state);
/* The task's last state and its message; 0, or an exit status. */
int	kerr_task_last_state(struct kerr *k, const char *task_id,
	    char *state, size_t slen, char *msg, size_t mlen);

#endif
