# Claim 1 of `modebench claims`: a batch of pure waits, one sync worker vs
# one event loop. Left: batch completion time (median, 95% CI error bars,
# log scale). Right: per task, CPU time (busy) and idle time, log scale, with
# the worker's busy share of its core on top.
#   gnuplot -e "data='results/claims/claim1.dat'; out='claim1.png'" scripts/claims_waits.gp
# data columns: label,batch_ms,lo,hi,busy_us,idle_us,busy_pct
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
W = 1200; H = 520
load gpdir."claims_common.gp"
stats data using "lo" name "B" nooutput
stats data using "busy_us" name "U" nooutput
stats data using "idle_us" name "I" nooutput
N = B_records
set multiplot layout 1, 2 title "Claim 1: a batch of waits (sleep:1ms), one sync worker vs one event loop"
set logscale y
set xrange [-0.6:N - 0.4]
set yrange [B_min / 4:B_max * 4]
set ylabel "batch completion time (ms, log scale)"
set title "time to finish the batch (median, 95% CI)"
base = B_min / 4
plot data using 0:(column("batch_ms")):($0 - 0.3):($0 + 0.3):(base):(column("batch_ms")):(mcol(word(strcol("label"), 1))):xtic(1) \
        with boxxyerror lc rgb variable notitle, \
     '' using 0:(column("lo")):(0):(column("hi") - column("lo")) with vectors heads size screen 0.006,90 lc rgb "black" lw 1.5 notitle, \
     '' using 0:(column("hi")):(sprintf("%.3g ms", column("batch_ms"))) with labels offset 0, 1 notitle
lo2 = (U_min < I_min ? U_min : I_min) / 4
hi2 = (U_max > I_max ? U_max : I_max) * 6
set yrange [lo2:hi2]
set ylabel "time per task (us, log scale)"
set title "per task: CPU (busy) vs idle time; on top: busy share of the core"
set key outside bottom center horizontal
fmt(v) = v >= 100 ? sprintf("%.0f", v) : sprintf("%.3g", v)
plot data using ($0 - 0.19):(column("busy_us")):($0 - 0.36):($0 - 0.02):(lo2):(column("busy_us")):xtic(1) \
        with boxxyerror lc rgb "#D55E00" title "busy (user + sys CPU)", \
     '' using ($0 + 0.19):(column("idle_us")):($0 + 0.02):($0 + 0.36):(lo2):(column("idle_us")) \
        with boxxyerror lc rgb C_IDLE title "idle", \
     '' using ($0 - 0.19):(column("busy_us")):(fmt(column("busy_us"))) with labels offset 0, 0.8 notitle, \
     '' using ($0 + 0.19):(column("idle_us")):(fmt(column("idle_us"))) with labels offset 0, 0.8 notitle, \
     '' using 0:(hi2 / 2.5):(sprintf("busy %.2g%%", column("busy_pct"))) with labels notitle
unset multiplot
