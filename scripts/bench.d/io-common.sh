# Sourced by scripts/bench-io and scripts/bench-uring: one definition of
# the test file, the page-cache state, the pinning and the peers' settings,
# so every comparison runs both tools the same way. Every command that
# produces a figure is written to $OUT/commands.txt before it runs.
# Needs: MB_ROOT, OUT (the results folder), MB (the modebench binary).

# The file both tools read: modebench's default test file, created by a
# one-task run when missing.
io_test_file() {
	"$MB" run -q -w file:4KiB -m sync -n 1 -r 1 --warmup 0 -o "$OUT/mk.csv" >/dev/null
	FILE=results/modebench-testfile-256MiB.dat
	FSIZE=$(stat -c %s "$FILE")
}

# Every page of the file in the page cache (what fio's --invalidate=0
# then leaves alone), read twice in case the first read was cut short.
io_warm() {
	cat "$FILE" >/dev/null
	cat "$FILE" >/dev/null
}

io_load() { cut -d' ' -f1-3 /proc/loadavg; }

# The share of the last second the machine's CPUs were busy, in percent.
io_busy() {
	python3 -c '
import time
def snap():
    v = list(map(int, open("/proc/stat").readline().split()[1:]))
    return sum(v), v[3] + v[4]
t0, i0 = snap(); time.sleep(1); t1, i1 = snap()
print("%.0f" % (100 * (1 - (i1 - i0) / max(1, t1 - t0))))'
}

# logged TAG CMD...: appends "TAG: CMD" to commands.txt (shell-quoted, so
# it can be pasted), then runs CMD.
logged() {
	local tag=$1
	shift
	{
		printf '%s:' "$tag"
		printf ' %q' "$@"
		printf '\n'
	} >>"$OUT/commands.txt"
	"$@"
}

# csv_get FILE COLUMN: the column's value on the last row; fails when that
# run did not end ok.
csv_get() {
	python3 - "$1" "$2" <<'EOF'
import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))[-1]
if r["status"] != "ok":
    sys.exit("modebench run failed: %s %s" % (r["status"], r["error"]))
print(r[sys.argv[2]])
EOF
}

# mb_cpu_per_op CSV: the workers' CPU (user + sys) per task, in us, and
# user and sys apart: "TOTAL USER SYS".
mb_cpu_per_op() {
	python3 - "$1" <<'EOF'
import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))[-1]
n = float(r["tasks"]) or 1
u, s = float(r["user_s"]), float(r["sys_s"])
print("%.3f %.3f %.3f" % ((u + s) / n * 1e6, u / n * 1e6, s / n * 1e6))
EOF
}

# fio_get JSON WHAT: iops (reads per second over fio's runtime), ios, or
# cpu (the job's CPU per I/O in us: "TOTAL USER SYS").
fio_get() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))["jobs"]
ios = sum(x["read"]["total_ios"] for x in j)
if sys.argv[2] == "iops":
    print("%.0f" % sum(x["read"]["iops"] for x in j))
elif sys.argv[2] == "ios":
    print(ios)
else:
    u = sum(x["usr_cpu"] / 100 * x["job_runtime"] / 1000 for x in j)
    s = sum(x["sys_cpu"] / 100 * x["job_runtime"] / 1000 for x in j)
    n = ios or 1
    print("%.3f %.3f %.3f" % ((u + s) / n * 1e6, u / n * 1e6, s / n * 1e6))
EOF
}

# fio's settings. Common: the same file, whole, random 4 KiB reads with no
# random map (as modebench: independent uniform offsets), latencies timed
# per I/O (fio's default; modebench times every task too). Add --thread
# where modebench's workers are threads (fio's jobs are then threads of
# its process) and leave it out where they are processes.
fio_common() {
	echo "--name=mb --filename=$FILE --size=$FSIZE --rw=randread --bs=4k --norandommap" \
		"--randrepeat=0 --output-format=json"
}
# io_uring at fio's defaults: one I/O handed over per io_uring_enter and
# one completion awaited.
FIO_URING_DEFAULT="--ioengine=io_uring --iodepth=16"
# io_uring at its best with what modebench also does: a whole batch per
# io_uring_enter, all 16 completions reaped per wake-up, and the file
# registered (modebench registers its test file as a fixed file). Not
# used because modebench has no equivalent: --fixedbufs (registered
# buffers), --sqthread_poll (a kernel thread polling the ring), and
# --gtod_reduce (no per-I/O clock reads; modebench times every task).
FIO_URING_BEST="--ioengine=io_uring --iodepth=16 --iodepth_batch_submit=16 --iodepth_batch_complete_min=16 --registerfiles"
