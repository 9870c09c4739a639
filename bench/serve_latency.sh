#!/usr/bin/env bash
# Save-to-reload latency of `invest-guide serve` on the guide: builds release binaries, copies
# the guide's sources to a temp folder (so the work tree is never edited), then
# examples/serve_latency.rs starts `serve` there, listens to its event stream like an open tab,
# edits a page RUNS times and prints the time from each write to the `reload` event and to a
# fetched page that shows the edit, with medians. Prints figures only; asserts nothing.
#
# usage: bench/serve_latency.sh [PAGE] [RUNS]
#   PAGE: default content/measures/09-factor-guarantees.en.md; RUNS: default 10.
#   FROM=HEAD bench/serve_latency.sh takes the guide as committed instead of the work tree
#   (useful while the work tree is mid-edit and does not build).
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
mkdir "$WORK/site"
if [ -n "${FROM:-}" ]; then
  git archive "$FROM" site.yaml content themes i18n | tar -x -C "$WORK/site"
else
  cp -R site.yaml content themes i18n "$WORK/site/"
fi

echo "== $RUNS edits of $PAGE ($(nproc 2>/dev/null || echo '?') CPUs)"
"$WORK/serve_latency" "$WORK/invest-guide" "$WORK/site" "$PAGE" "$RUNS"
