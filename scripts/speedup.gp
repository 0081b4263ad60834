# speedup.gp: speedup against sync at 1 core, vs cores, one curve per mode,
# with the ideal k, Amdahl's law (dashed) and a Universal Scalability Law
# fit (solid) per mode; sigma and kappa are printed on the chart. Both laws
# model a mode against its own 1-core run (summary column usl_base):
#   S(k) = base k / (1 + sigma (k - 1) + kappa k (k - 1)),  Amdahl: kappa = 0.
# summary.csv's usl_sigma/usl_kappa/amdahl_sigma (the report's own fit)
# start gnuplot's `fit`; a mode with too few core counts (USL needs 3,
# Amdahl 2) is said so instead of fitted. The key prints each fit as
# fitted and says what it means when a parameter is out of range (sigma < 0:
# superlinear, or noise; sigma > 1: slower than one core; kappa < 0: not
# physical), and when the fit is exact (summary columns amdahl_exact,
# usl_exact: as many core counts above 1 as parameters, no freedom); the
# curves are drawn clamped to sigma in [0, 1] and kappa >= 0 (USL with
# kappa < 0 is drawn as the Amdahl fit, its optimum at kappa = 0).
#   gnuplot -e "data='results/report/summary.csv'; out='speedup.png'" scripts/speedup.gp
# optional: panel='hostB_cpu' (column panel; default the first panel).
gpdir = ""; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { gpdir = ARG0[1:_i] } }
pcol = "panel"; want(x) = 1; W = 1000; H = 640
load gpdir."common.gp"

array N[NM]; array REF[NM]
array US[NM]; array UK[NM]; array UA[NM]; array UB[NM]; array UN[NM]; array UE[NM]; array AE[NM]
do for [i = 1:NM] {
    eval sprintf('set table $D%d', i)
    plot data using (column("cores")):(column("speedup")):(column("speedup_ci_lo")):(column("speedup_ci_hi")) \
        with table if (inpanel(0) && strcol("mode") eq MODES[i] && column("pick_cores") == 1)
    unset table
    eval sprintf('N[%d] = |$D%d|', i, i)
    REF[i] = NaN; US[i] = ""; UK[i] = ""; UA[i] = ""; UB[i] = ""; UN[i] = 0; UE[i] = 0; AE[i] = 0
    if (N[i] > 0) {
        stats data using ((inpanel(0) && strcol("mode") eq MODES[i] && column("pick_cores") == 1) ? \
            (US[i] = strcol("usl_sigma"), UK[i] = strcol("usl_kappa"), UA[i] = strcol("amdahl_sigma"), \
             UB[i] = strcol("usl_base"), UN[i] = UN[i] + 1, \
             UE[i] = column("usl_exact"), AE[i] = column("amdahl_exact"), 0) : 0) nooutput
    }
}
@FROM_TABLE
# (arrays filled with 1: gnuplot evaluates an empty `for` once)
array P[NM] = [1, 1, 1, 1, 1, 1]; array R[NM] = [1, 1, 1, 1, 1, 1]; array S[NM] = [1, 1, 1, 1, 1, 1]
NP = 0; NR = 0; NS = 0; kmax = 0; ymax = 1; XT = ","
do for [i = 1:NM] {
    if (N[i] > 0) {
        NP = NP + 1; P[NP] = i
        eval sprintf('stats $D%d using 1 nooutput', i)
        kmax = STATS_max > kmax ? STATS_max : kmax
        eval sprintf('stats $D%d using 4 nooutput', i)
        ymax = STATS_max > ymax ? STATS_max : ymax
        eval sprintf('stats $D%d using ((strstrt(XT, sprintf(",%%d,", $1)) == 0 ? XT = XT.sprintf("%%d,", $1) : 0), ($1 == 1 ? REF[%d] = $2 : 0), 0) nooutput', i, i)
        if (isref(i) && REF[i] == REF[i]) { NR = NR + 1; R[NR] = i }
        if (!isref(i)) { NS = NS + 1; S[NS] = i }
    }
}
if (kmax < 2 || NP == 0) {
    print sprintf("speedup: no speedups over several core counts in panel %s", panel)
    exit gnuplot
}
# Fits, started from the report's values. FU/FA: 1 when fitted.
set fit quiet nolog maxiter 200
usl(x) = b * x / (1 + s * (x - 1) + q * x * (x - 1))
amd(x) = b * x / (1 + a * (x - 1))
ufun(x, b, s, q) = x < 1 ? NaN : b * x / (1 + s * (x - 1) + q * x * (x - 1))
afun(x, b, a) = x < 1 ? NaN : b * x / (1 + a * (x - 1))
array FS[NM] = [0, 0, 0, 0, 0, 0]; array FQ[NM] = [0, 0, 0, 0, 0, 0]; array FA[NM] = [0, 0, 0, 0, 0, 0]
array FB[NM] = [1, 1, 1, 1, 1, 1]; array HASU[NM]; array HASA[NM]
array DS[NM] = [0, 0, 0, 0, 0, 0]; array DQ[NM] = [0, 0, 0, 0, 0, 0]; array DA[NM] = [0, 0, 0, 0, 0, 0]
clamp01(v) = v < 0 ? 0 : v > 1 ? 1 : v
signote(v) = v < 0 ? " [σ < 0: superlinear or noise]" : v > 1 ? " [σ > 1: slower than 1 core]" : ""
NU = 0; NA = 0; array U[NM] = [1, 1, 1, 1, 1, 1]; array A[NM] = [1, 1, 1, 1, 1, 1]
do for [j = 1:NS] {
    i = S[j]; HASU[i] = 0; HASA[i] = 0
    FB[i] = UB[i] eq "" ? 1 : UB[i] + 0; b = FB[i]
    if (US[i] ne "") {
        s = US[i] + 0; q = UK[i] + 0
        eval sprintf('fit usl(x) $D%d using 1:2 via s, q', i)
        FS[i] = s; FQ[i] = q; HASU[i] = 1; NU = NU + 1; U[NU] = i
    }
    if (UA[i] ne "") {
        a = UA[i] + 0
        eval sprintf('fit amd(x) $D%d using 1:2 via a', i)
        FA[i] = a; HASA[i] = 1; NA = NA + 1; A[NA] = i
    }
    # drawn: clamped to the valid range
    DA[i] = clamp01(FA[i])
    DQ[i] = FQ[i] < 0 ? 0 : FQ[i]
    DS[i] = FQ[i] < 0 && HASA[i] ? DA[i] : clamp01(FS[i])
    _usl = HASU[i] ? sprintf("USL σ = %.3g, κ = %.3g%s%s%s", FS[i], FQ[i], signote(FS[i]), \
                             FQ[i] < 0 ? " [κ < 0: unphysical, noise]" : "", \
                             UE[i] == 1 ? " [exact: no freedom]" : "") \
                   : sprintf("USL: too few points (%d core counts)", N[i])
    _amd = HASA[i] ? sprintf("Amdahl σ = %.3g%s%s", FA[i], signote(FA[i]), \
                             AE[i] == 1 ? " [exact through 2 core counts: no freedom]" : "") \
                   : "Amdahl: too few points"
    _clamped = (HASU[i] && (FS[i] < 0 || FS[i] > 1 || FQ[i] < 0)) || (HASA[i] && (FA[i] < 0 || FA[i] > 1))
    set label 100 + j sprintf("%s: %s; %s%s", MODES[i], _usl, _amd, _clamped ? "; clamped" : "") \
        at screen 0.5, character 1.3 * (NS - j) + 1 center front tc lt i
}
eval "set xtics (".XT[2:strlen(XT) - 1].")"
set xrange [0:kmax * 1.06]
set yrange [0:*]
set samples 400
set bmargin 1.3 * NS + 4
set xlabel P_xcores
set ylabel "speedup (× sync at 1 core)"
set title sprintf("Speedup vs cores: %s, %s\n%s%sbars: 95%% bootstrap interval of the ratio of medians; laws fitted per mode against its own 1-core run", P_host, P_desc, P_conc, P_conc eq "" ? "" : "; ")

set output out
plot x with lines lc rgb C_IDEAL dt 3 lw 1.5 title "ideal: k", \
     for [j = 1:NR] REF[R[j]] with lines lt R[j] dt 2 lw 1.5 notitle, \
     for [j = 1:NU] ufun(x, FB[U[j]], DS[U[j]], DQ[U[j]]) with lines lt U[j] lw 1.5 notitle, \
     for [j = 1:NA] afun(x, FB[A[j]], DA[A[j]]) with lines lt A[j] dt 2 lw 1.2 notitle, \
     for [j = 1:NP] sprintf('$D%d', P[j]) using 1:2:3:4 with yerrorbars lt P[j] lw 1.2 notitle, \
     for [j = 1:NP] keyentry with points lt P[j] title MODES[P[j]], \
     for [j = 1:(NU > 0)] keyentry with lines lc rgb C_IDEAL lw 1.5 title "USL fit", \
     for [j = 1:(NA > 0)] keyentry with lines lc rgb C_IDEAL dt 2 lw 1.2 title "Amdahl"
