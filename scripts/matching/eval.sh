#!/usr/bin/env bash
# Runs `flywheel matching eval` on each import file given, each in a fresh temp SQLite file.
#   scripts/matching/movielens.py PATH/TO/ml-100k /tmp/ml100k.ndjson
#   scripts/matching/lastfm.py PATH/TO/hetrec2011-lastfm-2k /tmp/lastfm.ndjson
#   scripts/matching/eval.sh /tmp/ml100k.ndjson [MORE.ndjson...]
# SEEDS (default "1 7 11"), FLYWHEEL (default target/release/flywheel) and CONFIG (a
# `--config` JSON file, default none) may be overridden.
set -euo pipefail
flywheel=${FLYWHEEL:-target/release/flywheel}
seeds=${SEEDS:-"1 7 11"}
config=(${CONFIG:+--config "$CONFIG"})
for graph in "$@"; do
  db=$(mktemp --suffix=.db)
  url="sqlite://$db?mode=rwc"
  "$flywheel" --database-url "$url" import "$graph" >/dev/null
  for seed in $seeds; do
    echo "== $(basename "$graph") seed $seed"
    "$flywheel" --database-url "$url" matching eval --hide 0.2 --k 10,20,50 --seed "$seed" "${config[@]}"
  done
  rm -f "$db"
done
