#!/usr/bin/env bash
# Re-vendor the workbench's and GraphiQL's browser files from the npm registry into
# service/web/static/vendor/ (committed; nothing is fetched at run time). Needs npm; run by hand
# when upgrading, never by `make run` or `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
HTMX=htmx.org@2.0.11
GRAPHIQL=graphiql@3.8.3
REACT=react@18.3.1
REACT_DOM=react-dom@18.3.1
target=service/web/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$HTMX" "$GRAPHIQL" "$REACT" "$REACT_DOM" >/dev/null)
for tarball in "$work"/*.tgz; do
  name=$(basename "$tarball" .tgz)
  mkdir -p "$work/$name" && tar xzf "$tarball" -C "$work/$name"
done
mkdir -p "$target"
cp "$work"/htmx.org-*/package/dist/htmx.min.js "$target/htmx.min.js"
cp "$work"/htmx.org-*/package/LICENSE "$target/htmx.LICENSE"
cp "$work"/graphiql-*/package/graphiql.min.js "$target/graphiql.min.js"
cp "$work"/graphiql-*/package/graphiql.min.css "$target/graphiql.min.css"
cp "$work"/graphiql-*/package/LICENSE "$target/graphiql.LICENSE"
cp "$work"/react-1*/package/umd/react.production.min.js "$target/react.production.min.js"
cp "$work"/react-1*/package/LICENSE "$target/react.LICENSE"
cp "$work"/react-dom-*/package/umd/react-dom.production.min.js "$target/react-dom.production.min.js"
cp "$work"/react-dom-*/package/LICENSE "$target/react-dom.LICENSE"
printf '%s\n' "$HTMX" "$GRAPHIQL" "$REACT" "$REACT_DOM" > "$target/VERSIONS"
echo "vendored into $target:" && ls "$target"
