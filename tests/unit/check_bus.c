/*
 * Unit tests for common/bus.c: a message crossing processes, the exact
 * topic match (the subscription includes the topic's NUL), malformed and
 * foreign messages, the catalogue, and the design's core rule that the
 * database is the truth and the bus only a doorbell: a message sent before
 * its subscriber exists is lost, and the daemon loop's start-up re-scan of
 * the store still finds the row.  Sockets live in a mkdtemp runtime
 * directory under /tmp, <dir>/<daemon>.sub as bus.c names them.
 *
 * nng starts threads when its first socket opens and they do not survive
 * a fork, so a test that forks does so before it opens any socket.
 */
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>

#include "bus.h"
#include "clock.h"
#include "conf.h"
#include "daemon.h"
#include "db.h"
#include "db_state.h"
#include "fixture.h"
#include "fs.h"
#include "log.h"
#include "metrics.h"

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*bus_suite(void);

#define CHECK_BUS_WAIT_MS	5000	/* longest wait for a message */
#define CHECK_BUS_RING_MS	50	/* resend period while connecting */
#define CHECK_BUS_QUIET_MS	300	/* "nothing arrives" window */
#define CHECK_BUS_SYNC		"sync-"

static char	check_bus_dir[64];

/* Subscription lists for bus_open(). */
static const enum bus_msg_type check_bus_pending[] = { BUS_REQUEST_PENDING };
static const enum bus_msg_type check_bus_cleanup[] = { BUS_TASK_CLEANUP };

static const char CHECK_SQL_INSERT_PENDING_REQUEST[] =
	"INSERT INTO pending_requests(request_id, deploy_id, created_at,"
	" pending_type, pending_json)"
	" VALUES (?1, NULL, ?2, 'IMMEDIATE', '{}')";

static void
check_bus_setup(void)
{
	fixture_tmpdir("/tmp/kerr-check-bus-", check_bus_dir,
	    sizeof(check_bus_dir));
}

static void
check_bus_teardown(void)
{
	fixture_rmtree(check_bus_dir);
}

static void
check_bus_url(const char *daemon, char *buf, size_t len)
{
	snprintf(buf, len, "ipc://%s/%s.sub", check_bus_dir, daemon);
}

/* Wait up to ms for the bus descriptor to poll readable. */
static int
check_bus_readable(struct bus *bus, int ms)
{
	struct pollfd	pfd = { .fd = bus_fd(bus), .events = POLLIN };
	int		n;

	ck_assert_int_ge(pfd.fd, 0);
	while ((n = poll(&pfd, 1, ms)) < 0 && errno == EINTR)
		;
	ck_assert_int_ge(n, 0);
	return (n > 0 && (pfd.revents & POLLIN));
}

/*
 * The next message within ms that is not a leftover "sync-N", as
 * bus_recv returns it, or -ETIMEDOUT.
 */
static int
check_bus_next(struct bus *bus, enum bus_msg_type *type, char *id,
    size_t idlen, int ms)
{
	int64_t	deadline = clock_mono_ms() + ms, left;
	int	r;

	for (;;) {
		r = bus_recv(bus, type, id, idlen);
		if (r == 0 && strncmp(id, CHECK_BUS_SYNC,
		    strlen(CHECK_BUS_SYNC)) == 0)
			continue;
		if (r != -EAGAIN)
			return (r);
		if ((left = deadline - clock_mono_ms()) <= 0)
			return (-ETIMEDOUT);
		(void)check_bus_readable(bus, (int)left);
	}
}

/* Send topic, its NUL, then body: the wire format, by hand. */
static void
check_bus_raw_send(nng_socket s, const char *topic, const char *body)
{
	char	buf[1024];
	size_t	tlen = strlen(topic) + 1, blen = strlen(body);

	ck_assert_uint_le(tlen + blen, sizeof(buf));
	memcpy(buf, topic, tlen);
	memcpy(buf + tlen, body, blen);
	ck_assert_int_eq(nng_send(s, buf, tlen + blen, 0), 0);
}

/*
 * A pipe that has just connected may drop what is sent before the reader
 * side has attached it, so ring with "sync-N" until one arrives.  Messages
 * keep their order on one pipe, so the sync messages still in flight come
 * before anything sent next; check_bus_next() skips them.  Exactly one of
 * from and raw is the sender.
 */
static void
check_bus_sync(struct bus *sub, struct bus *from, nng_socket *raw,
    enum bus_msg_type type)
{
	enum bus_msg_type	 got;
	char			 id[BUS_ID_MAX], body[64];
	int64_t			 deadline;
	int			 n, r;

	deadline = clock_mono_ms() + CHECK_BUS_WAIT_MS;
	for (n = 0; clock_mono_ms() < deadline; n++) {
		snprintf(id, sizeof(id), CHECK_BUS_SYNC "%d", n);
		if (from != NULL)
			ck_assert_int_eq(bus_send(from, type, id), 0);
		else {
			snprintf(body, sizeof(body), "{\"v\":%d,\"id\":\""
			    CHECK_BUS_SYNC "%d\"}", BUS_PROTOCOL_VERSION, n);
			check_bus_raw_send(*raw, bus_msg_topic(type), body);
		}
		if (!check_bus_readable(sub, CHECK_BUS_RING_MS))
			continue;
		r = bus_recv(sub, &got, id, sizeof(id));
		ck_assert_int_eq(r, 0);
		ck_assert_int_eq(got, type);
		ck_assert_int_eq(strncmp(id, CHECK_BUS_SYNC,
		    strlen(CHECK_BUS_SYNC)), 0);
		return;
	}
	ck_abort_msg("no message reached the subscriber in %d ms",
	    CHECK_BUS_WAIT_MS);
}

/* Nothing more arrives within CHECK_BUS_QUIET_MS. */
static void
check_bus_assert_quiet(struct bus *bus)
{
	enum bus_msg_type	type;
	char			id[BUS_ID_MAX];
	int			r;

	r = check_bus_next(bus, &type, id, sizeof(id), CHECK_BUS_QUIET_MS);
	ck_assert_msg(r == -ETIMEDOUT, "unexpected message: r=%d type=%d "
	    "id='%s'", r, (int)type, r == 0 ? id : "");
	ck_assert_int_eq(bus_recv(bus, &type, id, sizeof(id)), -EAGAIN);
	/* Drained means not readable, or daemon_run would spin. */
	ck_assert_int_eq(check_bus_readable(bus, 0), 0);
}

/* The next message is type and id, and nothing comes after it. */
static void
check_bus_expect_last(struct bus *sub, enum bus_msg_type type,
    const char *id)
{
	enum bus_msg_type	got = BUS_MSG_COUNT;
	char			buf[BUS_ID_MAX];

	ck_assert_int_eq(check_bus_next(sub, &got, buf, sizeof(buf),
	    CHECK_BUS_WAIT_MS), 0);
	ck_assert_int_eq(got, type);
	ck_assert_str_eq(buf, id);
	check_bus_assert_quiet(sub);
}

/* Open a raw PUB socket dialled (blocking) to daemon's subscriber. */
static nng_socket
check_bus_raw_pub(const char *daemon)
{
	nng_socket	s;
	char		url[PATH_MAX];

	check_bus_url(daemon, url, sizeof(url));
	ck_assert_int_eq(nng_pub0_open(&s), 0);
	ck_assert_int_eq(nng_dial(s, url, NULL, 0), 0);
	return (s);
}

/*
 * The child half of test_bus_crosses_processes.  It rings every
 * CHECK_BUS_RING_MS until the parent closes its end of the pipe (or
 * CHECK_BUS_WAIT_MS pass); exit 0 means every step worked.
 */
static void __attribute__((noreturn))
check_bus_child_sender(const char *dir, int done_fd)
{
	struct pollfd	 pfd = { .fd = done_fd, .events = POLLIN };
	struct bus	*bus = NULL;
	int64_t		 deadline = clock_mono_ms() + CHECK_BUS_WAIT_MS;
	int		 code = 0;

	if (bus_open(dir, "apid", NULL, 0, BUS_DIAL_WAIT, &bus) < 0)
		_exit(2);
	while (clock_mono_ms() < deadline) {
		if (bus_send(bus, BUS_REQUEST_PENDING, "req-1") != 0) {
			code = 3;
			break;
		}
		if (poll(&pfd, 1, CHECK_BUS_RING_MS) > 0)
			break;		/* EOF: the parent has it */
	}
	bus_close(bus);
	_exit(code);
}

START_TEST(test_bus_crosses_processes)
{
	enum bus_msg_type	 type = BUS_MSG_COUNT;
	struct bus		*bus = NULL;
	char			 id[BUS_ID_MAX];
	pid_t			 pid;
	int			 fds[2], status;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[1]);
		check_bus_child_sender(check_bus_dir, fds[0]);
	}
	close(fds[0]);

	ck_assert_int_eq(bus_open(check_bus_dir, "schedulerd",
	    check_bus_pending, 1, 0, &bus), 0);
	ck_assert_msg(check_bus_readable(bus, CHECK_BUS_WAIT_MS),
	    "nothing arrived from the other process");
	ck_assert_int_eq(bus_recv(bus, &type, id, sizeof(id)), 0);
	ck_assert_int_eq(type, BUS_REQUEST_PENDING);
	ck_assert_str_eq(id, "req-1");

	close(fds[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "sender: status 0x%x", status);
	bus_close(bus);
}
END_TEST

/* Everything waiting, read until nothing comes for 300 ms: how many. */
static long
check_bus_drain(struct bus *bus)
{
	enum bus_msg_type	type;
	char			id[BUS_ID_MAX];
	long			n = 0;

	while (check_bus_readable(bus, 300))
		while (bus_recv(bus, &type, id, sizeof(id)) == 0)
			n++;
	return (n);
}

/*
 * A reader that does not keep up loses messages (nng pub/sub drops them),
 * and counts exactly those: the numbers the sender skipped.
 */
START_TEST(test_bus_counts_lost_messages)
{
	struct metrics_table	 t;
	struct bus		*rd = NULL, *wr = NULL;
	long			 sent = 0, got, i;

	ck_assert_int_eq(metrics_open(check_bus_dir, "schedulerd"), 0);
	ck_assert_int_eq(bus_open(check_bus_dir, "schedulerd",
	    check_bus_pending, 1, 0, &rd), 0);
	ck_assert_int_eq(bus_open(check_bus_dir, "apid", NULL, 0,
	    BUS_DIAL_WAIT, &wr), 0);
	/* Connected once one gets through; those before may be lost
	 * unnoticed, there being nothing to compare them with. */
	for (i = 0; i < 100 && check_bus_drain(rd) == 0; i++)
		ck_assert_int_eq(bus_send(wr, BUS_REQUEST_PENDING, "probe"), 0);
	ck_assert_int_lt(i, 100);
	ck_assert_int_eq(metrics_read(check_bus_dir, "schedulerd", &t), 0);
	ck_assert_uint_eq(t.bus_dropped, 0);

	for (i = 0; i < 50000; i++)
		if (bus_send(wr, BUS_REQUEST_PENDING, "burst") == 0)
			sent++;
	got = check_bus_drain(rd);
	/* One more, so a loss at the very end shows as well. */
	ck_assert_int_eq(bus_send(wr, BUS_REQUEST_PENDING, "last"), 0);
	ck_assert_int_eq(check_bus_drain(rd), 1);
	ck_assert_int_eq(metrics_read(check_bus_dir, "schedulerd", &t), 0);
	ck_assert_int_lt(got, sent);
	ck_assert_uint_eq(t.bus_dropped, (uint64_t)(sent - got));
	bus_close(wr);
	bus_close(rd);
}
END_TEST

START_TEST(test_bus_exact_topic)
{
	struct bus *sub = NULL, *from = NULL;

	ck_assert_int_eq(bus_open(check_bus_dir, "cleanerd",
	    check_bus_cleanup, 1, 0, &sub), 0);
	ck_assert_int_eq(bus_open(check_bus_dir, "apid", NULL, 0,
	    BUS_DIAL_WAIT, &from), 0);
	check_bus_sync(sub, from, NULL, BUS_TASK_CLEANUP);

	/* Routed to cleanerd, but not a topic this reader subscribed to. */
	ck_assert_int_eq(bus_send(from, BUS_REQUEST_CLEANUP, "r-cleanup"), 0);
	ck_assert_int_eq(bus_send(from, BUS_TASK_CLEANUP, "t-cleanup"), 0);
	/* Sent first on the same pipe, the other would arrive first. */
	check_bus_expect_last(sub, BUS_TASK_CLEANUP, "t-cleanup");

	bus_close(from);
	bus_close(sub);
}
END_TEST

START_TEST(test_bus_topic_filter_includes_nul)
{
	struct bus	*sub = NULL;
	nng_socket	 raw;

	ck_assert_int_eq(bus_open(check_bus_dir, "cleanerd",
	    check_bus_cleanup, 1, 0, &sub), 0);
	raw = check_bus_raw_pub("cleanerd");
	check_bus_sync(sub, NULL, &raw, BUS_TASK_CLEANUP);

	/*
	 * Topics that merely start with "task.cleanup" must not pass the
	 * filter; if they did, bus_recv would return -EPROTO for them.
	 */
	check_bus_raw_send(raw, "task.cleanupx", "{\"v\":1,\"id\":\"p-1\"}");
	check_bus_raw_send(raw, "task.cleanup.more",
	    "{\"v\":1,\"id\":\"p-2\"}");
	check_bus_raw_send(raw, "task.cleanup", "{\"v\":1,\"id\":\"good\"}");
	check_bus_expect_last(sub, BUS_TASK_CLEANUP, "good");

	(void)nng_close(raw);
	bus_close(sub);
}
END_TEST

START_TEST(test_bus_malformed_is_eproto)
{
	static const char *const	 bad[] = {
		"{\"v\":99,\"id\":\"x\"}",
		"{\"v\":\"1\",\"id\":\"x\"}",
		"{\"v\":1}",
		"{\"v\":1,\"id\":7}",
		"{\"id\":\"x\"}",
		"not json",
		"",
	};
	char				 nonul[] = "request.pending"
					    "{\"v\":1,\"id\":\"x\"}";
	enum bus_msg_type		 type = BUS_MSG_COUNT;
	struct bus			*sub = NULL;
	nng_socket			 raw;
	char				 id[BUS_ID_MAX];
	size_t				 i;

	ck_assert_int_eq(bus_open(check_bus_dir, "schedulerd",
	    check_bus_pending, 1, 0, &sub), 0);
	raw = check_bus_raw_pub("schedulerd");
	check_bus_sync(sub, NULL, &raw, BUS_REQUEST_PENDING);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_bus_raw_send(raw, "request.pending", bad[i]);
	/*
	 * With no NUL the body cannot match the subscription (which ends
	 * in the NUL), so nng drops it before bus_recv could see it.
	 */
	ck_assert_int_eq(nng_send(raw, nonul,
	    sizeof(nonul) - 1, 0), 0);
	check_bus_raw_send(raw, "request.pending", "{\"v\":1,\"id\":\"ok\"}");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(check_bus_next(sub, &type, id, sizeof(id),
		    CHECK_BUS_WAIT_MS) == -EPROTO, "bad[%zu] '%s' accepted", i,
		    bad[i]);
	check_bus_expect_last(sub, BUS_REQUEST_PENDING, "ok");

	(void)nng_close(raw);
	bus_close(sub);
}
END_TEST

START_TEST(test_bus_id_length_limit)
{
	enum bus_msg_type	 type = BUS_MSG_COUNT;
	struct bus		*sub = NULL, *from = NULL;
	char			 id[BUS_ID_MAX], longest[BUS_ID_MAX];
	char			 toolong[BUS_ID_MAX + 1];

	memset(longest, 'a', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	memset(toolong, 'b', sizeof(toolong) - 1);
	toolong[sizeof(toolong) - 1] = '\0';

	ck_assert_int_eq(bus_open(check_bus_dir, "schedulerd",
	    check_bus_pending, 1, 0, &sub), 0);
	ck_assert_int_eq(bus_open(check_bus_dir, "apid", NULL, 0,
	    BUS_DIAL_WAIT, &from), 0);
	check_bus_sync(sub, from, NULL, BUS_REQUEST_PENDING);

	/* BUS_ID_MAX counts the NUL: 511 bytes fit, 512 are refused. */
	ck_assert_int_eq(bus_send(from, BUS_REQUEST_PENDING, longest), 0);
	ck_assert_int_eq(bus_send(from, BUS_REQUEST_PENDING, toolong),
	    -EINVAL);
	ck_assert_int_eq(bus_send(from, BUS_REQUEST_PENDING, "short"), 0);
	ck_assert_int_eq(check_bus_next(sub, &type, id, sizeof(id),
	    CHECK_BUS_WAIT_MS), 0);
	ck_assert_str_eq(id, longest);
	/* A smaller caller buffer is respected too. */
	ck_assert_int_eq(check_bus_next(sub, &type, id, 5, CHECK_BUS_WAIT_MS),
	    -EPROTO);
	check_bus_assert_quiet(sub);

	bus_close(from);
	bus_close(sub);
}
END_TEST

START_TEST(test_bus_recv_empty_is_eagain)
{
	enum bus_msg_type	 type = BUS_MSG_COUNT;
	struct bus		*sub = NULL, *pubonly = NULL;
	char			 id[BUS_ID_MAX] = "untouched";

	ck_assert_int_eq(bus_open(check_bus_dir, "schedulerd",
	    check_bus_cleanup, 1, 0, &sub), 0);
	ck_assert_int_ge(bus_fd(sub), 0);
	ck_assert_int_eq(bus_recv(sub, &type, id, sizeof(id)), -EAGAIN);
	ck_assert_int_eq(check_bus_readable(sub, 0), 0);
	/* Out-params are written only on success. */
	ck_assert_int_eq(type, BUS_MSG_COUNT);
	ck_assert_str_eq(id, "untouched");
	/*
	 * Closed before the next bus dials it: nng 1.5.2 leaks a pipe when
	 * a dial in flight to a live listener is cut short by nng_close,
	 * which would fail sanitizer builds.
	 */
	bus_close(sub);

	/* A sender-only bus has nothing to read and no descriptor. */
	ck_assert_int_eq(bus_open(check_bus_dir, "apid", NULL, 0, 0,
	    &pubonly), 0);
	ck_assert_int_eq(bus_recv(pubonly, &type, id, sizeof(id)), -EAGAIN);
	ck_assert_int_eq(bus_fd(pubonly), -1);
	bus_close(pubonly);
	bus_close(NULL);
}
END_TEST

START_TEST(test_bus_msg_topics)
{
	const char	*a, *b;
	int		 i, j;

	for (i = 0; i < BUS_MSG_COUNT; i++) {
		a = bus_msg_topic((enum bus_msg_type)i);
		ck_assert_msg(a != NULL && a[0] != '\0', "type %d", i);
		for (j = 0; j < i; j++) {
			b = bus_msg_topic((enum bus_msg_type)j);
			ck_assert_msg(strcmp(a, b) != 0,
			    "types %d and %d share topic '%s'", j, i, a);
		}
	}
	ck_assert_ptr_null(bus_msg_topic(BUS_MSG_COUNT));
	ck_assert_ptr_null(bus_msg_topic((enum bus_msg_type)-1));
}
END_TEST

START_TEST(test_bus_bad_arguments)
{
	static const enum bus_msg_type	 bad_subs[] = { BUS_MSG_COUNT };
	static const enum bus_msg_type	 subs[] = { BUS_TASK_KILLED };
	struct bus			*bus = NULL, *again = NULL;

	ck_assert_int_eq(bus_open(check_bus_dir, "cleanerd", bad_subs, 1, 0,
	    &bus), -EINVAL);
	ck_assert_ptr_null(bus);

	ck_assert_int_eq(bus_open(check_bus_dir, "schedulerd", subs, 1, 0,
	    &bus), 0);
	ck_assert_int_eq(bus_send(bus, BUS_MSG_COUNT, "x"), -EINVAL);
	ck_assert_int_eq(bus_send(bus, BUS_TASK_KILLED, NULL), -EINVAL);
	/* A second reader for one address is refused, not shared. */
	ck_assert_int_eq(bus_open(check_bus_dir, "schedulerd", subs, 1, 0,
	    &again), -EADDRINUSE);
	ck_assert_ptr_null(again);
	bus_close(bus);
}
END_TEST

/* Shared by the handlers of test_bus_lost_message_rescan. */
struct check_bus_loop {
	struct daemon	*d;
	int64_t		 first_tick_ms;	/* monotonic */
	int		 ticks;
	int64_t		 seen_pending;
	int		 messages;
	int		 counts_failed;
};

static void
check_bus_on_tick(void *arg)
{
	struct check_bus_loop	*l = arg;
	struct db_state_counts	 c;

	if (l->ticks++ == 0)
		l->first_tick_ms = clock_mono_ms();
	if (db_state_counts(l->d->db, clock_now_ms(), &c) < 0)
		l->counts_failed++;
	else if (c.pending_requests > 0)
		l->seen_pending = c.pending_requests;
	/* Stop once the row is seen, or give up on the next tick. */
	if (l->seen_pending > 0 || l->ticks >= 2)
		(void)raise(SIGTERM);
}

static void
check_bus_on_message(void *arg, enum bus_msg_type type, const char *id)
{
	struct check_bus_loop	*l = arg;

	(void)type;
	(void)id;
	l->messages++;
}

START_TEST(test_bus_lost_message_rescan)
{
	struct db_options	 opt = {
		.busy_timeout_ms = 5000,
		.synchronous_full = 1,
	};
	struct daemon_handlers	 h = {
		.on_message = check_bus_on_message,
		.on_tick = check_bus_on_tick,
	};
	struct check_bus_loop	 loop;
	struct daemon		 d;
	struct db_state_counts	 c;
	struct db		*pubdb = NULL;
	struct bus		*pub = NULL;
	sqlite3_stmt		*st = NULL;
	sigset_t		 mask, oldmask;
	enum bus_msg_type	 type = BUS_MSG_COUNT;
	struct stat		 sb;
	char			 dbpath[PATH_MAX], id[BUS_ID_MAX];
	char			 sockpath[PATH_MAX];
	int64_t			 started;

	/* As daemon.c does: block before any nng thread exists. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &mask, &oldmask), 0);

	memset(&d, 0, sizeof(d));
	d.name = "schedulerd";
	d.signal_fd = -1;
	conf_defaults(&d.conf);
	snprintf(d.conf.state_dir, sizeof(d.conf.state_dir), "%s",
	    check_bus_dir);
	snprintf(d.conf.runtime_dir, sizeof(d.conf.runtime_dir), "%s/run",
	    check_bus_dir);
	/*
	 * A long period on purpose: the loop must scan once at start, so the
	 * first tick comes at once; a 50 ms period could hide a missing
	 * start-up scan behind the first timed one.
	 */
	d.conf.tick_ms = 1000;
	ck_assert_int_eq(fs_mkdirs(d.conf.runtime_dir, 0755), 0);
	conf_db_path(&d.conf, dbpath, sizeof(dbpath));

	/* The publisher: commit the row, then ring with nobody listening. */
	ck_assert_int_eq(db_open(dbpath, &opt, &pubdb), 0);
	ck_assert_int_eq(db_schema_migrate(pubdb), 0);
	ck_assert_int_eq(db_begin(pubdb), 0);
	ck_assert_int_eq(sqlite3_prepare_v2(db_handle(pubdb),
	    CHECK_SQL_INSERT_PENDING_REQUEST, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_bind_text(st, 1, "req-lost", -1,
	    SQLITE_STATIC), SQLITE_OK);
	ck_assert_int_eq(sqlite3_bind_int64(st, 2, clock_now_ms()),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	ck_assert_int_eq(db_commit(pubdb), 0);
	ck_assert_int_eq(bus_open(d.conf.runtime_dir, "apid", NULL, 0, 0,
	    &pub), 0);
	ck_assert_int_eq(bus_send(pub, BUS_REQUEST_PENDING, "req-lost"), 0);

	/*
	 * The subscriber starts late.  The publisher's redial connects to
	 * it within the quiet window, yet the message is not replayed.
	 */
	ck_assert_int_eq(bus_open(d.conf.runtime_dir, "schedulerd",
	    check_bus_pending, 1, 0, &d.bus), 0);
	/* bus.c and conf_bus_path() must agree on where a reader listens. */
	conf_bus_path(&d.conf, "schedulerd", sockpath, sizeof(sockpath));
	ck_assert_msg(stat(sockpath, &sb) == 0 && S_ISSOCK(sb.st_mode),
	    "no socket at %s", sockpath);
	ck_assert_int_eq(bus_recv(d.bus, &type, id, sizeof(id)), -EAGAIN);
	ck_assert_int_eq(check_bus_readable(d.bus, CHECK_BUS_QUIET_MS), 0);
	ck_assert_int_eq(bus_recv(d.bus, &type, id, sizeof(id)), -EAGAIN);

	/* ... while the store has the row. */
	ck_assert_int_eq(db_open(dbpath, &opt, &d.db), 0);
	ck_assert_int_eq(db_schema_migrate(d.db), 0);
	ck_assert_int_eq(db_state_counts(d.db, clock_now_ms(), &c), 0);
	ck_assert_int_eq(c.pending_requests, 1);
	bus_close(pub);
	db_close(pubdb);

	/* Now the real loop: its start-up re-scan must find the row. */
	d.signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	ck_assert_int_ge(d.signal_fd, 0);
	memset(&loop, 0, sizeof(loop));
	loop.d = &d;
	log_set_level(LOG_WARNING);	/* keep "Received ..." quiet */
	started = clock_mono_ms();
	ck_assert_int_eq(daemon_run(&d, &h, &loop), 0);
	ck_assert_int_eq(loop.counts_failed, 0);
	ck_assert_int_eq(loop.seen_pending, 1);
	/* Seen by the start-up scan, before any period elapsed. */
	ck_assert_int_eq(loop.ticks, 1);
	ck_assert_int_lt(loop.first_tick_ms - started, d.conf.tick_ms);
	/* The lost message never turned up late. */
	ck_assert_int_eq(loop.messages, 0);
	ck_assert_int_ne(d.stopping, 0);

	daemon_fini(&d);
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &oldmask, NULL), 0);
}
END_TEST

Suite *
bus_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("core"),
		FIXTURE_CHECKED(check_bus_setup, check_bus_teardown),
		FIXTURE_TIMEOUT(20),
		FIXTURE_TEST(test_bus_crosses_processes),
		FIXTURE_TEST(test_bus_counts_lost_messages),
		FIXTURE_TEST(test_bus_exact_topic),
		FIXTURE_TEST(test_bus_topic_filter_includes_nul),
		FIXTURE_TEST(test_bus_malformed_is_eproto),
		FIXTURE_TEST(test_bus_id_length_limit),
		FIXTURE_TEST(test_bus_recv_empty_is_eagain),
		FIXTURE_TEST(test_bus_msg_topics),
		FIXTURE_TEST(test_bus_bad_arguments),
		FIXTURE_TEST(test_bus_lost_message_rescan),
		FIXTURE_END
	};

	return (fixture_suite("bus", tests));
}
