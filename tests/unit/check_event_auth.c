/*
 * The authenticated network channel (event_auth.c, event_channel.c over
 * UDP): the key file's rules, HMAC headers that verify only with the right
 * key and the exact text, and a signed round trip of an event with its
 * placement where an unsigned or wrongly signed datagram is dropped.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "event_auth.h"
#include "event_channel.h"
#include "fixture.h"

Suite	*event_auth_suite(void);

static char	check_auth_dir[64];

static void
check_auth_setup(void)
{
	fixture_tmpdir("/tmp/kerr-check-auth-", check_auth_dir,
	    sizeof(check_auth_dir));
}

static void
check_auth_teardown(void)
{
	fixture_rmtree(check_auth_dir);
}

/* A key file of content with mode; its path in buf. */
static void
check_auth_key_file(const char *name, const char *content, mode_t mode,
    char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", check_auth_dir, name);
	fixture_write_file(buf, content);
	ck_assert_int_eq(chmod(buf, mode), 0);
}

START_TEST(test_event_key_rules)
{
	struct event_key	k;
	char			path[256];

	check_auth_key_file("good", "c2VjcmV0LWtleS1vZi10aGlydHktdHdvLWJ5dGVz\n",
	    0600, path, sizeof(path));
	ck_assert_int_eq(event_key_load(path, &k), 0);
	/* The trailing newline is not part of it. */
	ck_assert_uint_eq(k.len, 40);
	ck_assert_int_eq(memcmp(k.bytes, "c2VjcmV0", 8), 0);
	/* Others may read it: refused. */
	check_auth_key_file("open", "c2VjcmV0LWtleS1vZi10aGlydHktdHdvLWJ5dGVz",
	    0644, path, sizeof(path));
	ck_assert_int_eq(event_key_load(path, &k), -EPERM);
	/* Group-readable is the operator's choice (a kerr group). */
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(event_key_load(path, &k), 0);
	check_auth_key_file("short", "tooshort\n", 0600, path, sizeof(path));
	ck_assert_int_eq(event_key_load(path, &k), -EINVAL);
	snprintf(path, sizeof(path), "%s/missing", check_auth_dir);
	ck_assert_int_eq(event_key_load(path, &k), -ENOENT);
	ck_assert_int_eq(event_key_load(check_auth_dir, &k), -EINVAL);
}
END_TEST

static void
check_auth_key(struct event_key *k, const char *s)
{
	k->len = strlen(s);
	memcpy(k->bytes, s, k->len);
}

START_TEST(test_event_auth_header)
{
	struct event_key	 k, other;
	const char		*msg = "kerr-ack 1 seq=2 task=t\n", *text;
	char			 dgram[256];
	size_t			 len, n = strlen(msg);

	check_auth_key(&k, "0123456789abcdef0123456789abcdef");
	check_auth_key(&other, "0123456789abcdef0123456789abcdeF");
	event_auth_header(&k, msg, n, dgram);
	ck_assert_int_eq(memcmp(dgram, "kerr-mac 1 ", 11), 0);
	ck_assert_int_eq(dgram[EVENT_AUTH_HEADER_LEN - 1], '\n');
	memcpy(dgram + EVENT_AUTH_HEADER_LEN, msg, n);
	len = EVENT_AUTH_HEADER_LEN + n;
	ck_assert_int_eq(event_auth_check(&k, dgram, len, &text, &n), 0);
	ck_assert_uint_eq(n, strlen(msg));
	ck_assert_int_eq(memcmp(text, msg, n), 0);
	/* Another key, or one byte of the text changed: refused. */
	ck_assert_int_eq(event_auth_check(&other, dgram, len, &text, &n),
	    -EPERM);
	dgram[len - 3] = '3';
	ck_assert_int_eq(event_auth_check(&k, dgram, len, &text, &n), -EPERM);
	/* No header at all. */
	ck_assert_int_eq(event_auth_check(&k, msg, strlen(msg), &text, &n),
	    -EPERM);
}
END_TEST

START_TEST(test_event_channel_dest_forms)
{
	struct event_channel_dest	d;
	struct event_key		k;

	check_auth_key(&k, "0123456789abcdef0123456789abcdef");
	ck_assert_int_eq(event_channel_dest("udp:127.0.0.1:5061", &k, &d), 0);
	ck_assert_int_eq(d.family, AF_INET);
	ck_assert_ptr_eq(d.key, &k);
	ck_assert_int_eq(event_channel_dest("udp:[::1]:5061", &k, &d), 0);
	ck_assert_int_eq(d.family, AF_INET6);
	ck_assert_int_eq(event_channel_dest("/run/kerr/x.events", NULL, &d),
	    0);
	ck_assert_int_eq(d.family, AF_UNIX);
	ck_assert_ptr_null(d.key);
	/* The network needs a key; names are not resolved; ports exist. */
	ck_assert_int_eq(event_channel_dest("udp:127.0.0.1:5061", NULL, &d),
	    -EINVAL);
	ck_assert_int_eq(event_channel_dest("udp:sched.example:5061", &k, &d),
	    -EINVAL);
	ck_assert_int_eq(event_channel_dest("udp:127.0.0.1:0", &k, &d),
	    -EINVAL);
	ck_assert_int_eq(event_channel_dest("udp:127.0.0.1:70000", &k, &d),
	    -EINVAL);
	ck_assert_int_eq(event_channel_dest("udp:127.0.0.1", &k, &d), -EINVAL);
	ck_assert_int_eq(event_channel_dest("", NULL, &d), -EINVAL);
	ck_assert_int_eq(event_channel_listen_udp("not-an-address:1"),
	    -EINVAL);
}
END_TEST

/* A UDP listener on a free loopback port; its "udp:127.0.0.1:PORT". */
static int
check_auth_listen(char *spec, size_t len)
{
	struct sockaddr_in	sin;
	socklen_t		sl = sizeof(sin);
	int			fd;

	/* Port 0 is refused by the parser: find a free one first. */
	ck_assert_int_ge(fd = socket(AF_INET, SOCK_DGRAM, 0), 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	(void)close(fd);
	snprintf(spec, len, "127.0.0.1:%d", ntohs(sin.sin_port));
	ck_assert_int_ge(fd = event_channel_listen_udp(spec), 0);
	return (fd);
}

static void
check_auth_event(struct task_event *e, unsigned seq)
{
	task_event_init(e, "web-d1-1-1-slurm-DEFAULT");
	e->seq = seq;
	e->at_ms = 1764000000000 + seq;
	snprintf(e->state, sizeof(e->state), "TASK_RUNNING");
	snprintf(e->host, sizeof(e->host), "node7");
	snprintf(e->rack, sizeof(e->rack), "batch");
	snprintf(e->ports, sizeof(e->ports), "31000,31001");
}

START_TEST(test_event_channel_udp_signed)
{
	struct event_channel_dest	 d, forged;
	struct event_channel_peer	 peer;
	struct event_key		 k, wrong;
	struct task_event		 e, got;
	struct task_event_ack		 a, ack;
	char				 addr[64], spec[80];
	int				 lfd, rfd, ffd, i, r = 0;

	check_auth_key(&k, "0123456789abcdef0123456789abcdef");
	check_auth_key(&wrong, "fedcba9876543210fedcba9876543210");
	lfd = check_auth_listen(addr, sizeof(addr));
	snprintf(spec, sizeof(spec), "udp:%s", addr);
	ck_assert_int_eq(event_channel_dest(spec, &k, &d), 0);
	ck_assert_int_eq(event_channel_dest(spec, &wrong, &forged), 0);
	ck_assert_int_ge(rfd = event_channel_connect(&d, 1000), 0);
	ck_assert_int_ge(ffd = event_channel_connect(&forged, 1000), 0);
	/* Forged first, then the real one: only the real one is read. */
	check_auth_event(&e, 2);
	ck_assert_int_eq(event_channel_send(ffd, &forged, &e), 0);
	check_auth_event(&e, 1);
	ck_assert_int_eq(event_channel_send(rfd, &d, &e), 0);
	for (i = 0; i < 100; i++) {
		if ((r = event_channel_recv(lfd, &k, &got, &peer)) == 1)
			break;
		if (r == 0)
			usleep(10000);
	}
	ck_assert_int_eq(r, 1);
	ck_assert_uint_eq(got.seq, 1);
	ck_assert_str_eq(got.host, "node7");
	ck_assert_str_eq(got.rack, "batch");
	ck_assert_str_eq(got.ports, "31000,31001");
	ck_assert_int_eq(event_channel_recv(lfd, &k, &got, &peer), 0);
	/* The acknowledgement is signed too: the forger's key rejects it. */
	memset(&a, 0, sizeof(a));
	snprintf(a.task_id, sizeof(a.task_id), "%s", got.task_id);
	a.seq = 1;
	ck_assert_int_eq(event_channel_ack(lfd, &k, &peer, &a), 0);
	for (i = 0; i < 100 && (r = event_channel_recv_ack(rfd, &d,
	    &ack)) == 0; i++)
		usleep(10000);
	ck_assert_int_eq(r, 1);
	ck_assert_uint_eq(ack.seq, 1);
	ck_assert_int_eq(event_channel_ack(lfd, NULL, &peer, &a), 0);
	usleep(50000);
	ck_assert_int_eq(event_channel_recv_ack(rfd, &d, &ack), 0);
	(void)close(ffd);
	(void)close(rfd);
	(void)close(lfd);
}
END_TEST

Suite *
event_auth_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("key"),
		FIXTURE_CHECKED(check_auth_setup, check_auth_teardown),
		FIXTURE_TEST(test_event_key_rules),
		FIXTURE_CASE("mac"),
		FIXTURE_TEST(test_event_auth_header),
		FIXTURE_TEST(test_event_channel_dest_forms),
		FIXTURE_TEST(test_event_channel_udp_signed),
		FIXTURE_END
	};

	return (fixture_suite("event_auth", tests));
}
