/*
 * Unit tests for common/healthcheck.c.  Each HTTP test starts a one-shot
 * server thread on a loopback port 0 that records the request head and
 * answers canned bytes: bodies framed by Content-Length, chunked or the
 * close, a long body (truncated), bad UTF-8, a server that accepts and
 * never answers (timed out), a refused port, malformed status lines,
 * IPv6 ::1 when the host has it.  Then the JSON object and the pass/fail
 * rules, which need no socket.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "clock.h"
#include "fixture.h"
#include "healthcheck.h"

#define CHECK_HC_WAIT_MS	2000	/* server gives up on a lost client */
#define CHECK_HC_TIMEOUT_MS	2000	/* client timeout when none is meant */
#define CHECK_HC_LONG_BODY	20000
#define CHECK_HC_EMPTY_200	"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

struct check_hc_server {
	int		 lfd;
	int		 port;
	int		 hold;		/* after the reply, wait for EOF */
	const char	*reply;		/* NULL: never answer */
	size_t		 reply_len;
	pthread_t	 thread;
	char		 request[2048];	/* the request head seen */
};

static int
check_hc_readable(int fd)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };

	return (poll(&pfd, 1, CHECK_HC_WAIT_MS) == 1);
}

/* Read the request head, or until EOF when `all`. */
static void
check_hc_read(struct check_hc_server *s, int fd, int all)
{
	char	 tmp[512];
	size_t	 len = 0;
	ssize_t	 n;

	s->request[0] = '\0';
	while (check_hc_readable(fd)) {
		if (all) {
			if (recv(fd, tmp, sizeof(tmp), 0) <= 0)
				return;
			continue;
		}
		n = recv(fd, s->request + len, sizeof(s->request) - 1 - len,
		    0);
		if (n <= 0)
			return;
		len += (size_t)n;
		s->request[len] = '\0';
		if (strstr(s->request, "\r\n\r\n") != NULL ||
		    len == sizeof(s->request) - 1)
			return;
	}
}

static void *
check_hc_serve(void *arg)
{
	struct check_hc_server	*s = arg;
	int			 fd;

	if (!check_hc_readable(s->lfd) ||
	    (fd = accept(s->lfd, NULL, NULL)) == -1)
		return (NULL);
	check_hc_read(s, fd, 0);
	/* the client may stop reading a long body: no SIGPIPE */
	if (s->reply != NULL)
		(void)send(fd, s->reply, s->reply_len, MSG_NOSIGNAL);
	if (s->reply == NULL || s->hold)
		check_hc_read(s, fd, 1);
	(void)close(fd);
	return (NULL);
}

/* Listen on the loopback of family; -1 when the host has none. */
static int
check_hc_listen(int family, int *ret_port)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 len = sizeof(ss);
	int			 fd;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		sin6->sin6_addr = in6addr_loopback;
	if ((fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	if (bind(fd, (struct sockaddr *)&ss, family == AF_INET ?
	    sizeof(*sin) : sizeof(*sin6)) == -1 || listen(fd, 4) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		(void)close(fd);
		return (-1);
	}
	*ret_port = ntohs(family == AF_INET ? sin->sin_port : sin6->sin6_port);
	return (fd);
}

/* Serve one connection; -1 when family has no loopback here. */
static int
check_hc_start(struct check_hc_server *s, int family, const char *reply,
    size_t reply_len, int hold)
{
	memset(s, 0, sizeof(*s));
	if ((s->lfd = check_hc_listen(family, &s->port)) == -1)
		return (-1);
	s->hold = hold;
	s->reply = reply;
	s->reply_len = reply_len;
	ck_assert_int_eq(pthread_create(&s->thread, NULL, check_hc_serve, s),
	    0);
	return (0);
}

static void
check_hc_start4(struct check_hc_server *s, const char *reply, int hold)
{
	ck_assert_int_eq(check_hc_start(s, AF_INET, reply,
	    reply == NULL ? 0 : strlen(reply), hold), 0);
}

static void
check_hc_stop(struct check_hc_server *s)
{
	ck_assert_int_eq(pthread_join(s->thread, NULL), 0);
	(void)close(s->lfd);
}

/* A response, with no error: status and body (NULL: none). */
static void
check_hc_assert_response(const struct healthcheck_result *r, int status,
    const char *body)
{
	ck_assert_str_eq(r->error, "");
	ck_assert_int_eq(r->status_code, status);
	if (body == NULL)
		ck_assert_ptr_null(r->body);
	else
		ck_assert_str_eq(r->body, body);
}

/* No response came: the error says why, with no status and no body. */
static void
check_hc_assert_no_response(const struct healthcheck_result *r,
    const char *error)
{
	ck_assert_str_eq(r->error, error);
	ck_assert_int_eq(r->status_code, 0);
	ck_assert_ptr_null(r->body);
}

/* One request to a fresh IPv4 server answering reply; s keeps what it
 * was sent, *r is filled. */
static void
check_hc_call(struct check_hc_server *s, const char *reply, int hold,
    const char *method, const char *uri, int timeout_ms,
    struct healthcheck_result *r)
{
	check_hc_start4(s, reply, hold);
	ck_assert_int_eq(healthcheck_http("127.0.0.1", s->port, method, uri,
	    timeout_ms, r), 0);
	check_hc_stop(s);
}

/* One GET of /health, as check_hc_call(). */
static void
check_hc_get(const char *reply, struct healthcheck_result *r)
{
	struct check_hc_server s;

	check_hc_call(&s, reply, 0, "GET", "/health", CHECK_HC_TIMEOUT_MS, r);
}

START_TEST(test_healthcheck_content_length)
{
	struct check_hc_server		 s;
	struct healthcheck_result	 r;
	char				 host[64];

	check_hc_call(&s, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "content-length: 7\r\n\r\nhealthyTRAILING", 0, "GET", "/health",
	    CHECK_HC_TIMEOUT_MS, &r);
	check_hc_assert_response(&r, 200, "healthy");
	ck_assert_int_ge(r.duration_ms, 0);
	ck_assert_int_lt(r.duration_ms, CHECK_HC_TIMEOUT_MS);
	ck_assert(healthcheck_result_ok(&r, NULL));
	(void)snprintf(host, sizeof(host), "Host: 127.0.0.1:%d\r\n", s.port);
	ck_assert(strncmp(s.request, "GET /health HTTP/1.1\r\n", 22) == 0);
	ck_assert_ptr_nonnull(strstr(s.request, host));
	ck_assert_ptr_nonnull(strstr(s.request,
	    "User-Agent: kerr-healthcheck\r\n"));
	ck_assert_ptr_nonnull(strstr(s.request, "Connection: close\r\n"));
	ck_assert_ptr_null(strstr(s.request, "Content-Length"));
	ck_assert(strcmp(s.request + strlen(s.request) - 4, "\r\n\r\n") == 0);
	healthcheck_result_clear(&r);
	ck_assert_ptr_null(r.body);
	healthcheck_result_clear(NULL);
}
END_TEST

START_TEST(test_healthcheck_server_error)
{
	struct healthcheck_result	 r;

	check_hc_get("HTTP/1.1 500 Internal Server Error\r\n"
	    "Content-Length: 4\r\n\r\noops", &r);
	check_hc_assert_response(&r, 500, "oops");
	ck_assert(!healthcheck_result_ok(&r, NULL));
	healthcheck_result_clear(&r);
}
END_TEST

START_TEST(test_healthcheck_chunked)
{
	struct healthcheck_result	 r;

	check_hc_get("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "Content-Length: 99\r\n\r\n"
	    "5;name=value\r\nhello\r\nA\r\n, chunked!\r\n0\r\n"
	    "X-Trailer: 1\r\n\r\n", &r);
	check_hc_assert_response(&r, 200, "hello, chunked!");
	healthcheck_result_clear(&r);
}
END_TEST

START_TEST(test_healthcheck_body_until_close)
{
	struct healthcheck_result	 r;

	check_hc_get("HTTP/1.0 200 OK\nServer: old\n\nbye\n", &r);
	check_hc_assert_response(&r, 200, "bye\n");
	healthcheck_result_clear(&r);
}
END_TEST

START_TEST(test_healthcheck_no_content)
{
	struct check_hc_server		 s;
	struct healthcheck_result	 r;

	/* the server keeps the connection open: 204 has no body to wait for */
	check_hc_call(&s, "HTTP/1.1 204 No Content\r\n\r\n", 1, "GET", "/",
	    CHECK_HC_TIMEOUT_MS, &r);
	check_hc_assert_response(&r, 204, NULL);
	ck_assert(healthcheck_result_ok(&r, NULL));
}
END_TEST

START_TEST(test_healthcheck_interim_response_skipped)
{
	struct healthcheck_result	 r;

	check_hc_get("HTTP/1.1 100 Continue\r\n\r\n"
	    "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", &r);
	check_hc_assert_response(&r, 201, "ok");
	healthcheck_result_clear(&r);
}
END_TEST

static char *
check_hc_long_reply(const char *framing, size_t body_len)
{
	char	*reply;
	size_t	 head, i;

	head = strlen(framing);
	ck_assert_ptr_nonnull(reply = malloc(head + body_len + 1));
	memcpy(reply, framing, head);
	for (i = 0; i < body_len; i++)
		reply[head + i] = (char)('a' + i % 26);
	reply[head + body_len] = '\0';
	return (reply);
}

START_TEST(test_healthcheck_body_truncated)
{
	static const char *const	 framing[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 20000\r\n\r\n",
		"HTTP/1.1 200 OK\r\n\r\n",
	};
	struct healthcheck_result	 r;
	char				*reply;
	size_t				 i;

	reply = check_hc_long_reply(framing[_i], CHECK_HC_LONG_BODY);
	check_hc_get(reply, &r);
	ck_assert_str_eq(r.error, "");
	ck_assert_int_eq(r.status_code, 200);
	ck_assert_uint_eq(strlen(r.body), HEALTHCHECK_BODY_MAX);
	for (i = 0; i < HEALTHCHECK_BODY_MAX; i++)
		ck_assert_int_eq(r.body[i], 'a' + (int)(i % 26));
	healthcheck_result_clear(&r);
	free(reply);
}
END_TEST

START_TEST(test_healthcheck_body_utf8)
{
	struct healthcheck_result	 r;
	char				*reply;
	size_t				 head;
	json_t				*id, *v;

	check_hc_get("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n"
	    "a\xff\xc3\xa9\xed\xa0\x80z", &r);
	ck_assert_str_eq(r.body, "a?\xc3\xa9???z");
	ck_assert_ptr_nonnull(id = json_pack("{s:s}", "id", "t"));
	ck_assert_ptr_nonnull(v = healthcheck_result_json(id, 1, &r, 0));
	json_decref(v);
	healthcheck_result_clear(&r);

	/* a NUL byte and a character split by the 8192-byte cut */
	reply = check_hc_long_reply("HTTP/1.1 200 OK\r\n\r\n",
	    HEALTHCHECK_BODY_MAX + 1);
	head = strlen("HTTP/1.1 200 OK\r\n\r\n");
	reply[head + 1] = '\0';
	memcpy(reply + head + HEALTHCHECK_BODY_MAX - 1, "\xc3\xa9", 2);
	{
		struct check_hc_server	 s;

		ck_assert_int_eq(check_hc_start(&s, AF_INET, reply,
		    head + HEALTHCHECK_BODY_MAX + 1, 0), 0);
		ck_assert_int_eq(healthcheck_http("127.0.0.1", s.port, "GET",
		    "/", CHECK_HC_TIMEOUT_MS, &r), 0);
		check_hc_stop(&s);
	}
	ck_assert_str_eq(r.error, "");
	ck_assert_uint_eq(strlen(r.body), HEALTHCHECK_BODY_MAX - 1);
	ck_assert_int_eq(r.body[1], '?');
	ck_assert_ptr_nonnull(v = healthcheck_result_json(id, 1, &r, 0));
	json_decref(v);
	json_decref(id);
	healthcheck_result_clear(&r);
	free(reply);
}
END_TEST

START_TEST(test_healthcheck_timeout)
{
	struct check_hc_server		 s;
	struct healthcheck_result	 r;
	int64_t				 t0, elapsed;

	check_hc_start4(&s, NULL, 0);
	t0 = clock_mono_ms();
	ck_assert_int_eq(healthcheck_http("127.0.0.1", s.port, "GET",
	    "/health", 300, &r), 0);
	elapsed = clock_mono_ms() - t0;
	check_hc_stop(&s);
	ck_assert_int_ge(elapsed, 290);
	ck_assert_int_lt(elapsed, 500);
	check_hc_assert_no_response(&r, "Timed out after 300 ms");
	ck_assert_int_ge(r.duration_ms, 290);
	ck_assert(!healthcheck_result_ok(&r, NULL));
}
END_TEST

START_TEST(test_healthcheck_timeout_in_body)
{
	struct check_hc_server		 s;
	struct healthcheck_result	 r;

	/* a response that stops mid-body is no response at all */
	check_hc_call(&s, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab",
	    1, "GET", "/", 300, &r);
	check_hc_assert_no_response(&r, "Timed out after 300 ms");
}
END_TEST

START_TEST(test_healthcheck_closed_early)
{
	struct healthcheck_result	 r;

	check_hc_get("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab", &r);
	check_hc_assert_no_response(&r,
	    "Connection closed before the end of the response");
	check_hc_get("", &r);
	ck_assert_str_eq(r.error, "Connection closed without a response");
	ck_assert_int_eq(r.status_code, 0);
}
END_TEST

START_TEST(test_healthcheck_connection_refused)
{
	struct healthcheck_result	 r;
	int				 fd, port;

	/* a port that was free a moment ago and now has no listener */
	ck_assert_int_ge(fd = check_hc_listen(AF_INET, &port), 0);
	(void)close(fd);
	ck_assert_int_eq(healthcheck_http("127.0.0.1", port, "GET", "/",
	    CHECK_HC_TIMEOUT_MS, &r), 0);
	check_hc_assert_no_response(&r, "Connection refused");
	ck_assert_int_lt(r.duration_ms, 500);
}
END_TEST

START_TEST(test_healthcheck_post_method)
{
	struct check_hc_server		 s;
	struct healthcheck_result	 r;

	check_hc_call(&s, CHECK_HC_EMPTY_200, 0, "POST", "/hc?probe=1&x=%20",
	    CHECK_HC_TIMEOUT_MS, &r);
	check_hc_assert_response(&r, 200, NULL);
	ck_assert(strncmp(s.request,
	    "POST /hc?probe=1&x=%20 HTTP/1.1\r\n", 33) == 0);
	ck_assert_ptr_nonnull(strstr(s.request, "\r\nContent-Length: 0\r\n"));
}
END_TEST

START_TEST(test_healthcheck_uri_without_slash)
{
	struct check_hc_server		 s;
	struct healthcheck_result	 r;

	check_hc_call(&s, CHECK_HC_EMPTY_200, 0, "GET", "status/ok?full=true",
	    CHECK_HC_TIMEOUT_MS, &r);
	ck_assert_str_eq(r.error, "");
	ck_assert(strncmp(s.request,
	    "GET /status/ok?full=true HTTP/1.1\r\n", 35) == 0);

	check_hc_call(&s, CHECK_HC_EMPTY_200, 0, "GET", "",
	    CHECK_HC_TIMEOUT_MS, &r);
	ck_assert(strncmp(s.request, "GET / HTTP/1.1\r\n", 16) == 0);
}
END_TEST

static const char *const check_hc_malformed[] = {
	"HTTP/1.1 OK\r\n\r\n",
	"HTTP/1.1 20 OK\r\n\r\n",
	"HTTP/1.1 2000 OK\r\n\r\n",
	"HTTP/1.1 999 Nine\r\n\r\n",
	"HTTP/2 200\r\n\r\n",
	"SSH-2.0-OpenSSH_9.2\r\n",
	"\r\n",
};

START_TEST(test_healthcheck_malformed_status_line)
{
	struct healthcheck_result	 r;

	check_hc_get(check_hc_malformed[_i], &r);
	check_hc_assert_no_response(&r, "Malformed status line");
}
END_TEST

START_TEST(test_healthcheck_malformed_framing)
{
	struct healthcheck_result	 r;

	check_hc_get("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", &r);
	ck_assert_str_eq(r.error, "Malformed Content-Length");
	check_hc_get("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "zz\r\n", &r);
	ck_assert_str_eq(r.error, "Malformed chunk size");
	check_hc_get("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "2\r\nabc\r\n0\r\n\r\n", &r);
	ck_assert_str_eq(r.error, "Malformed chunked body");
	ck_assert_int_eq(r.status_code, 0);
}
END_TEST

START_TEST(test_healthcheck_ipv6)
{
	struct check_hc_server		 s;
	struct healthcheck_result	 r;
	char				 host[64];
	const char			*reply;

	reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nv6";
	if (check_hc_start(&s, AF_INET6, reply, strlen(reply), 0) < 0) {
		(void)fprintf(stderr, "check_healthcheck: no IPv6 loopback, "
		    "skipping test_healthcheck_ipv6\n");
		return;
	}
	ck_assert_int_eq(healthcheck_http("::1", s.port, "GET", "/",
	    CHECK_HC_TIMEOUT_MS, &r), 0);
	check_hc_stop(&s);
	ck_assert_str_eq(r.error, "");
	ck_assert_str_eq(r.body, "v6");
	(void)snprintf(host, sizeof(host), "\r\nHost: [::1]:%d\r\n", s.port);
	ck_assert_ptr_nonnull(strstr(s.request, host));
	healthcheck_result_clear(&r);

	/* the bracketed form a URL would carry */
	ck_assert_int_eq(check_hc_start(&s, AF_INET6, reply, strlen(reply),
	    0), 0);
	ck_assert_int_eq(healthcheck_http("[::1]", s.port, "GET", "/",
	    CHECK_HC_TIMEOUT_MS, &r), 0);
	check_hc_stop(&s);
	ck_assert_str_eq(r.error, "");
	(void)snprintf(host, sizeof(host), "\r\nHost: [::1]:%d\r\n", s.port);
	ck_assert_ptr_nonnull(strstr(s.request, host));
	healthcheck_result_clear(&r);
}
END_TEST

START_TEST(test_healthcheck_host_name)
{
	struct check_hc_server		 s;
	struct healthcheck_result	 r;

	/* "localhost" may be ::1 first: the next address is tried */
	check_hc_start4(&s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
	    0);
	ck_assert_int_eq(healthcheck_http("localhost", s.port, "GET", "/",
	    CHECK_HC_TIMEOUT_MS, &r), 0);
	check_hc_stop(&s);
	ck_assert_str_eq(r.error, "");
	ck_assert_int_eq(r.status_code, 200);
	ck_assert_ptr_nonnull(strstr(s.request, "\r\nHost: localhost:"));
	healthcheck_result_clear(&r);
}
END_TEST

START_TEST(test_healthcheck_bad_arguments)
{
	struct healthcheck_result	 r;

	memset(&r, 0x5a, sizeof(r));
	ck_assert_int_eq(healthcheck_http(NULL, 80, "GET", "/", 100, &r),
	    -EINVAL);
	ck_assert_int_eq(healthcheck_http("h", 0, "GET", "/", 100, &r),
	    -EINVAL);
	ck_assert_int_eq(healthcheck_http("h", 65536, "GET", "/", 100, &r),
	    -EINVAL);
	ck_assert_int_eq(healthcheck_http("h", 80, "PUT", "/", 100, &r),
	    -EINVAL);
	ck_assert_int_eq(healthcheck_http("h", 80, "GET", NULL, 100, &r),
	    -EINVAL);
	ck_assert_int_eq(healthcheck_http("h", 80, "GET", "/", 0, &r),
	    -EINVAL);
	ck_assert_int_eq(healthcheck_http("h", 80, "GET", "/", 100, NULL),
	    -EINVAL);
	ck_assert_int_eq(r.status_code, 0x5a5a5a5a);	/* untouched */

	/* bad data from a deploy is a failed check, not an error */
	ck_assert_int_eq(healthcheck_http("127.0.0.1", 80, "GET",
	    "/a b", 100, &r), 0);
	ck_assert_str_eq(r.error, "Invalid healthcheck uri");
	ck_assert_int_eq(healthcheck_http("127.0.0.1", 80, "GET",
	    "/a\r\nX: y", 100, &r), 0);
	ck_assert_str_eq(r.error, "Invalid healthcheck uri");
	ck_assert_int_eq(healthcheck_http("bad\nhost", 80, "GET", "/", 100,
	    &r), 0);
	ck_assert_str_eq(r.error, "Invalid healthcheck host");
	ck_assert_int_eq(healthcheck_http("", 80, "GET", "/", 100, &r), 0);
	ck_assert_str_eq(r.error, "Invalid healthcheck host");
	ck_assert_int_eq(r.status_code, 0);
}
END_TEST

START_TEST(test_healthcheck_json_response)
{
	struct healthcheck_result	 r;
	json_t				*id, *v;

	memset(&r, 0, sizeof(r));
	r.status_code = 200;
	r.duration_ms = 12;
	r.body = strdup("up");
	ck_assert_ptr_nonnull(id = json_pack("{s:s,s:s}", "id", "a-b-1-1-h-r",
	    "requestId", "a"));
	ck_assert_ptr_nonnull(v = healthcheck_result_json(id, 1700000000000LL,
	    &r, 0));
	ck_assert(json_equal(json_object_get(v, "taskId"), id));
	ck_assert_int_eq(json_integer_value(json_object_get(v, "timestamp")),
	    1700000000000LL);
	ck_assert_int_eq(json_integer_value(json_object_get(v, "statusCode")),
	    200);
	ck_assert_int_eq(json_integer_value(json_object_get(v,
	    "durationMillis")), 12);
	ck_assert_str_eq(json_string_value(json_object_get(v,
	    "responseBody")), "up");
	ck_assert_ptr_null(json_object_get(v, "errorMessage"));
	ck_assert(json_is_false(json_object_get(v, "startup")));
	ck_assert_int_eq(json_object_size(v), 6);
	json_decref(v);
	ck_assert_ptr_null(healthcheck_result_json(NULL, 0, &r, 0));
	ck_assert_ptr_null(healthcheck_result_json(id, 0, NULL, 0));
	json_decref(id);
	healthcheck_result_clear(&r);
}
END_TEST

START_TEST(test_healthcheck_json_no_response)
{
	struct healthcheck_result	 r;
	json_t				*id, *v;

	memset(&r, 0, sizeof(r));
	r.duration_ms = 1;
	(void)snprintf(r.error, sizeof(r.error), "Connection refused");
	ck_assert_ptr_nonnull(id = json_pack("{s:s}", "id", "t"));
	ck_assert_ptr_nonnull(v = healthcheck_result_json(id, 5, &r, 1));
	ck_assert_ptr_null(json_object_get(v, "statusCode"));
	ck_assert_ptr_null(json_object_get(v, "responseBody"));
	ck_assert_str_eq(json_string_value(json_object_get(v,
	    "errorMessage")), "Connection refused");
	ck_assert(json_is_true(json_object_get(v, "startup")));
	ck_assert_int_eq(json_integer_value(json_object_get(v,
	    "durationMillis")), 1);
	ck_assert_int_eq(json_object_size(v), 5);
	json_decref(v);
	json_decref(id);
}
END_TEST

START_TEST(test_healthcheck_fatal_status_codes)
{
	struct healthcheck_result	 r;
	json_t				*codes;

	ck_assert_ptr_nonnull(codes = json_pack("[i,i,s,i]", 503, 404, "500",
	    200));
	ck_assert(healthcheck_status_is_fatal(503, codes));
	ck_assert(healthcheck_status_is_fatal(404, codes));
	ck_assert(!healthcheck_status_is_fatal(500, codes));	/* a string */
	ck_assert(!healthcheck_status_is_fatal(502, codes));
	ck_assert(!healthcheck_status_is_fatal(0, codes));
	ck_assert(!healthcheck_status_is_fatal(503, NULL));

	memset(&r, 0, sizeof(r));
	r.status_code = 200;
	ck_assert(healthcheck_result_ok(&r, NULL));
	ck_assert(!healthcheck_result_ok(&r, codes));	/* listed: fails */
	r.status_code = 299;
	ck_assert(healthcheck_result_ok(&r, codes));
	r.status_code = 301;
	ck_assert(!healthcheck_result_ok(&r, NULL));
	r.status_code = 199;
	ck_assert(!healthcheck_result_ok(&r, NULL));
	r.status_code = 204;
	(void)snprintf(r.error, sizeof(r.error), "Timed out after 5000 ms");
	ck_assert(!healthcheck_result_ok(&r, NULL));
	ck_assert(!healthcheck_result_ok(NULL, NULL));
	json_decref(codes);
}
END_TEST

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*healthcheck_suite(void);

Suite *
healthcheck_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("core"),
		FIXTURE_TEST(test_healthcheck_content_length),
		FIXTURE_TEST(test_healthcheck_server_error),
		FIXTURE_TEST(test_healthcheck_chunked),
		FIXTURE_TEST(test_healthcheck_body_until_close),
		FIXTURE_TEST(test_healthcheck_no_content),
		FIXTURE_TEST(test_healthcheck_interim_response_skipped),
		FIXTURE_LOOP(test_healthcheck_body_truncated, 2),
		FIXTURE_TEST(test_healthcheck_body_utf8),
		FIXTURE_TEST(test_healthcheck_timeout),
		FIXTURE_TEST(test_healthcheck_timeout_in_body),
		FIXTURE_TEST(test_healthcheck_closed_early),
		FIXTURE_TEST(test_healthcheck_connection_refused),
		FIXTURE_TEST(test_healthcheck_post_method),
		FIXTURE_TEST(test_healthcheck_uri_without_slash),
		FIXTURE_LOOP(test_healthcheck_malformed_status_line,
		    FIXTURE_N(check_hc_malformed)),
		FIXTURE_TEST(test_healthcheck_malformed_framing),
		FIXTURE_TEST(test_healthcheck_ipv6),
		FIXTURE_TEST(test_healthcheck_host_name),
		FIXTURE_TEST(test_healthcheck_bad_arguments),
		FIXTURE_TEST(test_healthcheck_json_response),
		FIXTURE_TEST(test_healthcheck_json_no_response),
		FIXTURE_TEST(test_healthcheck_fatal_status_codes),
		FIXTURE_END
	};

	return (fixture_suite("healthcheck", tests));
}
