# load.gp: p99 latency vs offered load, for open-loop runs (--rate) at
# several rates: one curve per mode (solid: p99 with its 95% CI; thin
# dashed: p50), log y. Latency is measured from each task's intended start,
# so a mode that falls behind the offered rate shows it as a climbing
# curve (no coordinated omission). Each mode is drawn at its largest core
# count per rate (summary column pick_cpu). Reads summary.csv:
#   gnuplot -e "data='results/report/summary.csv'; out='load.png'" scripts/load.gp
# optional: panel='hostB_sleep' (column lpanel: the panel less the rate;
# default the first one with open-loop rows).
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
pcol = "lpanel"; want(x) = column("rate") > 0; W = 1000; H = 600
load gpdir."common.gp"

array N[NM]
do for [i = 1:NM] {
    eval sprintf('set table $D%d', i)
    plot data using (column("rate")):(column("lat_p99_us")):(column("lat_p99_ci_lo")):(column("lat_p99_ci_hi")):(column("lat_p50_us")):(column("throughput_median")) \
        with table if (inpanel(0) && column("rate") > 0 && strcol("mode") eq MODES[i] && column("pick_cpu") == 1)
    unset table
    eval sprintf('N[%d] = |$D%d|', i, i)
}
@FROM_TABLE
# (arrays filled with 1: gnuplot evaluates an empty `for` once)
array P[NM] = [1, 1, 1, 1, 1, 1]
NP = 0; xmin = 1e30; xmax = 0; ymax = 0; ymin = 1e30; XT = ","
do for [i = 1:NM] {
    if (N[i] > 0) {
        NP = NP + 1; P[NP] = i
        eval sprintf('stats $D%d using 1 nooutput', i)
        xmax = STATS_max > xmax ? STATS_max : xmax
        xmin = STATS_min < xmin ? STATS_min : xmin
        eval sprintf('stats $D%d using 4 nooutput', i)
        ymax = STATS_max > ymax ? STATS_max : ymax
        eval sprintf('stats $D%d using 5 nooutput', i)
        ymin = STATS_min < ymin ? STATS_min : ymin
        eval sprintf('stats $D%d using ((strstrt(XT, sprintf(",%%g,", $1)) == 0 ? XT = XT.sprintf("%%g,", $1) : 0), 0) nooutput', i)
    }
}
if (xmax <= xmin || NP == 0) {
    print sprintf("load: one offered rate only in %s", panel)
    exit gnuplot
}
LS = latscale(ymax)
eval "set xtics (".XT[2:strlen(XT) - 1].")"
set xtics format "%.0s%c"
_pad = (xmax - xmin) * 0.04
set xrange [xmin - _pad:xmax + _pad]
set logscale y 10
_lo = ymin / LS / 1.3; _hi = ymax / LS * 1.3
set yrange [_lo:_hi]
@LOGYTICS
set format y "%g"
set offsets 0, 0, 0, 0
set xlabel "offered load (task starts per second; k = thousand)"
set ylabel "latency from intended start (".latunit(LS).", log scale)"
# (titles by concatenation: gnuplot 5.4's sprintf can cut the end off a
# result with several %s arguments)
set title "p99 latency vs offered load (open loop): ".P_host.", ".P_desc."\nsolid: p99, median of runs, bars: ".P_ci."; dashed: p50; each mode at its largest core count"
set output out
plot for [j = 1:NP] sprintf('$D%d', P[j]) using 1:($5 / LS) smooth unique with lines lt P[j] dt 2 lw 1 notitle, \
     for [j = 1:NP] sprintf('$D%d', P[j]) using 1:($2 / LS) smooth unique with lines lt P[j] notitle, \
     for [j = 1:NP] sprintf('$D%d', P[j]) using 1:($2 / LS):($3 / LS):($4 / LS) with yerrorbars lt P[j] lw 1.2 notitle, \
     for [j = 1:NP] keyentry with linespoints lt P[j] title MODES[P[j]]
