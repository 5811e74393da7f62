/*
 * The task's stdout and stderr.  The command writes into a pipe per
 * stream and the supervisor moves what comes out into <sandbox>/stdout
 * and <sandbox>/stderr, so it can rotate them: once a file reaches -l
 * bytes it is renamed stdout.1 (stdout.1 to stdout.2, and so on up to
 * -K files; the oldest goes) and a new stdout starts.  The task never
 * sees a rotation; a reader holding the old file keeps reading it.
 *
 * To the sandbox only, bytes go by splice(2), from the pipe to the file
 * without passing through us.  With the journal (-o journal or both)
 * they are read, cut into lines and each line sent to journald's native
 * socket (-j) as an entry with SYSLOG_IDENTIFIER= the request id (-R),
 * KERR_TASK_ID= and KERR_REQUEST_ID=; the journal is best effort, as
 * syslog is: a line it cannot take now is dropped, not waited for.
 *
 * A full disk drops output too, counted; when space comes back the file
 * says how much was lost.  Either way the task runs on: a service must
 * not hang on its logging.
 *
 * When the command ends its process group is killed, and what its
 * processes wrote is still in the pipes: drained before the terminal
 * event, so the exit message can quote stderr.  When the supervisor
 * itself dies, the pipes' read ends close with it: the command, killed
 * by its parent-death signal (supervisor_child.c), does not run on as an
 * orphan nobody reports, and others of its group die of SIGPIPE at
 * their next write.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "supervisor.h"

/* What one wakeup moves per stream at most: the event channel and the
 * other stream get their turn even under a task writing without pause. */
#define SUPERVISOR_OUTPUT_TURN		(4 * 1024 * 1024)
/* A busy task's pipe: as large as an unprivileged one may be by default
 * (pipe-max-size). */
#define SUPERVISOR_OUTPUT_PIPE_SIZE	(1024 * 1024)
#define SUPERVISOR_OUTPUT_READ		65536
/* journald: LOG_INFO for stdout, LOG_ERR for stderr. */
#define SUPERVISOR_OUTPUT_PRI_STDOUT	6
#define SUPERVISOR_OUTPUT_PRI_STDERR	3

static const char *const supervisor_output_names[SUPERVISOR_STREAMS] = {
	"stdout", "stderr"
};

int
supervisor_output_parse(const char *s)
{
	if (strcmp(s, "sandbox") == 0)
		return (SUPERVISOR_OUTPUT_SANDBOX);
	if (strcmp(s, "journal") == 0)
		return (SUPERVISOR_OUTPUT_JOURNAL);
	if (strcmp(s, "both") == 0)
		return (SUPERVISOR_OUTPUT_SANDBOX | SUPERVISOR_OUTPUT_JOURNAL);
	return (-1);
}

void
supervisor_output_init(struct supervisor_output *o)
{
	int i;

	o->to = SUPERVISOR_OUTPUT_SANDBOX;
	o->sandbox_fd = o->journal_fd = o->null_fd = -1;
	for (i = 0; i < SUPERVISOR_STREAMS; i++) {
		o->streams[i].name = supervisor_output_names[i];
		o->streams[i].pipe[0] = o->streams[i].pipe[1] = -1;
		o->streams[i].file = -1;
	}
}

/* The live file, created for the task user (who owns the sandbox). */
static int
supervisor_output_file_open(struct supervisor_output *o,
    struct supervisor_stream *st)
{
	struct stat	sb;
	int		fd;

	/* No O_APPEND: splice(2) refuses it.  We are the only writer.
	 * O_RDWR: the last byte is read back before a lost-output note.
	 * O_NONBLOCK: a FIFO put there must not hold us up. */
	fd = openat(o->sandbox_fd, st->name, O_RDWR | O_CREAT | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC, 0644);
	if (fd < 0)
		return (-errno);
	if (fstat(fd, &sb) != 0) {
		(void)close(fd);
		return (-errno);
	}
	/* The task owns the directory: what it left there under the name
	 * must be its own plain file, not a link to someone else's. */
	if (!S_ISREG(sb.st_mode) || sb.st_nlink > 1 || (sb.st_uid != o->uid &&
	    sb.st_uid != geteuid())) {
		(void)close(fd);
		return (-EPERM);
	}
	if (lseek(fd, 0, SEEK_END) < 0 || fchown(fd, o->uid, o->gid) != 0) {
		(void)close(fd);
		return (-errno);
	}
	st->file = fd;
	st->size = sb.st_size;
	return (0);
}

/* stdout.K-1 -> stdout.K ... stdout -> stdout.1, the oldest overwritten. */
static int
supervisor_output_rotate(struct supervisor_output *o,
    struct supervisor_stream *st)
{
	char	from[NAME_MAX], to[NAME_MAX];
	int	i;

	(void)close(st->file);
	st->file = -1;
	for (i = o->keep - 1; i >= 1; i--) {
		(void)snprintf(from, sizeof(from), "%s.%d", st->name, i);
		(void)snprintf(to, sizeof(to), "%s.%d", st->name, i + 1);
		if (renameat(o->sandbox_fd, from, o->sandbox_fd, to) != 0 &&
		    errno != ENOENT)
			return (-errno);
	}
	(void)snprintf(to, sizeof(to), "%s.1", st->name);
	if ((o->keep > 0 ? renameat(o->sandbox_fd, st->name, o->sandbox_fd,
	    to) : unlinkat(o->sandbox_fd, st->name, 0)) != 0 &&
	    errno != ENOENT)
		return (-errno);
	return (supervisor_output_file_open(o, st));
}

/* A pipe per stream, ours to read without blocking. */
static int
supervisor_output_pipe(struct supervisor_stream *st)
{
	if (pipe2(st->pipe, O_CLOEXEC) != 0)
		return (-errno);
	if (fcntl(st->pipe[0], F_SETFL, O_NONBLOCK) != 0)
		return (-errno);
	return (0);
}

/*
 * A task that filled its pipe gets a big one: fewer wakeups for us,
 * fewer waits for it.  Only then, as each pipe's ring costs the kernel
 * 40 bytes a page of capacity, for each of thousands of quiet tasks.
 */
static void
supervisor_output_grow(struct supervisor_stream *st, ssize_t moved)
{
	int size;

	if (st->grown || moved <= 0)
		return;
	if ((size = fcntl(st->pipe[0], F_GETPIPE_SZ)) < 0 || moved < size)
		return;
	st->grown = 1;
	/* A smaller pipe only costs more wakeups. */
	(void)fcntl(st->pipe[0], F_SETPIPE_SZ, SUPERVISOR_OUTPUT_PIPE_SIZE);
}

int
supervisor_output_open(struct supervisor *sv)
{
	struct supervisor_output	*o = &sv->output;
	struct stat			 sb;
	int				 i, r;

	o->sandbox_fd = open(sv->sandbox, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
	if (o->sandbox_fd < 0 || fstat(o->sandbox_fd, &sb) != 0)
		return (-errno);
	o->uid = sb.st_uid;
	o->gid = sb.st_gid;
	if ((o->null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
		return (-errno);
	if ((o->to & SUPERVISOR_OUTPUT_JOURNAL) &&
	    (o->journal_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) < 0)
		return (-errno);
	for (i = 0; i < SUPERVISOR_STREAMS; i++) {
		o->streams[i].priority = i == 0 ?
		    SUPERVISOR_OUTPUT_PRI_STDOUT : SUPERVISOR_OUTPUT_PRI_STDERR;
		if ((r = supervisor_output_pipe(&o->streams[i])) < 0)
			return (r);
		if ((o->to & SUPERVISOR_OUTPUT_JOURNAL) &&
		    (o->streams[i].line = malloc(SUPERVISOR_LINE_MAX)) ==
		    NULL)
			return (-ENOMEM);
		/* A full disk does not stop the task: retried as it writes. */
		if ((r = supervisor_output_file_open(o, &o->streams[i])) < 0)
			log_warnx("Failed to open '%s/%s': %s, retrying as the "
			    "task writes", sv->sandbox, o->streams[i].name,
			    strerror(-r));
	}
	return (0);
}

int
supervisor_output_child(const struct supervisor *sv)
{
	const struct supervisor_output	*o = &sv->output;
	int				 i;

	for (i = 0; i < SUPERVISOR_STREAMS; i++)
		if (dup2(o->streams[i].pipe[1], STDOUT_FILENO + i) < 0)
			return (-1);
	return (0);
}

void
supervisor_output_started(struct supervisor *sv)
{
	int i;

	for (i = 0; i < SUPERVISOR_STREAMS; i++) {
		if (sv->output.streams[i].pipe[1] >= 0)
			(void)close(sv->output.streams[i].pipe[1]);
		sv->output.streams[i].pipe[1] = -1;
	}
}

/* Before new bytes, once the disk takes them again: what was lost, on a
 * line of its own. */
static int
supervisor_output_say_dropped(struct supervisor_stream *st)
{
	char	line[160], last = '\n';
	int	n;

	if (st->dropped == 0)
		return (0);
	if (st->size > 0 && pread(st->file, &last, 1, st->size - 1) != 1)
		last = '\n';
	n = snprintf(line, sizeof(line), "%skerr: %llu bytes of output lost: "
	    "%s\n", last != '\n' ? "\n" : "", st->dropped,
	    strerror(st->drop_errno));
	if (write(st->file, line, (size_t)n) != n)
		return (-1);
	log_notice("Writing %s again after losing %llu bytes: %s", st->name,
	    st->dropped, strerror(st->drop_errno));
	st->size += n;
	st->dropped = 0;
	return (0);
}

/* Bytes the file could not take: said once, when the loss starts. */
static void
supervisor_output_lose(struct supervisor_stream *st, int err, size_t n)
{
	if (st->dropped == 0)
		log_warnx("Failed to write the task's %s: %s, dropping output "
		    "until it works", st->name, strerror(err));
	st->drop_errno = err;
	st->dropped += n;
}

/* The live file with room for more: 0, or -errno. */
static int
supervisor_output_ready(struct supervisor_output *o,
    struct supervisor_stream *st)
{
	int r;

	if (st->file >= 0 && o->max_bytes > 0 && st->size >= o->max_bytes &&
	    (r = supervisor_output_rotate(o, st)) < 0)
		return (r);
	if (st->file < 0 && (r = supervisor_output_file_open(o, st)) < 0)
		return (r);
	if (supervisor_output_say_dropped(st) < 0)
		return (-errno);
	return (0);
}

/* Room left in the live file: all of it when files are not rotated. */
static size_t
supervisor_output_room(const struct supervisor_output *o,
    const struct supervisor_stream *st, size_t want)
{
	if (o->max_bytes > 0 && (long long)want > o->max_bytes - st->size)
		return ((size_t)(o->max_bytes - st->size));
	return (want);
}

/*
 * Pipe to file by splice: bytes moved, 0 at end of file, -1 with errno
 * (EAGAIN: the pipe is empty).  Bytes the file cannot take are dropped.
 */
static ssize_t
supervisor_output_splice(struct supervisor_output *o,
    struct supervisor_stream *st)
{
	ssize_t	n;
	size_t	len = SUPERVISOR_OUTPUT_PIPE_SIZE;
	int	err;

	if ((err = -supervisor_output_ready(o, st)) == 0) {
		n = splice(st->pipe[0], NULL, st->file, NULL,
		    supervisor_output_room(o, st, len),
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n >= 0) {
			st->size += n;
			return (n);
		}
		/* An empty pipe: EAGAIN (a file never says it). */
		if (errno == EAGAIN || errno == EINTR)
			return (-1);
		err = errno;
	}
	n = splice(st->pipe[0], NULL, o->null_fd, NULL, len,
	    SPLICE_F_NONBLOCK);
	if (n > 0)
		supervisor_output_lose(st, err, (size_t)n);
	return (n);
}

/* The bytes of buf into the live file, across rotations. */
static void
supervisor_output_write(struct supervisor_output *o,
    struct supervisor_stream *st, const char *buf, size_t len)
{
	ssize_t	n;
	size_t	room;
	int	r;

	while (len > 0) {
		if ((r = supervisor_output_ready(o, st)) < 0) {
			supervisor_output_lose(st, -r, len);
			return;
		}
		room = supervisor_output_room(o, st, len);
		if ((n = write(st->file, buf, room)) < 0) {
			if (errno == EINTR)
				continue;
			supervisor_output_lose(st, errno, len);
			return;
		}
		st->size += n;
		buf += n;
		len -= (size_t)n;
	}
}

/* One journal entry, in the native protocol (systemd's
 * JOURNAL_NATIVE_PROTOCOL): MESSAGE in the binary-safe form. */
static void
supervisor_output_send(struct supervisor *sv, struct supervisor_stream *st)
{
	struct supervisor_output	*o = &sv->output;
	struct sockaddr_un		 sa = { .sun_family = AF_UNIX };
	char				 head[512];
	uint64_t			 le = htole64(st->line_len);
	struct iovec			 iov[4];
	struct msghdr			 mh = { .msg_name = &sa,
					    .msg_namelen = sizeof(sa),
					    .msg_iov = iov, .msg_iovlen = 4 };
	int				 n;

	n = snprintf(head, sizeof(head), "PRIORITY=%d\nSYSLOG_IDENTIFIER=%s\n"
	    "KERR_TASK_ID=%s\nKERR_REQUEST_ID=%s\nMESSAGE\n", st->priority,
	    o->request_id, sv->task_id, o->request_id);
	(void)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s",
	    o->journal_path);
	iov[0] = (struct iovec){ head, (size_t)n };
	iov[1] = (struct iovec){ &le, sizeof(le) };
	iov[2] = (struct iovec){ st->line, st->line_len };
	iov[3] = (struct iovec){ "\n", 1 };
	/* Without a stderr file, the end of the task may quote it. */
	if (st->priority == SUPERVISOR_OUTPUT_PRI_STDERR && st->line_len > 0)
		(void)snprintf(o->stderr_tail, sizeof(o->stderr_tail), "%.*s",
		    (int)st->line_len, st->line);
	st->line_len = 0;
	if (sendmsg(o->journal_fd, &mh, MSG_NOSIGNAL) >= 0) {
		if (o->journal_errno != 0)
			log_notice("Sending task lines to the journal at '%s' "
			    "again", o->journal_path);
		o->journal_errno = 0;
		return;
	}
	/* Said once per cause, not once per line. */
	if (errno != o->journal_errno)
		log_warn("Failed to send a line of task %s to the journal at "
		    "'%s', dropping lines", sv->task_id, o->journal_path);
	o->journal_errno = errno;
}

/* Cut buf into lines for the journal; a line too long goes in parts. */
static void
supervisor_output_lines(struct supervisor *sv, struct supervisor_stream *st,
    const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			supervisor_output_send(sv, st);
			continue;
		}
		st->line[st->line_len++] = buf[i];
		if (st->line_len == SUPERVISOR_LINE_MAX)
			supervisor_output_send(sv, st);
	}
}

/* Pipe to journal (and file): bytes read, 0 at end of file, -1 errno. */
static ssize_t
supervisor_output_read(struct supervisor *sv, struct supervisor_stream *st)
{
	char	buf[SUPERVISOR_OUTPUT_READ];
	ssize_t	n;

	if ((n = read(st->pipe[0], buf, sizeof(buf))) <= 0)
		return (n);
	if (sv->output.to & SUPERVISOR_OUTPUT_SANDBOX)
		supervisor_output_write(&sv->output, st, buf, (size_t)n);
	supervisor_output_lines(sv, st, buf, (size_t)n);
	return (n);
}

/* Move what the pipe holds, up to limit bytes; at end of file the pipe
 * is closed (and a last unterminated line sent). */
static void
supervisor_output_move(struct supervisor *sv, struct supervisor_stream *st,
    size_t limit)
{
	size_t	moved = 0;
	ssize_t	n;

	while (st->pipe[0] >= 0 && moved < limit) {
		n = sv->output.to & SUPERVISOR_OUTPUT_JOURNAL ?
		    supervisor_output_read(sv, st) :
		    supervisor_output_splice(&sv->output, st);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			log_warn("Failed to read the task's %s", st->name);
		if (n < 0)
			return;
		supervisor_output_grow(st, n);
		if (n == 0) {
			if (st->line_len > 0)
				supervisor_output_send(sv, st);
			(void)close(st->pipe[0]);
			st->pipe[0] = -1;
			return;
		}
		moved += (size_t)n;
	}
}

void
supervisor_output_poll(const struct supervisor *sv, struct pollfd *pfd)
{
	int i;

	for (i = 0; i < SUPERVISOR_STREAMS; i++)
		pfd[i] = (struct pollfd){ .fd = sv->output.streams[i].pipe[0],
		    .events = POLLIN };
}

void
supervisor_output_pump(struct supervisor *sv, const struct pollfd *pfd)
{
	int i;

	for (i = 0; i < SUPERVISOR_STREAMS; i++)
		if (pfd[i].revents != 0)
			supervisor_output_move(sv, &sv->output.streams[i],
			    SUPERVISOR_OUTPUT_TURN);
}

void
supervisor_output_drain(struct supervisor *sv)
{
	int i;

	for (i = 0; i < SUPERVISOR_STREAMS; i++)
		supervisor_output_move(sv, &sv->output.streams[i], SIZE_MAX);
}

void
supervisor_output_close(struct supervisor *sv)
{
	struct supervisor_output	*o = &sv->output;
	struct supervisor_stream	*st;
	int				 i;

	/* What is left; a writer that escaped the group gets SIGPIPE. */
	supervisor_output_drain(sv);
	for (i = 0; i < SUPERVISOR_STREAMS; i++) {
		st = &o->streams[i];
		if (st->line_len > 0)
			supervisor_output_send(sv, st);
		if (st->dropped > 0)
			log_notice("task=%s lost %llu bytes of its %s: %s",
			    sv->task_id, st->dropped, st->name,
			    strerror(st->drop_errno));
		if (st->pipe[0] >= 0)
			(void)close(st->pipe[0]);
		if (st->pipe[1] >= 0)
			(void)close(st->pipe[1]);
		if (st->file >= 0)
			(void)close(st->file);
		free(st->line);
		st->line = NULL;
		st->pipe[0] = st->pipe[1] = st->file = -1;
	}
	if (o->journal_fd >= 0)
		(void)close(o->journal_fd);
	if (o->null_fd >= 0)
		(void)close(o->null_fd);
	if (o->sandbox_fd >= 0)
		(void)close(o->sandbox_fd);
	o->journal_fd = o->null_fd = o->sandbox_fd = -1;
}
