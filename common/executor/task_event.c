/*
 * The task event line (task_event.h): written by reporters, read by the
 * scheduler from its socket and from sandboxes.  Keys may come in any
 * order, unknown keys are skipped (a newer reporter may say more), and
 * message= runs to the end of the line.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "task_event.h"
#include "text.h"

#define TASK_EVENT_MAGIC	"kerr-event"
#define TASK_EVENT_ACK_MAGIC	"kerr-ack"

static const char *const task_event_terminal[] = {
	"TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST",
	"TASK_ERROR", "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR",
	"TASK_UNREACHABLE", "TASK_UNKNOWN"
};

void
task_event_init(struct task_event *e, const char *task_id)
{
	memset(e, 0, sizeof(*e));
	e->exit_code = -1;
	(void)snprintf(e->task_id, sizeof(e->task_id), "%s", task_id);
}

int
task_event_is_terminal(const char *state)
{
	size_t i;

	for (i = 0; i < sizeof(task_event_terminal) /
	    sizeof(task_event_terminal[0]); i++)
		if (strcmp(state, task_event_terminal[i]) == 0)
			return (1);
	return (0);
}

/* A word of the line: non-empty, no space, no newline. */
static int
task_event_is_word(const char *s)
{
	return (s[0] != '\0' && strpbrk(s, " \t\r\n") == NULL);
}

/* The placement fields a remote reporter adds, each only when set. */
static int
task_event_place(const struct task_event *e, char *buf, size_t len)
{
	const char	*key[] = { "host", "rack", "ports" };
	const char	*val[] = { e->host, e->rack, e->ports };
	size_t		 i, n = 0;
	int		 r;

	for (i = 0; i < sizeof(key) / sizeof(key[0]); i++) {
		if (val[i][0] == '\0')
			continue;
		if (!task_event_is_word(val[i]))
			return (-EINVAL);
		r = snprintf(buf + n, len - n, "%s=%s ", key[i], val[i]);
		if (r < 0 || (size_t)r >= len - n)
			return (-ENOBUFS);
		n += (size_t)r;
	}
	return ((int)n);
}

int
task_event_format(const struct task_event *e, char *buf, size_t len)
{
	size_t	n, i;
	int	r;

	if (!task_event_is_word(e->task_id) || !task_event_is_word(e->state) ||
	    (e->reason[0] != '\0' && !task_event_is_word(e->reason)))
		return (-EINVAL);
	r = snprintf(buf, len, TASK_EVENT_MAGIC " %d seq=%u at=%" PRId64
	    " state=%s pid=%ld ticks=%" PRIu64 " pgid=%ld code=%d signal=%d"
	    " oom=%d reason=%s task=%s ", TASK_EVENT_VERSION, e->seq,
	    e->at_ms, e->state, (long)e->pid, e->start_ticks, (long)e->pgid,
	    e->exit_code, e->signal, e->oom != 0,
	    e->reason[0] != '\0' ? e->reason : "-", e->task_id);
	if (r < 0 || (size_t)r >= len)
		return (-ENOBUFS);
	n = (size_t)r;
	if ((r = task_event_place(e, buf + n, len - n)) < 0)
		return (r);
	n += (size_t)r;
	if (n + 8 >= len)
		return (-ENOBUFS);
	memcpy(buf + n, "message=", 8);
	n += 8;
	/* A message filling its array whole is cut where parse() stops. */
	for (i = 0; i < sizeof(e->message) - 1 && e->message[i] != '\0';
	    i++) {
		if (n + 2 >= len)
			return (-ENOBUFS);
		buf[n++] = e->message[i] == '\n' || e->message[i] == '\r' ?
		    ' ' : e->message[i];
	}
	buf[n++] = '\n';
	buf[n] = '\0';
	return ((int)n);
}

static int
task_event_number(const char *v, size_t n, long long min, long long max,
    long long *ret)
{
	char		 tmp[32], *end;
	long long	 x;

	if (n == 0 || n >= sizeof(tmp))
		return (-EINVAL);
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	errno = 0;
	x = strtoll(tmp, &end, 10);
	if (errno != 0 || *end != '\0' || x < min || x > max)
		return (-EINVAL);
	*ret = x;
	return (0);
}

static int
task_event_field(struct task_event *e, const char *key, size_t klen,
    const char *v, size_t n)
{
	long long	x = 0;
	int		r = 0;

#define KEY(s)	(klen == sizeof(s) - 1 && memcmp(key, s, klen) == 0)
	if (KEY("state"))
		return (text_copy(e->state, sizeof(e->state), v, n));
	if (KEY("task"))
		return (text_copy(e->task_id, sizeof(e->task_id), v, n));
	if (KEY("host"))
		return (text_copy(e->host, sizeof(e->host), v, n));
	if (KEY("rack"))
		return (text_copy(e->rack, sizeof(e->rack), v, n));
	if (KEY("ports"))
		return (text_copy(e->ports, sizeof(e->ports), v, n));
	if (KEY("reason")) {
		if (n == 1 && v[0] == '-')
			n = 0;
		return (text_copy(e->reason, sizeof(e->reason), v, n));
	}
	if (KEY("seq") && (r = task_event_number(v, n, 1, UINT_MAX, &x)) == 0)
		e->seq = (unsigned)x;
	else if (KEY("at") && (r = task_event_number(v, n, 0, INT64_MAX,
	    &x)) == 0)
		e->at_ms = x;
	else if (KEY("pid") && (r = task_event_number(v, n, 0, INT_MAX,
	    &x)) == 0)
		e->pid = (pid_t)x;
	else if (KEY("ticks") && (r = task_event_number(v, n, 0, INT64_MAX,
	    &x)) == 0)
		e->start_ticks = (uint64_t)x;
	else if (KEY("pgid") && (r = task_event_number(v, n, 0, INT_MAX,
	    &x)) == 0)
		e->pgid = (pid_t)x;
	else if (KEY("code") && (r = task_event_number(v, n, -1, 255,
	    &x)) == 0)
		e->exit_code = (int)x;
	else if (KEY("signal") && (r = task_event_number(v, n, 0, 128,
	    &x)) == 0)
		e->signal = (int)x;
	else if (KEY("oom") && (r = task_event_number(v, n, 0, 1, &x)) == 0)
		e->oom = (int)x;
#undef KEY
	return (r);
}

/* Skip "magic version " and check both; the rest of the line or NULL. */
static const char *
task_event_header(const char *line, size_t len, const char *magic)
{
	size_t		 m = strlen(magic);
	const char	*p = line + m, *end = line + len;
	long long	 version;

	if (len <= m + 1 || memcmp(line, magic, m) != 0 || *p != ' ')
		return (NULL);
	p++;
	version = 0;
	while (p < end && *p >= '0' && *p <= '9')
		version = version * 10 + (*p++ - '0');
	if (version != TASK_EVENT_VERSION || p >= end || *p != ' ')
		return (NULL);
	return (p + 1);
}

int
task_event_parse(const char *line, size_t len, struct task_event *ret)
{
	struct task_event	 e;
	const char		*p, *end, *eq, *sp;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\0'))
		len--;
	if ((p = task_event_header(line, len, TASK_EVENT_MAGIC)) == NULL)
		return (-EINVAL);
	end = line + len;
	task_event_init(&e, "");
	while (p < end) {
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
			return (-EINVAL);
		if ((size_t)(eq - p) == 7 && memcmp(p, "message", 7) == 0) {
			if (text_copy(e.message, sizeof(e.message),
			    eq + 1, (size_t)(end - eq - 1)) < 0)
				return (-EINVAL);
			break;
		}
		if ((sp = memchr(eq, ' ', (size_t)(end - eq))) == NULL)
			sp = end;
		if (task_event_field(&e, p, (size_t)(eq - p), eq + 1,
		    (size_t)(sp - eq - 1)) < 0)
			return (-EINVAL);
		p = sp < end ? sp + 1 : end;
	}
	if (e.seq == 0 || e.state[0] == '\0' || e.task_id[0] == '\0')
		return (-EINVAL);
	*ret = e;
	return (0);
}

int
task_event_ack_format(const struct task_event_ack *a, char *buf, size_t len)
{
	int r;

	if (!task_event_is_word(a->task_id) || a->seq == 0)
		return (-EINVAL);
	r = snprintf(buf, len, TASK_EVENT_ACK_MAGIC " %d seq=%u task=%s\n",
	    TASK_EVENT_VERSION, a->seq, a->task_id);
	if (r < 0 || (size_t)r >= len)
		return (-ENOBUFS);
	return (r);
}

int
task_event_ack_parse(const char *line, size_t len, struct task_event_ack *ret)
{
	struct task_event_ack	 a;
	const char		*p, *end;
	char			*num_end;
	unsigned long		 seq;
	size_t			 n;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\0'))
		len--;
	if ((p = task_event_header(line, len, TASK_EVENT_ACK_MAGIC)) == NULL)
		return (-EINVAL);
	end = line + len;
	if ((size_t)(end - p) < 5 || memcmp(p, "seq=", 4) != 0)
		return (-EINVAL);
	errno = 0;
	seq = strtoul(p + 4, &num_end, 10);
	if (errno != 0 || num_end == p + 4 || seq == 0 || seq > UINT_MAX ||
	    num_end + 6 > end || memcmp(num_end, " task=", 6) != 0)
		return (-EINVAL);
	p = num_end + 6;
	n = (size_t)(end - p);
	if (n == 0 || n >= sizeof(a.task_id) || memchr(p, ' ', n) != NULL)
		return (-EINVAL);
	memcpy(a.task_id, p, n);
	a.task_id[n] = '\0';
	a.seq = (unsigned)seq;
	*ret = a;
	return (0);
}
