/*
 * The journal sink of log.h (see log_journal.h).  Native journal entries,
 * rather than "<N>" lines on the stream, because only they carry fields.
 */
#include <sys/stat.h>
#include <sys/uio.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "log.h"
#include "log_journal.h"

/* Copy the id that follows "key=" at a word start in msg, if any. */
static void
log_journal_word(const char *msg, const char *key, char *buf, size_t len)
{
	const char	*p = msg;
	size_t		 klen = strlen(key), n;

	buf[0] = '\0';
	while ((p = strstr(p, key)) != NULL) {
		if ((p == msg || p[-1] == ' ' || p[-1] == '(') &&
		    p[klen] == '=')
			break;
		p += klen;
	}
	if (p == NULL)
		return;
	p += klen + 1;
	n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_.-");
	/* A sentence's full stop is not part of the id. */
	while (n > 0 && p[n - 1] == '.')
		n--;
	if (n == 0 || n >= len)
		return;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

void
log_journal_ids(const char *msg, struct log_journal_ids *ret)
{
	struct task_id	tid;

	log_journal_word(msg, "task", ret->task_id, sizeof(ret->task_id));
	log_journal_word(msg, "request", ret->request_id,
	    sizeof(ret->request_id));
	log_journal_word(msg, "deploy", ret->deploy_id,
	    sizeof(ret->deploy_id));
	if (ret->task_id[0] == '\0' ||
	    task_id_parse(ret->task_id, &tid) < 0)
		return;
	if (ret->request_id[0] == '\0')
		(void)snprintf(ret->request_id, sizeof(ret->request_id), "%s",
		    tid.request_id);
	if (ret->deploy_id[0] == '\0')
		(void)snprintf(ret->deploy_id, sizeof(ret->deploy_id), "%s",
		    tid.deploy_id);
}

int
log_journal_stderr_is_journal(void)
{
	const char		*e = getenv("JOURNAL_STREAM");
	struct stat		 st;
	unsigned long long	 dev, ino;

	if (e == NULL || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return (0);
	if (fstat(STDERR_FILENO, &st) != 0)
		return (0);
	return ((unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino);
}

/* One field as "NAME=value" into buf; 1 when there is a value. */
static int
log_journal_field(struct iovec *iov, char *buf, size_t len,
    const char *name, const char *value)
{
	int r;

	if (value[0] == '\0')
		return (0);
	r = snprintf(buf, len, "%s=%s", name, value);
	if (r < 0 || (size_t)r >= len)
		return (0);
	iov->iov_base = buf;
	iov->iov_len = (size_t)r;
	return (1);
}

static int
log_journal_sink(int pri, const char *msg)
{
	struct log_journal_ids	ids;
	struct iovec		iov[6];
	char			fmsg[LOG_LINE_MAX + 16], fpri[16], fident[96];
	char			ftask[TASK_ID_MAX + 16];
	char			freq[REQUEST_ID_MAX + 24];
	char			fdep[DEPLOY_ID_MAX + 24];
	char			level[4];
	int			n = 0;

	log_journal_ids(msg, &ids);
	(void)snprintf(level, sizeof(level), "%d", pri);
	n += log_journal_field(&iov[n], fmsg, sizeof(fmsg), "MESSAGE", msg);
	n += log_journal_field(&iov[n], fpri, sizeof(fpri), "PRIORITY",
	    level);
	n += log_journal_field(&iov[n], fident, sizeof(fident),
	    "SYSLOG_IDENTIFIER", log_get_ident());
	n += log_journal_field(&iov[n], ftask, sizeof(ftask), "KERR_TASK_ID",
	    ids.task_id);
	n += log_journal_field(&iov[n], freq, sizeof(freq),
	    "KERR_REQUEST_ID", ids.request_id);
	n += log_journal_field(&iov[n], fdep, sizeof(fdep), "KERR_DEPLOY_ID",
	    ids.deploy_id);
	return (sd_journal_sendv(iov, n) < 0 ? -1 : 0);
}

int
log_journal_attach(void)
{
	if (!log_journal_stderr_is_journal())
		return (0);
	log_set_sink(log_journal_sink);
	return (1);
}
