#!/usr/bin/env bash
# An installed modebench draws its charts from the install prefix
# (README, "Install"): `cmake --install` into a scratch prefix, a marker
# appended to the installed common.gp (which every chart script loads),
# then the installed binary's report. The marker file proves the charts
# ran the installed scripts, not the source tree's; the man page and the
# scripts are where the README says. Run by ctest: test_install BUILD_DIR SOURCE_DIR.
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d /tmp/mb_test_install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_install: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
bin=$tmp/prefix/bin/modebench
[ -x "$bin" ] || fail "no $bin after cmake --install"
[ -s "$tmp/prefix/share/man/man1/modebench.1" ] || fail "no man page installed"
share=$tmp/prefix/share/modebench/scripts
[ -f "$share/common.gp" ] || fail "no $share/common.gp installed"
[ ! -e "$share/bench.d" ] || fail "bench.d was installed"
# The installed scripts only: a marker written when gnuplot loads them.
echo "system('touch \"$tmp/installed-scripts-ran\"')" >>"$share/common.gp"

cd "$tmp"
env -u MB_SCRIPTS -u MB_SOURCE_DIR "$bin" report -q --format md -o "$tmp/r" \
	"$src/tests/fixtures/report/known.csv" || fail "report exited $?"
[ -f "$tmp/installed-scripts-ran" ] || fail "the charts did not use $share"
n=$(find "$tmp/r" -name '*.png' | wc -l)
[ "$n" -gt 0 ] || fail "no chart drawn"
grep -q '\.png' "$tmp/r/summary.md" || fail "summary.md links no chart"
echo "test_install: $n charts drawn from $share"
