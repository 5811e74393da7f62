-- wrk report hook for bench/run.sh: one "BENCH key=value ..." line with
-- throughput and latency percentiles in microseconds.
done = function(summary, latency, requests)
	local secs = summary.duration / 1e6
	local e = summary.errors
	io.write(string.format(
		"BENCH requests=%d secs=%.3f rps=%.1f p50_us=%d p99_us=%d " ..
		"max_us=%d errors=%d non2xx=%d bytes=%d\n",
		summary.requests, secs, summary.requests / secs,
		latency:percentile(50), latency:percentile(99), latency.max,
		e.connect + e.read + e.write + e.timeout, e.status,
		summary.bytes))
end
