# numa.gp: memory bandwidth (summary column bytes_per_s) vs cores under
# each --mem-policy, side by side: local, remote, interleave and node:N,
# one curve per policy and mode (colour: the policy; marker and dash:
# the mode). Points: the median of the runs. The unit is mpanel (a panel
# less its mem_policy), so the policies of one machine and recipe meet.
# The report draws it for machines with two NUMA nodes or more.
#   gnuplot -e "data='results/report/summary.csv'; out='numa.png'" scripts/numa.gp
# optional: panel='hostB_mem' (column mpanel; default the first unit with
# a --mem-policy on a machine with several nodes).
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
pcol = "mpanel"; want(x) = strcol("mem_policy") ne "" && column("numa_nodes") >= 2; W = 1000; H = 560
load gpdir."common.gp"

# A group's policy: "local" is also what runs from before the column had.
pol(x) = strcol("mem_policy") eq "" ? "local" : strcol("mem_policy")
# The unit's policies: local, remote, interleave first, then the others
# (node:N) as they come, at most 6.
PL = ""
do for [_p in "local remote interleave"] {
    _n = 0
    stats data using ((inpanel(0) && column("bytes_per_s") > 0 && pol(0) eq _p) ? _n = _n + 1 : 0) nooutput
    if (_n > 0) { PL = PL.(PL eq "" ? "" : " ")._p }
}
stats data using ((inpanel(0) && column("bytes_per_s") > 0 && strstrt(" ".PL." ", " ".pol(0)." ") == 0) ? \
    (PL = PL.(PL eq "" ? "" : " ").pol(0), 0) : 0) nooutput
NPOL = words(PL) > 6 ? 6 : words(PL)
if (NPOL == 0) {
    print sprintf("numa: no mem runs with a bandwidth in %s", panel)
    exit gnuplot
}
array PCOL[6] = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#404040"]
# dash by mode: solid for the one-core modes and threads, then one each
array DTS[6] = [1, 1, 1, 2, 3, 4]
# $D<p>_<i>: cores, GB/s of policy p and mode i
array N[6 * NM]
do for [p = 1:NPOL] {
    do for [i = 1:NM] {
        eval sprintf('set table $D%d_%d', p, i)
        plot data using (column("cores")):(column("bytes_per_s") / 1e9) \
            with table if (inpanel(0) && pol(0) eq word(PL, p) && strcol("mode") eq MODES[i] && \
                           column("pick_cores") == 1 && column("bytes_per_s") > 0)
        unset table
        eval sprintf('N[%d] = |$D%d_%d|', (p - 1) * NM + i, p, i)
    }
}
@FROM_TABLE
# The (policy, mode) pairs with points: PP[j], II[j] for j = 1..NK (a
# table with no row is no datablock at all).
array PP[6 * NM]; array II[6 * NM]
NK = 0; kmax = 1; ymax = 0; XT = ","
do for [p = 1:NPOL] {
    do for [i = 1:NM] {
        if (N[(p - 1) * NM + i] > 0) {
            NK = NK + 1; PP[NK] = p; II[NK] = i
            eval sprintf('stats $D%d_%d using 1 nooutput', p, i)
            kmax = STATS_max > kmax ? STATS_max : kmax
            eval sprintf('stats $D%d_%d using 2 nooutput', p, i)
            ymax = STATS_max > ymax ? STATS_max : ymax
            eval sprintf('stats $D%d_%d using ((strstrt(XT, sprintf(",%%d,", $1)) == 0 ? XT = XT.sprintf("%%d,", $1) : 0), 0) nooutput', p, i)
        }
    }
}
if (NK == 0) {
    print sprintf("numa: no picked mem runs with a bandwidth in %s", panel)
    exit gnuplot
}
if (strlen(XT) > 1) { eval "set xtics (".XT[2:strlen(XT) - 1].")" }
set xrange [0:kmax * 1.06]
set yrange [0:ymax * 1.1]
set xlabel P_xcores
set ylabel "memory bandwidth (GB/s, read + write)"
set title "Memory bandwidth vs cores by --mem-policy: ".P_host.", ".P_desc."\nmedian of runs; colour: where the pages were, marker and dash: the mode"
set output out
plot for [j = 1:NK] sprintf('$D%d_%d', PP[j], II[j]) using 1:2 \
         with linespoints lt II[j] lc rgb PCOL[PP[j]] dt DTS[II[j]] lw 2 \
         title word(PL, PP[j])." ".MODES[II[j]]
