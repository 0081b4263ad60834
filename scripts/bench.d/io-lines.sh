# Sourced by scripts/bench-io after io-common.sh: running one measurement
# of each tool and turning a pair into a line of the table. Each
# measurement leaves TAG.{csv,json,txt} in $OUT and a VALUE (the figure)
# and CPU ("TOTAL USER SYS" us per operation) file beside it.

# mbrun TAG ARGS...: modebench, one warmup and one measured run of DUR;
# the figure is the CSV's column MBCOL (default throughput; for another
# column the CPU per task is left out of the table).
mbrun() {
	local tag=$1 col=${MBCOL:-throughput}
	shift
	logged "$tag" "$MB" run -q -d "${DUR}s" -r 1 --warmup 1 --order sequential \
		-o "$OUT/$tag.csv" "$@" >/dev/null
	csv_get "$OUT/$tag.csv" "$col" >"$OUT/$tag.value"
	if [ "$col" = throughput ]; then
		mb_cpu_per_op "$OUT/$tag.csv" >"$OUT/$tag.cpu"
	else
		echo "- - -" >"$OUT/$tag.cpu"
	fi
	csv_get "$OUT/$tag.csv" outside_load >"$OUT/$tag.outside"
}

# fiorun TAG ARGS...: fio over the whole test file for DUR after a 1 s
# ramp (modebench's warmup run), reads per second over all jobs.
fiorun() {
	local tag=$1
	shift
	echo "$@" >"$OUT/$tag.args"
	# shellcheck disable=SC2046
	logged "$tag" fio $(fio_common) --time_based --runtime="$DUR" --ramp_time=1 "$@" \
		>"$OUT/$tag.json"
	fio_get "$OUT/$tag.json" iops >"$OUT/$tag.value"
	fio_get "$OUT/$tag.json" cpu >"$OUT/$tag.cpu"
}

# wrkrun TAG PU CONNECTIONS URL: wrk with one thread pinned to PU; its CPU
# (the process's user + sys) per request, read by a python3 wrapper
# (commands.txt names wrk's own command).
wrkrun() {
	local tag=$1 pu=$2 c=$3 url=$4
	printf '%s: taskset -c %s wrk -t1 -c%s -d%ss %q\n' "$tag" "$pu" "$c" "$DUR" "$url" \
		>>"$OUT/commands.txt"
	python3 -c '
import resource, subprocess, sys
out = open(sys.argv[1], "w")
subprocess.run(sys.argv[2:], stdout=out, check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1] + ".rusage", "w").write("%f %f\n" % (r.ru_utime, r.ru_stime))' \
		"$OUT/$tag.txt" taskset -c "$pu" wrk -t1 -c"$c" -d"${DUR}s" "$url"
	awk '/^Requests\/sec:/ {print $2}' "$OUT/$tag.txt" >"$OUT/$tag.value"
	python3 - "$OUT/$tag.txt" <<'EOF' >"$OUT/$tag.cpu"
import re, sys
t = open(sys.argv[1]).read()
n = int(re.search(r"(\d+) requests in", t).group(1)) or 1
u, s = map(float, open(sys.argv[1] + ".rusage").read().split())
print("%.3f %.3f %.3f" % ((u + s) / n * 1e6, u / n * 1e6, s / n * 1e6))
EOF
}

# srv_watch TAG CMD...: runs CMD (a client run of TAG) and writes the
# delay service's CPU per request during it, in us, to TAG.srv (requests:
# wrk's count, or every row of modebench's CSV, warmup included).
srv_watch() {
	local tag=$1 t0
	shift
	t0=$(awk '{print $14 + $15}' "/proc/$srv_pid/stat")
	"$@"
	python3 - "$OUT/$tag" "$t0" "$(awk '{print $14 + $15}' "/proc/$srv_pid/stat")" \
		"$(getconf CLK_TCK)" <<'EOF' >"$OUT/$tag.srv"
import csv, os, re, sys
base, t0, t1, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
if os.path.exists(base + ".csv"):
    n = sum(float(r["tasks"]) for r in csv.DictReader(open(base + ".csv")))
else:
    n = int(re.search(r"(\d+) requests in", open(base + ".txt").read()).group(1))
print("%.2f" % ((t1 - t0) / hz / max(n, 1) * 1e6))
EOF
}

ROWS=()
NOTES=()
section() { ROWS+=("section|$1"); echo "bench-io: $1" >&2; }

# enters_per_io TAG CMD...: io_uring_enter calls per completed I/O of a
# short counted run under strace -c -f (the explanation of a ratio).
enters_per_io() {
	local tag=$1 ios=$2
	shift 2
	[ -s "$OUT/$tag.strace" ] || logged "$tag" strace -f -c -e trace=io_uring_enter -o "$OUT/$tag.strace" "$@" \
		>/dev/null 2>&1
	awk -v n="$ios" '$NF == "io_uring_enter" { printf "%.3f", $4 / n }' "$OUT/$tag.strace"
}

# note NAME MBTAG PEERTAG KIND: why the ratio is far from 1, from what was
# measured: each tool's CPU per operation and the share of its cores it
# kept busy; for io_uring lines also the io_uring_enter calls per I/O of
# both tools (a short counted run of each, the same settings).
note() {
	local name=$1 mt=$2 pt=$3 kind=$4 extra=""
	if [ "$kind" = uring ]; then
		local n=100000 direct=""
		case $mt in d-*) direct=--direct ;; esac
		# shellcheck disable=SC2046
		extra="; io_uring_enter per I/O: modebench $(enters_per_io "$mt-enters" $n "$MB" run -q \
			-w file:4KiB -m async --backend io_uring -c 1 -C 16 -n $n -r 1 --warmup 0 $direct \
			-o "$OUT/$mt-enters.csv"), peer $(enters_per_io "$pt-enters" $n fio $(fio_common) \
			$(cat "$OUT/$pt.args") --io_size=$((n * 4096)))"
	fi
	NOTES+=("$(python3 - "$name" "$OUT/$mt" "$OUT/$pt" "$DUR" "$extra" <<'EOF'
import os, sys
name, m, p, dur, extra = sys.argv[1:]
if os.path.exists(m + ".outside"):
    extra += "; other processes took %.0f%% of modebench's cores during its run" % (
        100 * float(open(m + ".outside").read()))
if os.path.exists(m + ".srv") and os.path.exists(p + ".srv"):
    extra += "; the delay service's CPU per request: %s us for modebench, %s us for the peer" % (
        open(m + ".srv").read().strip(), open(p + ".srv").read().strip())
def get(base):
    v = float(open(base + ".value").read())
    c = list(map(float, open(base + ".cpu").read().split()))
    return v, c
mv, mc = get(m)
pv, pc = get(p)
def busy(v, c):  # cores kept busy: ops/s x CPU s per op
    return v * c[0] / 1e6
print("%s: ratio %.2f. CPU per operation: modebench %.2f us (user %.2f, sys %.2f), "
      "peer %.2f us (user %.2f, sys %.2f); cores kept busy: modebench %.2f, peer %.2f%s."
      % (name, mv / pv, mc[0], mc[1], mc[2], pc[0], pc[1], pc[2], busy(mv, mc),
         busy(pv, pc), extra))
EOF
)")
}

# line NAME GOAL MBTAG PEERTAG [KIND]: one row of the table (GOAL "-": none).
line() {
	local name=$1 goal=$2 mt=$3 pt=$4 kind=${5:-}
	ROWS+=("row|$name|$goal|$OUT/$mt|$OUT/$pt")
	if python3 -c 'import sys; r = float(open(sys.argv[1]).read()) / float(open(sys.argv[2]).read()); sys.exit(0 if r > 1.2 or r < 1 / 1.2 else 1)' \
		"$OUT/$mt.value" "$OUT/$pt.value"; then
		note "$name" "$mt" "$pt" "$kind"
	fi
}

# memline NAME WHICH: modebench's mem run against the triad's WHICH figure.
memline() {
	awk -v w="$2" '$1 == w {print $2}' "$OUT/triad.txt" >"$OUT/$2.value"
	echo "- - -" >"$OUT/$2.cpu"
	ROWS+=("row|$1|0.80|$OUT/m-threads|$OUT/$2")
}

# finish: the table (Markdown), the notes, the machine; exit 1 on a goal
# missed.
finish() {
	local fail=0
	{
		echo
		echo "| comparison | modebench | peer | ratio | goal | CPU/op modebench | CPU/op peer |"
		echo "|---|---:|---:|---:|---:|---:|---:|"
	} | tee "$OUT/table.md"
	for r in "${ROWS[@]}"; do
		IFS='|' read -r kind name goal mb peer <<<"$r"
		if [ "$kind" = section ]; then
			echo "| **$name** | | | | | | |" | tee -a "$OUT/table.md"
			continue
		fi
		python3 - "$name" "$goal" "$mb" "$peer" <<'EOF' | tee -a "$OUT/table.md"
import sys
name, goal, m, p = sys.argv[1:]
mv, pv = float(open(m + ".value").read()), float(open(p + ".value").read())
def cpu(b):
    c = open(b + ".cpu").read().split()
    return "%.2f us" % float(c[0]) if c[0] != "-" else "-"
r = mv / pv if pv > 0 else 0
fmt = lambda v: "%.3g G" % (v / 1e9) if v >= 1e9 else "{:,.0f}".format(v)
g = "-" if goal == "-" else "%.0f%%" % (float(goal) * 100)
miss = goal != "-" and r < float(goal)
print("| %s | %s | %s | %.2fx%s | %s | %s | %s |" % (name, fmt(mv), fmt(pv), r,
      " **missed**" if miss else "", g, cpu(m), cpu(p)))
EOF
	done
	grep -q '\*\*missed\*\*' "$OUT/table.md" && fail=1
	if [ ${#NOTES[@]} -gt 0 ]; then
		echo
		echo "Ratios above 1.2x or under 1/1.2, with what was measured:"
		for n in "${NOTES[@]}"; do echo "- $n"; done
	fi | tee -a "$OUT/table.md"
	echo
	cat "$OUT/load.txt"
	echo "($(uname -r), $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo |
		head -1); ${DUR}s per measurement; commands: $OUT/commands.txt)"
	exit $fail
}
