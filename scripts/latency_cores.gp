# latency_cores.gp: task latency percentiles (p50, p99, p99.9) vs cores,
# one small chart per percentile side by side, one curve per mode, log y.
# sync and async run at one core: their point sits at k = 1 and a dashed
# line carries it across as a reference. Each point is the median of the
# runs' percentiles; error bars are the 95% confidence interval of that
# median. Reads summary.csv by column name:
#   gnuplot -e "data='results/report/summary.csv'; out='latency_cores.png'" scripts/latency_cores.gp
# optional: panel='hostB_cpu' (column panel; default the first panel).
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
pcol = "panel"; want(x) = 1; W = 1200; H = 520
load gpdir."common.gp"

# $Di: cores, then (median, lo, hi) for p50, p99 and p99.9.
array N[NM]
do for [i = 1:NM] {
    eval sprintf('set table $D%d', i)
    plot data using (column("cores")):(column("lat_p50_us")):(column("lat_p50_ci_lo")):(column("lat_p50_ci_hi")): \
        (column("lat_p99_us")):(column("lat_p99_ci_lo")):(column("lat_p99_ci_hi")): \
        (column("lat_p999_us")):(column("lat_p999_ci_lo")):(column("lat_p999_ci_hi")) \
        with table if (inpanel(0) && strcol("mode") eq MODES[i] && column("pick_cores") == 1)
    unset table
    eval sprintf('N[%d] = |$D%d|', i, i)
}
@FROM_TABLE
# (arrays filled with 1: gnuplot evaluates an empty `for` once)
array P[NM] = [1, 1, 1, 1, 1, 1]; array R[NM] = [1, 1, 1, 1, 1, 1]; array S[NM] = [1, 1, 1, 1, 1, 1]
array REF[3 * NM]
NP = 0; NR = 0; NS = 0; kmax = 0; ymax = 0; ymin = 1e30; XT = ","
do for [i = 1:NM] {
    REF[i] = NaN; REF[NM + i] = NaN; REF[2 * NM + i] = NaN
    if (N[i] > 0) {
        NP = NP + 1; P[NP] = i
        eval sprintf('stats $D%d using 1 nooutput', i)
        kmax = STATS_max > kmax ? STATS_max : kmax
        eval sprintf('stats $D%d using 10 nooutput', i)
        ymax = STATS_max > ymax ? STATS_max : ymax
        eval sprintf('stats $D%d using 3 nooutput', i)
        ymin = STATS_min < ymin ? STATS_min : ymin
        eval sprintf('stats $D%d using ((strstrt(XT, sprintf(",%%d,", $1)) == 0 ? XT = XT.sprintf("%%d,", $1) : 0), \
            ($1 == 1 ? (REF[%d] = $2, REF[%d] = $5, REF[%d] = $8) : 0), 0) nooutput', i, i, NM + i, 2 * NM + i)
        if (isref(i) && REF[i] == REF[i]) { NR = NR + 1; R[NR] = i }
        if (!isref(i)) { NS = NS + 1; S[NS] = i }
    }
}
if (kmax < 2 || NP == 0) {
    print sprintf("latency_cores: one core count only in panel %s", panel)
    exit gnuplot
}
LS = latscale(ymax)
eval "set xtics (".XT[2:strlen(XT) - 1].")"
set xrange [0:kmax * 1.06]
set logscale y 10
set yrange [ymin / LS / 1.3:ymax / LS * 1.3]
_lo = ymin / LS / 1.3; _hi = ymax / LS * 1.3
@LOGYTICS
set format y "%g"
set offsets 0, 0, 0, 0
set xlabel P_xcores
set output out
# (titles by concatenation: gnuplot 5.4's sprintf can cut the end off a
# result with several %s arguments)
set multiplot title "Latency percentiles vs cores: ".P_host.", ".P_desc."\n".P_conc.(P_conc eq "" ? "" : "; "). \
    "median of runs, bars: ".P_ci."; sync and async run on 1 core (dashed: carried across)"
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
    plot for [j = 1:NR] REF[(q - 1) * NM + R[j]] / LS with lines lt R[j] dt 2 lw 1.5 notitle, \
         for [j = 1:NS] sprintf('$D%d', S[j]) using 1:(column(c) / LS) with lines lt S[j] notitle, \
         for [j = 1:NP] sprintf('$D%d', P[j]) using 1:(column(c) / LS):(column(c + 1) / LS):(column(c + 2) / LS) \
             with yerrorbars lt P[j] lw 1.2 notitle, \
         for [j = 1:NP] keyentry with linespoints lt P[j] title MODES[P[j]]
}
unset multiplot
