#!/bin/bash
# Fills an empty demo database so that `make run` opens on something real:
# Hà Nội's city units and a set of its phường/xã (scripts/demo/units.csv)
# with their boundaries (data/boundaries), its programme documents,
# indicators and targets (scripts/demo/programme.json), and — invented by
# scripts/demo/generate.mjs and marked as demo data — about 200 tasks with
# their progress reports and quarterly indicator values for 2025–2026; and
# one administrator.
#   scripts/demo-seed.sh NQ57_BINARY DATABASE_URL
# Does nothing when the database already has people.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1
db=$2
DEMO_LOGIN=demo
DEMO_PASSWORD=nq57-demo-2025

if [ -n "$("$bin" user list --db "$db")" ]; then
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node scripts/demo/generate.mjs "$tmp"
"$bin" unit import scripts/demo/units.csv --db "$db"
# The shipped boundaries (data/boundaries): features of units the demo does
# not have are skipped, so only the counts are printed.
for f in provinces communes; do
	"$bin" unit boundaries "data/boundaries/$f-2025.geojson.gz" --quiet --db "$db"
done
"$bin" programme load "$tmp/programme.json" --db "$db"
"$bin" values import "$tmp/approved.csv" --approved --db "$db"
"$bin" values import "$tmp/drafts.csv" --db "$db"
"$bin" index save scripts/demo/index-xa.json --db "$db"
"$bin" registry load scripts/demo/registry.json --db "$db"
# Research outputs invented for the demo (scripts/demo/outputs.mjs writes
# them): publications in OpenAlex's shape, patents, projects, contracts and
# spin-offs of the registry's organisations.
"$bin" stmap import scripts/demo/outputs.jsonl --demo --db "$db"
for k in patents projects contracts spinoffs; do
	"$bin" stmap import-sheet "$k" "scripts/demo/$k.csv" --demo --db "$db"
done
"$bin" market import scripts/demo/market.csv --db "$db"
echo "$DEMO_PASSWORD" | "$bin" user add "$DEMO_LOGIN" --name "Tài khoản trình diễn" --role admin --unit 01 --db "$db"
echo "demo: sign in as '$DEMO_LOGIN' with password '$DEMO_PASSWORD' (demo data only)"
