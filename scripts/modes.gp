# modes.gp: the one colour table of every chart, loaded (through style.gp)
# by the report's and the claims' scripts. Linetype i is mode MODES[i], in
# the modes table's order (README, "What it measures"), so a mode has the
# same colour and marker in every chart. MODES is a copy of the CSV's
# mode values, mb_mode_names in harness/base/schema.h; test_report checks
# that they agree. Colours: the Okabe-Ito palette (readable with colour
# blindness), each written once, in MCOLOR; markers: filled shapes, each
# mode its own.
array MODES[6] = ["sync", "async", "threads", "procs", "async-threads", "async-procs"]
NM = 6
array MCOLOR[6] = [0x404040, 0xE69F00, 0x0072B2, 0x009E73, 0xCC79A7, 0xD55E00]
rgbstr(c) = sprintf("#%06X", c)
set linetype 1 lc rgb rgbstr(MCOLOR[1]) lw 2 pt 7  ps 1.3 dt solid  # sync: grey, circle
set linetype 2 lc rgb rgbstr(MCOLOR[2]) lw 2 pt 5  ps 1.2 dt solid  # async: orange, square
set linetype 3 lc rgb rgbstr(MCOLOR[3]) lw 2 pt 9  ps 1.5 dt solid  # threads: blue, triangle
set linetype 4 lc rgb rgbstr(MCOLOR[4]) lw 2 pt 11 ps 1.5 dt solid  # procs: green, triangle down
set linetype 5 lc rgb rgbstr(MCOLOR[5]) lw 2 pt 13 ps 1.5 dt solid  # async-threads: pink, diamond
set linetype 6 lc rgb rgbstr(MCOLOR[6]) lw 2 pt 15 ps 1.5 dt solid  # async-procs: red, pentagon
# Everything that is not a mode: ideal lines and bounds, idle time, the
# grid and axes, and the timeline's kinds of segment (timeline.gp).
C_IDEAL = "#7F7F7F"
C_IDLE = "#DDDDDD"
C_GRID = "#E5E5E5"
C_AXES = "#404040"
C_CPU = "#E69F00"   # computing: orange
C_WAIT = "#56B4E9"  # waiting: sky blue
C_LOCK = "#C0392B"  # waiting for the interpreter lock: red
C_TASK = "#BBBBBB"  # a task's whole life, behind its steps
# Position of a mode name in MODES, 0 for other names.
modeidx(m) = m eq MODES[1] ? 1 : m eq MODES[2] ? 2 : m eq MODES[3] ? 3 : \
             m eq MODES[4] ? 4 : m eq MODES[5] ? 5 : m eq MODES[6] ? 6 : 0
# A mode's colour as a number, for `lc rgb variable`; "processes" is procs;
# another name is grey.
modecolor(m) = modeidx(m eq "processes" ? "procs" : m) > 0 ? \
               MCOLOR[modeidx(m eq "processes" ? "procs" : m)] : 0x7F7F7F
# sync and async run at one core only: charts draw them as flat references.
isref(i) = i <= 2
