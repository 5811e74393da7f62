/*
 * The integration harness (see harness.h).  The binaries come from
 * $KERR_BUILD_DIR (set by `make integration`), else ./build.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>
#include <sqlite3.h>

#include "clock.h"
#include "fixture.h"
#include "harness.h"

struct kerr_env harness_env;

static const char *const harness_names[HARNESS_NDAEMONS] = {
	"apid", "schedulerd", "cleanerd"
};

const char *
harness_daemon_name(enum harness_daemon which)
{
	return (harness_names[which]);
}

int
harness_free_port(void)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	socklen_t		len = sizeof(sin);
	int			fd, port;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return (port);
}

static struct sockaddr_in
harness_loopback(int port)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	return (sin);
}

int
harness_listen_socket(int port)
{
	struct sockaddr_in	sin = harness_loopback(port);
	int			fd, on = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
	    sizeof(on)), 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(fd, 64), 0);
	return (fd);
}

int
harness_connect(int port)
{
	struct sockaddr_in	sin = harness_loopback(port);
	int			fd;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return (-1);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		close(fd);
		return (-1);
	}
	return (fd);
}

int
harness_wait_port(int port, long limit_ms)
{
	int64_t	deadline = clock_mono_ms() + limit_ms;
	int	fd;

	do {
		if ((fd = harness_connect(port)) >= 0) {
			close(fd);
			return (1);
		}
		usleep(50000);
	} while (clock_mono_ms() < deadline);
	return (0);
}

/*
 * Every test directory of one runner starts with the runner's pid (the
 * parent of the forked tests), so that its final sweep for stray tasks
 * ends only its own, never those of another run on the same machine.
 */
const char *
harness_run_prefix(void)
{
	static char	prefix[64];
	static pid_t	runner;

	if (runner == 0) {
		runner = getpid();
		snprintf(prefix, sizeof(prefix), "/tmp/kerr-test.%d.",
		    (int)runner);
	}
	return (prefix);
}

/* A failed assertion exits the test process without its teardown. */
static void
harness_atexit(void)
{
	if (harness_env.dir[0] != '\0')
		harness_kill_strays_of(harness_env.dir);
}

void
harness_prepare(struct kerr_env *env, const char *extra_conf)
{
	static int	 registered;
	const char	*build = getenv("KERR_BUILD_DIR");
	FILE		*fp;

	if (!registered)
		registered = atexit(harness_atexit) == 0;
	memset(env, 0, sizeof(*env));
	snprintf(env->build_dir, sizeof(env->build_dir), "%s",
	    build != NULL ? build : "build");
	fixture_tmpdir(harness_run_prefix(), env->dir, sizeof(env->dir));
	/* Tasks run as another user (nobody) when the tests run as root:
	 * they may pass through, not list (harness_task_program). */
	ck_assert_int_eq(chmod(env->dir, 0711), 0);
	snprintf(env->conf_path, sizeof(env->conf_path), "%s/kerr.conf",
	    env->dir);
	snprintf(env->db_path, sizeof(env->db_path), "%s/state/kerr.db",
	    env->dir);
	env->port = harness_free_port();
	fp = fopen(env->conf_path, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "[common]\nstate_dir = %s/state\nruntime_dir = %s/run\n"
	    "tick_ms = 200\nlog_level = debug\n[apid]\nport = %d\n",
	    env->dir, env->dir, env->port);
	if (extra_conf != NULL)
		fputs(extra_conf, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

void
harness_task_program(const struct kerr_env *env, const char *name,
    char *path, size_t len)
{
	char	 from[PATH_MAX], dir[PATH_MAX], buf[65536];
	ssize_t	 n;
	int	 in, out;

	snprintf(dir, sizeof(dir), "%s/bin", env->dir);
	ck_assert_int_eq(mkdir(dir, 0755) == 0 || errno == EEXIST, 1);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(from, sizeof(from), "%s/%s", env->build_dir, name);
	ck_assert_int_lt(snprintf(path, len, "%s/%s", dir, name), (int)len);
	in = open(from, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(in >= 0, "cannot open '%s'", from);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	ck_assert_msg(out >= 0, "cannot create '%s'", path);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	ck_assert_int_eq(n, 0);
	close(in);
	ck_assert_int_eq(fchmod(out, 0755), 0);
	ck_assert_int_eq(close(out), 0);
}

/* Fork and exec argv, output to <dir>/<binary>.log; with listen_fd >= 0
 * pass it as systemd does: fd 3, LISTEN_FDS=1, LISTEN_PID=<child>. */
static pid_t
harness_spawn_fd(struct kerr_env *env, char *const argv[], int listen_fd)
{
	char	logpath[PATH_MAX], pidbuf[32];
	pid_t	pid;
	int	fd;

	snprintf(logpath, sizeof(logpath), "%s/%.200s.log", env->dir,
	    strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 :
	    argv[0]);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* Die with the test process, even when an assert exits it. */
		(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
		fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			(void)dup2(fd, STDOUT_FILENO);
			(void)dup2(fd, STDERR_FILENO);
			close(fd);
		}
		if (listen_fd >= 0) {
			/* dup2 onto itself would keep FD_CLOEXEC. */
			if (listen_fd == 3)
				(void)fcntl(3, F_SETFD, 0);
			else if (dup2(listen_fd, 3) < 0)
				_exit(127);
			snprintf(pidbuf, sizeof(pidbuf), "%d", (int)getpid());
			if (setenv("LISTEN_PID", pidbuf, 1) != 0 ||
			    setenv("LISTEN_FDS", "1", 1) != 0)
				_exit(127);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	return (pid);
}

pid_t
harness_spawn_argv(struct kerr_env *env, char *const argv[])
{
	return (harness_spawn_fd(env, argv, -1));
}

pid_t
harness_spawn_listen(struct kerr_env *env, enum harness_daemon which,
    int listen_fd)
{
	char	bin[PATH_MAX];
	char	*argv[] = { bin, "-c", env->conf_path, NULL };

	snprintf(bin, sizeof(bin), "%s/kerr-%s", env->build_dir,
	    harness_names[which]);
	env->pid[which] = harness_spawn_fd(env, argv, listen_fd);
	return (env->pid[which]);
}

pid_t
harness_spawn(struct kerr_env *env, enum harness_daemon which)
{
	return (harness_spawn_listen(env, which, -1));
}

void
harness_wait_api(struct kerr_env *env)
{
	struct http_resp	resp;
	int64_t			deadline = clock_mono_ms() + 10000;

	while (clock_mono_ms() < deadline) {
		/* 401: serving, with auth = token and no token here. */
		if (http_do(env, "GET", "/singularity/v1/state", NULL,
		    &resp) == 0 && (resp.status == 200 ||
		    resp.status == 401)) {
			http_resp_free(&resp);
			return;
		}
		if (resp.body != NULL)
			http_resp_free(&resp);
		usleep(20000);
	}
	ck_abort_msg("kerr-apid did not answer within 10 s (logs in %s)",
	    env->dir);
}

/* The number of "Ready:" lines in a daemon's log (one per start). */
static int
harness_ready_lines(const struct kerr_env *env, enum harness_daemon which)
{
	char		 path[PATH_MAX];
	char		*log, *p;
	int		 n = 0;

	snprintf(path, sizeof(path), "%s/kerr-%s.log", env->dir,
	    harness_names[which]);
	log = fixture_read_file(path, NULL);
	for (p = log; (p = strstr(p, ": Ready: ")) != NULL; p++)
		n++;
	free(log);
	return (n);
}

void
harness_wait_ready(struct kerr_env *env)
{
	int64_t	deadline = clock_mono_ms() + 10000;
	int	i;

	harness_wait_api(env);
	for (i = 0; i < HARNESS_NDAEMONS; i++) {
		while (env->pid[i] > 0 && harness_ready_lines(env,
		    (enum harness_daemon)i) == 0) {
			ck_assert_msg(clock_mono_ms() < deadline, "kerr-%s was "
			    "not ready within 10 s (logs in %s)",
			    harness_names[i], env->dir);
			usleep(20000);
		}
	}
}

int
harness_wait_pid(pid_t pid, long limit_ms, int *ret_status)
{
	int64_t	deadline = clock_mono_ms() + limit_ms;
	int	status;
	pid_t	r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid) {
			if (ret_status != NULL)
				*ret_status = status;
			return (1);
		}
		if (r < 0 || clock_mono_ms() >= deadline)
			return (0);
		usleep(5000);
	}
}

long
harness_stop_daemon(struct kerr_env *env, enum harness_daemon which,
    long limit_ms)
{
	int64_t	start = clock_mono_ms();
	int	status = 0;

	if (env->pid[which] <= 0)
		return (0);
	kill(env->pid[which], SIGTERM);
	if (!harness_wait_pid(env->pid[which], limit_ms, &status)) {
		kill(env->pid[which], SIGKILL);
		(void)harness_wait_pid(env->pid[which], 2000, NULL);
		env->pid[which] = 0;
		env->exit_status[which] = -1;
		return (-1);
	}
	env->pid[which] = 0;
	env->exit_status[which] = status;
	return ((long)(clock_mono_ms() - start));
}

/*
 * How a daemon ended after SIGTERM, "" when it exited 0.  A sanitized
 * daemon that leaked exits 23 (LeakSanitizer's exit code), so every test
 * is also a leak check of the daemons' shutdown.
 */
static void
harness_exit_problem(const struct kerr_env *env, enum harness_daemon which,
    char *buf, size_t len)
{
	int st = env->exit_status[which];

	buf[0] = '\0';
	if (st == -1)
		snprintf(buf, len, "kerr-%s did not stop within 5 s of "
		    "SIGTERM", harness_names[which]);
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "kerr-%s was killed by signal %d",
		    harness_names[which], WTERMSIG(st));
	else if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
		snprintf(buf, len, "kerr-%s exited with status %d%s",
		    harness_names[which], WEXITSTATUS(st),
		    WEXITSTATUS(st) == 23 ? " (LeakSanitizer found leaks)" :
		    "");
}

void
harness_stop_expect_clean(struct kerr_env *env, enum harness_daemon which)
{
	char problem[256];

	(void)harness_stop_daemon(env, which, 5000);
	harness_exit_problem(env, which, problem, sizeof(problem));
	ck_assert_msg(problem[0] == '\0', "%s (logs in %s)", problem,
	    env->dir);
}

char *
harness_proc_file(pid_t pid, const char *name, size_t *ret_len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%.32s", (int)pid, name);
	return (fixture_read_file(path, ret_len));
}

int
harness_proc_has(pid_t pid, const char *name, const char *s)
{
	size_t	 len, off;
	char	*buf = harness_proc_file(pid, name, &len);
	int	 found = 0;

	for (off = 0; off < len && !found; off += strlen(buf + off) + 1)
		found = strcmp(buf + off, s) == 0;
	free(buf);
	return (found);
}

/* 1 when /proc/<pid>/<file> mentions the test's directory. */
static int
harness_proc_mentions(pid_t pid, const char *file, const char *dir)
{
	size_t	 len;
	char	*buf = harness_proc_file(pid, file, &len);
	int	 found;

	found = memmem(buf, len, dir, strlen(dir)) != NULL;
	free(buf);
	return (found);
}

/* Supervisors name the test directory on their command line and tasks
 * carry it in MESOS_SANDBOX: end every such process, even those whose
 * handle was not in the store yet. */
void
harness_kill_strays_of(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	pid_t		 pid;

	if ((d = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9' ||
		    (pid = (pid_t)atoi(de->d_name)) == getpid())
			continue;
		if (harness_proc_mentions(pid, "cmdline", dir) ||
		    harness_proc_mentions(pid, "environ", dir))
			(void)kill(pid, SIGKILL);
	}
	closedir(d);
}

int
harness_processes(const char *comm)
{
	struct dirent	*de;
	DIR		*d;
	char		 name[64], *stat;
	pid_t		 pid;
	int		 n = 0;

	snprintf(name, sizeof(name), "(%s) ", comm);
	ck_assert_ptr_nonnull(d = opendir("/proc"));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		pid = (pid_t)atoi(de->d_name);
		stat = harness_proc_file(pid, "stat", NULL);
		if (strstr(stat, name) != NULL && strstr(stat, ") Z ") == NULL &&
		    (harness_proc_mentions(pid, "cmdline", harness_env.dir) ||
		    harness_proc_mentions(pid, "environ", harness_env.dir)))
			n++;
		free(stat);
	}
	closedir(d);
	return (n);
}

void
harness_wait_processes(const char *comm, int want, int seconds)
{
	int got = -1, i;

	for (i = 0; i < seconds * 10; i++) {
		if ((got = harness_processes(comm)) == want)
			return;
		usleep(100000);
	}
	ck_abort_msg("%d '%s' processes, wanted %d", got, comm, want);
}

void
harness_cleanup(struct kerr_env *env)
{
	char	problem[256] = "";
	int	i;

	for (i = 0; i < HARNESS_NDAEMONS; i++) {
		(void)harness_stop_daemon(env, (enum harness_daemon)i, 5000);
		if (problem[0] == '\0')
			harness_exit_problem(env, (enum harness_daemon)i,
			    problem, sizeof(problem));
	}
	/* Tasks outlive the daemons by design: end every one of this test,
	 * found by its directory, never by a stored pid that may be reused. */
	harness_kill_strays_of(env->dir);
	/* Keep the logs of a daemon that did not stop cleanly. */
	ck_assert_msg(problem[0] == '\0', "%s (logs in %s)", problem,
	    env->dir);
	if (getenv("KERR_KEEP_TEST_DIRS") == NULL)
		fixture_rmtree(env->dir);
}

void
harness_setup(void)
{
	harness_setup_with(NULL);
}

void
harness_setup_short_grace(void)
{
	harness_setup_with(HARNESS_SHORT_GRACE);
}

void
harness_setup_with(const char *extra_conf)
{
	int i;

	harness_prepare(&harness_env, extra_conf);
	for (i = 0; i < HARNESS_NDAEMONS; i++)
		harness_spawn(&harness_env, (enum harness_daemon)i);
	/* All three, so a short test never stops one still starting. */
	harness_wait_ready(&harness_env);
}

void
harness_teardown(void)
{
	harness_cleanup(&harness_env);
}

static size_t
http_collect(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_resp	*resp = arg;
	size_t			 n = size * nmemb;
	char			*nbuf;

	if ((nbuf = realloc(resp->body, resp->len + n + 1)) == NULL)
		return (0);
	resp->body = nbuf;
	memcpy(resp->body + resp->len, data, n);
	resp->len += n;
	resp->body[resp->len] = '\0';
	return (n);
}

static size_t
http_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct http_resp	*resp = arg;
	size_t			 n = size * nmemb;

	if (n > 7 && strncasecmp(line, "Allow: ", 7) == 0)
		snprintf(resp->allow, sizeof(resp->allow), "%.*s",
		    (int)strcspn(line + 7, "\r\n"), line + 7);
	return (n);
}

int
http_do(const struct kerr_env *env, const char *method, const char *path,
    const char *body, struct http_resp *ret)
{
	struct curl_slist	*hdrs = NULL;
	char			 url[4096];
	char			*ct = NULL;
	CURL			*curl;
	CURLcode		 rc;

	memset(ret, 0, sizeof(*ret));
	if ((curl = curl_easy_init()) == NULL)
		return (-1);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", env->port, path);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, http_collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, ret);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, http_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, ret);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	if (env->authorization[0] != '\0') {
		char auth[sizeof(env->authorization) + 32];

		snprintf(auth, sizeof(auth), "Authorization: %s",
		    env->authorization);
		hdrs = curl_slist_append(hdrs, auth);
	}
	if (body != NULL)
		hdrs = curl_slist_append(hdrs,
		    "Content-Type: application/json");
	if (hdrs != NULL)
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	if (body != NULL) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE,
		    (long)strlen(body));
	}
	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &ret->status);
		if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &ct) ==
		    CURLE_OK && ct != NULL)
			snprintf(ret->content_type, sizeof(ret->content_type),
			    "%s", ct);
	}
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(curl);
	if (ret->body == NULL && rc == CURLE_OK)
		ret->body = calloc(1, 1);
	return (rc == CURLE_OK ? 0 : -1);
}

void
http_resp_free(struct http_resp *resp)
{
	free(resp->body);
	resp->body = NULL;
}

/* Do the call; assert an answer with the status and content type. */
static void
http_expect(const struct kerr_env *env, const char *method, const char *path,
    const char *body, long expect_status, const char *content_type,
    struct http_resp *ret)
{
	ck_assert_msg(http_do(env, method, path, body, ret) == 0,
	    "%s %s: no answer", method, path);
	ck_assert_msg(ret->status == expect_status,
	    "%s %s: status %ld, expected %ld: %s", method, path, ret->status,
	    expect_status, ret->body);
	ck_assert_str_eq(ret->content_type, content_type);
}

json_t *
http_json(const struct kerr_env *env, const char *method, const char *path,
    const char *body, long expect_status)
{
	struct http_resp	 resp;
	json_error_t		 err;
	json_t			*json;

	http_expect(env, method, path, body, expect_status,
	    "application/json", &resp);
	json = json_loadb(resp.body, resp.len, JSON_DECODE_ANY, &err);
	ck_assert_msg(json != NULL, "%s %s: bad JSON: %s", method, path,
	    err.text);
	http_resp_free(&resp);
	return (json);
}

void
http_expect_error(const struct kerr_env *env, const char *method,
    const char *path, const char *body, long expect_status,
    const char *needle)
{
	struct http_resp resp;

	http_expect(env, method, path, body, expect_status,
	    "text/plain; charset=utf-8", &resp);
	ck_assert_msg(strchr(resp.body, '\n') == NULL,
	    "error body is not one line: %s", resp.body);
	ck_assert_msg(strstr(resp.body, needle) != NULL,
	    "%s %s: '%s' does not mention '%s'", method, path, resp.body,
	    needle);
	http_resp_free(&resp);
}

static sqlite3 *
harness_sql_open(const struct kerr_env *env)
{
	sqlite3 *db = NULL;

	ck_assert_int_eq(sqlite3_open(env->db_path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return (db);
}

void
harness_sql(const struct kerr_env *env, const char *sql)
{
	sqlite3	*db = harness_sql_open(env);
	char	*err = NULL;
	int	 rc = sqlite3_exec(db, sql, NULL, NULL, &err);

	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, err);
	sqlite3_close(db);
}

/* sql stepped to its first row, on a connection of its own (*ret_db). */
static sqlite3_stmt *
harness_sql_row(const struct kerr_env *env, const char *sql, sqlite3 **ret_db)
{
	sqlite3_stmt *st = NULL;

	*ret_db = harness_sql_open(env);
	ck_assert_msg(sqlite3_prepare_v2(*ret_db, sql, -1, &st, NULL) ==
	    SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(*ret_db));
	ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: no row", sql);
	return (st);
}

long long
harness_sql_int(const struct kerr_env *env, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*st = harness_sql_row(env, sql, &db);
	long long	 v = sqlite3_column_int64(st, 0);

	sqlite3_finalize(st);
	sqlite3_close(db);
	return (v);
}

void
harness_sql_text(const struct kerr_env *env, const char *sql, char *buf,
    size_t len)
{
	sqlite3		*db;
	sqlite3_stmt	*st = harness_sql_row(env, sql, &db);
	const char	*v = (const char *)sqlite3_column_text(st, 0);

	ck_assert_ptr_nonnull(v);
	ck_assert_int_lt(snprintf(buf, len, "%s", v), (int)len);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

json_t *
harness_wait_json(const char *path, int (*pred)(json_t *, const void *),
    const void *arg, long limit_ms)
{
	struct http_resp	 resp;
	json_t			*j = NULL;
	int64_t			 deadline = clock_mono_ms() + limit_ms;

	for (;;) {
		json_decref(j);
		j = NULL;
		if (http_do(&harness_env, "GET", path, NULL, &resp) == 0 &&
		    resp.status == 200)
			j = json_loadb(resp.body, resp.len, JSON_DECODE_ANY,
			    NULL);
		http_resp_free(&resp);
		if (j != NULL && pred(j, arg))
			return (j);
		if (clock_mono_ms() >= deadline)
			break;
		usleep(50000);
	}
	ck_abort_msg("GET %s: condition not met within %ld ms (last: %s)",
	    path, limit_ms, j != NULL ? json_dumps(j, JSON_COMPACT) : "none");
	return (NULL);
}

void
harness_post_ok(const char *path, const char *body)
{
	json_decref(http_json(&harness_env, "POST", path, body, 200));
}

json_t *
harness_get_json(const char *path)
{
	return (http_json(&harness_env, "GET", path, NULL, 200));
}

void
harness_request(const char *id, const char *type, int instances)
{
	char body[512];

	ck_assert_int_lt(snprintf(body, sizeof(body), "{\"id\":\"%s\","
	    "\"requestType\":\"%s\",\"instances\":%d}", id, type, instances),
	    (int)sizeof(body));
	harness_post_ok(HARNESS_V1 "/requests", body);
}

void
harness_deploy(const char *request, const char *deploy_id,
    const char *command, const char *extra)
{
	char body[8192];

	ck_assert_int_lt(snprintf(body, sizeof(body), "{\"deploy\":{"
	    "\"requestId\":\"%s\",\"id\":\"%s\",\"command\":\"%s\"%s}}",
	    request, deploy_id, command, extra != NULL ? extra : ""),
	    (int)sizeof(body));
	harness_post_ok(HARNESS_V1 "/deploys", body);
}

/* The statement fmt formats, into sql. */
static void
harness_vformat(char *sql, size_t len, const char *fmt, va_list ap)
{
	ck_assert_int_lt(vsnprintf(sql, len, fmt, ap), (int)len);
}

long long
harness_count(const char *fmt, ...)
{
	va_list	ap;
	char	sql[1024];

	va_start(ap, fmt);
	harness_vformat(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	return (harness_sql_int(&harness_env, sql));
}

/* Polls seconds * 20 times, 50 ms apart, as the tests always did. */
void
harness_wait_sql(long long want, int seconds, const char *fmt, ...)
{
	va_list		ap;
	char		sql[1024];
	long long	n;
	int		i;

	va_start(ap, fmt);
	harness_vformat(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	for (i = 0; (n = harness_sql_int(&harness_env, sql)) < want; i++) {
		ck_assert_msg(i < seconds * 20, "%s: %lld, wanted at least "
		    "%lld (logs in %s)", sql, n, want, harness_env.dir);
		usleep(50000);
	}
}

/* The statement of harness_tasks: state '' matches every state. */
#define HARNESS_SQL_TASKS						\
	"SELECT count(*) FROM tasks WHERE request_id = '%s'"		\
	" AND ('%s' = '' OR state = '%s')"

long long
harness_tasks(const char *request, const char *state)
{
	const char *st = state != NULL ? state : "";

	return (harness_count(HARNESS_SQL_TASKS, request, st, st));
}

void
harness_wait_tasks(const char *request, const char *state, long long want,
    int seconds)
{
	const char *st = state != NULL ? state : "";

	harness_wait_sql(want, seconds, HARNESS_SQL_TASKS, request, st, st);
}

void
harness_wait_count(long long (*count)(const char *), const char *arg,
    long long want, int seconds)
{
	long long	n;
	int		i;

	for (i = 0; (n = count(arg)) != want; i++) {
		ck_assert_msg(i < seconds * 20, "%s: count %lld, expected "
		    "%lld (logs in %s)", arg, n, want, harness_env.dir);
		usleep(50000);
	}
}

void
harness_kill9_and_restart(enum harness_daemon which)
{
	kill(harness_env.pid[which], SIGKILL);
	ck_assert(harness_wait_pid(harness_env.pid[which], 2000, NULL));
	harness_spawn(&harness_env, which);
}

int
harness_is_empty(json_t *list, const void *arg)
{
	(void)arg;
	return (json_array_size(list) == 0);
}

int
harness_has_data(json_t *chunk, const void *text)
{
	const char *d = json_string_value(json_object_get(chunk, "data"));

	return (d != NULL && strstr(d, text) != NULL);
}

int
harness_deploy_state_is(json_t *history, const void *state)
{
	const char *s = json_string_value(json_object_get(json_object_get(
	    history, "deployResult"), "deployState"));

	return (s != NULL && strcmp(s, state) == 0);
}

int
harness_active_deploy_is(json_t *request, const void *deploy_id)
{
	json_t *active = json_object_get(json_object_get(request,
	    "requestDeployState"), "activeDeploy");
	const char *d = json_string_value(json_object_get(active, "deployId"));

	if (deploy_id == NULL)
		return (active != NULL);
	return (d != NULL && strcmp(d, deploy_id) == 0);
}

void
harness_wait_deployed(const char *request, const char *deploy_id,
    long limit_ms)
{
	char path[512];

	snprintf(path, sizeof(path), HARNESS_V1 "/requests/request/%s",
	    request);
	json_decref(harness_wait_json(path, harness_active_deploy_is,
	    deploy_id, limit_ms));
}
