# Claim 6 of `modebench claims`: the interpreter lock (--gil). Left:
# CPU-bound throughput relative to sync (median, 95% CI), with 1 and k
# marked. Right: how late a thread gets back to work after a 1 ms wait
# while another thread computes (p50 and p99 over a run; median over runs,
# 95% CI), without the lock and with switch intervals of 5 ms and 1 ms.
#   gnuplot -e "data='results/claims/claim6.dat'; out='claim6.png'" scripts/claims_gil.gp
# title (optional): the chart's title; claim 8 draws CPython's figures.
# data: block 0 setting,ratio,lo,hi,cores; two blank lines; block 1
# setting,p50_ms,p50_lo,p50_hi,p99_ms,p99_lo,p99_hi
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
W = 1200; H = 520
load gpdir."claims_common.gp"
stats data index 0 using 5 name "K" nooutput
stats data index 0 using 4 name "R" nooutput
stats data index 1 using 7 name "D" nooutput
stats data index 1 using 2 name "D0" nooutput
k = K_max
if (!exists("title")) title = "Claim 6: an emulated interpreter lock (--gil)"
set multiplot layout 1, 2 title title
set title sprintf("cpu preset: throughput relative to sync (k = %d cores)", k)
set ylabel "throughput / sync throughput"
set xrange [-0.6:R_records - 0.4]
set yrange [0:(R_max > k ? R_max : k) * 1.25]
set boxwidth 0.6
set key top right
scol(s) = modecolor(s[1:7] eq "threads" ? "threads" : "procs")
plot data index 0 using 0:2:(scol(strcol(1))):xtic(1) with boxes lc rgb variable notitle, \
     '' index 0 using 0:(column(3)):(0):(column(4) - column(3)) with vectors heads size screen 0.006,90 lc rgb "black" lw 1.5 notitle, \
     '' index 0 using 0:4:(sprintf("%.2fx", column(2))) with labels offset 0, 1 notitle, \
     1 with lines dt 2 lw 1.5 lc rgb C_IDEAL title "1 = no speedup", \
     k with lines lw 1.5 lc rgb "#009E73" title sprintf("k = %d", k)
set title "sleep:1ms+cpu:20ms, 2 threads: delay after each 1 ms wait"
set ylabel "delay until the thread runs again (ms, log scale)"
set logscale y
lo = D0_min / 4; if (lo <= 0) lo = 0.001
set yrange [lo:D_max * 3]
set xrange [-0.6:D_records - 0.4]
set key top left
plot data index 1 using ($0 - 0.19):2:($0 - 0.36):($0 - 0.02):(lo):2:xtic(1) with boxxyerror lc rgb "#56B4E9" title "p50", \
     '' index 1 using ($0 - 0.19):3:(0):($4 - $3) with vectors heads size screen 0.006,90 lc rgb "black" lw 1.5 notitle, \
     '' index 1 using ($0 + 0.19):5:($0 + 0.02):($0 + 0.36):(lo):5 with boxxyerror lc rgb "#0072B2" title "p99", \
     '' index 1 using ($0 + 0.19):6:(0):($7 - $6) with vectors heads size screen 0.006,90 lc rgb "black" lw 1.5 notitle, \
     '' index 1 using ($0 + 0.19):7:(sprintf("%.2f ms", column(5))) with labels offset 0, 1 notitle
unset multiplot
