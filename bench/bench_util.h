/*
 * Helpers shared by the benchmark programs: clocks, percentiles, the
 * one-line "BENCH key=value ..." report the harness parses, and a small
 * blocking HTTP/1.1 client over one keep-alive loopback connection.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Wall clock in microseconds (kerr stamps its rows with CLOCK_REALTIME). */
int64_t	bench_now_us(void);
/* Monotonic clock in microseconds, for durations. */
int64_t	bench_mono_us(void);

/* Sorts v in place; returns the p-th percentile (nearest rank), 0 if n==0. */
int64_t	bench_percentile(int64_t *v, size_t n, double p);

/* A growable array of int64 samples. */
struct bench_samples {
	int64_t	*v;
	size_t	 n, cap;
};
int	bench_samples_add(struct bench_samples *s, int64_t x);
void	bench_samples_free(struct bench_samples *s);

/*
 * Every live process whose process group is one of pgids[0..n): fills
 * ret_pids and ret_group (index into pgids) up to max entries; returns the
 * count.  One pass over /proc.
 */
size_t	bench_proc_members(const int *pgids, size_t n, int *ret_pids,
	    int *ret_group, size_t max);
/* 1 while pid exists and is not a zombie, 0 once it is gone. */
int	bench_proc_alive(int pid);
/* VmHWM of pid in kB, or -1. */
long	bench_proc_hwm_kb(int pid);
/* CPU time of pid and its reaped children, in microseconds, or -1. */
long long	bench_proc_cpu_us(int pid);
/* The same from the scheduler's ns counters (no children), or -1. */
long long	bench_proc_run_us(int pid);
/* Only the ns counters of its live threads (exact for a short window
 * over long-lived threads), or -1. */
long long	bench_proc_sched_us(int pid);

/* What /proc/<pid>/smaps_rollup says of a process, in kB. */
struct bench_smaps {
	long	rss, pss, private_clean, private_dirty;
};
/* 0, or -1 when the process is gone or its smaps_rollup unreadable. */
int	bench_proc_smaps(int pid, struct bench_smaps *ret);

struct bench_http {
	int	 fd;
	int	 port;
	char	*buf;		/* response bytes read so far */
	size_t	 len, cap;
	int	 status;	/* of the last response */
	char	*body;		/* points into buf, NUL-terminated */
	size_t	 body_len;
};

/* Connects to 127.0.0.1:port; 0 or -errno. */
int	bench_http_open(struct bench_http *h, int port);
void	bench_http_close(struct bench_http *h);
/*
 * Sends one request (body may be NULL) and reads the whole response,
 * reconnecting once if the server closed the idle connection.  0 on a
 * complete response (any status), -errno otherwise.
 */
int	bench_http_do(struct bench_http *h, const char *method,
	    const char *path, const char *body);

#endif
