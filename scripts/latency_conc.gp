# latency_conc.gp: task latency percentiles (p50, p99, p99.9) vs
# concurrency (tasks in flight), one small chart per percentile side by
# side, one curve per mode, log-log. Each mode is drawn at the core count
# where it has the most concurrencies (summary column conc_cores). Each
# point is the median of the runs' percentiles; error bars are the 95%
# confidence interval of that median. Reads summary.csv by column name:
#   gnuplot -e "data='results/report/summary.csv'; out='latency_conc.png'" scripts/latency_conc.gp
# optional: panel='hostB_sleep' (column panel; default the first panel
# with a concurrency sweep).
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
pcol = "panel"; want(x) = column("conc_sweep") == 1; W = 1200; H = 520
load gpdir."common.gp"

# $Di: concurrency, then (median, lo, hi) for p50, p99 and p99.9.
array N[NM]
do for [i = 1:NM] {
    eval sprintf('set table $D%d', i)
    plot data using (column("concurrency")):(column("lat_p50_us")):(column("lat_p50_ci_lo")):(column("lat_p50_ci_hi")): \
        (column("lat_p99_us")):(column("lat_p99_ci_lo")):(column("lat_p99_ci_hi")): \
        (column("lat_p999_us")):(column("lat_p999_ci_lo")):(column("lat_p999_ci_hi")) \
        with table if (inpanel(0) && strcol("mode") eq MODES[i] && column("pick_conc") == 1)
    unset table
    eval sprintf('N[%d] = |$D%d|', i, i)
}
@FROM_TABLE
# (arrays filled with 1: gnuplot evaluates an empty `for` once)
array P[NM] = [1, 1, 1, 1, 1, 1]
NP = 0; xmin = 1e30; kmax = 0; ymax = 0; ymin = 1e30; CK = ""; _ck = 0
do for [i = 1:NM] {
    if (N[i] > 0) {
        NP = NP + 1; P[NP] = i
        eval sprintf('stats $D%d using 1 nooutput', i)
        kmax = STATS_max > kmax ? STATS_max : kmax
        xmin = STATS_min < xmin ? STATS_min : xmin
        eval sprintf('stats $D%d using 10 nooutput', i)
        ymax = STATS_max > ymax ? STATS_max : ymax
        eval sprintf('stats $D%d using 3 nooutput', i)
        ymin = STATS_min < ymin ? STATS_min : ymin
    }
}
# The core counts the curves are drawn at, for the title.
@FROM_CSV
stats data using ((inpanel(0) && column("pick_conc") == 1) ? (_v = strcol("conc_cores"), \
    _ck == 0 ? (CK = _v, _ck = 1) : (_v ne CK ? _ck = 2 : 0)) : 0) nooutput
@FROM_TABLE
CK = _ck == 1 ? sprintf("at %s core%s", CK, CK eq "1" ? "" : "s") : "each mode at the core count it was swept at"
if (kmax <= xmin || NP == 0) {
    print sprintf("latency_conc: one concurrency only in panel %s", panel)
    exit gnuplot
}
LS = latscale(ymax)
set logscale x 2
set xrange [xmin / 1.3:kmax * 1.3]
XT = ","
do for [j = 1:NP] { eval sprintf('stats $D%d using ((strstrt(XT, sprintf(",%%g,", $1)) == 0 ? XT = XT.sprintf("%%g,", $1) : 0), 0) nooutput', P[j]) }
eval "set xtics (".XT[2:strlen(XT) - 1].")"
set mxtics default
set logscale y 10
set yrange [ymin / LS / 1.3:ymax / LS * 1.3]
_lo = ymin / LS / 1.3; _hi = ymax / LS * 1.3
@LOGYTICS
set format y "%g"
set offsets 0, 0, 0, 0
set xlabel "concurrency (tasks in flight, log scale)"
set output out
# (titles by concatenation: gnuplot 5.4's sprintf can cut the end off a
# result with several %s arguments)
set multiplot title "Latency percentiles vs concurrency: ".P_host.", ".P_desc."\n".CK."; median of runs, bars: ".P_ci
array PN[3] = ["p50", "p99", "p99.9"]
do for [q = 1:3] {
    set lmargin at screen 0.06 + (q - 1) * 0.275
    set rmargin at screen 0.06 + (q - 1) * 0.275 + 0.235
    set tmargin at screen 0.86
    set bmargin at screen 0.12
    set title PN[q]." latency"
    if (q == 1) { set ylabel "latency (".latunit(LS).", log scale)" } else { unset ylabel }
    if (q == 3) { set key at screen 0.995, screen 0.86 top right } else { unset key }
    c = 3 * q - 1
    plot for [j = 1:NP] sprintf('$D%d', P[j]) using 1:(column(c) / LS) with lines lt P[j] notitle, \
         for [j = 1:NP] sprintf('$D%d', P[j]) using 1:(column(c) / LS):(column(c + 1) / LS):(column(c + 2) / LS) \
             with yerrorbars lt P[j] lw 1.2 notitle, \
         for [j = 1:NP] keyentry with linespoints lt P[j] title MODES[P[j]]
}
unset multiplot
