# efficiency.gp: parallel efficiency (speedup against sync at 1 core,
# divided by the cores used) vs cores, one curve per mode; 100% is perfect
# scaling. sync and async run on one core and show as points at k = 1.
# Error bars: the speedup's 95% bootstrap interval (of the ratio of the
# two medians) scaled the same way. Wait-bound panels have no efficiency.
#   gnuplot -e "data='results/report/summary.csv'; out='efficiency.png'" scripts/efficiency.gp
# optional: panel='hostB_cpu' (column panel; default the first panel).
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
pcol = "panel"; want(x) = 1; W = 1000; H = 560
load gpdir."common.gp"

array N[NM]
do for [i = 1:NM] {
    eval sprintf('set table $D%d', i)
    plot data using (column("cores")):(100 * column("efficiency")):(100 * column("efficiency_ci_lo")):(100 * column("efficiency_ci_hi")) \
        with table if (inpanel(0) && strcol("mode") eq MODES[i] && column("pick_cores") == 1)
    unset table
    eval sprintf('N[%d] = |$D%d|', i, i)
}
@FROM_TABLE
# (arrays filled with 1: gnuplot evaluates an empty `for` once)
array P[NM] = [1, 1, 1, 1, 1, 1]; array S[NM] = [1, 1, 1, 1, 1, 1]
NP = 0; NS = 0; kmax = 0; ymax = 100; XT = ","
do for [i = 1:NM] {
    if (N[i] > 0) {
        NP = NP + 1; P[NP] = i
        if (!isref(i)) { NS = NS + 1; S[NS] = i }
        eval sprintf('stats $D%d using 1 nooutput', i)
        kmax = STATS_max > kmax ? STATS_max : kmax
        eval sprintf('stats $D%d using 4 nooutput', i)
        ymax = STATS_max > ymax ? STATS_max : ymax
        eval sprintf('stats $D%d using ((strstrt(XT, sprintf(",%%d,", $1)) == 0 ? XT = XT.sprintf("%%d,", $1) : 0), 0) nooutput', i)
    }
}
if (kmax < 2 || NP == 0) {
    print sprintf("efficiency: no speedups over several core counts in panel %s", panel)
    exit gnuplot
}
eval "set xtics (".XT[2:strlen(XT) - 1].")"
set xrange [0:kmax * 1.06]
set yrange [0:ymax * 1.08]
set format y "%g%%"
set xlabel P_xcores
set ylabel "parallel efficiency (speedup / cores)"
set title sprintf("Parallel efficiency vs cores: %s, %s\n%s%s100%% = k × sync at 1 core; bars: the speedup's bootstrap interval / k", P_host, P_desc, P_conc, P_conc eq "" ? "" : "; ")
set output out
plot 100 with lines lc rgb C_IDEAL dt 3 lw 1.5 title "ideal", \
     for [j = 1:NS] sprintf('$D%d', S[j]) using 1:2 with lines lt S[j] notitle, \
     for [j = 1:NP] sprintf('$D%d', P[j]) using 1:2:3:4 with yerrorbars lt P[j] lw 1.2 notitle, \
     for [j = 1:NP] keyentry with linespoints lt P[j] title MODES[P[j]]
