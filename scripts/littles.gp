# littles.gp: throughput vs concurrency (tasks in flight), one curve per
# mode, with the Little's-law bound X <= C / L0: C tasks in flight, each
# taking at least L0 (the lowest median mean latency in the panel, the
# task's unloaded time), cannot complete faster than C / L0 per second. A
# wait-bound recipe follows the bound until CPU or workers run out; where
# a mode leaves it, queueing begins. Log-log; error bars: 95% CI of the
# median throughput. Each mode is drawn at the core count where it has the
# most concurrencies (summary column conc_cores). Reads summary.csv:
#   gnuplot -e "data='results/report/summary.csv'; out='littles.png'" scripts/littles.gp
# optional: panel='hostB_sleep' (column panel; default the first panel
# with a concurrency sweep).
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
pcol = "panel"; want(x) = column("conc_sweep") == 1; W = 1000; H = 600
load gpdir."common.gp"

array N[NM]
L0 = 1e30
do for [i = 1:NM] {
    eval sprintf('set table $D%d', i)
    plot data using (column("concurrency")):(column("throughput_median")):(column("throughput_ci_lo")):(column("throughput_ci_hi")):(column("lat_mean_us")) \
        with table if (inpanel(0) && strcol("mode") eq MODES[i] && column("pick_conc") == 1)
    unset table
    eval sprintf('N[%d] = |$D%d|', i, i)
}
CK = ""; _ck = 0
stats data using ((inpanel(0) && column("pick_conc") == 1) ? (_v = strcol("conc_cores"), \
    _ck == 0 ? (CK = _v, _ck = 1) : (_v ne CK ? _ck = 2 : 0)) : 0) nooutput
CK = _ck == 1 ? sprintf("at %s core%s", CK, CK eq "1" ? "" : "s") : "each mode at the core count it was swept at"
@FROM_TABLE
# (arrays filled with 1: gnuplot evaluates an empty `for` once)
array P[NM] = [1, 1, 1, 1, 1, 1]
NP = 0; xmin = 1e30; xmax = 0; ymax = 0; ymin = 1e30
do for [i = 1:NM] {
    if (N[i] > 0) {
        NP = NP + 1; P[NP] = i
        eval sprintf('stats $D%d using 1 nooutput', i)
        xmax = STATS_max > xmax ? STATS_max : xmax
        xmin = STATS_min < xmin ? STATS_min : xmin
        eval sprintf('stats $D%d using 4 nooutput', i)
        ymax = STATS_max > ymax ? STATS_max : ymax
        eval sprintf('stats $D%d using 3 nooutput', i)
        ymin = STATS_min < ymin ? STATS_min : ymin
        eval sprintf('stats $D%d using 5 nooutput', i)
        L0 = STATS_min < L0 ? STATS_min : L0
    }
}
if (xmax <= xmin || NP == 0) {
    print sprintf("littles: one concurrency only in panel %s", panel)
    exit gnuplot
}
bound(c) = c * 1e6 / L0
set logscale xy
set xrange [xmin / 1.3:xmax * 1.3]
XT = ","
do for [j = 1:NP] { eval sprintf('stats $D%d using ((strstrt(XT, sprintf(",%%g,", $1)) == 0 ? XT = XT.sprintf("%%g,", $1) : 0), 0) nooutput', P[j]) }
eval "set xtics (".XT[2:strlen(XT) - 1].")"
_lo = ymin / 1.5; _hi = (bound(xmax) < ymax * 3 ? bound(xmax) : ymax) * 1.5
set yrange [_lo:_hi]
@LOGYTICS
set format y "%.0s%c"
set offsets 0, 0, 0, 0
set xlabel "concurrency C (tasks in flight, log scale)"
set ylabel "throughput (tasks/s, log scale; k = thousand, M = million)"
# (titles by concatenation: gnuplot 5.4's sprintf can cut the end off a
# result with several %s arguments)
set title "Throughput vs concurrency with Little's-law bound: ".P_host.", ".P_desc."\n".CK."; bound C / L0 with L0 = ". \
    (L0 >= 1000 ? sprintf("%.3g ms", L0 / 1000) : sprintf("%.3g µs", L0))." (lowest mean latency); bars: ".P_ci
set output out
plot bound(x) with lines lc rgb C_IDEAL dt 3 lw 1.5 title "bound C / L0", \
     for [j = 1:NP] sprintf('$D%d', P[j]) using 1:2 with lines lt P[j] notitle, \
     for [j = 1:NP] sprintf('$D%d', P[j]) using 1:2:3:4 with yerrorbars lt P[j] lw 1.2 notitle, \
     for [j = 1:NP] keyentry with linespoints lt P[j] title MODES[P[j]]
