#!/usr/bin/env bash
# Installs what the browser test needs and Cargo does not provide: Debian's Chromium (the
# test `tests/tests/graphiql_browser.rs` drives /usr/bin/chromium headless, and skips
# without it). Run as root, once per machine; CI calls it before `cargo test`.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  /usr/bin/chromium --version
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium
/usr/bin/chromium --version
