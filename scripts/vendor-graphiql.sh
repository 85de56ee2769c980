#!/usr/bin/env bash
# Re-vendors the GraphiQL page's assets into api/assets/graphiql/ from the npm registry at
# pinned versions, so the page works without internet and the bytes are reproducible.
# GraphiQL 3 is the last major version with a browser (UMD) build; it needs React 18 as
# globals (React 19 ships no UMD). Only the minified production builds and the licences are
# kept; the trailing source-map comment is dropped since no map is shipped.
set -euo pipefail
GRAPHIQL=3.9.0
REACT=18.3.1

out="$(cd "$(dirname "$0")/.." && pwd)/api/assets/graphiql"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null
for pkg in "graphiql-$GRAPHIQL" "react-$REACT" "react-dom-$REACT"; do
  mkdir "${pkg%-*}"
  tar xzf "$pkg.tgz" -C "${pkg%-*}" --strip-components=1
done

mkdir -p "$out"
strip_map() { sed '/^\/[/*][#@] sourceMappingURL=/d' "$1" >"$2"; }
strip_map graphiql/graphiql.min.js "$out/graphiql.min.js"
strip_map graphiql/graphiql.min.css "$out/graphiql.min.css"
strip_map react/umd/react.production.min.js "$out/react.production.min.js"
strip_map react-dom/umd/react-dom.production.min.js "$out/react-dom.production.min.js"
cp graphiql/LICENSE "$out/LICENSE.graphiql"
cp react/LICENSE "$out/LICENSE.react"
cp react-dom/LICENSE "$out/LICENSE.react-dom"
printf 'graphiql %s\nreact %s\nreact-dom %s\n' "$GRAPHIQL" "$REACT" "$REACT" >"$out/VERSIONS"
ls -l "$out"
