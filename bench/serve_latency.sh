#!/usr/bin/env bash
# Save-to-reload latency of `invest-guide serve` on the guide: builds release binaries, copies
# the guide's sources to a temp folder (so the work tree is never edited), then
# examples/serve_latency.rs starts `serve` there, measures its CPU time while idle, listens to
# its event stream like an open tab, edits a page RUNS times and prints the time from each
# save to the `reload` event and to a fetched page that shows the edit, with medians and the
# number of builds. Prints figures only; asserts nothing.
#
# usage: bench/serve_latency.sh [PAGE] [RUNS]
#   PAGE: default content/measures/09-factor-guarantees.en.md; RUNS: default 10.
#   FROM=HEAD bench/serve_latency.sh takes the guide as committed instead of the work tree
#   (useful while the work tree is mid-edit and does not build).
#   SITE=DIR runs on another site root, in place (the page is restored at the end), e.g. a
#   tree from bench/gen_tree.py: python3 bench/gen_tree.py 10000 /dev/shm/w10k &&
#   SITE=/dev/shm/w10k IDLE=30 bench/serve_latency.sh content/s01/page-00001.en.md 5
#   SAVE=rename saves by renaming a temporary file over the page (vim, many IDEs) instead of
#   writing it in place; IDLE=SECONDS (default 5) is how long the idle CPU time is measured.
set -euo pipefail

cd "$(dirname "$0")/.."
PAGE=${1:-content/measures/09-factor-guarantees.en.md}
RUNS=${2:-10}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive whole number, got '$RUNS'" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/invest-guide-serve-latency.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== building release binaries"
cargo build --release --quiet
cargo build --release --quiet --example serve_latency
# Copies, so that a rebuild in the work tree during the run cannot swap a binary mid-way.
cp target/release/invest-guide target/release/examples/serve_latency "$WORK/"
if [ -n "${SITE:-}" ]; then
  [ -f "$SITE/site.yaml" ] || { echo "SITE=$SITE has no site.yaml" >&2; exit 2; }
  ROOT=$SITE
else
  ROOT=$WORK/site
  mkdir "$ROOT"
  if [ -n "${FROM:-}" ]; then
    git archive "$FROM" site.yaml content themes i18n | tar -x -C "$ROOT"
  else
    cp -R site.yaml content themes i18n "$ROOT/"
  fi
fi

echo "== $RUNS edits of $PAGE in $ROOT ($(nproc 2>/dev/null || echo '?') CPUs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'))"
"$WORK/serve_latency" "$WORK/invest-guide" "$ROOT" "$PAGE" "$RUNS"
