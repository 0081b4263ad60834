#!/usr/bin/env python3
"""Write a synthetic modebench run CSV to stdout, for timing `modebench
report` (scripts/bench-report) and for tests that need many
configurations:

    gen_runs.py --configs N [--reps R] [--hosts 1|2] [--workloads 1|2] [--seed S]

N distinct configurations (host x workload x mode x backend x cores x
concurrency; every (host, workload, mode, backend) cell gets a square grid
of core counts and concurrencies, so a few chart panels hold many groups
each, the shape that made the report's panel picks cubic), each with one
warm-up row and R measured rows; about one configuration in a hundred
has a failed run too. Rows are shuffled as a real sweep interleaves them
and are about as long as real ones (~370 bytes). The numbers come from a
simple scaling model with seeded noise, so the output is reproducible.
The header is harness/base/schema.h's column list, read from the source."""
import argparse
import math
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "..", "..", "harness", "base", "schema.h")
COLUMNS = re.findall(r"X\((\w+), (?:identity|config|result)\)",
                     open(SCHEMA).read())

HOSTS = [("hostA", "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
          "2pkg/2numa/64core/128pu/llc49152KiB", "Linux 6.8.0-45-generic"),
         ("hostB", "AMD EPYC 7302P 16-Core Processor",
          "1pkg/1numa/16core/32pu/llc65536KiB", "Linux 6.1.0-18-amd64")]
WORKLOADS = [("cpu", "cpu:200", 4100.0, 0.99), ("sleep", "sleep:1ms", 940.0, 0.05)]
# (mode, backend): the async modes once per event-loop backend.
CELLS = [("sync", "none"), ("async", "epoll"), ("async", "io_uring"),
         ("threads", "none"), ("procs", "none"),
         ("async-threads", "epoll"), ("async-threads", "io_uring"),
         ("async-procs", "epoll"), ("async-procs", "io_uring")]


def configs(n, hosts, workloads):
    """The first n configurations of the lattice, grids filled in turn."""
    ncell = hosts * workloads * len(CELLS)
    side = max(1, math.ceil(math.sqrt(n / ncell)))
    out = []
    for h in HOSTS[:hosts]:
        for w in WORKLOADS[:workloads]:
            for mode, backend in CELLS:
                for i in range(side * side):
                    if len(out) == n:
                        return out
                    cores = 1 + i // side
                    conc = cores * (1 + i % side)
                    out.append((h, w, mode, backend, cores, conc))
    return out


def row(rng, seq, cfg, rep, warmup, status="ok", error=""):
    (host, cpu_model, topo, kernel), (wl, recipe, t1, util0), mode, backend, k, c = cfg
    r = dict.fromkeys(COLUMNS, "")
    r.update(schema=1, run_id="6b0275f66850-%06d" % seq, rep=rep, warmup=warmup,
             started_at="2026-11-22T%02d:%02d:%02dZ" % (seq // 3600 % 24, seq // 60 % 60,
                                                         seq % 60),
             host=host, cpu_model=cpu_model, topology=topo, kernel=kernel,
             version="0.1.0+c45b669", workload=wl, recipe=recipe, mode=mode,
             backend=backend, policy="compact", cores=k, cpuset="0-%d" % (k - 1),
             workers=k if mode.startswith("async-") else c, concurrency=c, rate=0,
             gil_us=0, work_units=200 if wl == "cpu" else 0, status=status,
             error=error, arrivals="closed", flags="")
    if status != "ok":
        return r
    kk = 1 if mode in ("sync", "async") else k
    scale = kk / (1 + 0.03 * (kk - 1) + 0.0005 * kk * (kk - 1))
    tp = t1 * scale * min(1.0, c / kk) * rng.gauss(1.0, 0.02)
    lat = c / tp * 1e6
    wall = 0.25
    util = min(util0 * rng.uniform(0.97, 1.0), 1.0)
    r.update(tasks=int(tp * wall), wall_s="%.6f" % wall, throughput="%.6g" % tp,
             lat_mean_us="%.6g" % (lat * 1.02), lat_p50_us="%.6g" % lat,
             lat_p90_us="%.6g" % (lat * 1.2), lat_p99_us="%.6g" % (lat * 1.7),
             lat_p999_us="%.6g" % (lat * 2.6), lat_max_us="%.6g" % (lat * 5.1),
             user_s="%.6f" % (wall * kk * util * 0.93),
             sys_s="%.6f" % (wall * kk * util * 0.07), cpu_util="%.6g" % util,
             ctx_vol=int(tp * wall * (1 - util)) + 3, ctx_invol=rng.randint(0, 40),
             max_rss_kb=6860 + 4 * c, placement_ok=1,
             outside_load="%.4f" % rng.uniform(0, 0.01),
             svc_mean_us="%.6g" % (lat * 1.02), svc_p50_us="%.6g" % lat,
             svc_p99_us="%.6g" % (lat * 1.7), svc_p999_us="%.6g" % (lat * 2.6),
             bytes_per_s=0)
    return r


def quote(v):
    v = str(v)
    return '"' + v.replace('"', '""') + '"' if any(ch in v for ch in ',"\n\r') else v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--configs", type=int, required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--hosts", type=int, choices=(1, 2), default=1)
    ap.add_argument("--workloads", type=int, choices=(1, 2), default=1)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    plan = []
    for cfg in configs(a.configs, a.hosts, a.workloads):
        plan.append((cfg, 0, 1, "ok"))
        plan.extend((cfg, rep, 0, "ok") for rep in range(1, a.reps + 1))
        if rng.random() < 0.01:
            plan.append((cfg, a.reps + 1, 0, "failed"))
    rng.shuffle(plan)
    out = sys.stdout
    out.write(",".join(COLUMNS) + "\n")
    for seq, (cfg, rep, warmup, status) in enumerate(plan):
        r = row(rng, seq, cfg, rep, warmup, status,
                "worker 3 exited with status 1: cannot allocate memory"
                if status != "ok" else "")
        out.write(",".join(quote(r[col]) for col in COLUMNS) + "\n")


if __name__ == "__main__":
    main()
