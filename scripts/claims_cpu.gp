# Claim 2 of `modebench claims`: CPU-bound work (the cpu preset), throughput
# of each mode relative to sync (median ratio, 95% CI), with 1 (no speedup),
# k (the ideal on k cores) and the 0.8 k threshold marked.
#   gnuplot -e "data='results/claims/claim2.dat'; out='claim2.png'" scripts/claims_cpu.gp
# data columns: mode,ratio,lo,hi,cores
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
W = 1000; H = 560
load gpdir."claims_common.gp"
stats data using "cores" name "K" nooutput
stats data using "hi" name "R" nooutput
k = K_max
set title sprintf("Claim 2: CPU-bound work (cpu preset), throughput relative to sync on k = %d cores", k)
set ylabel "throughput / sync throughput"
set xrange [-0.6:R_records - 0.4]
set yrange [0:(R_max > k ? R_max : k) * 1.2]
set boxwidth 0.6
set key top left
plot data using 0:"ratio":(mcol(strcol("mode"))):xtic(1) with boxes lc rgb variable notitle, \
     '' using 0:(column("lo")):(0):(column("hi") - column("lo")) with vectors heads size screen 0.006,90 lc rgb "black" lw 1.5 notitle, \
     '' using 0:(column("hi")):(sprintf("%.2fx", column("ratio"))) with labels offset 0, 1 notitle, \
     1 with lines dt 2 lw 1.5 lc rgb C_IDEAL title "1 = no speedup", \
     k with lines dt 1 lw 1.5 lc rgb "#009E73" title sprintf("k = %d: ideal", k), \
     0.8 * k with lines dt 3 lw 1.5 lc rgb "#009E73" title "0.8 k: threshold"
