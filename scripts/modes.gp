# modes.gp: the one style table of the report charts, loaded (through
# common.gp) by every chart script. Linetype i is mode MODES[i], in
# the modes table's order (README, "What it measures"), so a mode has the
# same colour and marker in every chart. MODES is a copy of the CSV's
# mode values, mb_mode_names in harness/base/schema.h; test_report checks
# that they agree. Colours: the Okabe-Ito palette (readable with colour
# blindness); markers: filled shapes, each mode its own.
array MODES[6] = ["sync", "async", "threads", "procs", "async-threads", "async-procs"]
NM = 6
set linetype 1 lc rgb "#404040" lw 2 pt 7  ps 1.3 dt solid  # sync: grey, circle
set linetype 2 lc rgb "#E69F00" lw 2 pt 5  ps 1.2 dt solid  # async: orange, square
set linetype 3 lc rgb "#0072B2" lw 2 pt 9  ps 1.5 dt solid  # threads: blue, triangle
set linetype 4 lc rgb "#009E73" lw 2 pt 11 ps 1.5 dt solid  # procs: green, triangle down
set linetype 5 lc rgb "#CC79A7" lw 2 pt 13 ps 1.5 dt solid  # async-threads: pink, diamond
set linetype 6 lc rgb "#D55E00" lw 2 pt 15 ps 1.5 dt solid  # async-procs: red, pentagon
# Everything that is not a mode (ideal lines, bounds, idle time).
C_IDEAL = "#7F7F7F"
C_IDLE = "#DDDDDD"
# Position of a mode name in MODES, 0 for other names.
modeidx(m) = m eq MODES[1] ? 1 : m eq MODES[2] ? 2 : m eq MODES[3] ? 3 : \
             m eq MODES[4] ? 4 : m eq MODES[5] ? 5 : m eq MODES[6] ? 6 : 0
# sync and async run at one core only: charts draw them as flat references.
isref(i) = i <= 2
