/*
 * Clocks, percentiles and a minimal HTTP/1.1 client for the benchmark
 * programs (see bench_util.h).  The client speaks just enough HTTP for
 * loopback benchmarking: keep-alive, Content-Length or chunked bodies.
 * The /proc readers see a zombie as gone: on a machine whose pid 1 does
 * not reap, orphans stay zombies forever.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

static int64_t
bench_clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

int64_t
bench_now_us(void)
{
	return (bench_clock_us(CLOCK_REALTIME));
}

int64_t
bench_mono_us(void)
{
	return (bench_clock_us(CLOCK_MONOTONIC));
}

static int
bench_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return ((x > y) - (x < y));
}

int64_t
bench_percentile(int64_t *v, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return (0);
	qsort(v, n, sizeof(*v), bench_cmp_i64);
	rank = (size_t)((p / 100.0) * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (v[rank - 1]);
}

int
bench_samples_add(struct bench_samples *s, int64_t x)
{
	int64_t	*nv;
	size_t	 ncap;

	if (s->n == s->cap) {
		ncap = s->cap != 0 ? s->cap * 2 : 1024;
		if ((nv = realloc(s->v, ncap * sizeof(*nv))) == NULL)
			return (-ENOMEM);
		s->v = nv;
		s->cap = ncap;
	}
	s->v[s->n++] = x;
	return (0);
}

void
bench_samples_free(struct bench_samples *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

int
bench_http_open(struct bench_http *h, int port)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	int			one = 1;

	h->port = port;
	h->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (h->fd < 0)
		return (-errno);
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	(void)setsockopt(h->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(h->fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		int e = errno;

		close(h->fd);
		h->fd = -1;
		return (-e);
	}
	return (0);
}

void
bench_http_close(struct bench_http *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	free(h->buf);
	h->buf = NULL;
	h->len = h->cap = 0;
}

static int
bench_http_fill(struct bench_http *h)
{
	char	*nb;
	ssize_t	 n;

	if (h->cap - h->len < 65536) {
		size_t ncap = h->cap != 0 ? h->cap * 2 : 262144;

		if ((nb = realloc(h->buf, ncap)) == NULL)
			return (-ENOMEM);
		h->buf = nb;
		h->cap = ncap;
	}
	do
		n = read(h->fd, h->buf + h->len, h->cap - h->len - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return (-errno);
	if (n == 0)
		return (-ECONNRESET);
	h->len += (size_t)n;
	h->buf[h->len] = '\0';
	return (0);
}

static int
bench_http_send_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return (-errno);
		p += w;
		n -= (size_t)w;
	}
	return (0);
}

/* Decodes a chunked body in place, starting at buf+off; -EAGAIN if short. */
static int
bench_http_dechunk(struct bench_http *h, size_t off)
{
	size_t	 in = off, out = off, sz;
	char	*eol;
	int	 pass;

	/* Pass 0 only checks that the last chunk has arrived. */
	for (pass = 0; pass < 2; pass++) {
		in = out = off;
		for (;;) {
			if ((eol = strstr(h->buf + in, "\r\n")) == NULL)
				return (-EAGAIN);
			sz = strtoul(h->buf + in, NULL, 16);
			in = (size_t)(eol - h->buf) + 2;
			if (sz == 0) {
				if (h->len < in + 2)
					return (-EAGAIN);
				break;
			}
			if (h->len < in + sz + 2)
				return (-EAGAIN);
			if (pass == 1)
				memmove(h->buf + out, h->buf + in, sz);
			out += sz;
			in += sz + 2;
		}
	}
	h->body = h->buf + off;
	h->body_len = out - off;
	h->buf[out] = '\0';
	return (0);
}

static int
bench_http_read_response(struct bench_http *h)
{
	char	*hdr_end, *p;
	size_t	 hdr_len, clen = 0;
	int	 chunked = 0, have_len = 0, r;

	h->len = 0;
	for (;;) {
		if (h->len > 0 &&
		    (hdr_end = strstr(h->buf, "\r\n\r\n")) != NULL)
			break;
		if ((r = bench_http_fill(h)) < 0)
			return (r);
	}
	hdr_len = (size_t)(hdr_end - h->buf) + 4;
	if (sscanf(h->buf, "HTTP/1.%*d %d", &h->status) != 1)
		return (-EPROTO);
	for (p = strstr(h->buf, "\r\n"); p != NULL && p < hdr_end;
	    p = strstr(p + 2, "\r\n")) {
		if (strncasecmp(p + 2, "Content-Length:", 15) == 0) {
			clen = strtoul(p + 17, NULL, 10);
			have_len = 1;
		} else if (strncasecmp(p + 2, "Transfer-Encoding:", 18) == 0 &&
		    strstr(p + 2, "chunked") != NULL)
			chunked = 1;
	}
	if (chunked) {
		while ((r = bench_http_dechunk(h, hdr_len)) == -EAGAIN)
			if ((r = bench_http_fill(h)) < 0)
				return (r);
		return (r);
	}
	if (!have_len)
		clen = 0;
	while (h->len < hdr_len + clen)
		if ((r = bench_http_fill(h)) < 0)
			return (r);
	h->body = h->buf + hdr_len;
	h->body_len = clen;
	h->buf[hdr_len + clen] = '\0';
	return (0);
}

int
bench_http_do(struct bench_http *h, const char *method, const char *path,
    const char *body)
{
	char	hdr[1024];
	int	attempt, n, r = -EIO;

	n = snprintf(hdr, sizeof(hdr), "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "%sContent-Length: %zu\r\n\r\n", method, path,
	    body != NULL ? "Content-Type: application/json\r\n" : "",
	    body != NULL ? strlen(body) : (size_t)0);
	if (n < 0 || (size_t)n >= sizeof(hdr))
		return (-ENAMETOOLONG);
	for (attempt = 0; attempt < 2; attempt++) {
		if (h->fd < 0 && (r = bench_http_open(h, h->port)) < 0)
			return (r);
		if ((r = bench_http_send_all(h->fd, hdr, (size_t)n)) == 0 &&
		    (body == NULL ||
		    (r = bench_http_send_all(h->fd, body, strlen(body))) == 0) &&
		    (r = bench_http_read_response(h)) == 0)
			return (0);
		/* The server may have closed an idle keep-alive connection. */
		close(h->fd);
		h->fd = -1;
	}
	return (r);
}

/* State and process group from /proc/<pid>/stat; -1 if unreadable. */
static int
bench_proc_stat(int pid, char *ret_state, int *ret_pgid)
{
	char	 path[64], buf[512], *p;
	FILE	*fp;
	size_t	 n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((fp = fopen(path, "re")) == NULL)
		return (-1);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: skip past the
	 * last ')'. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %c %*d %d", ret_state, ret_pgid) != 2)
		return (-1);
	return (0);
}

size_t
bench_proc_members(const int *pgids, size_t n, int *ret_pids,
    int *ret_group, size_t max)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 count = 0, i;
	char		 state;
	int		 pid, pgid;

	if ((d = opendir("/proc")) == NULL)
		return (0);
	while ((e = readdir(d)) != NULL && count < max) {
		if ((pid = atoi(e->d_name)) <= 0 ||
		    bench_proc_stat(pid, &state, &pgid) < 0 || state == 'Z')
			continue;
		for (i = 0; i < n; i++)
			if (pgids[i] == pgid) {
				ret_pids[count] = pid;
				ret_group[count++] = (int)i;
				break;
			}
	}
	closedir(d);
	return (count);
}

int
bench_proc_alive(int pid)
{
	char	state;
	int	pgid;

	if (kill(pid, 0) != 0 && errno == ESRCH)
		return (0);
	if (bench_proc_stat(pid, &state, &pgid) < 0)
		return (0);
	return (state != 'Z' && state != 'X');
}

long
bench_proc_hwm_kb(int pid)
{
	char	 path[64], line[256];
	FILE	*fp;
	long	 kb = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if ((fp = fopen(path, "re")) == NULL)
		return (-1);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0) {
			kb = atol(line + 6);
			break;
		}
	fclose(fp);
	return (kb);
}

long long
bench_proc_cpu_us(int pid)
{
	char			 path[64], buf[1024], *p;
	unsigned long long	 ut, st;
	long long		 cut, cst;
	FILE			*fp;
	size_t			 n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((fp = fopen(path, "re")) == NULL)
		return (-1);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	/* Fields 14-17 (utime stime cutime cstime), counted after the ')'
	 * that ends field 2. */
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 1, " %*c %*d %*d %*d"
	    " %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld", &ut, &st, &cut,
	    &cst) != 4)
		return (-1);
	return ((long long)(ut + st + (unsigned long long)(cut + cst)) *
	    1000000 / sysconf(_SC_CLK_TCK));
}

long long
bench_proc_sched_us(int pid)
{
	char		 path[64];
	DIR		*d;
	struct dirent	*e;
	FILE		*fp;
	long long	 sum = 0, ns;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	if ((d = opendir(path)) == NULL)
		return (-1);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/schedstat",
		    pid, e->d_name);
		if ((fp = fopen(path, "re")) == NULL)
			continue;
		if (fscanf(fp, "%lld", &ns) == 1)
			sum += ns / 1000;
		fclose(fp);
	}
	closedir(d);
	return (sum);
}

long long
bench_proc_run_us(int pid)
{
	long long sum, ticks;

	/* Per-thread run time in ns: /proc/<pid>/stat counts whole clock
	 * ticks, which rounds a process that ran 3 ms down to 0. */
	if ((sum = bench_proc_sched_us(pid)) < 0)
		return (-1);
	/* Threads that have exited are only in the tick count. */
	ticks = bench_proc_cpu_us(pid);
	return (ticks > sum ? ticks : sum);
}

int
bench_proc_smaps(int pid, struct bench_smaps *ret)
{
	static const struct {
		const char	*key;
		size_t		 off;
	} keys[] = {
		{ "Rss:", offsetof(struct bench_smaps, rss) },
		{ "Pss:", offsetof(struct bench_smaps, pss) },
		{ "Private_Clean:", offsetof(struct bench_smaps, private_clean) },
		{ "Private_Dirty:", offsetof(struct bench_smaps, private_dirty) },
	};
	struct bench_smaps	 sm = { -1, -1, -1, -1 };
	char			 path[64], line[256];
	FILE			*fp;
	size_t			 i, n;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	if ((fp = fopen(path, "re")) == NULL)
		return (-1);
	while (fgets(line, sizeof(line), fp) != NULL)
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			n = strlen(keys[i].key);
			if (strncmp(line, keys[i].key, n) == 0)
				*(long *)((char *)&sm + keys[i].off) =
				    atol(line + n);
		}
	fclose(fp);
	if (sm.rss < 0 || sm.pss < 0 || sm.private_clean < 0 ||
	    sm.private_dirty < 0)
		return (-1);
	*ret = sm;
	return (0);
}
