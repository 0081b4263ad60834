# Claim 4 of `modebench claims`: throughput vs the individual task's wait.
# Left: throughput per mode; right: p99 latency (bars, 95% CI) and p50
# (points), per mode, at the same concurrency.
#   gnuplot -e "data='results/claims/claim4.dat'; out='claim4.png'" scripts/claims_tail.gp
# data columns: mode,tp,tp_lo,tp_hi,p50_ms,p99_ms,p99_lo,p99_hi
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
W = 1200; H = 520
load gpdir."claims_common.gp"
stats data using "tp_hi" name "T" nooutput
stats data using "p99_hi" name "P" nooutput
set multiplot layout 1, 2 title "Claim 4: cpu:200us+sleep:1ms at C = 16: throughput vs the wait of one task"
set boxwidth 0.6
set xrange [-0.6:T_records - 0.4]
set title "throughput (median, 95% CI)"
set ylabel "tasks per second"
set yrange [0:T_max * 1.2]
plot data using 0:"tp":(mcol(strcol("mode"))):xtic(1) with boxes lc rgb variable notitle, \
     '' using 0:(column("tp_lo")):(0):(column("tp_hi") - column("tp_lo")) with vectors heads size screen 0.006,90 lc rgb "black" lw 1.5 notitle, \
     '' using 0:(column("tp_hi")):(sprintf("%.0f/s", column("tp"))) with labels offset 0, 1 notitle
set title "task latency: p99 (bars, 95% CI) and p50 (points)"
set ylabel "latency (ms)"
set yrange [0:P_max * 1.2]
set key outside bottom center
plot data using 0:"p99_ms":(mcol(strcol("mode"))):xtic(1) with boxes lc rgb variable notitle, \
     '' using 0:(column("p99_lo")):(0):(column("p99_hi") - column("p99_lo")) with vectors heads size screen 0.006,90 lc rgb "black" lw 1.5 notitle, \
     '' using 0:"p50_ms" with points pt 7 ps 1.5 lc rgb "black" title "p50 (median task)", \
     '' using 0:(column("p99_hi")):(sprintf("%.2f ms", column("p99_ms"))) with labels offset 0, 1 notitle
unset multiplot
