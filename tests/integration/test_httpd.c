/*
 * A tiny HTTP server for the tests, run as a task's command or by a test
 * itself: kerr-test-httpd PORT STATUS [FILE [DELAY_MS]] answers every
 * request with STATUS and a short body, forever.  With FILE, it is a
 * webhook receiver: it reads each whole request and appends it to FILE
 * as one line, "METHOD PATH BODY", before it answers (DELAY_MS later, to
 * play a slow receiver).  kerr-test-httpd PORT files DIR LOG serves the
 * files of DIR (404 for any other path, and for one with "..") and
 * appends "GET /path" to LOG for each request, for the artifact tests.
 * Kept apart from kerr so tests need no interpreter.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define TEST_HTTPD_MAX	(1024 * 1024)	/* one request, headers and body */

/* Read a request into buf until its headers and Content-Length bytes of
 * body are in; its length, or -1. */
static ssize_t
test_httpd_read(int c, char *buf, size_t len)
{
	size_t	 got = 0, want = 0;
	ssize_t	 n;
	char	*end, *cl;

	for (;;) {
		if ((n = read(c, buf + got, len - 1 - got)) <= 0)
			return (-1);
		got += (size_t)n;
		buf[got] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) == NULL) {
			if (got == len - 1)
				return (-1);
			continue;
		}
		cl = strcasestr(buf, "\r\nContent-Length:");
		want = (size_t)(end + 4 - buf) + (cl != NULL && cl < end ?
		    strtoul(cl + 17, NULL, 10) : 0);
		if (want > len - 1)
			return (-1);
		if (got >= want)
			return ((ssize_t)got);
	}
}

/* Append "METHOD PATH BODY\n" to path. */
static void
test_httpd_record(const char *path, const char *req)
{
	const char	*body = strstr(req, "\r\n\r\n") + 4;
	const char	*eol = strstr(req, " HTTP/");
	FILE		*fp;

	if ((fp = fopen(path, "a")) == NULL) {
		perror("kerr-test-httpd: record");
		return;
	}
	fprintf(fp, "%.*s %s\n", eol != NULL ? (int)(eol - req) : 0, req, body);
	if (fclose(fp) != 0)
		perror("kerr-test-httpd: record");
}

static void
test_httpd_serve(int c, const char *reply, size_t n, const char *record,
    long delay_ms)
{
	static char		buf[TEST_HTTPD_MAX];
	struct timespec		ts = { delay_ms / 1000,
				    (delay_ms % 1000) * 1000000 };

	if (record == NULL) {
		/* One read of the request is enough for a fixed answer. */
		if (read(c, buf, sizeof(buf)) < 0)
			return;
	} else {
		if (test_httpd_read(c, buf, sizeof(buf)) < 0)
			return;
		test_httpd_record(record, buf);
		if (delay_ms > 0)
			(void)nanosleep(&ts, NULL);
	}
	if (write(c, reply, n) != (ssize_t)n)
		perror("kerr-test-httpd: write");
}

/* The file mode: one GET, its file or a 404. */
static void
test_httpd_file(int c, const char *dir, const char *log)
{
	static char	buf[TEST_HTTPD_MAX];
	char		path[4096], head[256];
	const char	*p, *sp;
	ssize_t		n;
	int		fd = -1, len;

	if (test_httpd_read(c, buf, sizeof(buf)) < 0)
		return;
	test_httpd_record(log, buf);
	if (strncmp(buf, "GET /", 5) == 0 && (sp = strchr(buf + 4, ' ')) !=
	    NULL && (p = buf + 5) < sp && memmem(p, (size_t)(sp - p), "..",
	    2) == NULL) {
		(void)snprintf(path, sizeof(path), "%s/%.*s", dir,
		    (int)(sp - p), p);
		fd = open(path, O_RDONLY);
	}
	if (fd < 0) {
		len = snprintf(head, sizeof(head), "HTTP/1.1 404 Not Found\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n");
		(void)!write(c, head, (size_t)len);
		return;
	}
	len = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n"
	    "Content-Length: %lld\r\nConnection: close\r\n\r\n",
	    (long long)lseek(fd, 0, SEEK_END));
	(void)lseek(fd, 0, SEEK_SET);
	if (write(c, head, (size_t)len) == len)
		while ((n = read(fd, buf, sizeof(buf))) > 0 &&
		    write(c, buf, (size_t)n) == n)
			;
	close(fd);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	char			reply[256];
	int			fd, c, one = 1, n;

	if (argc < 3 || argc > 5)
		return (2);
	sin.sin_port = htons((uint16_t)atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 16) < 0) {
		perror("kerr-test-httpd");
		return (1);
	}
	n = snprintf(reply, sizeof(reply), "HTTP/1.1 %s Status\r\n"
	    "Content-Length: 2\r\nConnection: close\r\n\r\nok", argv[2]);
	printf("listening on %s\n", argv[1]);
	fflush(stdout);
	for (;;) {
		if ((c = accept(fd, NULL, NULL)) < 0)
			continue;
		if (strcmp(argv[2], "files") == 0 && argc == 5)
			test_httpd_file(c, argv[3], argv[4]);
		else
			test_httpd_serve(c, reply, (size_t)n, argc > 3 ?
			    argv[3] : NULL, argc > 4 ? atol(argv[4]) : 0);
		close(c);
	}
}
