# Claim 5 of `modebench claims`: cpu:100us+sleep:1ms as concurrency grows.
# Left: throughput vs C per mode (median, 95% CI); right: how busy each mode
# keeps the cores it uses (1 for async, k for the others).
#   gnuplot -e "data='results/claims/claim5.dat'; out='claim5.png'" scripts/claims_scaling.gp
# data columns: mode,C,tp,lo,hi,busy_pct
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
W = 1200; H = 520
load gpdir."claims_common.gp"
array M[5] = ["async", "threads", "procs", "async-threads", "async-procs"]
array PT[5] = [5, 9, 11, 13, 15]
array DT[5] = [1, 1, 2, 1, 2]  # processes dashed: they sit on their thread twins
set multiplot layout 1, 2 title "Claim 5: cpu:100us+sleep:1ms as concurrency C grows"
set logscale x 2
set xlabel "tasks in flight C (log scale)"
set title "throughput (median, 95% CI)"
set ylabel "tasks per second"
set key top left
set grid xtics ytics
plot for [i=1:5] data using (strcol("mode") eq M[i] ? column("C") : NaN):"tp":"lo":"hi" \
        with yerrorlines lw 2 dt DT[i] pt PT[i] ps 1.3 lc rgb mcol(M[i]) title M[i]
set title "busy share of the cores the mode uses"
set ylabel "busy (%)"
set yrange [0:110]
set key bottom right
plot for [i=1:5] data using (strcol("mode") eq M[i] ? column("C") : NaN):"busy_pct" \
        with linespoints lw 2 dt DT[i] pt PT[i] ps 1.3 lc rgb mcol(M[i]) title M[i], \
     100 with lines dt 2 lc rgb C_IDEAL title "100%"
unset multiplot
