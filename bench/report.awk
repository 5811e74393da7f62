# Renders bench/run.sh's rows (tab-separated: key, label, kerr value, unit,
# ceiling label, ceiling value, target text, target kind, limit) as the
# Markdown table of latest.md and the JSON of latest.json.  Variables come
# from run.sh: date host cpus cpu mem kern deb commit secs fsw fsd md js
# notes why.

function num(s) { return (s ~ /^-?[0-9]+(\.[0-9]+)?$/) }

function fmt(v, unit) {
	if (!num(v))
		return ("—")
	if (unit == "rps")
		return (sprintf("%.0f req/s", v))
	if (unit == "per_s")
		return (v < 100 ? sprintf("%.1f /s", v) : sprintf("%.0f /s", v))
	if (unit == "MBps")
		return (sprintf("%.0f MB/s", v))
	if (unit == "kB")
		return (sprintf("%.1f MiB", v / 1024))
	if (unit == "KiB")
		return (sprintf("%.0f KiB", v))
	if (unit == "pct")
		return (sprintf("%.2f %%", v))
	if (unit == "n")
		return (v == int(v) ? sprintf("%d", v) : sprintf("%.1f", v))
	if (unit == "us") {
		if (v < 0)
			return (sprintf("%d µs", v))
		if (v < 1000)
			return (sprintf("%d µs", v))
		if (v < 10000)
			return (sprintf("%.2f ms", v / 1000))
		if (v < 1000000)
			return (sprintf("%.1f ms", v / 1000))
		return (sprintf("%.2f s", v / 1000000))
	}
	return (v)
}

function jstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return ("\"" s "\"")
}

function jnum(v) { return (num(v) ? v + 0 : "null") }

BEGIN {
	FS = "\t"
	nrow = 0
	met_n = 0
	tgt_n = 0
}

{
	nrow++
	key[nrow] = $1; label[nrow] = $2; kv[nrow] = $3; unit[nrow] = $4
	clabel[nrow] = $5; cv[nrow] = $6; target[nrow] = $7; kind[nrow] = $8
	limit[nrow] = $9
	ratio[nrow] = ""
	if (num($3) && num($6) && $6 + 0 != 0)
		ratio[nrow] = $3 / $6
	met[nrow] = ""
	margin[nrow] = ""
	status[nrow] = ""
	if (kind[nrow] == "none" || kind[nrow] == "")
		next
	tgt_n++
	v = ""
	if (kind[nrow] ~ /^ratio_/)
		v = ratio[nrow]
	else if (num($3))
		v = $3
	if (v == "" || (kind[nrow] == "le_ceil_plus" && !num($6))) {
		status[nrow] = "not measured"
		miss[tgt_n] = label[nrow] ": not measured"
		next
	}
	lim = limit[nrow] + 0
	if (kind[nrow] == "le_ceil_plus")
		lim = $6 + limit[nrow]
	if (kind[nrow] ~ /ge$/) {
		met[nrow] = (v >= lim)
		margin[nrow] = (v / lim - 1) * 100
		factor = (v > 0 ? lim / v : 0)
	} else {
		met[nrow] = (v <= lim)
		margin[nrow] = (1 - v / lim) * 100
		factor = v / lim
	}
	if (met[nrow]) {
		met_n++
		status[nrow] = sprintf("met (%+.0f %%)", margin[nrow])
	} else if (factor >= 2) {
		status[nrow] = sprintf("**not met** (%s× %s)", \
		    sprintf(factor >= 10 ? "%.0f" : "%.1f", factor), \
		    (kind[nrow] ~ /ge$/ ? "short" : "over"))
	} else
		status[nrow] = sprintf("**not met** (%+.0f %%)", margin[nrow])
	# An absolute limit the ceiling itself misses in this run.
	if (!met[nrow] && kind[nrow] == "le" && num($6) && $6 + 0 > lim)
		status[nrow] = status[nrow] "; the ceiling too"
	if (!met[nrow])
		miss[tgt_n] = sprintf("%s — %s: %s", \
		    (label[nrow] == "" ? key[nrow] : label[nrow]), \
		    target[nrow], status[nrow])
}

END {
	print "# kerr benchmarks: latest run" > md
	print "" > md
	printf "%s · `%s` · %d × %s · %s · Linux %s · Debian %s · kerr %s · %d s\n", \
	    date, host, cpus, cpu, mem, kern, deb, commit, secs > md
	print "" > md
	print "Reproduce with `make bench` (as root it installs `wrk`, `slurm-wlm` and `munge` if missing); " \
	    "see bench/run.sh. Figures move ±15–30 % from run to run on this kind of VM: " \
	    "compare only figures from the same run, which is why every kerr figure stands " \
	    "next to a ceiling measured in this run." > md
	print "" > md
	print "| benchmark | kerr | ceiling (same run) | kerr / ceiling | target | met? |" > md
	print "|---|---:|---|---:|---|---|" > md
	for (i = 1; i <= nrow; i++) {
		c = fmt(cv[i], unit[i])
		if (c != "—")
			c = c " (" clabel[i] ")"
		printf "| %s | %s | %s | %s | %s | %s |\n", label[i], \
		    fmt(kv[i], unit[i]), c, \
		    ratio[i] == "" ? "—" : sprintf("%.2f×", ratio[i]), \
		    target[i], status[i] > md
	}
	print "" > md
	printf "**Targets: %d of %d met.**\n", met_n, tgt_n > md
	for (i = 1; i <= tgt_n; i++)
		if (i in miss)
			printf "- %s\n", miss[i] > md
	print "" > md
	nw = 0
	while ((getline line < why) > 0)
		wl[++nw] = line
	close(why)
	if (nw > 0) {
		print "## Why the misses: this run's own evidence" > md
		print "" > md
		for (i = 1; i <= nw; i++)
			print wl[i] > md
		print "" > md
	}
	print "## How these were measured" > md
	print "" > md
	while ((getline line < notes) > 0)
		print line > md
	close(notes)

	printf "{\n  \"date\": %s,\n  \"host\": %s,\n  \"cpus\": %d,\n", \
	    jstr(date), jstr(host), cpus > js
	printf "  \"cpu\": %s,\n  \"memory\": %s,\n  \"kernel\": %s,\n", \
	    jstr(cpu), jstr(mem), jstr(kern) > js
	printf "  \"debian\": %s,\n  \"commit\": %s,\n  \"duration_s\": %d,\n", \
	    jstr(deb), jstr(commit), secs > js
	printf "  \"fs_sandboxes\": %s,\n  \"fs_store\": %s,\n", jstr(fsw), \
	    jstr(fsd) > js
	printf "  \"targets_met\": %d,\n  \"targets\": %d,\n  \"rows\": [\n", \
	    met_n, tgt_n > js
	for (i = 1; i <= nrow; i++) {
		printf "    {\"key\": %s, \"label\": %s, \"kerr\": %s, " \
		    "\"unit\": %s, \"ceiling_label\": %s, \"ceiling\": %s, " \
		    "\"ratio\": %s, \"target\": %s, \"met\": %s, " \
		    "\"margin_pct\": %s}%s\n", jstr(key[i]), jstr(label[i]), \
		    jnum(kv[i]), jstr(unit[i]), jstr(clabel[i]), jnum(cv[i]), \
		    ratio[i] == "" ? "null" : sprintf("%.4f", ratio[i]), \
		    jstr(target[i]), met[i] == "" ? "null" : \
		    (met[i] ? "true" : "false"), \
		    margin[i] == "" ? "null" : sprintf("%.1f", margin[i]), \
		    i < nrow ? "," : "" > js
	}
	printf "  ],\n  \"why\": [\n" > js
	for (i = 1; i <= nw; i++) {
		l = wl[i]
		sub(/^- /, "", l)
		printf "    %s%s\n", jstr(l), i < nw ? "," : "" > js
	}
	printf "  ],\n  \"notes\": [\n" > js
	n = 0
	while ((getline line < notes) > 0)
		note[++n] = line
	for (i = 1; i <= n; i++) {
		sub(/^- /, "", note[i])
		printf "    %s%s\n", jstr(note[i]), i < n ? "," : "" > js
	}
	printf "  ]\n}\n" > js
}
