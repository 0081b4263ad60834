# Per-task timeline from `modebench run --trace FILE`: one row per worker
# (and per task slot of an event-loop worker), CPU segments and wait
# segments in two colours, the task's whole life as a thin line behind.
# usage: gnuplot -e "data='trace.csv'; out='timeline.png'[; label='RUNID'][; name='sync'][; tmax=MS]" scripts/timeline.gp
# (tmax: a common time axis end in ms, to compare runs side by side)
if (!exists("data")) data = 'trace.csv'
if (!exists("out")) out = 'timeline.png'
if (!exists("label")) label = ''
if (!exists("name")) name = label
if (!exists("tmax")) tmax = 0
# The look of every chart (style.gp: fonts, colours from modes.gp, grid).
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
W = 1000; H = 420
load gpdir."style.gp"
set output out
keep(l) = (label eq '' || l eq label)
stats data using (keep(strcol(1)) ? column("slot") : NaN) name "S" nooutput
stats data using (keep(strcol(1)) ? column("worker") : NaN) name "W" nooutput
stats data using (keep(strcol(1)) ? column("end_us") : NaN) name "T" nooutput
# Under --gil: lock events, inside their step, when the thread waited for
# the interpreter lock; drawn in red over the step.
stats data using (keep(strcol(1)) && strcol("kind") eq 'lock' ? 1 : 0) name "L" nooutput
locks = L_sum > 0
slots = S_max + 1
row(w, s) = w * slots + s
set title sprintf("Per-task timeline %s\norange = CPU, blue = waiting%s (%d workers, %d tasks in flight per worker)", name, locks ? ", red = waiting for the interpreter lock" : "", W_max + 1, slots)
set xlabel "time since the run started (ms)"
set ylabel "worker / task slot"
set yrange [-1:(W_max + 1) * slots]
set xrange [0:(tmax > 0 ? tmax : T_max / 1000.0)]
set grid xtics noytics
set key outside top center horizontal
set ytics 1
if ((W_max + 1) * slots > 24) { set ytics autofreq }
lockplot = locks ? ", '' using (keep(strcol(1)) && strcol(\"kind\") eq 'lock' ? column(\"start_us\")/1000.0 : NaN):(row(column(\"worker\"), column(\"slot\")) + 0.15*column(\"branch\")):((column(\"end_us\") - column(\"start_us\"))/1000.0):(0) with vectors nohead lw 9 lc rgb C_LOCK title 'lock'" : ""
plot data using (keep(strcol(1)) && strcol("kind") eq 'task' ? column("start_us")/1000.0 : NaN):(row(column("worker"), column("slot"))):((column("end_us") - column("start_us"))/1000.0):(0) \
        with vectors nohead lw 1 lc rgb C_TASK title 'task', \
     '' using (keep(strcol(1)) && strcol("kind") eq 'wait' ? column("start_us")/1000.0 : NaN):(row(column("worker"), column("slot")) + 0.15*column("branch")):((column("end_us") - column("start_us"))/1000.0):(0) \
        with vectors nohead lw 5 lc rgb C_WAIT title 'wait', \
     '' using (keep(strcol(1)) && strcol("kind") eq 'cpu' ? column("start_us")/1000.0 : NaN):(row(column("worker"), column("slot"))):((column("end_us") - column("start_us"))/1000.0):(0) \
        with vectors nohead lw 9 lc rgb C_CPU title 'cpu' @lockplot
