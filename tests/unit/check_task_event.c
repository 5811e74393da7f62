/*
 * Unit tests for common/executor/task_event.c (the event and ack lines)
 * and common/executor/event_channel.c (the datagram channel between
 * reporters and the scheduler), on sockets in a mkdtemp directory.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "clock.h"
#include "event_channel.h"
#include "task_event.h"

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*task_event_suite(void);

#define CHECK_TASK_EVENT_ID	"web-d1-1764000000000-1-host-DEFAULT"

static char	check_task_event_dir[64];
static char	check_task_event_sock[EVENT_CHANNEL_PATH_MAX];

/* Every field set, none at its default. */
static void
check_task_event_full(struct task_event *e)
{
	task_event_init(e, CHECK_TASK_EVENT_ID);
	e->seq = 3;
	e->at_ms = 1764000000123;
	snprintf(e->state, sizeof(e->state), "TASK_FAILED");
	e->pid = 41;
	e->start_ticks = 8812;
	e->pgid = 42;
	e->exit_code = 3;
	e->signal = 9;
	e->oom = 1;
	snprintf(e->reason, sizeof(e->reason),
	    "REASON_CONTAINER_LIMITATION_MEMORY");
	snprintf(e->message, sizeof(e->message), "Exited with status 3: "
	    "a=b c message=d");
}

static void
check_task_event_same(const struct task_event *a, const struct task_event *b)
{
	ck_assert_uint_eq(a->seq, b->seq);
	ck_assert_int_eq(a->at_ms, b->at_ms);
	ck_assert_str_eq(a->state, b->state);
	ck_assert_int_eq(a->pid, b->pid);
	ck_assert_uint_eq(a->start_ticks, b->start_ticks);
	ck_assert_int_eq(a->pgid, b->pgid);
	ck_assert_int_eq(a->exit_code, b->exit_code);
	ck_assert_int_eq(a->signal, b->signal);
	ck_assert_int_eq(a->oom, b->oom);
	ck_assert_str_eq(a->reason, b->reason);
	ck_assert_str_eq(a->task_id, b->task_id);
	ck_assert_str_eq(a->message, b->message);
}

static int
check_task_event_parse_str(const char *line, struct task_event *e)
{
	return (task_event_parse(line, strlen(line), e));
}

START_TEST(test_task_event_init_terminal)
{
	static const char *const terminal[] = { "TASK_FINISHED",
		"TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_ERROR" };
	struct task_event	e;
	size_t			i;

	memset(&e, 0x55, sizeof(e));
	task_event_init(&e, "t");
	ck_assert_str_eq(e.task_id, "t");
	ck_assert_int_eq(e.exit_code, -1);
	ck_assert_uint_eq(e.seq, 0);
	ck_assert_int_eq(e.pid, 0);
	ck_assert_str_eq(e.state, "");
	ck_assert_str_eq(e.message, "");
	for (i = 0; i < sizeof(terminal) / sizeof(terminal[0]); i++)
		ck_assert_int_eq(task_event_is_terminal(terminal[i]), 1);
	ck_assert_int_eq(task_event_is_terminal("TASK_STARTING"), 0);
	ck_assert_int_eq(task_event_is_terminal("TASK_RUNNING"), 0);
	ck_assert_int_eq(task_event_is_terminal("task_failed"), 0);
	ck_assert_int_eq(task_event_is_terminal(""), 0);
}
END_TEST

START_TEST(test_task_event_round_trip)
{
	struct task_event	e, back;
	char			line[TASK_EVENT_LINE_MAX], again[TASK_EVENT_LINE_MAX];
	int			n;

	check_task_event_full(&e);
	n = task_event_format(&e, line, sizeof(line));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq((size_t)n, strlen(line));
	ck_assert_str_eq(line, "kerr-event 1 seq=3 at=1764000000123 "
	    "state=TASK_FAILED pid=41 ticks=8812 pgid=42 code=3 signal=9 "
	    "oom=1 reason=REASON_CONTAINER_LIMITATION_MEMORY "
	    "task=" CHECK_TASK_EVENT_ID " message=Exited with status 3: "
	    "a=b c message=d\n");
	ck_assert_int_eq(task_event_parse(line, (size_t)n, &back), 0);
	check_task_event_same(&e, &back);
	/* Formatting what was parsed gives the same line back. */
	ck_assert_int_eq(task_event_format(&back, again, sizeof(again)), n);
	ck_assert_str_eq(again, line);
	/* Without its newline, and with a NUL counted in, it parses too. */
	ck_assert_int_eq(task_event_parse(line, (size_t)n - 1, &back), 0);
	check_task_event_same(&e, &back);
	ck_assert_int_eq(task_event_parse(line, (size_t)n + 1, &back), 0);
	check_task_event_same(&e, &back);
}
END_TEST

/* The defaults: no reason is "-", no message is empty. */
START_TEST(test_task_event_round_trip_defaults)
{
	struct task_event	e, back;
	char			line[TASK_EVENT_LINE_MAX];

	task_event_init(&e, "t1");
	e.seq = 1;
	snprintf(e.state, sizeof(e.state), "TASK_STARTING");
	ck_assert_int_gt(task_event_format(&e, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "kerr-event 1 seq=1 at=0 state=TASK_STARTING "
	    "pid=0 ticks=0 pgid=0 code=-1 signal=0 oom=0 reason=- task=t1 "
	    "message=\n");
	ck_assert_int_eq(check_task_event_parse_str(line, &back), 0);
	check_task_event_same(&e, &back);
}
END_TEST

START_TEST(test_task_event_format_invalid)
{
	struct task_event	e;
	char			line[TASK_EVENT_LINE_MAX];
	size_t			len;
	int			n;

	check_task_event_full(&e);
	e.task_id[0] = '\0';
	ck_assert_int_eq(task_event_format(&e, line, sizeof(line)), -EINVAL);
	check_task_event_full(&e);
	snprintf(e.task_id, sizeof(e.task_id), "a b");
	ck_assert_int_eq(task_event_format(&e, line, sizeof(line)), -EINVAL);
	check_task_event_full(&e);
	e.state[0] = '\0';
	ck_assert_int_eq(task_event_format(&e, line, sizeof(line)), -EINVAL);
	check_task_event_full(&e);
	snprintf(e.state, sizeof(e.state), "TASK\nFAILED");
	ck_assert_int_eq(task_event_format(&e, line, sizeof(line)), -EINVAL);
	check_task_event_full(&e);
	snprintf(e.reason, sizeof(e.reason), "A\tB");
	ck_assert_int_eq(task_event_format(&e, line, sizeof(line)), -EINVAL);
	/* Every buffer short of the line is refused, never overrun. */
	check_task_event_full(&e);
	n = task_event_format(&e, line, sizeof(line));
	ck_assert_int_gt(n, 0);
	for (len = 0; len <= (size_t)n; len++) {
		char small[TASK_EVENT_LINE_MAX];

		memset(small, 'Z', sizeof(small));
		ck_assert_int_eq(task_event_format(&e, small, len), -ENOBUFS);
		ck_assert_int_eq(small[len], 'Z');
	}
	ck_assert_int_eq(task_event_format(&e, line, (size_t)n + 1), n);
}
END_TEST

/* A message that breaks lines would break the file: spaces instead. */
START_TEST(test_task_event_message_newlines)
{
	struct task_event	e, back;
	char			line[TASK_EVENT_LINE_MAX];
	int			n;

	check_task_event_full(&e);
	snprintf(e.message, sizeof(e.message), "one\ntwo\r\nthree\n");
	n = task_event_format(&e, line, sizeof(line));
	ck_assert_int_gt(n, 0);
	ck_assert_ptr_eq(strchr(line, '\n'), line + n - 1);
	ck_assert_ptr_null(strchr(line, '\r'));
	ck_assert_int_eq(task_event_parse(line, (size_t)n, &back), 0);
	ck_assert_str_eq(back.message, "one two  three ");
}
END_TEST

/* The longest fields all at once still fit TASK_EVENT_LINE_MAX. */
START_TEST(test_task_event_long_fields)
{
	struct task_event	e, back;
	char			line[TASK_EVENT_LINE_MAX];
	int			n;

	check_task_event_full(&e);
	e.seq = UINT_MAX;
	e.at_ms = INT64_MAX;
	e.pid = INT_MAX;
	e.pgid = INT_MAX;
	e.start_ticks = INT64_MAX;
	e.exit_code = 255;
	e.signal = 128;
	memset(e.state, 'S', sizeof(e.state) - 1);
	e.state[sizeof(e.state) - 1] = '\0';
	memset(e.reason, 'R', sizeof(e.reason) - 1);
	e.reason[sizeof(e.reason) - 1] = '\0';
	memset(e.task_id, 't', sizeof(e.task_id) - 1);
	e.task_id[sizeof(e.task_id) - 1] = '\0';
	memset(e.message, 'm', sizeof(e.message) - 1);
	e.message[sizeof(e.message) - 1] = '\0';
	n = task_event_format(&e, line, sizeof(line));
	ck_assert_int_gt(n, 0);
	ck_assert_int_lt(n, TASK_EVENT_LINE_MAX);
	ck_assert_int_eq(task_event_parse(line, (size_t)n, &back), 0);
	check_task_event_same(&e, &back);
	/* A message with no NUL in its array: cut to what parse() takes. */
	memset(e.message, 'm', sizeof(e.message));
	ck_assert_int_eq(task_event_format(&e, line, sizeof(line)), n);
}
END_TEST

START_TEST(test_task_event_parse_malformed)
{
	static const char *const bad[] = {
		"",
		"\n",
		"kerr-event",
		"kerr-event 1",
		"kerr-event 1 ",
		"kerr-event1 seq=1 state=TASK_RUNNING task=t",
		"kerr-event x seq=1 state=TASK_RUNNING task=t",
		"kerr-event 2 seq=1 state=TASK_RUNNING task=t",
		"kerr-eventt 1 seq=1 state=TASK_RUNNING task=t",
		"kerr-ack 1 seq=1 task=t",
		"kerr-event 1 state=TASK_RUNNING task=t",
		"kerr-event 1 seq=0 state=TASK_RUNNING task=t",
		"kerr-event 1 seq=-1 state=TASK_RUNNING task=t",
		"kerr-event 1 seq=4294967296 state=TASK_RUNNING task=t",
		"kerr-event 1 seq=1 task=t",
		"kerr-event 1 seq=1 state= task=t",
		"kerr-event 1 seq=1 state=TASK_RUNNING",
		"kerr-event 1 seq=1 state=TASK_RUNNING task=",
		"kerr-event 1 seq=1 state=TASK_RUNNING task=t pid=x",
		"kerr-event 1 seq=1 state=TASK_RUNNING task=t pid=",
		"kerr-event 1 seq=1 state=TASK_RUNNING task=t pid=-2",
		"kerr-event 1 seq=1 state=TASK_RUNNING task=t pid=1x",
		"kerr-event 1 seq=1 state=TASK_RUNNING task=t code=256",
		"kerr-event 1 seq=1 state=TASK_RUNNING task=t code=-2",
		"kerr-event 1 seq=1 state=TASK_RUNNING task=t signal=129",
		"kerr-event 1 seq=1 state=TASK_RUNNING task=t oom=2",
		"kerr-event 1 seq=1 state=TASK_RUNNING task=t at=-5",
		"kerr-event 1 seq=1 state=TASK_RUNNING task=t garbage",
		"kerr-event 1 seq=1 state=TASK_RUNNING_AND_MUCH_LONGER task=t",
	};
	struct task_event	e;
	char			line[2 * TASK_EVENT_LINE_MAX];
	size_t			i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(check_task_event_parse_str(bad[i], &e) ==
		    -EINVAL, "parsed: '%s'", bad[i]);
	/* A task id or a message longer than its field. */
	snprintf(line, sizeof(line), "kerr-event 1 seq=1 state=TASK_RUNNING "
	    "task=%0*d", TASK_EVENT_ID_MAX + 1, 0);
	ck_assert_int_eq(check_task_event_parse_str(line, &e), -EINVAL);
	snprintf(line, sizeof(line), "kerr-event 1 seq=1 state=TASK_RUNNING "
	    "task=t message=%0*d", TASK_EVENT_MESSAGE_MAX, 0);
	ck_assert_int_eq(check_task_event_parse_str(line, &e), -EINVAL);
	/* A bad line leaves *ret alone. */
	check_task_event_full(&e);
	ck_assert_int_eq(check_task_event_parse_str("kerr-event 1 seq=2 "
	    "state=TASK_RUNNING task=t pid=x", &e), -EINVAL);
	ck_assert_uint_eq(e.seq, 3);
}
END_TEST

/* Keys in any order, unknown ones skipped: a newer reporter says more. */
START_TEST(test_task_event_parse_lenient)
{
	struct task_event e;

	ck_assert_int_eq(check_task_event_parse_str("kerr-event 1 task=t "
	    "future=1 state=TASK_RUNNING pgid=7 seq=2 reason=- "
	    "message=  two  spaces=  \n", &e), 0);
	ck_assert_str_eq(e.task_id, "t");
	ck_assert_str_eq(e.state, "TASK_RUNNING");
	ck_assert_uint_eq(e.seq, 2);
	ck_assert_int_eq(e.pgid, 7);
	ck_assert_int_eq(e.exit_code, -1);
	ck_assert_str_eq(e.reason, "");
	ck_assert_str_eq(e.message, "  two  spaces=  ");
	/* No message at all is an empty one. */
	ck_assert_int_eq(check_task_event_parse_str("kerr-event 1 seq=1 "
	    "state=TASK_STARTING task=t", &e), 0);
	ck_assert_str_eq(e.message, "");
}
END_TEST

START_TEST(test_task_event_ack)
{
	struct task_event_ack	a, back;
	char			line[TASK_EVENT_LINE_MAX];
	int			n;

	memset(&a, 0, sizeof(a));
	snprintf(a.task_id, sizeof(a.task_id), CHECK_TASK_EVENT_ID);
	a.seq = 3;
	n = task_event_ack_format(&a, line, sizeof(line));
	ck_assert_int_gt(n, 0);
	ck_assert_str_eq(line, "kerr-ack 1 seq=3 task=" CHECK_TASK_EVENT_ID
	    "\n");
	ck_assert_int_eq(task_event_ack_parse(line, (size_t)n, &back), 0);
	ck_assert_uint_eq(back.seq, 3);
	ck_assert_str_eq(back.task_id, CHECK_TASK_EVENT_ID);
	ck_assert_int_eq(task_event_ack_parse(line, (size_t)n - 1, &back), 0);
	ck_assert_int_eq(task_event_ack_format(&a, line, (size_t)n),
	    -ENOBUFS);
	a.seq = UINT_MAX;
	n = task_event_ack_format(&a, line, sizeof(line));
	ck_assert_int_eq(task_event_ack_parse(line, (size_t)n, &back), 0);
	ck_assert_uint_eq(back.seq, UINT_MAX);
	a.seq = 0;
	ck_assert_int_eq(task_event_ack_format(&a, line, sizeof(line)),
	    -EINVAL);
	a.seq = 1;
	snprintf(a.task_id, sizeof(a.task_id), "a b");
	ck_assert_int_eq(task_event_ack_format(&a, line, sizeof(line)),
	    -EINVAL);
}
END_TEST

START_TEST(test_task_event_ack_malformed)
{
	static const char *const bad[] = {
		"",
		"kerr-ack",
		"kerr-ack 1",
		"kerr-ack 2 seq=1 task=t",
		"kerr-event 1 seq=1 task=t",
		"kerr-ack 1 seq=0 task=t",
		"kerr-ack 1 seq=x task=t",
		"kerr-ack 1 seq= task=t",
		"kerr-ack 1 seq=1",
		"kerr-ack 1 seq=1 task=",
		"kerr-ack 1 seq=1 task=a b",
		"kerr-ack 1 seq=1 tusk=t",
		"kerr-ack 1 seq=4294967296 task=t",
		"kerr-ack 1 task=t seq=1",
	};
	struct task_event_ack	a;
	char			line[2 * TASK_EVENT_LINE_MAX];
	size_t			i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(task_event_ack_parse(bad[i], strlen(bad[i]),
		    &a) == -EINVAL, "parsed: '%s'", bad[i]);
	snprintf(line, sizeof(line), "kerr-ack 1 seq=1 task=%0*d",
	    TASK_EVENT_ID_MAX + 1, 0);
	ck_assert_int_eq(task_event_ack_parse(line, strlen(line), &a),
	    -EINVAL);
}
END_TEST

static void
check_task_event_setup(void)
{
	snprintf(check_task_event_dir, sizeof(check_task_event_dir),
	    "/tmp/kerr-check-event-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(check_task_event_dir));
	snprintf(check_task_event_sock, sizeof(check_task_event_sock),
	    "%s/%s", check_task_event_dir, TASK_EVENT_SOCKET);
}

static void
check_task_event_teardown(void)
{
	(void)unlink(check_task_event_sock);
	(void)rmdir(check_task_event_dir);
}

static void
check_task_event_sample(struct task_event *e, unsigned seq)
{
	task_event_init(e, CHECK_TASK_EVENT_ID);
	e->seq = seq;
	e->at_ms = clock_now_ms();
	snprintf(e->state, sizeof(e->state), "TASK_RUNNING");
	e->pid = getpid();
	snprintf(e->message, sizeof(e->message), "event %u", seq);
}

/* A whole datagram, as is, to the listener. */
static void
check_task_event_raw(int fd, const char *path, const void *buf, size_t len)
{
	struct sockaddr_un	sun = { .sun_family = AF_UNIX };
	size_t			n = strlen(path);

	ck_assert_uint_lt(n, sizeof(sun.sun_path));
	memcpy(sun.sun_path, path, n);
	ck_assert_int_eq(sendto(fd, buf, len, 0, (struct sockaddr *)&sun,
	    sizeof(sun)), (ssize_t)len);
}

/* The local channel's destination: check_task_event_sock. */
static const struct event_channel_dest *
check_task_event_dest(void)
{
	static struct event_channel_dest d;

	ck_assert_int_eq(event_channel_dest(check_task_event_sock, NULL, &d),
	    0);
	return (&d);
}

START_TEST(test_event_channel_round_trip)
{
	struct event_channel_peer	peer;
	struct task_event		e, got;
	struct task_event_ack		a, ack;
	int				lfd, rfd;

	ck_assert_int_ge(lfd = event_channel_listen(check_task_event_sock),
	    0);
	ck_assert_int_ge(rfd = event_channel_connect(
	    check_task_event_dest(), 1000), 0);
	ck_assert_int_eq(event_channel_recv(lfd, NULL, &got, &peer), 0);
	ck_assert_int_eq(event_channel_recv_ack(rfd, check_task_event_dest(), &ack), 0);
	check_task_event_sample(&e, 1);
	ck_assert_int_eq(event_channel_send(rfd, check_task_event_dest(), &e),
	    0);
	check_task_event_sample(&e, 2);
	ck_assert_int_eq(event_channel_send(rfd, check_task_event_dest(), &e),
	    0);
	ck_assert_int_eq(event_channel_recv(lfd, NULL, &got, &peer), 1);
	ck_assert_uint_eq(got.seq, 1);
	ck_assert_str_eq(got.message, "event 1");
	ck_assert_uint_gt(peer.len, sizeof(sa_family_t));
	ck_assert_int_eq(event_channel_recv(lfd, NULL, &got, &peer), 1);
	check_task_event_same(&e, &got);
	ck_assert_int_eq(event_channel_recv(lfd, NULL, &got, &peer), 0);
	memset(&a, 0, sizeof(a));
	snprintf(a.task_id, sizeof(a.task_id), "%s", got.task_id);
	a.seq = got.seq;
	ck_assert_int_eq(event_channel_ack(lfd, NULL, &peer, &a), 0);
	ck_assert_int_eq(event_channel_recv_ack(rfd, check_task_event_dest(), &ack), 1);
	ck_assert_uint_eq(ack.seq, 2);
	ck_assert_str_eq(ack.task_id, CHECK_TASK_EVENT_ID);
	ck_assert_int_eq(event_channel_recv_ack(rfd, check_task_event_dest(), &ack), 0);
	(void)close(rfd);
	/* The reporter is gone: not the scheduler's error. */
	ck_assert_int_eq(event_channel_ack(lfd, NULL, &peer, &a), 0);
	/* Nobody to answer: nothing to do. */
	peer.len = 0;
	ck_assert_int_eq(event_channel_ack(lfd, NULL, &peer, &a), 0);
	(void)close(lfd);
}
END_TEST

/* No scheduler now: errors the reporter keeps its events through. */
START_TEST(test_event_channel_no_listener)
{
	struct task_event	e;
	struct event_channel_dest longdest;
	char			longpath[2 * EVENT_CHANNEL_PATH_MAX];
	int			lfd, rfd;

	check_task_event_sample(&e, 1);
	ck_assert_int_ge(rfd = event_channel_connect(
	    check_task_event_dest(), 1000), 0);
	ck_assert_int_eq(event_channel_send(rfd, check_task_event_dest(), &e),
	    -ENOENT);
	/* A socket file left behind by a scheduler that is gone. */
	ck_assert_int_ge(lfd = event_channel_listen(check_task_event_sock),
	    0);
	(void)close(lfd);
	ck_assert_int_eq(event_channel_send(rfd, check_task_event_dest(), &e),
	    -ECONNREFUSED);
	/* listen() takes the leftover's place. */
	ck_assert_int_ge(lfd = event_channel_listen(check_task_event_sock),
	    0);
	ck_assert_int_eq(event_channel_send(rfd, check_task_event_dest(), &e),
	    0);
	(void)close(lfd);
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	ck_assert_int_eq(event_channel_listen(longpath), -ENAMETOOLONG);
	ck_assert_int_eq(event_channel_dest(longpath, NULL, &longdest),
	    -ENAMETOOLONG);
	/* An event that cannot be written is not sent. */
	e.state[0] = '\0';
	ck_assert_int_eq(event_channel_send(rfd, check_task_event_dest(), &e),
	    -EINVAL);
	(void)close(rfd);
}
END_TEST

/* Whatever arrives that is no event is skipped, not fatal. */
START_TEST(test_event_channel_malformed)
{
	struct event_channel_peer	peer;
	struct task_event		e, got;
	char				big[2 * TASK_EVENT_LINE_MAX];
	int				lfd, rfd;

	ck_assert_int_ge(lfd = event_channel_listen(check_task_event_sock),
	    0);
	ck_assert_int_ge(rfd = event_channel_connect(
	    check_task_event_dest(), 1000), 0);
	check_task_event_raw(rfd, check_task_event_sock, "hello\n", 6);
	memset(big, 'x', sizeof(big));
	check_task_event_raw(rfd, check_task_event_sock, big, sizeof(big));
	check_task_event_sample(&e, 1);
	ck_assert_int_eq(event_channel_send(rfd, check_task_event_dest(), &e),
	    0);
	ck_assert_int_eq(event_channel_recv(lfd, NULL, &got, &peer), -EPROTO);
	ck_assert_int_eq(event_channel_recv(lfd, NULL, &got, &peer), -EPROTO);
	ck_assert_int_eq(event_channel_recv(lfd, NULL, &got, &peer), 1);
	check_task_event_same(&e, &got);
	(void)close(rfd);
	(void)close(lfd);
}
END_TEST

START_TEST(test_event_channel_ack_skips_junk)
{
	struct event_channel_peer	peer;
	struct task_event		e, got;
	struct task_event_ack		a, ack;
	char				big[2 * TASK_EVENT_LINE_MAX];
	int				lfd, rfd;

	ck_assert_int_ge(lfd = event_channel_listen(check_task_event_sock),
	    0);
	ck_assert_int_ge(rfd = event_channel_connect(
	    check_task_event_dest(), 1000), 0);
	check_task_event_sample(&e, 1);
	ck_assert_int_eq(event_channel_send(rfd, check_task_event_dest(), &e),
	    0);
	ck_assert_int_eq(event_channel_recv(lfd, NULL, &got, &peer), 1);
	ck_assert_int_eq(sendto(lfd, "junk", 4, 0,
	    (const struct sockaddr *)peer.addr, (socklen_t)peer.len), 4);
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(sendto(lfd, big, sizeof(big), 0,
	    (const struct sockaddr *)peer.addr, (socklen_t)peer.len),
	    (ssize_t)sizeof(big));
	memset(&a, 0, sizeof(a));
	snprintf(a.task_id, sizeof(a.task_id), "%s", got.task_id);
	a.seq = 1;
	ck_assert_int_eq(event_channel_ack(lfd, NULL, &peer, &a), 0);
	ck_assert_int_eq(event_channel_recv_ack(rfd, check_task_event_dest(), &ack), 1);
	ck_assert_uint_eq(ack.seq, 1);
	ck_assert_int_eq(event_channel_recv_ack(rfd, check_task_event_dest(), &ack), 0);
	(void)close(rfd);
	(void)close(lfd);
}
END_TEST

/* A scheduler that does not read: the send gives up after its timeout. */
START_TEST(test_event_channel_full)
{
	struct task_event	e;
	int64_t			t0, waited;
	int			lfd, rfd, i, r = 0;

	ck_assert_int_ge(lfd = event_channel_listen(check_task_event_sock),
	    0);
	ck_assert_int_ge(rfd = event_channel_connect(
	    check_task_event_dest(), 200), 0);
	check_task_event_sample(&e, 1);
	for (i = 0; i < 100000; i++) {
		t0 = clock_mono_ms();
		if ((r = event_channel_send(rfd, check_task_event_dest(),
		    &e)) < 0)
			break;
	}
	ck_assert_int_eq(r, -EAGAIN);
	waited = clock_mono_ms() - t0;
	ck_assert_int_ge(waited, 150);
	ck_assert_int_lt(waited, 5000);
	(void)close(rfd);
	(void)close(lfd);
}
END_TEST

Suite *
task_event_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("task_event");
	tc = tcase_create("line");
	tcase_add_test(tc, test_task_event_init_terminal);
	tcase_add_test(tc, test_task_event_round_trip);
	tcase_add_test(tc, test_task_event_round_trip_defaults);
	tcase_add_test(tc, test_task_event_format_invalid);
	tcase_add_test(tc, test_task_event_message_newlines);
	tcase_add_test(tc, test_task_event_long_fields);
	tcase_add_test(tc, test_task_event_parse_malformed);
	tcase_add_test(tc, test_task_event_parse_lenient);
	tcase_add_test(tc, test_task_event_ack);
	tcase_add_test(tc, test_task_event_ack_malformed);
	suite_add_tcase(s, tc);

	tc = tcase_create("channel");
	tcase_add_checked_fixture(tc, check_task_event_setup,
	    check_task_event_teardown);
	tcase_add_test(tc, test_event_channel_round_trip);
	tcase_add_test(tc, test_event_channel_no_listener);
	tcase_add_test(tc, test_event_channel_malformed);
	tcase_add_test(tc, test_event_channel_ack_skips_junk);
	tcase_add_test(tc, test_event_channel_full);
	suite_add_tcase(s, tc);
	return (s);
}
