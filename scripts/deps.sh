# Sourced by the README's commands: installs the Debian packages modebench
# needs when they are missing (apt-get as root, sudo otherwise), or names
# them and stops.
# A script that needs more sets MB_EXTRA_PACKAGES before mb_install_deps
# (read when it is called, not when this file is sourced).
# libpython3-dev is CPython's embedding library, installed with the rest so
# a fresh machine gets --runtime python; without it modebench still builds,
# and --runtime python is an exit-2 error (harness/python/CMakeLists.txt).
# libopenmpi-dev and openmpi-bin likewise give run --mpi (harness/mpi).
MB_PACKAGES="build-essential cmake pkg-config libhwloc-dev libcmocka-dev liburing-dev libcsv-dev libjansson-dev libpython3-dev gnuplot-nox libopenmpi-dev openmpi-bin"

mb_missing_packages() {
	local p missing=""
	for p in $MB_PACKAGES ${MB_EXTRA_PACKAGES:-}; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	echo "$missing"
}

mb_install_deps() {
	local missing
	missing=$(mb_missing_packages)
	[ -z "$missing" ] && return 0
	echo "modebench: installing missing packages:$missing" >&2
	local apt="apt-get"
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
			apt="sudo apt-get"
		else
			echo "modebench: missing packages:$missing" >&2
			echo "modebench: install them as root: apt-get install$missing" >&2
			exit 1
		fi
	fi
	export DEBIAN_FRONTEND=noninteractive
	$apt update -qq >/dev/null || true
	# shellcheck disable=SC2086
	if ! $apt install -y -qq --no-install-recommends $missing >/dev/null; then
		echo "modebench: could not install:$missing" >&2
		exit 1
	fi
}

# Configures and builds into $1 (default build/) with extra cmake args.
mb_build() {
	local dir=${1:-build}
	shift || true
	cmake -S "$MB_ROOT" -B "$MB_ROOT/$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null &&
		cmake --build "$MB_ROOT/$dir" -j"$(nproc)" -- --no-print-directory
}
