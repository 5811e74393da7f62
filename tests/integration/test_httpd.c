/*
 * A tiny HTTP server for health-check tests, run as a task's command:
 * kerr-test-httpd PORT STATUS answers every request with STATUS and a short
 * body, forever.  Kept apart from kerr so tests need no interpreter.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	char			buf[4096], reply[256];
	int			fd, c, one = 1, n;

	if (argc != 3)
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
		/* One read of the request is enough for a fixed answer. */
		if (read(c, buf, sizeof(buf)) >= 0 &&
		    write(c, reply, (size_t)n) != n)
			perror("kerr-test-httpd: write");
		close(c);
	}
}
