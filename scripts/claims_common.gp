# claims_common.gp: shared set-up of the claims charts (claims_*.gp), loaded
# by each after it sets W and H (size in pixels) and gpdir (its own folder).
# Variables from the command line (gnuplot -e "..."):
#   data  the chart's data file (CSV with a header line, written by
#         `modebench claims` as DIR/claimN.dat)
#   out   output file: *.svg gives SVG, anything else PNG (pngcairo)
# Mode colours are the report's (modes.gp: the Okabe-Ito palette), so a mode
# looks the same in every chart.
set datafile separator comma
set datafile columnheaders
set termoption noenhanced
if (!exists("data")) { print "usage: gnuplot -e \"data='DIR/claimN.dat'; out='claimN.png'\" ".ARG0; exit gnuplot }
if (!exists("out")) out = "claims.png"
if (strlen(out) > 4 && out[strlen(out) - 3:] eq ".svg") {
    set terminal svg size W, H dynamic font "Sans,12" background rgb "white"
} else {
    set terminal pngcairo size W, H font "Sans,10" background rgb "white"
}
set output out
mcol(m) = m eq "sync" ? 0x404040 : m eq "async" ? 0xE69F00 : m eq "threads" ? 0x0072B2 : \
          m eq "procs" || m eq "processes" ? 0x009E73 : m eq "async-threads" ? 0xCC79A7 : \
          m eq "async-procs" ? 0xD55E00 : 0x7F7F7F
C_IDEAL = "#7F7F7F"
C_IDLE = "#BBBBBB"
set style fill solid 0.85 border rgb "#333333"
set grid ytics lc rgb "#DDDDDD"
set border 3
set tics nomirror
