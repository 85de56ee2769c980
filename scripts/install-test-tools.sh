#!/usr/bin/env bash
# Installs what the tests need and Cargo does not provide, once per machine (as root; CI calls
# it before `cargo test`):
# - Debian's Chromium: `tests/tests/api/graphiql_browser.rs` drives /usr/bin/chromium headless
#   (and skips without it);
# - schemathesis from PyPI, pinned: scripts/fuzz/run.sh fuzzes the live endpoint with it;
# - Debian's wrk: tests/load/run.sh and tests/load/mix.sh load the server with it.
set -euo pipefail
SCHEMATHESIS_VERSION=4.32.5
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/wrk ] || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
/usr/bin/chromium --version
/usr/bin/wrk -v 2>&1 | head -n 1 || true
if [ "$(schemathesis --version 2>/dev/null)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    "schemathesis==$SCHEMATHESIS_VERSION"
fi
schemathesis --version
