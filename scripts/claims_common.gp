# claims_common.gp: shared set-up of the claims charts (claims_*.gp), loaded
# by each after it sets W and H (size in pixels) and gpdir (its own folder).
# Variables from the command line (gnuplot -e "..."):
#   data  the chart's data file (CSV with a header line, written by
#         `modebench claims` as DIR/claimN.dat)
#   out   output file: *.svg gives SVG, anything else PNG (pngcairo)
# The look is the report's (style.gp: sizes, fonts, the modes' colours from
# modes.gp, grid and border), so a mode looks the same in every chart.
if (!exists("data")) { print "usage: gnuplot -e \"data='DIR/claimN.dat'; out='claimN.png'\" ".ARG0; exit gnuplot }
if (!exists("out")) out = "claims.png"
load gpdir."style.gp"
set output out
# Bars are categories along x: grid lines across only.
set grid noxtics ytics
# A mode's colour by name, for `lc rgb variable` (modes.gp).
mcol(m) = modecolor(m)
