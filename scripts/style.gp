# style.gp: the one look of every chart modebench draws, the report's
# (through common.gp) and the claims' (through claims_common.gp, and
# timeline.gp), so a chart in index.html and one in claims.html differ in
# what they show, not in how. A script sets gpdir (its own folder), W and
# H (pixels) and out (the file) before loading it.
#   sizes  1000 wide for one plot, 1200 for plots side by side (multiplot),
#          520 to 640 high as the content needs: charts of one width show
#          their text at the same size when a page scales them alike.
#   fonts  Sans 10 in PNG (pngcairo), Sans 12 in SVG (its units are smaller),
#          text as typed (noenhanced: no ^ or _ markup).
#   colours  the modes' from modes.gp (linetype i is MODES[i]; modecolor()
#          for `lc rgb variable`), and its named colours for everything
#          else; a light grid, a grey L-shaped border, ticks outside.
# It sets the terminal but not the output: scripts that stop with a
# note before drawing must leave no empty file.
load gpdir."modes.gp"
set datafile separator comma
set datafile columnheaders
set termoption noenhanced
if (strlen(out) > 4 && out[strlen(out) - 3:] eq ".svg") {
    set terminal svg size W, H dynamic noenhanced font "Sans,12" background rgb "white"
} else {
    set terminal pngcairo size W, H noenhanced font "Sans,10" background rgb "white"
}
set grid lc rgb C_GRID lw 1
set border 3 lc rgb C_AXES
set tics nomirror out
set key noopaque nobox samplen 2.5 spacing 1.2
set style fill solid 1.0 noborder
