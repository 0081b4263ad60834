# hosts_scaling.gp: each host's scaling curves for one workload, side by
# side on one throughput axis: per host, throughput vs cores, one curve per
# mode, with the ideal line k x that host's sync at 1 core. sync and async
# run at one core: their point sits at k = 1 and a dashed line carries it
# across. Points: median of the runs; error bars: 95% CI of the median.
# Reads summary.csv by column name:
#   gnuplot -e "data='results/report/summary.csv'; out='hosts_scaling.png'" scripts/hosts_scaling.gp
# optional: panel='cpu' (column hpanel; default the first one with several
# hosts).
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
pcol = "hpanel"; want(x) = column("n_hosts") >= 2; W = 1200; H = 560
load gpdir."common.gp"

# Hosts of the unit in summary order, at most 4.
HL = ""
stats data using ((inpanel(0) && strstrt(" ".HL." ", " ".strcol("host")." ") == 0) ? \
    (HL = HL.(HL eq "" ? "" : " ").strcol("host"), 0) : 0) nooutput
NH = words(HL) > 4 ? 4 : words(HL)
# $D<h>_<i>: cores, median, lo, hi of mode i on host h.
array N[4 * NM]
do for [h = 1:NH] {
    do for [i = 1:NM] {
        eval sprintf('set table $D%d_%d', h, i)
        plot data using (column("cores")):(column("throughput_median")):(column("throughput_ci_lo")):(column("throughput_ci_hi")) \
            with table if (inpanel(0) && strcol("host") eq word(HL, h) && strcol("mode") eq MODES[i] && column("pick_cores") == 1)
        unset table
        eval sprintf('N[%d] = |$D%d_%d|', (h - 1) * NM + i, h, i)
        # a mode this host lacks: one point left of the axis, drawn nowhere
        if (N[(h - 1) * NM + i] == 0) {
            eval sprintf('set print $D%d_%d', h, i)
            print "-100 0 0 0"
            set print
        }
    }
}
@FROM_TABLE
array REF[4 * NM]; array KMAX[4]; array BASE[4]; array XTH[4]
array HASM[NM] = [0, 0, 0, 0, 0, 0]
ymax = 0
do for [h = 1:NH] {
    KMAX[h] = 0; BASE[h] = 0; XTH[h] = ","
    do for [i = 1:NM] {
        _x = (h - 1) * NM + i; REF[_x] = NaN
        if (N[_x] > 0) {
            HASM[i] = 1
            eval sprintf('stats $D%d_%d using 1 nooutput', h, i)
            KMAX[h] = STATS_max > KMAX[h] ? STATS_max : KMAX[h]
            eval sprintf('stats $D%d_%d using 4 nooutput', h, i)
            ymax = STATS_max > ymax ? STATS_max : ymax
            eval sprintf('stats $D%d_%d using ((strstrt(XTH[%d], sprintf(",%%d,", $1)) == 0 ? XTH[%d] = XTH[%d].sprintf("%%d,", $1) : 0), ($1 == 1 ? REF[%d] = $2 : 0), 0) nooutput', h, i, h, h, h, _x)
            if (i == 1 && REF[_x] == REF[_x]) { BASE[h] = REF[_x] }
        }
    }
}
if (NH < 2) {
    print sprintf("hosts_scaling: fewer than two hosts in %s", panel)
    exit gnuplot
}
TS = tpscale(ymax)
set yrange [0:ymax * 1.08 / TS]
set offsets 0, 0, 0, 0
set xlabel P_xcores
# (titles by concatenation: gnuplot 5.4's sprintf can cut the end off a
# result with several %s arguments)
set output out
set multiplot title "Scaling per host: ".P_desc."\nthroughput vs cores, median of runs, bars: ".P_ci."; dotted: k x the host's sync at 1 core; dashed: sync and async (1 core) carried across"
PW = 0.80 / NH
do for [h = 1:NH] {
    set lmargin at screen 0.06 + (h - 1) * PW
    set rmargin at screen 0.06 + h * PW - 0.03
    set tmargin at screen 0.86
    set bmargin at screen 0.12
    set title word(HL, h)
    if (h == 1) { set ylabel "throughput (".tpunit(TS).")" } else { unset ylabel }
    if (h == NH) { set key at screen 0.995, screen 0.86 top right } else { unset key }
    _xt = XTH[h]
    if (strlen(_xt) > 1) { eval "set xtics ("._xt[2:strlen(_xt) - 1].")" }
    set xrange [0:(KMAX[h] < 1 ? 1 : KMAX[h]) * 1.06]
    b = BASE[h]
    plot (b > 0 ? b * x / TS : NaN) with lines lc rgb C_IDEAL dt 3 lw 1.5 notitle, \
         for [i = 1:2] (REF[(h - 1) * NM + i] == REF[(h - 1) * NM + i] ? REF[(h - 1) * NM + i] / TS : -1) with lines lt i dt 2 lw 1.5 notitle, \
         for [i = 3:NM] sprintf('$D%d_%d', h, i) using 1:($2 / TS) with lines lt i notitle, \
         for [i = 1:NM] sprintf('$D%d_%d', h, i) using 1:($2 / TS):($3 / TS):($4 / TS) with yerrorbars lt i lw 1.2 notitle, \
         for [i = 1:NM] keyentry with linespoints lt i title (HASM[i] ? MODES[i] : "")
}
unset multiplot
