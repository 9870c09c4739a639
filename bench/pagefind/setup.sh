#!/usr/bin/env bash
# Builds the guide and the two Pagefind copies that compare.mjs reads:
#   $PF_DIR/ours            the build, as is (invest-guide's own search)
#   $PF_DIR/pagefind-site   a copy + `pagefind --site` with Pagefind's defaults (whole <body>)
#   $PF_DIR/pagefind-fair   a copy with invest-guide's index marks mapped onto Pagefind's
#                           (prepare-fair.mjs) + `pagefind --site`
# PF_DIR defaults to /tmp/pf; PAGEFIND_VERSION (default 1.6.0, the version measured) is
# installed with npm into PF_DIR. Nothing in the repository is changed.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PF_DIR=${PF_DIR:-/tmp/pf}
PAGEFIND_VERSION=${PAGEFIND_VERSION:-1.6.0}

mkdir -p "$PF_DIR"
[ -x "$REPO/target/release/invest-guide" ] || (cd "$REPO" && cargo build --release)
rm -rf "$PF_DIR/ours" "$PF_DIR/pagefind-site" "$PF_DIR/pagefind-fair"
(cd "$REPO" && ./target/release/invest-guide build --out "$PF_DIR/ours")
cp -r "$PF_DIR/ours" "$PF_DIR/pagefind-site"
cp -r "$PF_DIR/ours" "$PF_DIR/pagefind-fair"
node "$HERE/prepare-fair.mjs" "$PF_DIR/pagefind-fair"

cd "$PF_DIR"
[ -f package.json ] || npm init -y >/dev/null
npm install "pagefind@$PAGEFIND_VERSION" >/dev/null
npx pagefind --version
npx pagefind --site "$PF_DIR/pagefind-site"
npx pagefind --site "$PF_DIR/pagefind-fair"
