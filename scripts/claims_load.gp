# Claim 10 of `modebench claims`: load in CPython. The web preset for many
# concurrent clients by asyncio (one loop, a loop per core), threads and
# sync worker processes. Left: tasks per second; right: the 99th-percentile
# latency; both medians over runs with their 95% CI.
#   gnuplot -e "data='results/claims/claim10.dat'; out='claim10.png'" scripts/claims_load.gp
# data columns: mode,tp,tp_lo,tp_hi,p99_ms,p99_lo,p99_hi,clients
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
W = 1200; H = 520
load gpdir."claims_common.gp"
stats data using "tp_hi" name "T" nooutput
stats data using "p99_hi" name "P" nooutput
stats data using "clients" name "N" nooutput
set multiplot layout 1, 2 title sprintf("Claim 10: the web preset in CPython, %d concurrent clients", N_max)
set xrange [-0.6:T_records - 0.4]
set boxwidth 0.6
set title "throughput (tasks/s)"
set ylabel "tasks per second"
set yrange [0:T_max * 1.2]
plot data using 0:"tp":(mcol(strcol("mode"))):xtic(1) with boxes lc rgb variable notitle, \
     '' using 0:(column("tp_lo")):(0):(column("tp_hi") - column("tp_lo")) with vectors heads size screen 0.006,90 lc rgb "black" lw 1.5 notitle, \
     '' using 0:(column("tp_hi")):(sprintf("%.0f", column("tp"))) with labels offset 0, 1 notitle
set title "latency p99 (ms)"
set ylabel "99th-percentile latency (ms)"
set yrange [0:P_max * 1.2]
plot data using 0:"p99_ms":(mcol(strcol("mode"))):xtic(1) with boxes lc rgb variable notitle, \
     '' using 0:(column("p99_lo")):(0):(column("p99_hi") - column("p99_lo")) with vectors heads size screen 0.006,90 lc rgb "black" lw 1.5 notitle, \
     '' using 0:(column("p99_hi")):(sprintf("%.1f", column("p99_ms"))) with labels offset 0, 1 notitle
unset multiplot
