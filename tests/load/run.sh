#!/usr/bin/env bash
# Load test of the creators page: starts a release flywheel on the database in DATABASE_URL
# (default: the demo SQLite file, seeded first if empty), mints an admin token and loads
# `creators(first: 20)` with wrk (2 threads, 32 connections, 15 s) on loopback.
# Usage: tests/load/run.sh [DURATION]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-15s}
export FLYWHEEL_JWT_SECRET=${FLYWHEEL_JWT_SECRET:-load-test-secret-0123456789}
export FLYWHEEL_LISTEN=${FLYWHEEL_LISTEN:-127.0.0.1:8090}
export FLYWHEEL_LOG_FORMAT=json RUST_LOG=${RUST_LOG:-warn}
cargo build --release -q -p flywheel
BIN=target/release/flywheel
"$BIN" demo --no-serve >/dev/null
"$BIN" serve & PID=$!
trap 'kill $PID 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf "http://$FLYWHEEL_LISTEN/readyz" >/dev/null && break; sleep 0.1; done
GQL_TOKEN=$("$BIN" token --role admin 2>/dev/null) \
  wrk -t2 -c32 -d"$DURATION" -s tests/load/creators_page.lua "http://$FLYWHEEL_LISTEN/graphql" | tail -1
