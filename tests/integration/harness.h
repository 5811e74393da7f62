/*
 * Integration test harness: starts the real kerr binaries on a temporary
 * state directory and a free loopback port, talks HTTP to them with
 * libcurl, and stops them.  Call harness_start() from a checked fixture so
 * the daemons are children of the forked test process; they are told to
 * die with it (PR_SET_PDEATHSIG) so a failed assertion leaves no orphan.
 */
#ifndef KERR_HARNESS_H
#define KERR_HARNESS_H

#include <sys/types.h>

#include <limits.h>

#include <jansson.h>

#define HARNESS_V1		"/singularity/v1"
/* A short kill grace, so that a test that kills a task is quick. */
#define HARNESS_SHORT_GRACE	"[cleanerd]\nkill_grace_ms = 1500\n"
/* harness_deploy() extra: its tasks are healthy after 1 s of running. */
#define HARNESS_HEALTHY_1S	",\"considerHealthyAfterRunningForSeconds\":1"

enum harness_daemon {
	HARNESS_APID,
	HARNESS_SCHEDULERD,
	HARNESS_CLEANERD,
	HARNESS_NDAEMONS
};

struct kerr_env {
	char	dir[1024];		/* temp root: conf, state, run, logs */
	char	conf_path[PATH_MAX];
	char	db_path[PATH_MAX];
	char	build_dir[1024];	/* where kerr-* binaries are */
	int	port;
	pid_t	pid[HARNESS_NDAEMONS];
	/* Wait status after harness_stop_daemon; -1 when it had to SIGKILL. */
	int	exit_status[HARNESS_NDAEMONS];
	/* Sent as the Authorization header of every call when not empty. */
	char	authorization[512];
};

struct http_resp {
	long	 status;
	char	*body;			/* NUL-terminated */
	size_t	 len;
	char	 content_type[128];
	char	 allow[64];
};

/* The test environment of the current test (set by harness_setup). */
extern struct kerr_env harness_env;

/* Checked-fixture pair: temp dir, config, all three daemons, ready. */
void	harness_setup(void);
void	harness_teardown(void);
/* The same with extra config lines appended (e.g. "[cleanerd]\n..."). */
void	harness_setup_with(const char *extra_conf);
void	harness_setup_short_grace(void);
/* Poll GET path until pred(json) holds; ck_abort after limit_ms. Returns
 * the last JSON (caller decrefs). */
json_t	*harness_wait_json(const char *path,
	    int (*pred)(json_t *, const void *), const void *arg, long limit_ms);

/* Temp dir and config only (extra_conf appended: "[apid]\nx = y\n"). */
void	harness_prepare(struct kerr_env *env, const char *extra_conf);
/*
 * Copy build_dir/name to <dir>/bin/name, where a task running as another
 * user (the tests may run as root in a private clone) can execute it;
 * its path into path.
 */
void	harness_task_program(const struct kerr_env *env, const char *name,
	    char *path, size_t len);
/* Start one daemon; argv after the binary given as NULL-terminated list. */
pid_t	harness_spawn(struct kerr_env *env, enum harness_daemon which);
pid_t	harness_spawn_argv(struct kerr_env *env, char *const argv[]);
/* Start one daemon with listen_fd passed as systemd passes a socket (fd 3,
 * LISTEN_FDS, LISTEN_PID); the caller keeps its own listen_fd open. */
pid_t	harness_spawn_listen(struct kerr_env *env, enum harness_daemon which,
	    int listen_fd);
/* Wait until GET /state answers 200 (ck_abort after 10 s). */
void	harness_wait_api(struct kerr_env *env);
/* Wait until the API answers and every running daemon logged "Ready:"
 * (ck_abort after 10 s). */
void	harness_wait_ready(struct kerr_env *env);
/* SIGTERM a daemon and wait for it; returns ms it took, -1 if > limit. */
long	harness_stop_daemon(struct kerr_env *env, enum harness_daemon which,
	    long limit_ms);
/* SIGTERM a daemon; fail unless it exits 0 (under SANITIZE: no leak). */
void	harness_stop_expect_clean(struct kerr_env *env,
	    enum harness_daemon which);
/* Stop the daemons, end the tasks, remove the directory; fails the test
 * when a daemon did not exit 0 after SIGTERM (a leak, under SANITIZE). */
void	harness_cleanup(struct kerr_env *env);
const char *harness_daemon_name(enum harness_daemon which);

int	harness_free_port(void);
/* A listening socket on 127.0.0.1:port, as kerr-apid.socket makes one. */
int	harness_listen_socket(int port);
/* A socket connected to 127.0.0.1:port, or -1 when nothing answers. */
int	harness_connect(int port);
/* Wait up to limit_ms until something listens on port: 1, else 0. */
int	harness_wait_port(int port, long limit_ms);
/* "/tmp/kerr-test.<runner pid>.": the start of this run's test dirs. */
const char *harness_run_prefix(void);
/* SIGKILL every process whose command line or environment mentions dir
 * (supervisors and tasks of a test); the runner passes the common prefix
 * at the end so a failed test leaves nothing running. */
void	harness_kill_strays_of(const char *dir);
/* Wait for pid with a deadline; 1 exited (status set), 0 still running. */
int	harness_wait_pid(pid_t pid, long limit_ms, int *ret_status);

/* HTTP against http://127.0.0.1:<port><path>; 0 or -1 (no connection). */
int	http_do(const struct kerr_env *env, const char *method,
	    const char *path, const char *body, struct http_resp *ret);
void	http_resp_free(struct http_resp *resp);
/* Do the call, assert the status and JSON content type, return the
 * parsed body (caller decrefs). */
json_t	*http_json(const struct kerr_env *env, const char *method,
	    const char *path, const char *body, long expect_status);
/* Do the call, assert the status and a plain-text one-line body that
 * contains `needle`. */
void	http_expect_error(const struct kerr_env *env, const char *method,
	    const char *path, const char *body, long expect_status,
	    const char *needle);

/* /proc/<pid>/<name> as fixture_read_file() returns it. */
char	*harness_proc_file(pid_t pid, const char *name, size_t *ret_len);
/* Whether one of the NUL-separated strings of /proc/<pid>/<name> (an
 * argument of "cmdline", an entry of "environ") is s. */
int	harness_proc_has(pid_t pid, const char *name, const char *s);

/* Run an SQL statement with no parameters on the env's database. */
void	harness_sql(const struct kerr_env *env, const char *sql);
/* First column of the first row as an integer. */
long long harness_sql_int(const struct kerr_env *env, const char *sql);
/* First column of the first row as text, into buf. */
void	harness_sql_text(const struct kerr_env *env, const char *sql,
	    char *buf, size_t len);

/*
 * Shorthands on harness_env, for the tests' own steps.  Each fails the
 * test when the daemons do not answer as expected.
 */
/* POST path with body (NULL: none); expect 200 and JSON. */
void	harness_post_ok(const char *path, const char *body);
/* GET path; expect 200; the parsed body (caller decrefs). */
json_t	*harness_get_json(const char *path);
/* Create the request {"id","requestType","instances"}. */
void	harness_request(const char *id, const char *type, int instances);
/* Deploy command as deploy_id of request; extra, when not NULL, holds
 * more members of the deploy, starting with ','. */
void	harness_deploy(const char *request, const char *deploy_id,
	    const char *command, const char *extra);
/* The first column of the statement fmt formats, as an integer. */
long long harness_count(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* Wait up to seconds until that count is at least want. */
void	harness_wait_sql(long long want, int seconds, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Wait up to seconds until count(arg) is exactly want. */
void	harness_wait_count(long long (*count)(const char *),
	    const char *arg, long long want, int seconds);
/* Tasks of request in state (NULL: in any), from the store. */
long long harness_tasks(const char *request, const char *state);
/* Wait up to seconds until at least want of them are. */
void	harness_wait_tasks(const char *request, const char *state,
	    long long want, int seconds);
/* Live (not zombie) processes named comm of this test: supervisors name
 * its directory on their command line, tasks in MESOS_SANDBOX. */
int	harness_processes(const char *comm);
/* Wait up to seconds until exactly want of them run. */
void	harness_wait_processes(const char *comm, int want, int seconds);
/* kill -9 a daemon, reap it and start it again. */
void	harness_kill9_and_restart(enum harness_daemon which);

/* Predicates for harness_wait_json. */
int	harness_is_empty(json_t *list, const void *unused);
/* A sandbox read whose "data" contains the text. */
int	harness_has_data(json_t *chunk, const void *text);
/* A deploy's history whose deployResult.deployState is state. */
int	harness_deploy_state_is(json_t *history, const void *state);
/* A request whose active deploy is deploy_id (NULL: any). */
int	harness_active_deploy_is(json_t *request, const void *deploy_id);
/* Wait until request's active deploy is deploy_id (NULL: any). */
void	harness_wait_deployed(const char *request, const char *deploy_id,
	    long limit_ms);

#endif
