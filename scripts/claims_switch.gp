# Claim 3 of `modebench claims`: tiny tasks (cpu:1) with a wait of W, one
# event loop with C tasks in flight vs one sync worker: the ratio of their
# throughputs (median, 95% CI) against W, one line per C. Above 1 async wins.
#   gnuplot -e "data='results/claims/claim3.dat'; out='claim3.png'" scripts/claims_switch.gp
# data: one block per C (separated by two blank lines), each with the header
# wait_us,C=N,lo,hi
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
W = 1000; H = 560
load gpdir."claims_common.gp"
set title "Claim 3: tiny tasks (cpu:1 + sleep:W): async throughput / sync throughput"
set xlabel "wait W per task (us, log scale)"
set ylabel "async / sync throughput (log scale)"
set logscale xy
# always show the line at 1, and some room around the first and last wait
stats data using 3 name "L" nooutput
stats data using 4 name "H" nooutput
set yrange [(L_min < 1 ? L_min : 1) / 2:(H_max > 1 ? H_max : 1) * 2]
set offsets graph 0.04, graph 0.04, 0, 0
set key top right
set grid xtics ytics
array LC[5] = ["#7F7F7F", "#E69F00", "#D55E00", "#CC79A7", "#0072B2"]
plot for [i=0:*] data index i using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb LC[i % 5 + 1] title columnheader(2), \
     1 with lines dt 2 lw 1.5 lc rgb C_IDEAL title "1: equal (above: async wins)"
