# scaling.gp: throughput vs cores, one curve per mode, with the ideal line
# k x the 1-core sync throughput. sync and async run at one core: their
# point sits at k = 1 and a dashed line carries it across as a reference.
# Each point is the median of the runs; error bars are the 95% confidence
# interval of the median. Reads summary.csv by column name:
#   gnuplot -e "data='results/report/summary.csv'; out='scaling.png'" scripts/scaling.gp
# optional: panel='hostB_cpu' (column panel; default the first panel).
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
pcol = "panel"; want(x) = 1; W = 1000; H = 560
load gpdir."common.gp"

array N[NM]; array REF[NM]
do for [i = 1:NM] {
    eval sprintf('set table $D%d', i)
    plot data using (column("cores")):(column("throughput_median")):(column("throughput_ci_lo")):(column("throughput_ci_hi")) \
        with table if (inpanel(0) && strcol("mode") eq MODES[i] && column("pick_cores") == 1)
    unset table
    eval sprintf('N[%d] = |$D%d|', i, i)
    REF[i] = NaN
}
@FROM_TABLE
# Present modes (P), flat references (R), curves (S); core counts (XT).
# (arrays filled with 1: gnuplot evaluates an empty `for` once)
array P[NM] = [1, 1, 1, 1, 1, 1]; array R[NM] = [1, 1, 1, 1, 1, 1]; array S[NM] = [1, 1, 1, 1, 1, 1]
NP = 0; NR = 0; NS = 0; kmax = 0; ymax = 0; base = 0; base1 = 0; XT = ","
do for [i = 1:NM] {
    if (N[i] > 0) {
        NP = NP + 1; P[NP] = i
        eval sprintf('stats $D%d using 1 nooutput', i)
        kmax = STATS_max > kmax ? STATS_max : kmax
        eval sprintf('stats $D%d using 4 nooutput', i)
        ymax = STATS_max > ymax ? STATS_max : ymax
        eval sprintf('stats $D%d using ((strstrt(XT, sprintf(",%%d,", $1)) == 0 ? XT = XT.sprintf("%%d,", $1) : 0), ($1 == 1 ? REF[%d] = $2 : 0), 0) nooutput', i, i)
        if (isref(i) && REF[i] == REF[i]) { NR = NR + 1; R[NR] = i }
        if (!isref(i)) { NS = NS + 1; S[NS] = i }
        if (i == 1 && REF[i] == REF[i]) { base = REF[1] }
        if (REF[i] == REF[i] && REF[i] > base1) { base1 = REF[i] }
    }
}
if (kmax < 2) {
    print sprintf("scaling: one core count only in panel %s", panel)
    exit gnuplot
}
ideal_title = base > 0 ? "ideal: k x sync at 1 core" : "ideal: k x best at 1 core"
if (base == 0) { base = base1 }
eval "set xtics (".XT[2:strlen(XT) - 1].")"
set xrange [0:kmax * 1.06]
set yrange [0:*]
TS = tpscale(ymax)
set xlabel P_xcores
set ylabel "throughput (".tpunit(TS).")"
set title sprintf("Throughput vs cores: %s, %s\n%s%smedian of runs, bars: %s; sync and async run on 1 core (dashed: carried across)", P_host, P_desc, P_conc, P_conc eq "" ? "" : "; ", P_ci)

set output out
plot (base > 0 ? base * x / TS : NaN) with lines lc rgb C_IDEAL dt 3 lw 1.5 title ideal_title, \
     for [j = 1:NR] REF[R[j]] / TS with lines lt R[j] dt 2 lw 1.5 notitle, \
     for [j = 1:NS] sprintf('$D%d', S[j]) using 1:($2 / TS) with lines lt S[j] notitle, \
     for [j = 1:NP] sprintf('$D%d', P[j]) using 1:($2 / TS):($3 / TS):($4 / TS) with yerrorbars lt P[j] lw 1.2 notitle, \
     for [j = 1:NP] keyentry with linespoints lt P[j] title MODES[P[j]]
