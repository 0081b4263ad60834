# hosts.gp: several hosts side by side for one workload: per mode, one bar
# per host (the mode's colour; the reference host solid, the others
# lighter), the throughput of the mode's best configuration on that host
# relative to the same mode on the reference host (summary columns
# norm_host, ref_host: the first host in name order). Error bars: the 95%
# CI of the median throughput, scaled the same way; the number above each
# bar is the ratio and the core count it was reached at. Reads summary.csv:
#   gnuplot -e "data='results/report/summary.csv'; out='hosts.png'" scripts/hosts.gp
# optional: panel='cpu' (column hpanel; default the first one with
# several hosts). hosts_scaling.gp draws each host's scaling curves.
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
pcol = "hpanel"; want(x) = column("n_hosts") >= 2; W = 1200; H = 600
load gpdir."common.gp"

# Hosts of the unit, in summary order (the reference first), at most 4.
HL = ""; REFH = ""
stats data using ((inpanel(0) && strstrt(" ".HL." ", " ".strcol("host")." ") == 0) ? \
    (HL = HL.(HL eq "" ? "" : " ").strcol("host"), REFH = strcol("ref_host"), 0) : 0) nooutput
NH = words(HL) > 4 ? 4 : words(HL)
array V[4 * NM]; array LO[4 * NM]; array HI[4 * NM]; array K[4 * NM]; array HAS[NM]
do for [_x = 1:4 * NM] { V[_x] = NaN; LO[_x] = NaN; HI[_x] = NaN; K[_x] = NaN }
do for [i = 1:NM] {
    HAS[i] = 0
    do for [h = 1:NH] {
        _x = (h - 1) * NM + i
        stats data using ((inpanel(0) && strcol("host") eq word(HL, h) && strcol("mode") eq MODES[i] && \
            column("pick_host") == 1) ? (HAS[i] = 1, V[_x] = column("norm_host"), \
            LO[_x] = column("norm_host") * column("throughput_ci_lo") / column("throughput_median"), \
            HI[_x] = column("norm_host") * column("throughput_ci_hi") / column("throughput_median"), \
            K[_x] = column("cores"), 0) : 0) nooutput
    }
}
array P[NM] = [1, 1, 1, 1, 1, 1]
NP = 0; XT = ""; ymax = 1
do for [i = 1:NM] {
    if (HAS[i]) {
        NP = NP + 1; P[NP] = i
        XT = XT.sprintf('%s"%s" %d', XT eq "" ? "" : ", ", MODES[i], NP)
        do for [h = 1:NH] { _v = HI[(h - 1) * NM + i]; if (_v == _v && _v > ymax) { ymax = _v } }
    }
}
if (NH < 2 || NP == 0) {
    print sprintf("hosts: fewer than two hosts in %s", panel)
    exit gnuplot
}
BW = 0.8 / NH
xpos(j, h) = j - 0.4 + BW * (h - 0.5)
eval "set xtics (".XT.") scale 0"
set xrange [0.4:NP + 0.6]
set yrange [0:ymax * 1.2]
set offsets 0, 0, 0, 0
unset key
set ylabel sprintf("throughput relative to %s (same mode = 1)", REFH)
HD = ""
do for [h = 1:NH] { HD = HD.(h == 1 ? "" : ", ").word(HL, h).(h == 1 ? " (solid, reference)" : h == 2 ? " (light)" : h == 3 ? " (hatched)" : " (outline)") }
# (titles by concatenation: gnuplot 5.4's sprintf can cut the end off a
# result with several %s arguments)
set title "Hosts side by side: ".P_desc."\nbars: ".HD."; each mode's best configuration per host; whiskers: ".P_ci
do for [j = 1:NP] {
    do for [h = 1:NH] {
        _x = (h - 1) * NM + P[j]
        if (V[_x] == V[_x]) {
            set label 100 + j * 4 + h sprintf("%.2fx\n%g core%s", V[_x], K[_x], K[_x] == 1 ? "" : "s") at xpos(j, h), HI[_x] + ymax * 0.065 center front font ",9"
        }
    }
}
# One clause per host position: the fill style cannot vary inside a `for`.
bar(j, h) = V[(h - 1) * NM + P[j]]
set output out
plot 1 with lines lc rgb C_IDEAL dt 3 lw 1.5 notitle, \
     for [j = 1:NP] '+' using (xpos(j, 1)):(bar(j, 1) / 2):(BW * 0.45):(bar(j, 1) / 2) every ::0::0 with boxxyerror lt P[j] fs solid 1.0 noborder notitle, \
     for [j = 1:NP] '+' using (xpos(j, 2)):(bar(j, 2) / 2):(BW * 0.45):(bar(j, 2) / 2) every ::0::0 with boxxyerror lt P[j] fs solid 0.4 border lt P[j] notitle, \
     for [j = 1:NP] '+' using (xpos(j, 3)):(bar(j, 3) / 2):(BW * 0.45):(bar(j, 3) / 2) every ::0::0 with boxxyerror lt P[j] fs pattern 4 border lt P[j] notitle, \
     for [j = 1:NP] '+' using (xpos(j, 4)):(bar(j, 4) / 2):(BW * 0.45):(bar(j, 4) / 2) every ::0::0 with boxxyerror lt P[j] fs empty border lt P[j] notitle, \
     for [h = 1:NH] for [j = 1:NP] '+' using (xpos(j, h)):(LO[(h - 1) * NM + P[j]]):(0):(HI[(h - 1) * NM + P[j]] - LO[(h - 1) * NM + P[j]]) every ::0::0 \
         with vectors heads size screen 0.004, 90 lc rgb "#404040" lw 1 notitle
