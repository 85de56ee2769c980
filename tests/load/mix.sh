#!/usr/bin/env bash
# Mixed load on loopback, bounded in time: a read mix and an ingest mix at the same time, then
# an integrity check of what was written.
#
# 1. Seeds the demo (`flywheel demo --no-serve`, release) into a temp SQLite file, or into
#    DATABASE_URL (postgres://...; in the schema FLYWHEEL_DB_SCHEMA, default `load`, dropped
#    and seeded afresh unless LOAD_RESEED=0), and serves it with rate limiting off.
# 2. For DURATION seconds runs, at once, one wrk per read operation (tests/load/op.lua, each
#    cycling over 10 ids of the demo with the token of the right role):
#      creators   creators(first: 20) of the largest market with totalCount   (admin token)
#      creator    creator(id) { ltv {...} contentScore {...} }                  (admin token)
#      matches    brand(id) { creatorMatches(first: 20) {...} }                 (that brand's token)
#      rating     shop(id) { rating {...} }                                     (that shop's token)
#    and the ingest mix (tests/load/mix.py): LOAD_INGEST_CLIENTS clients (default 2) posting
#    `recordOrders` batches of 1,000 fresh orders back to back (admin token).
# 3. Reports requests per second, p50, p99 and errors (non-2xx, socket errors and answers with
#    GraphQL `errors`) per operation, then checks that the orders grew by exactly the orders of
#    the acknowledged batches. Exits 1 on any error or mismatch, printing the server's
#    warnings and errors.
#
#   tests/load/mix.sh [DURATION]                      # 30 s on a temp SQLite file
#   DATABASE_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' tests/load/mix.sh 30
#
# LOAD_CONNECTIONS (default 8) connections per read operation; LOAD_SCALE (default 1) the demo's
# scale; FLYWHEEL may point at a built binary (else the release one is built); LOAD_KEEP=1 keeps
# the work directory (server log, wrk and ingest results).
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-30}
duration=${duration%s}
conns=${LOAD_CONNECTIONS:-8}
command -v wrk >/dev/null || { echo "wrk missing: run scripts/install-test-tools.sh" >&2; exit 2; }
if [ -z "${FLYWHEEL:-}" ]; then
  cargo build --release --locked --quiet -p flywheel --bin flywheel
fi
flywheel=$(realpath "${FLYWHEEL:-target/release/flywheel}")

work=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  if [ "${LOAD_KEEP:-0}" = 1 ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

export FLYWHEEL_JWT_SECRET=${FLYWHEEL_JWT_SECRET:-flywheel-load-secret-0123456789}
export FLYWHEEL_LOG_FORMAT=json RUST_LOG=${RUST_LOG:-warn}
export LOAD_RUN=$(date +%s)
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL="sqlite://$work/load.db?mode=rwc"
  backend=sqlite
else
  export DATABASE_URL
  backend=postgres
  export FLYWHEEL_DB_SCHEMA=${FLYWHEEL_DB_SCHEMA:-load}
  if [ "${LOAD_RESEED:-1}" = 1 ]; then
    PGOPTIONS="-c client_min_messages=warning" psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 \
      -c "DROP SCHEMA IF EXISTS \"$FLYWHEEL_DB_SCHEMA\" CASCADE"
  fi
fi

echo "== seeding the demo ($backend, scale ${LOAD_SCALE:-1})"
start=$(date +%s)
# (in $work: on PostgreSQL the demo writes its examples file into the working directory)
(cd "$work" && "$flywheel" demo --scale "${LOAD_SCALE:-1}" --no-serve >"$work/demo.log" 2>&1) \
  || { tail -n 20 "$work/demo.log"; exit 1; }
echo "seeded in $(( $(date +%s) - start )) s"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$flywheel" serve --listen "127.0.0.1:$port" --rate-limit-per-sec 0 >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 300); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.2
done
url="http://127.0.0.1:$port/graphql"

export LOAD_TARGETS="$work/targets.json"
python3 tests/load/mix.py targets "$LOAD_TARGETS"
python3 tests/load/mix.py count >"$work/orders_before"
token() { "$flywheel" token "$@" 2>/dev/null; }
export LOAD_ADMIN_TOKEN=$(token --role admin)
pick() { python3 -c "import json, sys; t = json.load(open('$LOAD_TARGETS')); print(' '.join(t['$1']) if isinstance(t['$1'], list) else t['$1'])"; }
items() { # role scope-flag ids...: "id token;..." with each id's own token (admin: one token)
  local role=$1 flag=$2 out= id; shift 2
  for id in "$@"; do
    if [ "$role" = admin ]; then out+="$id $LOAD_ADMIN_TOKEN;"
    else out+="$id $(token --role "$role" "$flag" "$id");"; fi
  done
  echo "$out"
}
market=$(pick market)
creators=$(items admin - $(pick creators))
brands=$(items brand --brand-id $(pick brands))
shops=$(items shop --shop-id $(pick shops))

q_creators="{ creators(first: 20, filter: {market: \"$market\"}) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id handle followers ecommerceCapable niches { share niche { name } } } } } }"
q_creator='{ creator(id: "$ID") { id handle followers ltv { pActive expectedSellingDays expectedOrders expectedGmv { amountMinor currency } ltv { amountMinor currency } interval { low { amountMinor } high { amountMinor } level } asOf reason } contentScore { score trimmedMean pieces confidence penalty scoredAt } } }'
q_matches='{ brand(id: "$ID") { id creatorMatches(first: 20) { totalCount edges { cursor node { score confidence explanation existingCollaborator creator { id handle followers } } } } } }'
q_rating='{ shop(id: "$ID") { id name rating { tier projectedTier overall dimensions { dimension score weight } explanation kind asOf evaluatedAt } } }'

echo "== one request of each read operation"
python3 tests/load/mix.py probe "$url" creators "$q_creators" "all $LOAD_ADMIN_TOKEN"
python3 tests/load/mix.py probe "$url" creator "$q_creator" "$creators"
python3 tests/load/mix.py probe "$url" matches "$q_matches" "$brands"
python3 tests/load/mix.py probe "$url" rating "$q_rating" "$shops"

echo "== $duration s: 4 read operations x $conns connections (wrk), ${LOAD_INGEST_CLIENTS:-2} ingest clients x 1,000-order batches"
run_wrk() { # op query items
  GQL_OP=$1 GQL_QUERY=$2 GQL_ITEMS=$3 GQL_OUT="$work/wrk.jsonl" \
    wrk -t1 -c"$conns" -d"${duration}s" --timeout 30s -s tests/load/op.lua "$url" >"$work/wrk-$1.log" 2>&1
}
pids=()
run_wrk creators "$q_creators" "all $LOAD_ADMIN_TOKEN" & pids+=($!)
run_wrk creator "$q_creator" "$creators" & pids+=($!)
run_wrk matches "$q_matches" "$brands" & pids+=($!)
run_wrk rating "$q_rating" "$shops" & pids+=($!)
python3 tests/load/mix.py ingest "$url" "$duration" "$work/ingest.jsonl" & pids+=($!)
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
[ "$status" = 0 ] || { echo "a load process failed:" >&2; tail -n 5 "$work"/wrk-*.log >&2; }

echo "== results ($backend, $(nproc) cores, $duration s)"
python3 tests/load/mix.py report "$work" || status=1
if grep -E '"level":"(WARN|ERROR)"' "$work/server.log" | head -n 20 | grep .; then
  echo "(server warnings and errors above: $(grep -cE '"level":"(WARN|ERROR)"' "$work/server.log") lines)"
fi
if grep -n "panicked" "$work/server.log"; then
  echo "the server panicked" >&2
  status=1
fi
exit "$status"
