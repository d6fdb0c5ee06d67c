#!/usr/bin/env bash
# Assembles the browser assets that nq57 serves: the web/ sources plus the
# few vendor modules they import, copied out of node_modules into OUT_DIR.
#
#   scripts/assemble-web.sh SRC_WEB_DIR NODE_MODULES_DIR OUT_DIR
#
# Copy only, no bundler. A file is rewritten only when its content changed, so
# mtimes (and so the server's ETags) stay put across rebuilds, and files that
# an earlier run wrote but are no longer wanted are removed (tracked in
# OUT_DIR/.assembled, which is also the build's stamp).
set -euo pipefail

prog=assemble-web
if [ $# -ne 3 ]; then
    echo "usage: $0 SRC_WEB_DIR NODE_MODULES_DIR OUT_DIR" >&2
    exit 2
fi
src=${1%/}
nm=${2%/}
out=${3%/}

die() { echo "$prog: $*" >&2; exit 1; }

[ -f "$src/index.html" ] || die "$src/index.html not found: SRC_WEB_DIR must be the web/ source folder"

# Vendor files the pages import: "source in node_modules|name under vendor/".
# Names end in .js (not .mjs) so any server's MIME table serves them as
# JavaScript. preact's hooks module imports the bare specifier "preact";
# browsers cannot resolve that without an import map, which our CSP forbids,
# so that one import is pointed at the sibling file below.
vendor=(
    "preact/dist/preact.mjs|preact.js"
    "preact/hooks/dist/hooks.mjs|preact-hooks.js"
    "htm/dist/htm.module.js|htm.js"
    "echarts/dist/echarts.esm.min.js|echarts.esm.min.js"
    "preact/LICENSE|LICENSE.preact"
    "htm/LICENSE|LICENSE.htm"
    "echarts/LICENSE|LICENSE.echarts"
    "echarts/NOTICE|NOTICE.echarts"
)

missing=()
for entry in "${vendor[@]}"; do
    [ -f "$nm/${entry%%|*}" ] || missing+=("${entry%%|*}")
done
if [ ${#missing[@]} -gt 0 ]; then
    more=""
    [ ${#missing[@]} -gt 1 ] && more=" and $((${#missing[@]} - 1)) more"
    die "$nm/${missing[0]}$more not found: run 'npm ci' in $(dirname "$nm")"
fi

mkdir -p "$out/vendor"
tmp=$(mktemp "$out/.assemble.XXXXXX")
trap 'rm -f "$tmp"' EXIT
wanted=()

# install_file SOURCE REL: puts SOURCE at OUT_DIR/REL unless it is already there.
install_file() {
    local dest="$out/$2"
    wanted+=("$2")
    if ! cmp -s "$1" "$dest"; then
        mkdir -p "$(dirname "$dest")"
        cat "$1" >"$dest.new" # not cp: the mode comes from umask, not a 0600 temp file
        mv -f "$dest.new" "$dest"
    fi
}

# Our own sources: everything under web/ but the build file and the notes.
while IFS= read -r -d '' f; do
    rel=${f#"$src"/}
    case "$rel" in
        meson.build|README.md|vendor/*) continue ;;
    esac
    install_file "$f" "$rel"
done < <(find "$src" -type f ! -name '.*' -print0 | sort -z)

for entry in "${vendor[@]}"; do
    from="$nm/${entry%%|*}"
    name=${entry#*|}
    if [ "$name" = preact-hooks.js ]; then
        sed -e 's#from"preact"#from"./preact.js"#g' -e "s#from 'preact'#from './preact.js'#g" \
            -e 's#from "preact"#from "./preact.js"#g' "$from" >"$tmp"
        if grep -Eq "from ?[\"']preact[\"']" "$tmp"; then
            die "$from still imports \"preact\" after rewriting; its format changed"
        fi
        install_file "$tmp" "vendor/$name"
    else
        install_file "$from" "vendor/$name"
    fi
done

# Remove what the previous run installed and this one did not.
if [ -f "$out/.assembled" ]; then
    while IFS= read -r old; do
        keep=0
        for w in "${wanted[@]}"; do
            [ "$w" = "$old" ] && { keep=1; break; }
        done
        [ $keep = 1 ] || [ -z "$old" ] || rm -f "$out/$old"
    done <"$out/.assembled"
fi
printf '%s\n' "${wanted[@]}" >"$out/.assembled"
