# cpu.gp: CPU busy vs idle per mode: one stacked bar per mode, the share of
# its cores' time spent running (summary column cpu_util = (user + sys) /
# (wall x cores used), in the mode's colour) and idle (1 - cpu_util, grey).
# Each mode is drawn at its largest core count (summary column pick_cpu);
# sync and async use one core. The throughput it reached is written above
# the bar, so CPU cost can be read against work done. Reads summary.csv:
#   gnuplot -e "data='results/report/summary.csv'; out='cpu.png'" scripts/cpu.gp
# optional: panel='hostB_cpu' (column panel; default the first panel).
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
pcol = "panel"; want(x) = column("cpu_util") == column("cpu_util"); W = 1000; H = 560
load gpdir."common.gp"

array BUSY[NM]; array K[NM]; array C[NM]; array TP[NM]; array HAS[NM]
do for [i = 1:NM] {
    HAS[i] = 0; BUSY[i] = NaN
    stats data using ((inpanel(0) && strcol("mode") eq MODES[i] && column("pick_cpu") == 1 && \
        column("cpu_util") == column("cpu_util")) ? (HAS[i] = 1, BUSY[i] = 100 * column("cpu_util"), \
        K[i] = column("cores"), C[i] = column("concurrency"), TP[i] = column("throughput_median"), 0) : 0) nooutput
}
array P[NM] = [1, 1, 1, 1, 1, 1]
NP = 0; XT = ""; tpmax = 0
do for [i = 1:NM] {
    if (HAS[i]) {
        NP = NP + 1; P[NP] = i
        tpmax = TP[i] > tpmax ? TP[i] : tpmax
        XT = XT.sprintf('%s"%s\n%g core%s\n%g in flight" %d', XT eq "" ? "" : ", ", MODES[i], K[i], K[i] == 1 ? "" : "s", C[i], NP)
    }
}
if (NP == 0) {
    print sprintf("cpu: no CPU utilisation in panel %s", panel)
    exit gnuplot
}
eval "set xtics (".XT.") scale 0"
set xrange [0.4:NP + 0.6]
set yrange [0:112]
set ytics 0, 20, 100
set format y "%g%%"
set offsets 0, 0, 0, 0
set ylabel "share of the cores' time (busy = user + sys)"
set bmargin 5
unset key
set title "CPU busy vs idle per mode: ".P_host.", ".P_desc."\ncoloured: busy, grey: idle (median of runs), each mode at its largest core count; above: throughput reached (tasks/s)"
do for [j = 1:NP] {
    i = P[j]
    _ts = TP[i] >= 1e6 ? 1e6 : TP[i] >= 1e3 ? 1e3 : 1
    set label 10 + j sprintf("%.3g%s/s", TP[i] / _ts, _ts == 1e6 ? "M" : _ts == 1e3 ? "k" : "") at j, 105 center font ",10"
    if (BUSY[i] >= 12) {
        set label 30 + j sprintf("%.0f%%", BUSY[i]) at j, BUSY[i] / 2 center front tc rgb "white" font ",10"
    } else {
        set label 30 + j sprintf("%.0f%%", BUSY[i]) at j, BUSY[i] + 4 center front tc rgb "#404040" font ",10"
    }
}
set output out
set style fill solid 1.0 border rgb "white"
plot for [j = 1:NP] '+' using (j):(BUSY[P[j]] / 2):(0.35):(BUSY[P[j]] / 2) every ::0::0 with boxxyerror lt P[j] notitle, \
     for [j = 1:NP] '+' using (j):(50 + BUSY[P[j]] / 2):(0.35):(50 - BUSY[P[j]] / 2) every ::0::0 with boxxyerror fc rgb C_IDLE notitle
