# common.gp: shared set-up of the report charts, loaded first by every
# chart script (the look itself is style.gp's), which sets before loading
# it:
#   pcol  the summary.csv column naming its chart unit ("panel", "hpanel",
#         "iopanel"), and want(x), true on rows of a unit worth drawing;
#   W, H  the size in pixels.
# Variables from the command line (gnuplot -e "..."):
#   data  summary.csv written by `modebench report` (or any file with its
#         columns), default results/report/summary.csv;
#   out   output file: *.svg gives SVG, anything else PNG (pngcairo);
#         default <script>.png in the current directory;
#   panel the unit to draw (a value of column pcol); default: the first
#         unit in data for which want() holds.
# It sets P_host (the machine's name), P_workload, P_recipe, P_io, P_gil,
# P_rate, P_arr (arrivals) and P_desc (a title fragment) from the unit's
# first row, and `exit gnuplot`s with one line on stderr when data holds
# nothing to draw.
if (!exists("data")) data = "results/report/summary.csv"
_script = ARG0[strlen(gpdir) + 1:]
_script = _script[1:strlen(_script) - 3]
if (!exists("out")) out = _script.".png"
# The terminal, fonts, colours (modes.gp), grid and border: style.gp,
# shared with the claims' charts.
load gpdir."style.gp"
if (!exists("panel")) {
    panel = ""
    stats data using ((panel eq "" && want(0)) ? (panel = strcol(pcol), 0) : 0) nooutput
}
P_host = ""; P_workload = ""; P_recipe = ""; P_io = ""; P_gil = ""; P_rate = ""; P_arr = ""
_rows = 0
if (panel ne "") {
    stats data using ((strcol(pcol) eq panel) ? (_rows = _rows + 1, \
        _rows == 1 ? (P_host = strcol("host"), P_workload = strcol("workload"), \
        P_recipe = strcol("recipe"), P_io = strcol("io_fraction"), \
        P_gil = strcol("gil_us"), P_rate = strcol("rate"), \
        P_arr = strcol("arrivals"), 0) : 0) : 0) nooutput
}
if (_rows == 0) {
    print sprintf("%s: nothing to draw in %s%s", _script, data, \
                  panel eq "" ? "" : " for ".pcol." ".panel)
    exit gnuplot
}
# Title fragment: workload (recipe), and what is held fixed.
P_desc = P_workload.(pcol eq "iopanel" || P_recipe eq "" || P_recipe eq P_workload ? "" : " (".P_recipe.")")
if (pcol ne "iopanel" && P_io ne "") P_desc = P_desc.sprintf(", I/O fraction %s", P_io)
if (P_gil ne "" && P_gil ne "0") P_desc = P_desc.sprintf(", GIL %s us", P_gil)
if (pcol ne "lpanel" && P_rate ne "" && P_rate ne "0") P_desc = P_desc.sprintf(", open loop %s/s", P_rate)
if (P_arr eq "poisson") P_desc = P_desc.", Poisson arrivals"
inpanel(x) = strcol(pcol) eq panel
# P_conc: the concurrency the vs-cores curves hold (summary column
# scale_conc, empty meaning concurrency = cores).
P_conc = ""; _cc = 0
if (pcol eq "panel") {
    stats data using ((inpanel(0) && column("pick_cores") == 1 && !isref(modeidx(strcol("mode")))) ? \
        (_v = strcol("scale_conc"), _cc == 0 ? (P_conc = _v, _cc = 1) : (_v ne P_conc ? _cc = 2 : 0)) : 0) nooutput
    P_conc = _cc == 0 ? "" : _cc == 2 ? "concurrency varies by mode" : \
             P_conc eq "" ? "concurrency = cores" : "concurrency ".P_conc
}
# P_ci: what the unit's throughput and latency bars are (summary column
# ci_kind): the median's 95% CI from 6 runs on, else the range of the
# runs, which covers the median less often (75% with 3 runs).
_nci = 0; _nrange = 0
stats data using (strcol(pcol) eq panel ? (_nci = _nci + 1, \
    strstrt(strcol("ci_kind"), "range") == 1 ? _nrange = _nrange + 1 : 0) : 0) nooutput
P_ci = _nrange == 0 ? "95% CI" : _nrange == _nci ? "range (< 6 runs)" : "95% CI or range (< 6 runs)"
# P_nodes: the most hosts one run of the unit spanned (summary column
# nodes: run --mpi span; 1 on one host). The vs-cores charts then count
# every node's cores, and their x axis says so.
P_nodes = 1
stats data using ((strcol(pcol) eq panel && column("nodes") > P_nodes) ? P_nodes = column("nodes") : 0) nooutput
P_nodes = int(P_nodes)
P_xcores = P_nodes > 1 ? sprintf("cores across %d nodes (k per node x %d)", P_nodes, P_nodes) : "cores (k)"
set key outside right top vertical Left reverse width 1
set offsets 0, 0, graph 0.05, 0
# Reading summary.csv vs the datablocks a script extracts with
# `set table $D...`, which are whitespace-separated and headerless.
FROM_CSV = "set datafile separator comma; set datafile columnheaders"
FROM_TABLE = "set datafile separator whitespace; set datafile nocolumnheaders"
# Throughput axes plot y / TS, with TS from the largest value drawn, and
# say the unit in words: no 0.0k or 1e+06 tick labels.
tpscale(m) = m >= 1e6 ? 1e6 : m >= 1e4 ? 1e3 : 1
tpunit(ts) = ts == 1e6 ? "million tasks/s" : ts == 1e3 ? "thousand tasks/s" : "tasks/s"
# Latency axes likewise, from microseconds.
latscale(m) = m >= 1e6 ? 1e6 : m >= 1e4 ? 1e3 : 1
latunit(ls) = ls == 1e6 ? "s" : ls == 1e3 ? "ms" : "µs"
# Log axes label only decades by default; `_lo = ...; _hi = ...;
# @LOGYTICS` (or @LOGXTICS) puts ticks at 1, 2 and 5 times each power of
# ten inside [_lo, _hi].
LOGYTICS = 'YT = ""; do for [_e = floor(log10(_lo)):ceil(log10(_hi))] { do for [_m in "1 2 5"] { _v = (_m + 0) * 10.0**_e; if (_v >= _lo * 0.999 && _v <= _hi * 1.001) { YT = YT.sprintf("%s%g", YT eq "" ? "" : ", ", _v) } } }; if (YT ne "") { eval "set ytics (".YT.")" }'
LOGXTICS = 'XT2 = ""; do for [_e = floor(log10(_lo)):ceil(log10(_hi))] { do for [_m in "1 2 5"] { _v = (_m + 0) * 10.0**_e; if (_v >= _lo * 0.999 && _v <= _hi * 1.001) { XT2 = XT2.sprintf("%s%g", XT2 eq "" ? "" : ", ", _v) } } }; if (XT2 ne "") { eval "set xtics (".XT2.")" }'
