# iofraction.gp: the headline chart of the `mixed` workload: throughput vs
# I/O fraction (the share of each task's time budget spent waiting rather
# than computing), each mode normalised to the best mode at that fraction
# (100% = the winner there), so the chart shows where each mode wins.
# Each mode is drawn at its best configuration per fraction (summary
# column pick_iof: the cores and concurrency with the highest median
# throughput). Error bars: the 95% CI of the median throughput, scaled
# the same way. Reads summary.csv by column name:
#   gnuplot -e "data='results/report/summary.csv'; out='iofraction.png'" scripts/iofraction.gp
# optional: panel='hostB_mixed' (column iopanel; default the first one
# with several I/O fractions).
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
pcol = "iopanel"; want(x) = column("iof_sweep") == 1; W = 1000; H = 600
load gpdir."common.gp"

array N[NM]
do for [i = 1:NM] {
    eval sprintf('set table $D%d', i)
    plot data using (column("io_fraction")):(100 * column("norm_best")):\
        (100 * column("norm_best") * column("throughput_ci_lo") / column("throughput_median")):\
        (100 * column("norm_best") * column("throughput_ci_hi") / column("throughput_median")):\
        (column("throughput_median")) \
        with table if (inpanel(0) && strcol("mode") eq MODES[i] && column("pick_iof") == 1)
    unset table
    eval sprintf('N[%d] = |$D%d|', i, i)
}
@FROM_TABLE
# (arrays filled with 1: gnuplot evaluates an empty `for` once)
array P[NM] = [1, 1, 1, 1, 1, 1]
NP = 0; xmin = 1e30; xmax = -1e30; ymax = 100; XT = ","
do for [i = 1:NM] {
    if (N[i] > 0) {
        NP = NP + 1; P[NP] = i
        eval sprintf('stats $D%d using 1 nooutput', i)
        xmax = STATS_max > xmax ? STATS_max : xmax
        xmin = STATS_min < xmin ? STATS_min : xmin
        eval sprintf('stats $D%d using 4 nooutput', i)
        ymax = STATS_max > ymax ? STATS_max : ymax
        eval sprintf('stats $D%d using ((strstrt(XT, sprintf(",%%g,", $1)) == 0 ? XT = XT.sprintf("%%g,", $1) : 0), 0) nooutput', i)
    }
}
if (xmax <= xmin || NP == 0) {
    print sprintf("iofraction: one I/O fraction only in %s", panel)
    exit gnuplot
}
eval "set xtics (".XT[2:strlen(XT) - 1].")"
_pad = (xmax - xmin) * 0.04
set xrange [xmin - _pad:xmax + _pad]
set yrange [0:ymax * 1.05]
set ytics 20
set format y "%g%%"
set xlabel "I/O fraction (share of each task's time spent waiting; 0 = all CPU, 1 = all wait)"
set ylabel "throughput, % of the best mode at that fraction"
# (titles by concatenation: gnuplot 5.4's sprintf can cut the end off a
# result with several %s arguments)
set title "Throughput vs I/O fraction: ".P_host.", ".P_desc."\n100% = the best mode at each fraction; each mode at its best cores and concurrency; bars: ".P_ci
set output out
plot 100 with lines lc rgb C_IDEAL dt 3 lw 1.5 title "best mode", \
     for [j = 1:NP] sprintf('$D%d', P[j]) using 1:2 smooth unique with lines lt P[j] notitle, \
     for [j = 1:NP] sprintf('$D%d', P[j]) using 1:2:3:4 with yerrorbars lt P[j] lw 1.2 notitle, \
     for [j = 1:NP] keyentry with linespoints lt P[j] title MODES[P[j]]
