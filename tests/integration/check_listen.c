/*
 * How apid listens (issue 16): HTTPS with tls_cert and tls_key, on its
 * own port and on a socket passed as systemd passes one, refusing plain
 * HTTP there; and the connection limits: too many headers and too large
 * ones (431), an idle connection closed after idle_timeout_seconds, at
 * most max_connections open at once.
 */

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>

#include "fixture.h"
#include "harness.h"

Suite	*listen_suite(void);

#define V1	"/singularity/v1"

static char	listen_cert[PATH_MAX + 16], listen_key[PATH_MAX + 16];

static size_t
listen_discard(char *data, size_t size, size_t nmemb, void *arg)
{
	(void)data;
	(void)arg;
	return (size * nmemb);
}

/* A self-signed certificate for 127.0.0.1 in dir. */
static void
listen_make_cert(const char *dir)
{
	char	cmd[4 * PATH_MAX];

	snprintf(listen_cert, sizeof(listen_cert), "%s/cert.pem", dir);
	snprintf(listen_key, sizeof(listen_key), "%s/key.pem", dir);
	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 "
	    "-addext subjectAltName=IP:127.0.0.1 -keyout '%s' -out '%s' "
	    ">/dev/null 2>&1", listen_key, listen_cert);
	ck_assert_msg(system(cmd) == 0, "openssl could not make a certificate");
}

/* GET url trusting the test certificate: the HTTP status, or -1 when
 * no HTTP answer came (curl's error in why). */
static long
listen_get(const char *url, char *why, size_t len)
{
	CURL		*curl = curl_easy_init();
	CURLcode	 rc;
	long		 status = -1;

	ck_assert_ptr_nonnull(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CAINFO, listen_cert);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 5L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, listen_discard);
	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	snprintf(why, len, "%s", curl_easy_strerror(rc));
	curl_easy_cleanup(curl);
	return (status);
}

static void
listen_wait_https(int port)
{
	char	url[256], why[256];
	int	i;

	snprintf(url, sizeof(url), "https://127.0.0.1:%d" V1 "/state", port);
	for (i = 0; i < 200; i++) {
		if (listen_get(url, why, sizeof(why)) == 200)
			return;
		usleep(50000);
	}
	ck_abort_msg("no HTTPS answer on %s: %s", url, why);
}

static void
listen_https_checks(int port)
{
	char	url[256], why[256];

	listen_wait_https(port);
	/* Plain HTTP on the TLS port gets no HTTP answer. */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d" V1 "/state", port);
	ck_assert_int_eq(listen_get(url, why, sizeof(why)), -1);
}

START_TEST(test_listen_tls)
{
	struct kerr_env	env;
	char		conf[3 * PATH_MAX], dir[PATH_MAX];
	int		lfd;

	fixture_tmpdir("kerr-tls", dir, sizeof(dir));
	listen_make_cert(dir);
	snprintf(conf, sizeof(conf), "tls_cert = %s\ntls_key = %s\n",
	    listen_cert, listen_key);
	harness_prepare(&env, conf);
	harness_spawn(&env, HARNESS_APID);
	listen_https_checks(env.port);
	ck_assert_int_ge(harness_stop_daemon(&env, HARNESS_APID, 5000), 0);
	/* The same on the socket systemd would pass (kerr-apid.socket). */
	lfd = harness_listen_socket(env.port);
	harness_spawn_listen(&env, HARNESS_APID, lfd);
	listen_https_checks(env.port);
	ck_assert_int_ge(harness_stop_daemon(&env, HARNESS_APID, 5000), 0);
	close(lfd);
	harness_cleanup(&env);
	fixture_rmtree(dir);
}
END_TEST

/* A raw connection to the API's port. */
static int
listen_connect(int port)
{
	int	fd = harness_connect(port);

	ck_assert_int_ge(fd, 0);
	return (fd);
}

/* Whether the server closed fd within ms (a read of 0 or a reset). */
static int
listen_closed_within(int fd, int ms)
{
	struct pollfd	p = { .fd = fd, .events = POLLIN };
	char		buf[256];

	if (poll(&p, 1, ms) <= 0)
		return (0);
	return (read(fd, buf, sizeof(buf)) <= 0);
}

/* GET /state with n extra headers of size bytes each: the status. */
static long
listen_get_headers(int n, size_t size)
{
	struct curl_slist	*h = NULL;
	CURL			*curl = curl_easy_init();
	char			 url[256], *line;
	long			 status = -1;
	int			 i, k;

	ck_assert_ptr_nonnull(curl);
	line = malloc(size + 32);
	ck_assert_ptr_nonnull(line);
	for (i = 0; i < n; i++) {
		k = snprintf(line, size + 32, "X-Filler-%d: ", i);
		memset(line + k, 'a', size);
		line[(size_t)k + size] = '\0';
		h = curl_slist_append(h, line);
	}
	free(line);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d" V1 "/state",
	    harness_env.port);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 5L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, listen_discard);
	if (curl_easy_perform(curl) == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(curl);
	return (status);
}

static void
listen_limits_setup(void)
{
	harness_setup_with("max_headers = 20\nmax_header_bytes = 4096\n"
	    "max_connections = 3\n");
}

START_TEST(test_listen_header_limits)
{
	ck_assert_int_eq(listen_get_headers(10, 10), 200);
	ck_assert_int_eq(listen_get_headers(30, 10), 431);
	ck_assert_int_eq(listen_get_headers(1, 8000), 431);
	/* Still serving. */
	ck_assert_int_eq(listen_get_headers(0, 0), 200);
}
END_TEST

/* "GET /state" on fd; whether a reply came within ms. */
static int
listen_answered_within(int fd, int ms)
{
	static const char	get[] = "GET " V1 "/state HTTP/1.1\r\n"
				    "Host: 127.0.0.1\r\n\r\n";
	struct pollfd		p = { .fd = fd, .events = POLLIN };
	char			buf[64];

	ck_assert_int_eq(write(fd, get, sizeof(get) - 1),
	    (ssize_t)sizeof(get) - 1);
	if (poll(&p, 1, ms) <= 0)
		return (0);
	return (read(fd, buf, sizeof(buf)) > 0 &&
	    strncmp(buf, "HTTP/1.1 200", 12) == 0);
}

/* Three held open (the limit): a fourth waits, unaccepted, until one of
 * them goes. */
START_TEST(test_listen_connection_limit)
{
	int	held[3], d, i;

	for (i = 0; i < 3; i++) {
		held[i] = listen_connect(harness_env.port);
		ck_assert(listen_answered_within(held[i], 2000));
	}
	d = listen_connect(harness_env.port);
	ck_assert_msg(!listen_answered_within(d, 1000), "a connection past "
	    "max_connections was served");
	for (i = 0; i < 3; i++)
		close(held[i]);
	{
		struct pollfd	p = { .fd = d, .events = POLLIN };
		char		buf[64];

		ck_assert_int_eq(poll(&p, 1, 3000), 1);
		memset(buf, 0, sizeof(buf));
		ck_assert_int_gt(read(d, buf, sizeof(buf) - 1), 0);
		ck_assert_msg(strncmp(buf, "HTTP/1.1 200", 12) == 0, "got %s",
		    buf);
	}
	close(d);
}
END_TEST

static void
listen_idle_setup(void)
{
	harness_setup_with("idle_timeout_seconds = 1\n");
}

/* Quiet for longer than idle_timeout_seconds: closed. */
START_TEST(test_listen_idle_timeout)
{
	int	a;

	a = listen_connect(harness_env.port);
	ck_assert_msg(listen_closed_within(a, 4000), "an idle connection "
	    "stayed open");
	close(a);
}
END_TEST

Suite *
listen_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("tls"),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_listen_tls),
		FIXTURE_CASE("limits"),
		FIXTURE_CHECKED(listen_limits_setup, harness_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_listen_header_limits),
		FIXTURE_TEST(test_listen_connection_limit),
		FIXTURE_CASE("idle"),
		FIXTURE_CHECKED(listen_idle_setup, harness_teardown),
		FIXTURE_TIMEOUT(30),
		FIXTURE_TEST(test_listen_idle_timeout),
		FIXTURE_END
	};

	return (fixture_suite("listen", tests));
}
