# Claim 7 of `modebench claims`: the breakfast task (two waits that can
# overlap, then some CPU) at C = 1: median task latency per mode (95% CI)
# against the two predictions, max(a, b) + cpu (the waits overlap) and
# a + b + cpu (they add up).
#   gnuplot -e "data='results/claims/claim7.dat'; out='claim7.png'" scripts/claims_breakfast.gp
# data columns: mode,p50_ms,lo,hi,p99_ms,overlap_ms,sum_ms
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
W = 1000; H = 560
load gpdir."claims_common.gp"
stats data using "overlap_ms" name "O" nooutput
stats data using "sum_ms" name "S" nooutput
stats data using "hi" name "H" nooutput
set title "Claim 7: breakfast (sleep:3ms | sleep:5ms) + cpu:200us, one task at a time"
set ylabel "median task latency (ms)"
set xrange [-0.6:H_records - 0.4]
set yrange [0:(S_max > H_max ? S_max : H_max) * 1.25]
set boxwidth 0.5
set key top left
plot data using 0:"p50_ms":(mcol(strcol("mode"))):xtic(1) with boxes lc rgb variable notitle, \
     '' using 0:(column("lo")):(0):(column("hi") - column("lo")) with vectors heads size screen 0.006,90 lc rgb "black" lw 1.5 notitle, \
     '' using 0:(column("hi")):(sprintf("%.2f ms", column("p50_ms"))) with labels offset 0, 1 notitle, \
     O_max with lines dt 2 lw 2 lc rgb "#E69F00" title sprintf("max(a, b) + cpu = %.1f ms (waits overlap)", O_max), \
     S_max with lines dt 2 lw 2 lc rgb "#404040" title sprintf("a + b + cpu = %.1f ms (waits add up)", S_max)
