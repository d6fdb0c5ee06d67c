#!/bin/bash
# Installs what nq57 needs and is missing: Debian packages (apt-get, through
# sudo when not root) and the npm packages pinned in package-lock.json.
#   scripts/install-deps.sh build   what `make run` needs
#   scripts/install-deps.sh test    plus what `make test` needs
#   scripts/install-deps.sh bench   plus what bench/ needs
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-build}
build_pkgs=(gcc make pkg-config meson ninja-build libmicrohttpd-dev libjansson-dev
	libsqlite3-dev libpq-dev libsodium-dev libutf8proc-dev zlib1g-dev libexpat1-dev
	libxlsxwriter-dev)
test_pkgs=(libcmocka-dev clang sqlite3 postgresql postgresql-client curl chromium fonts-dejavu-core
	poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui fonts-liberation2)
bench_pkgs=(wrk nginx sqlite3 time python3-numpy)

case "$what" in
build) pkgs=("${build_pkgs[@]}") ;;
test) pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
bench) pkgs=("${build_pkgs[@]}" "${bench_pkgs[@]}") ;;
*) echo "install-deps: unknown set '$what' (build, test or bench)" >&2; exit 2 ;;
esac

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=()
for p in "${pkgs[@]}"; do
	installed "$p" || missing+=("$p")
done
# Node.js may come from Debian or from elsewhere; only a missing node counts.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
# nginx from any Debian flavour serves the benchmark.
if [ "$what" = bench ] && command -v nginx >/dev/null; then
	missing=("${missing[@]/nginx}")
fi

want=()
for p in "${missing[@]}"; do [ -n "$p" ] && want+=("$p"); done
if [ ${#want[@]} -gt 0 ]; then
	sudo=()
	[ "$(id -u)" -ne 0 ] && sudo=(sudo)
	echo "install-deps: installing ${want[*]}"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
fi

# npm packages: reinstall when node_modules is missing or older than the lock.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "install-deps: npm ci"
	npm ci --no-audit --no-fund --loglevel=error
fi
