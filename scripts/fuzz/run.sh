#!/usr/bin/env bash
# Fuzzes the live GraphQL endpoint with schemathesis (scripts/install-test-tools.sh installs
# it), once per role: admin, brand, shop, scout and no token at all. A small demo marketplace
# is seeded into a temp SQLite file and served with rate limiting off (the fuzzer is not an
# abuser; the limits have tests of their own); half the ids and codes it sends exist there
# (scripts/fuzz/dictionary.py), so queries reach real rows and not only NOT_FOUND. Fails on a
# 5xx, an INTERNAL or undocumented error code, a message that leaks SQL or a panic
# (scripts/fuzz/checks.py), a response that breaks the schema (schemathesis' own check), or a
# panic in the server's log.
#
#   scripts/fuzz/run.sh                      # FUZZ_EXAMPLES=25 cases per operation and role
#   FUZZ_EXAMPLES=200 FUZZ_SEED=7 scripts/fuzz/run.sh
#
# FLYWHEEL may point at a built binary; by default the debug one is built (as `cargo test`
# builds it, so this links only).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${FLYWHEEL:-}" ]; then
  cargo build --locked --quiet --bin flywheel
fi
flywheel=${FLYWHEEL:-target/debug/flywheel}
examples=${FUZZ_EXAMPLES:-25}
seed=${FUZZ_SEED:-1}
command -v schemathesis >/dev/null || { echo "schemathesis missing: run scripts/install-test-tools.sh" >&2; exit 2; }

work=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

export DATABASE_URL="sqlite://$work/fuzz.db?mode=rwc" FLYWHEEL_JWT_SECRET=flywheel-fuzz-secret
"$flywheel" demo --scale 0.01 --no-serve >"$work/demo.log"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$flywheel" serve --listen "127.0.0.1:$port" --rate-limit-per-sec 0 >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.2
done

token() { "$flywheel" token "$@" 2>/dev/null; }
declare -A tokens=(
  [admin]=$(token --role admin)
  [brand]=$(token --role brand --brand-id 1)
  [shop]=$(token --role shop --shop-id 1)
  [scout]=$(token --role scout --markets US,GB)
  [anonymous]=
)

python3 scripts/fuzz/dictionary.py "$work/fuzz.db" "$work/schemathesis.toml"
export SCHEMATHESIS_HOOKS=checks PYTHONPATH="$PWD/scripts/fuzz${PYTHONPATH:+:$PYTHONPATH}"
status=0
for role in admin brand shop scout anonymous; do
  echo "== schemathesis as $role ($examples cases per operation, seed $seed)"
  auth=()
  [ -n "${tokens[$role]}" ] && auth=(-H "Authorization: Bearer ${tokens[$role]}")
  schemathesis --config-file "$work/schemathesis.toml" run "http://127.0.0.1:$port/graphql" "${auth[@]}" \
    --checks no_server_failure,errors_are_documented,response_schema_conformance \
    --max-examples "$examples" --seed "$seed" --workers 2 --no-color \
    --phases fuzzing,stateful --generation-database none \
    --request-timeout 30 >"$work/$role.log" 2>&1 || status=1
  tail -n 6 "$work/$role.log"
  [ "$status" = 0 ] || { cat "$work/$role.log"; break; }
done

if grep -n "panicked" "$work/server.log"; then
  echo "the server panicked" >&2
  status=1
fi
exit "$status"
