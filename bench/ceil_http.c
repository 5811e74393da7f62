/*
 * HTTP ceilings: libmicrohttpd with the thread settings of kerr-apid
 * (MHD_USE_AUTO_INTERNAL_THREAD, a pool of 2 threads, 60 s timeout).
 *
 *   ceil_http init DB N            a requests table of N rows shaped like
 *                                  kerr's (ids bench-r-000000 ...)
 *   ceil_http serve PORT fixed     a fixed 200-byte JSON on every path
 *   ceil_http serve PORT get DB    /<id>: one primary-key read, jansson
 *                                  parse of the stored JSON, dump
 *   ceil_http serve PORT list DB   every row, parsed and dumped as one
 *                                  array (the shape of GET /requests/active)
 *
 * serve prints "ready" once listening and runs until SIGTERM or SIGINT.
 * Each pool thread opens its own SQLite connection on first use, as apid's
 * threads do.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>
#include <sqlite3.h>

#define CEIL_HTTP_BODY_LEN	200

enum ceil_http_mode { CEIL_FIXED, CEIL_GET, CEIL_LIST };

static enum ceil_http_mode	 ceil_http_mode;
static const char		*ceil_http_db_path;
static char			 ceil_http_fixed[CEIL_HTTP_BODY_LEN + 1];

static __thread sqlite3		*ceil_http_db;
static __thread sqlite3_stmt	*ceil_http_get_st;
static __thread sqlite3_stmt	*ceil_http_list_st;

static int
ceil_http_init(const char *path, int n)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*st = NULL;
	char		 id[32], js[128];
	int		 i, r = 1;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		goto out;
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
	    "CREATE TABLE IF NOT EXISTS requests (id TEXT PRIMARY KEY,"
	    " state TEXT NOT NULL, request_json TEXT NOT NULL);"
	    "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO requests"
	    " VALUES (?1, 'ACTIVE', ?2)", -1, &st, NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "bench-r-%06d", i);
		snprintf(js, sizeof(js), "{\"id\":\"%s\",\"requestType\":"
		    "\"SERVICE\",\"instances\":1}", id);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, js, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto out;
		sqlite3_reset(st);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		r = 0;
out:
	if (r != 0)
		fprintf(stderr, "ceil_http: init %s: %s\n", path,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return (r);
}

static int
ceil_http_thread_db(void)
{
	if (ceil_http_db != NULL)
		return (0);
	if (sqlite3_open_v2(ceil_http_db_path, &ceil_http_db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return (-EIO);
	sqlite3_busy_timeout(ceil_http_db, 5000);
	if (sqlite3_prepare_v3(ceil_http_db, "SELECT state, request_json"
	    " FROM requests WHERE id = ?1", -1, SQLITE_PREPARE_PERSISTENT,
	    &ceil_http_get_st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(ceil_http_db, "SELECT state, request_json"
	    " FROM requests ORDER BY id", -1, SQLITE_PREPARE_PERSISTENT,
	    &ceil_http_list_st, NULL) != SQLITE_OK)
		return (-EIO);
	return (0);
}

/* {"request": <parsed column 1>, "state": <column 0>}; NULL on error. */
static json_t *
ceil_http_row(sqlite3_stmt *st)
{
	json_t *req;

	req = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
	if (req == NULL)
		return (NULL);
	return (json_pack("{s:o, s:s}", "request", req, "state",
	    (const char *)sqlite3_column_text(st, 0)));
}

static char *
ceil_http_get(const char *url)
{
	const char	*id = strrchr(url, '/');
	json_t		*obj = NULL;
	char		*s = NULL;

	if (ceil_http_thread_db() < 0)
		return (NULL);
	sqlite3_bind_text(ceil_http_get_st, 1, id != NULL ? id + 1 : url, -1,
	    SQLITE_STATIC);
	if (sqlite3_step(ceil_http_get_st) == SQLITE_ROW &&
	    (obj = ceil_http_row(ceil_http_get_st)) != NULL)
		s = json_dumps(obj, JSON_COMPACT);
	sqlite3_reset(ceil_http_get_st);
	sqlite3_clear_bindings(ceil_http_get_st);
	json_decref(obj);
	return (s);
}

static char *
ceil_http_list(void)
{
	json_t	*arr, *obj;
	char	*s = NULL;

	if (ceil_http_thread_db() < 0 || (arr = json_array()) == NULL)
		return (NULL);
	while (sqlite3_step(ceil_http_list_st) == SQLITE_ROW)
		if ((obj = ceil_http_row(ceil_http_list_st)) != NULL)
			json_array_append_new(arr, obj);
	sqlite3_reset(ceil_http_list_st);
	s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return (s);
}

static enum MHD_Result
ceil_http_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;
	char			*s;
	unsigned int		 status = MHD_HTTP_OK;

	(void)cls, (void)method, (void)version, (void)upload_data;
	/* As apid: answer on the second call, once the request is complete;
	 * answering on the first makes MHD close the connection. */
	if (*con_cls == NULL) {
		*con_cls = conn;
		return (MHD_YES);
	}
	if (*upload_data_size > 0) {
		*upload_data_size = 0;
		return (MHD_YES);
	}
	if (ceil_http_mode == CEIL_FIXED)
		resp = MHD_create_response_from_buffer(CEIL_HTTP_BODY_LEN,
		    ceil_http_fixed, MHD_RESPMEM_PERSISTENT);
	else {
		s = ceil_http_mode == CEIL_GET ? ceil_http_get(url) :
		    ceil_http_list();
		if (s == NULL) {
			status = MHD_HTTP_NOT_FOUND;
			s = strdup("not found\n");
		}
		resp = MHD_create_response_from_buffer(s != NULL ?
		    strlen(s) : 0, s, MHD_RESPMEM_MUST_FREE);
	}
	if (resp == NULL)
		return (MHD_NO);
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return (ret);
}

static int
ceil_http_serve(int port)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET };
	struct MHD_Daemon	*d;
	sigset_t		 set;
	int			 sig, n;

	n = snprintf(ceil_http_fixed, sizeof(ceil_http_fixed),
	    "{\"request\":{\"id\":\"bench-r-000500\",\"requestType\":"
	    "\"SERVICE\",\"instances\":1},\"state\":\"ACTIVE\",\"pad\":\"");
	memset(ceil_http_fixed + n, 'x', CEIL_HTTP_BODY_LEN - n - 2);
	memcpy(ceil_http_fixed + CEIL_HTTP_BODY_LEN - 2, "\"}", 3);

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
	    (uint16_t)port, NULL, NULL, ceil_http_access, NULL,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)2,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "ceil_http: cannot listen on port %d\n", port);
		return (1);
	}
	printf("ready\n");
	fflush(stdout);
	(void)sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return (0);
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "init") == 0)
		return (ceil_http_init(argv[2], atoi(argv[3])));
	if (argc >= 4 && strcmp(argv[1], "serve") == 0) {
		if (strcmp(argv[3], "fixed") == 0)
			ceil_http_mode = CEIL_FIXED;
		else if (argc == 5 && strcmp(argv[3], "get") == 0)
			ceil_http_mode = CEIL_GET;
		else if (argc == 5 && strcmp(argv[3], "list") == 0)
			ceil_http_mode = CEIL_LIST;
		else
			goto usage;
		ceil_http_db_path = argc == 5 ? argv[4] : NULL;
		return (ceil_http_serve(atoi(argv[2])));
	}
usage:
	fprintf(stderr, "usage: ceil_http init DB N\n"
	    "       ceil_http serve PORT fixed|get DB|list DB\n");
	return (2);
}
