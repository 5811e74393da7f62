/*
 * Task health checks (spec 3.13): a small blocking HTTP/1.1 client, the
 * SingularityTaskHealthcheckResult object (spec 2.5) and the pass/fail
 * rules.  Touches no table and sends no bus message; the scheduler
 * stores the result and decides what it means for the task.
 *
 * DESIGN: one call is one connection (`Connection: close`), so there is
 * no keep-alive, pipelining or redirect state to carry.  Every wait is a
 * poll() against a single monotonic deadline, taken before the name is
 * resolved, so a task that accepts and never answers, or answers one
 * byte a second, costs its worker at most timeout_ms.  The body is read
 * only as far as the 8192 bytes Singularity keeps: a task that streams
 * forever cannot hold the check open.  A result is either a response
 * (status, body, error "") or none (status 0, no body, a reason), as
 * Singularity's asynchronous client reports either a response or an
 * exception, never both.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netdb.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "healthcheck.h"

#define HEALTHCHECK_LINE_MAX	8192	/* longest status or header line */
#define HEALTHCHECK_HOST_MAX	1025	/* NI_MAXHOST */
#define HEALTHCHECK_NUM_DIGITS	18	/* fits an int64_t */

struct healthcheck_conn {
	int	 fd;
	int	 timeout_ms;
	int64_t	 start;			/* monotonic ms */
	int64_t	 deadline;		/* monotonic ms */
	int	 received;		/* any byte came back */
	int	 status;
	char	*body;			/* HEALTHCHECK_BODY_MAX + 1 bytes */
	size_t	 body_len;
	size_t	 off;			/* first unread byte of buf */
	size_t	 len;			/* bytes in buf */
	char	 error[HEALTHCHECK_ERROR_MAX];
	char	 buf[HEALTHCHECK_LINE_MAX];
};

struct healthcheck_head {
	int	 status;
	int	 chunked;
	int64_t	 length;		/* -1: no Content-Length */
};

static int64_t
healthcheck_mono_ms(void)
{
	struct timespec	 ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Keep the first reason: later failures are consequences of it. */
static int __attribute__((format(printf, 2, 3)))
healthcheck_fail(struct healthcheck_conn *c, const char *fmt, ...)
{
	va_list	 ap;

	if (c->error[0] == '\0') {
		va_start(ap, fmt);
		(void)vsnprintf(c->error, sizeof(c->error), fmt, ap);
		va_end(ap);
	}
	return (-EPROTO);
}

/* Out of memory or descriptors here: our trouble, not the task's. */
static int
healthcheck_is_local(int r)
{
	return (r == -ENOMEM || r == -EMFILE || r == -ENFILE ||
	    r == -ENOBUFS);
}

static int
healthcheck_is_digit(int ch)
{
	return (ch >= '0' && ch <= '9');
}

/* Printable ASCII only: anything else would break the request head. */
static int
healthcheck_is_token(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s >= 0x7f)
			return (0);
	return (1);
}

/* Length of the UTF-8 sequence at p: 0 invalid, -1 cut short by n. */
static int
healthcheck_utf8_seq(const unsigned char *p, size_t n)
{
	unsigned int	 cp;
	int		 i, len;

	if (p[0] < 0x80)
		return (p[0] == 0 ? 0 : 1);
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else
		return (0);
	for (i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return (-1);
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates and past U+10FFFF: jansson refuses */
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return (0);
	return (len);
}

/*
 * Make s[0..len) a C string of valid UTF-8 in place, so that it always
 * fits in a JSON string: a bad byte (NUL included) becomes '?'; with
 * `cut`, a sequence split by our own truncation is dropped instead.
 */
static size_t
healthcheck_utf8_fix(char *s, size_t len, int cut)
{
	size_t	 i = 0;
	int	 n;

	while (i < len) {
		n = healthcheck_utf8_seq((unsigned char *)s + i, len - i);
		if (n > 0) {
			i += (size_t)n;
			continue;
		}
		if (n < 0 && cut) {
			len = i;
			break;
		}
		s[i++] = '?';
	}
	s[len] = '\0';
	return (len);
}

/* Wait until fd is ready for events, or the deadline passes. */
static int
healthcheck_wait(struct healthcheck_conn *c, short events)
{
	struct pollfd	 pfd;
	int64_t		 left;
	int		 n;

	pfd.fd = c->fd;
	pfd.events = events;
	for (;;) {
		left = c->deadline - healthcheck_mono_ms();
		if (left <= 0)
			return (-ETIMEDOUT);
		n = poll(&pfd, 1, (int)left);
		/* POLLERR and POLLHUP too: the next call reports why */
		if (n > 0)
			return (0);
		if (n < 0 && errno != EINTR)
			return (-errno);
	}
}

static int
healthcheck_connect_one(struct healthcheck_conn *c, const struct addrinfo *ai)
{
	socklen_t	 len = sizeof(int);
	int		 err = 0, r;

	c->fd = socket(ai->ai_family,
	    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (c->fd == -1)
		return (-errno);
	if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return (0);
	if (errno != EINPROGRESS)
		r = -errno;
	else if ((r = healthcheck_wait(c, POLLOUT)) == 0) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			r = -errno;
		else
			r = -err;
	}
	if (r < 0) {
		(void)close(c->fd);
		c->fd = -1;
	}
	return (r);
}

static int
healthcheck_resolve_fail(struct healthcheck_conn *c, const char *host,
    int gai)
{
	if (gai == EAI_MEMORY)
		return (-ENOMEM);
	if (gai == EAI_SYSTEM && errno != 0)
		return (healthcheck_fail(c, "Cannot resolve %s: %s", host,
		    strerror(errno)));
	return (healthcheck_fail(c, "Cannot resolve %s: %s", host,
	    gai_strerror(gai)));
}

/*
 * Try each address in turn, as a browser does: "localhost" is often ::1
 * first while the task listens on 127.0.0.1 only.  One deadline for all.
 */
static int
healthcheck_connect(struct healthcheck_conn *c, const char *host, int port)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 serv[16];
	int		 r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	(void)snprintf(serv, sizeof(serv), "%d", port);
	errno = 0;
	if ((r = getaddrinfo(host, serv, &hints, &res)) != 0)
		return (healthcheck_resolve_fail(c, host, r));
	r = -EADDRNOTAVAIL;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		r = healthcheck_connect_one(c, ai);
		if (r == 0 || r == -ETIMEDOUT || healthcheck_is_local(r))
			break;
	}
	freeaddrinfo(res);
	return (r);
}

static int
healthcheck_send(struct healthcheck_conn *c, const char *p, size_t len)
{
	ssize_t	 n;
	int	 r;

	while (len > 0) {
		n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n >= 0) {
			p += n;
			len -= (size_t)n;
		} else if (errno != EINTR && errno != EAGAIN)
			return (-errno);
		else if (errno == EAGAIN && (r = healthcheck_wait(c,
		    POLLOUT)) < 0)
			return (r);
	}
	return (0);
}

/* Append to buf: >0 bytes read, 0 end of stream, <0 errno. */
static int
healthcheck_fill(struct healthcheck_conn *c)
{
	ssize_t	 n;
	int	 r;

	if (c->off > 0) {
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->off = 0;
	}
	if (c->len == sizeof(c->buf))
		return (healthcheck_fail(c, "Response header line too long"));
	for (;;) {
		n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (n > 0) {
			c->len += (size_t)n;
			c->received = 1;
			return (1);
		}
		if (n == 0)
			return (0);
		if (errno != EINTR && errno != EAGAIN)
			return (-errno);
		if (errno == EAGAIN && (r = healthcheck_wait(c, POLLIN)) < 0)
			return (r);
	}
}

/*
 * The next line without its CR LF (a bare LF is tolerated), as a C
 * string inside buf, valid until the next read; -ENODATA at the end.
 */
static int
healthcheck_getline(struct healthcheck_conn *c, char **ret)
{
	char	*p, *nl;
	int	 r;

	for (;;) {
		p = c->buf + c->off;
		if ((nl = memchr(p, '\n', c->len - c->off)) != NULL) {
			c->off = (size_t)(nl - c->buf) + 1;
			if (nl > p && nl[-1] == '\r')
				nl--;
			*nl = '\0';
			*ret = p;
			return (0);
		}
		if ((r = healthcheck_fill(c)) < 0)
			return (r);
		if (r == 0)
			return (-ENODATA);
	}
}

/*
 * Up to want body bytes (want < 0: until the peer closes), stopping
 * once HEALTHCHECK_BODY_MAX bytes are kept: the rest is never read.
 */
static int
healthcheck_read_body(struct healthcheck_conn *c, int64_t want)
{
	size_t	 n;
	int	 r;

	while (want != 0 && c->body_len < HEALTHCHECK_BODY_MAX) {
		if (c->off == c->len) {
			if ((r = healthcheck_fill(c)) < 0)
				return (r);
			if (r == 0)
				return (want < 0 ? 0 : -ENODATA);
			continue;
		}
		n = c->len - c->off;
		if (want > 0 && (uint64_t)want < n)
			n = (size_t)want;
		if (n > HEALTHCHECK_BODY_MAX - c->body_len)
			n = HEALTHCHECK_BODY_MAX - c->body_len;
		memcpy(c->body + c->body_len, c->buf + c->off, n);
		c->body_len += n;
		c->off += n;
		if (want > 0)
			want -= (int64_t)n;
	}
	return (0);
}

/* Decimal (Content-Length) or hex (chunk size) digits into *ret. */
static int
healthcheck_number(const char *s, int base, const char **ret_end,
    int64_t *ret)
{
	int64_t	 v = 0;
	int	 d, n = 0;

	for (;; s++, n++) {
		if (healthcheck_is_digit(*s))
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (n == HEALTHCHECK_NUM_DIGITS - (base == 16 ? 3 : 0))
			return (-EINVAL);
		v = v * base + d;
	}
	if (n == 0)
		return (-EINVAL);
	*ret_end = s;
	*ret = v;
	return (0);
}

static int
healthcheck_read_chunked(struct healthcheck_conn *c)
{
	const char	*end;
	char		*line;
	int64_t		 size;
	int		 r;

	while (c->body_len < HEALTHCHECK_BODY_MAX) {
		if ((r = healthcheck_getline(c, &line)) < 0)
			return (r);
		if (healthcheck_number(line, 16, &end, &size) < 0 ||
		    (*end != '\0' && *end != ';' && *end != ' ' &&
		    *end != '\t'))
			return (healthcheck_fail(c, "Malformed chunk size"));
		if (size == 0)
			return (0);	/* trailers are of no interest */
		if ((r = healthcheck_read_body(c, size)) < 0)
			return (r);
		if (c->body_len == HEALTHCHECK_BODY_MAX)
			break;
		if ((r = healthcheck_getline(c, &line)) < 0)
			return (r);
		if (*line != '\0')
			return (healthcheck_fail(c, "Malformed chunked body"));
	}
	return (0);
}

/* "HTTP/1.x NNN[ reason]" */
static int
healthcheck_status_line(const char *s, int *ret)
{
	if (strncmp(s, "HTTP/1.", 7) != 0 || !healthcheck_is_digit(s[7]) ||
	    s[8] != ' ')
		return (-EINVAL);
	s += 9;
	if (s[0] < '1' || s[0] > '5' || !healthcheck_is_digit(s[1]) ||
	    !healthcheck_is_digit(s[2]) || (s[3] != '\0' && s[3] != ' '))
		return (-EINVAL);
	*ret = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	return (0);
}

/* Only the framing headers matter; a line without ':' is skipped. */
static int
healthcheck_header(struct healthcheck_conn *c, char *line,
    struct healthcheck_head *h)
{
	const char	*end;
	char		*value;
	size_t		 n;

	if ((value = strchr(line, ':')) == NULL)
		return (0);
	*value++ = '\0';
	value += strspn(value, " \t");
	for (n = strlen(value); n > 0 && (value[n - 1] == ' ' ||
	    value[n - 1] == '\t'); n--)
		value[n - 1] = '\0';
	if (strcasecmp(line, "Transfer-Encoding") == 0 &&
	    strcasestr(value, "chunked") != NULL)
		h->chunked = 1;
	if (strcasecmp(line, "Content-Length") == 0 &&
	    (healthcheck_number(value, 10, &end, &h->length) < 0 ||
	    *end != '\0'))
		return (healthcheck_fail(c, "Malformed Content-Length"));
	return (0);
}

/* Status line and headers of the final response: 1xx ones are skipped. */
static int
healthcheck_read_head(struct healthcheck_conn *c, struct healthcheck_head *h)
{
	char	*line;
	int	 r;

	do {
		memset(h, 0, sizeof(*h));
		h->length = -1;
		if ((r = healthcheck_getline(c, &line)) < 0)
			return (r);
		if (healthcheck_status_line(line, &h->status) < 0)
			return (healthcheck_fail(c, "Malformed status line"));
		for (;;) {
			if ((r = healthcheck_getline(c, &line)) < 0)
				return (r);
			if (*line == '\0')
				break;
			if ((r = healthcheck_header(c, line, h)) < 0)
				return (r);
		}
	} while (h->status < 200);
	return (0);
}

static int
healthcheck_read_response(struct healthcheck_conn *c)
{
	struct healthcheck_head	 h;
	int			 r;

	if ((r = healthcheck_read_head(c, &h)) < 0)
		return (r);
	c->status = h.status;
	if (h.status == 204 || h.status == 304)
		return (0);
	if (h.chunked)
		return (healthcheck_read_chunked(c));
	return (healthcheck_read_body(c, h.length));
}

/* The request head; *ret is malloc'd.  An IPv6 Host gets brackets. */
static int
healthcheck_request(const char *method, const char *host, int port,
    const char *uri, char **ret, size_t *ret_len)
{
	int	 ipv6 = strchr(host, ':') != NULL;
	int	 n;

	n = asprintf(ret, "%s %s%s HTTP/1.1\r\n"
	    "Host: %s%s%s:%d\r\n"
	    "User-Agent: kerr-healthcheck\r\n"
	    "%s"
	    "Connection: close\r\n"
	    "\r\n",
	    method, uri[0] == '/' ? "" : "/", uri,
	    ipv6 ? "[" : "", host, ipv6 ? "]" : "", port,
	    strcmp(method, "POST") == 0 ? "Content-Length: 0\r\n" : "");
	if (n < 0) {
		*ret = NULL;
		return (-ENOMEM);
	}
	*ret_len = (size_t)n;
	return (0);
}

/* host without the brackets an IPv6 literal may come in. */
static int
healthcheck_host(struct healthcheck_conn *c, const char *host, char *buf,
    size_t len)
{
	size_t	 n = strlen(host);

	if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n == 0 || n >= len)
		return (healthcheck_fail(c, "Invalid healthcheck host"));
	memcpy(buf, host, n);
	buf[n] = '\0';
	if (!healthcheck_is_token(buf) || strchr(buf, '[') != NULL ||
	    strchr(buf, ']') != NULL)
		return (healthcheck_fail(c, "Invalid healthcheck host"));
	return (0);
}

static int
healthcheck_exchange(struct healthcheck_conn *c, const char *host, int port,
    const char *method, const char *uri)
{
	char	 name[HEALTHCHECK_HOST_MAX];
	char	*req = NULL;
	size_t	 len = 0;
	int	 r;

	if ((r = healthcheck_host(c, host, name, sizeof(name))) < 0)
		return (r);
	if (!healthcheck_is_token(uri))
		return (healthcheck_fail(c, "Invalid healthcheck uri"));
	if ((r = healthcheck_request(method, name, port, uri, &req,
	    &len)) < 0)
		return (r);
	if ((r = healthcheck_connect(c, name, port)) == 0 &&
	    (r = healthcheck_send(c, req, len)) == 0)
		r = healthcheck_read_response(c);
	free(req);
	return (r);
}

/* Turn the outcome r of the exchange into *ret; local trouble returns. */
static int
healthcheck_finish(struct healthcheck_conn *c, int r,
    struct healthcheck_result *ret)
{
	if (healthcheck_is_local(r))
		return (r);
	memset(ret, 0, sizeof(*ret));
	ret->duration_ms = healthcheck_mono_ms() - c->start;
	if (r < 0) {
		if (r == -ETIMEDOUT)
			(void)healthcheck_fail(c, "Timed out after %d ms",
			    c->timeout_ms);
		else if (r == -ENODATA && c->received)
			(void)healthcheck_fail(c, "Connection closed before "
			    "the end of the response");
		else if (r == -ENODATA)
			(void)healthcheck_fail(c, "Connection closed without "
			    "a response");
		else
			(void)healthcheck_fail(c, "%s", strerror(-r));
		memcpy(ret->error, c->error, sizeof(ret->error));
		/* a translated strerror() cut at 255 bytes */
		(void)healthcheck_utf8_fix(ret->error, strlen(ret->error), 1);
		return (0);
	}
	ret->status_code = c->status;
	if (healthcheck_utf8_fix(c->body, c->body_len,
	    c->body_len == HEALTHCHECK_BODY_MAX) > 0) {
		ret->body = c->body;
		c->body = NULL;
	}
	return (0);
}

static void
healthcheck_conn_free(struct healthcheck_conn *c)
{
	if (c == NULL)
		return;
	if (c->fd != -1)
		(void)close(c->fd);
	free(c->body);
	free(c);
}

static struct healthcheck_conn *
healthcheck_conn_new(int timeout_ms)
{
	struct healthcheck_conn	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (NULL);
	c->fd = -1;
	if ((c->body = malloc(HEALTHCHECK_BODY_MAX + 1)) == NULL) {
		free(c);
		return (NULL);
	}
	c->timeout_ms = timeout_ms;
	c->start = healthcheck_mono_ms();
	c->deadline = c->start + timeout_ms;
	return (c);
}

void
healthcheck_result_clear(struct healthcheck_result *r)
{
	if (r == NULL)
		return;
	free(r->body);
	memset(r, 0, sizeof(*r));
}

int
healthcheck_http(const char *host, int port, const char *method,
    const char *uri, int timeout_ms, struct healthcheck_result *ret)
{
	struct healthcheck_conn	*c = NULL;
	int			 r;

	if (host == NULL || method == NULL || uri == NULL || ret == NULL ||
	    port < 1 || port > 65535 || timeout_ms < 1 ||
	    (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0))
		return (-EINVAL);
	if ((c = healthcheck_conn_new(timeout_ms)) == NULL)
		return (-ENOMEM);
	r = healthcheck_exchange(c, host, port, method, uri);
	r = healthcheck_finish(c, r, ret);
	healthcheck_conn_free(c);
	return (r);
}

json_t *
healthcheck_result_json(const json_t *task_id, int64_t started_at_ms,
    const struct healthcheck_result *r, int startup)
{
	json_t	*obj;

	if (task_id == NULL || r == NULL || (obj = json_object()) == NULL)
		return (NULL);
	/* absent, not null, for what did not happen (spec 0.2) */
	if (json_object_set_new(obj, "taskId", json_deep_copy(task_id)) < 0 ||
	    json_object_set_new(obj, "timestamp",
	    json_integer(started_at_ms)) < 0 ||
	    (r->status_code != 0 && json_object_set_new(obj, "statusCode",
	    json_integer(r->status_code)) < 0) ||
	    json_object_set_new(obj, "durationMillis",
	    json_integer(r->duration_ms)) < 0 ||
	    (r->body != NULL && json_object_set_new(obj, "responseBody",
	    json_string(r->body)) < 0) ||
	    (r->error[0] != '\0' && json_object_set_new(obj, "errorMessage",
	    json_string(r->error)) < 0) ||
	    json_object_set_new(obj, "startup", json_boolean(startup)) < 0) {
		json_decref(obj);
		return (NULL);
	}
	return (obj);
}

int
healthcheck_status_is_fatal(int code, const json_t *failure_status_codes)
{
	const json_t	*v;
	size_t		 i;

	if (code <= 0 || !json_is_array(failure_status_codes))
		return (0);
	for (i = 0; i < json_array_size(failure_status_codes); i++) {
		v = json_array_get(failure_status_codes, i);
		if (json_is_integer(v) && json_integer_value(v) == code)
			return (1);
	}
	return (0);
}

int
healthcheck_result_ok(const struct healthcheck_result *r,
    const json_t *failure_status_codes)
{
	if (r == NULL || r->error[0] != '\0' || r->status_code < 200 ||
	    r->status_code > 299)
		return (0);
	/* a code the deploy lists as failing never counts as a pass */
	return (!healthcheck_status_is_fatal(r->status_code,
	    failure_status_codes));
}
