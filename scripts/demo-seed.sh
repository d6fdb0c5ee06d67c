#!/bin/bash
# Fills an empty demo database so that `make run` opens on something real:
# Hà Nội's city units (scripts/demo/units.csv), its programme documents,
# indicators and illustrative tasks (scripts/demo/programme.json) and one
# administrator.
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
"$bin" unit import scripts/demo/units.csv --db "$db"
"$bin" programme load scripts/demo/programme.json --db "$db"
echo "$DEMO_PASSWORD" | "$bin" user add "$DEMO_LOGIN" --name "Tài khoản trình diễn" --role admin --unit 01 --db "$db"
echo "demo: sign in as '$DEMO_LOGIN' with password '$DEMO_PASSWORD' (demo data only)"
