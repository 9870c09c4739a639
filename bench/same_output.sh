#!/usr/bin/env bash
# Shows that a change leaves the output byte-identical: builds the guide, the guide with
# drafts under a sub-path, and a generated trilingual tree (bench/gen_tree.py) without and
# with search pages, with the invest-guide of a base revision and with the one of the work
# tree, and compares every file of the two outputs.
#
# usage: bench/same_output.sh [BASE_REV] [N]
#   BASE_REV  the revision to compare against (default: HEAD)
#   N         pages per language of the generated tree (default: 300)
#
# Prints one line per site, the number of files and whether they are identical; lists the
# differing files and exits 1 when any differ. The base revision is built in a temporary git
# worktree with its own target folder (kept in target/same-output-base so a second run is quick).
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
BASE=${1:-HEAD}
N=${2:-300}
# shellcheck source=bench/lib.sh
. bench/lib.sh
make_work invest-guide-same
trap 'git -C "$REPO" worktree remove --force "$WORK/base-src" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

echo "== building $BASE and the work tree"
git worktree add --detach --quiet "$WORK/base-src" "$BASE"
CARGO_TARGET_DIR="$REPO/target/same-output-base" cargo build --release --quiet \
  --manifest-path "$WORK/base-src/Cargo.toml"
cargo build --release --quiet
cp "$REPO/target/same-output-base/release/invest-guide" "$WORK/base"
cp "$REPO/target/release/invest-guide" "$WORK/new"

python3 bench/gen_tree.py "$N" "$WORK/tree" >/dev/null
# The same tree with a search page per language, so the search index (split form) is built too.
cp -r "$WORK/tree" "$WORK/tree-search"
for lang in zh en ru; do
  printf -- '---\ntitle: "Search"\n---\n\nSearch the site.\n' >"$WORK/tree-search/content/search.$lang.md"
done

status=0
compare() { # NAME ROOT [FLAGS...]
  local name=$1 root=$2
  shift 2
  "$WORK/base" build --root "$root" --out "$WORK/out-base-$name" "$@" >/dev/null
  "$WORK/new" build --root "$root" --out "$WORK/out-new-$name" "$@" >/dev/null
  local files
  files=$(find "$WORK/out-base-$name" -type f ! -name .invest-guide-build | wc -l)
  # The build's marker file (fixed text; older revisions write none) is not site output.
  if diff -r -q -x .invest-guide-build "$WORK/out-base-$name" "$WORK/out-new-$name" >"$WORK/diff-$name"; then
    echo "$name: $files files, identical"
  else
    echo "$name: $files files, DIFFERENT:"
    sed 's/^/  /' "$WORK/diff-$name" | head -20
    status=1
  fi
}
compare guide "$REPO"
compare guide-drafts "$REPO" --drafts --base-url https://example.org/sub/
compare "tree-$N" "$WORK/tree"
compare "tree-$N-search" "$WORK/tree-search"
exit $status
