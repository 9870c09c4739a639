#!/usr/bin/env bash
# What a cold first search fetches, compressed: on the guide, and on the synthetic trilingual
# tree of bench/gen_tree.py (N pages per language, 10000 by default) given a search page in
# each language, where the indexes are split. Prints figures only; nothing here asserts.
#
# usage: bench/search_bytes.sh [N]
#
# Builds the release binary, generates the tree in a temp folder (under /dev/shm when it has
# room, else $TMPDIR or /tmp; BENCH_TMPDIR=DIR to choose), builds the guide and the tree, then
# runs bench/search_bytes.mjs: each query opens /LANG/search/?q=… in a fresh Chromium context
# (nothing cached) and the script adds up every file fetched (search page, CSS, JavaScript,
# manifest or whole index, term shards, page chunks) at gzip -9 size. Needs node, Chromium
# (/usr/bin/chromium or $CHROMIUM) and `npm ci` in tests/browser. Temp folders are removed
# at the end.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
N=${1:-10000}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "N must be a positive whole number, got '$N'" >&2; exit 2; }

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
missing=""
command -v node >/dev/null 2>&1 || missing="node is not on PATH"
[ -x "$CHROMIUM" ] || missing="no Chromium at $CHROMIUM (set CHROMIUM)"
[ -f tests/browser/node_modules/playwright-core/package.json ] || missing="run \`npm ci\` in tests/browser first"
if [ -n "$missing" ]; then
  echo "!! $missing: nothing was measured" >&2
  exit 1
fi
export CHROMIUM

# shellcheck source=bench/lib.sh
. bench/lib.sh
make_work invest-guide-search-bytes

echo "== building the release binary"
cargo build --release --quiet
# A copy, so that a rebuild in the work tree during the run cannot swap it mid-way.
cp target/release/invest-guide "$WORK/invest-guide"

# layout OUT: what each language's index is: whole (one file) or split (files, shards, chunks).
layout() {
  local out=$1 lang dir
  for lang in zh en ru; do
    dir="$out/$lang/search"
    if [ -d "$dir/terms" ]; then
      printf '   %s: split, %s term shards and %s page chunks, %s MB in all; manifest %s\n' "$lang" \
        "$(find "$dir/terms" -type f | wc -l)" "$(find "$dir/pages" -type f | wc -l)" \
        "$(du -sm "$dir" | cut -f1)" "$(cut -c1-200 "$dir/index.json" | grep -o '"split":{[^}]*}')"
    else
      printf '   %s: whole, index.json %s bytes, %s bytes gzip -9\n' "$lang" \
        "$(wc -c <"$dir/index.json")" "$(gzip -9c "$dir/index.json" | wc -c)"
    fi
  done
}

echo
echo "== the guide"
"$WORK/invest-guide" build --root "$REPO" --out "$WORK/guide" | tail -n 1
layout "$WORK/guide"
node bench/search_bytes.mjs "$WORK/guide" \
  'zh:保税' 'zh:外资企业' 'zh:物流 采购' \
  'en:bonded' 'en:bonded logistics procurement' 'en:headquarters' \
  'ru:инвестиций' 'ru:штаб-квартира' 'ru:сухой порт'

echo
echo "== N=$N pages per language: generating the tree and a search page per language"
python3 bench/gen_tree.py "$N" "$WORK/tree"
for lang in zh en ru; do
  printf -- '---\ntitle: "Search"\n---\n\nSearch the site.\n' >"$WORK/tree/content/search.$lang.md"
done
start=$(date +%s%N)
"$WORK/invest-guide" build --root "$WORK/tree" --out "$WORK/out" | tail -n 1
echo "   built in $(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') s"
layout "$WORK/out"
# Words the generator uses (bench/gen_tree.py): one word, words in one Han run, several words.
node bench/search_bytes.mjs "$WORK/out" \
  'zh:投资' 'zh:保税仓库' 'zh:光伏 电网' 'zh:集装箱 货运 航线' \
  'en:investment' 'en:bonded warehouse' 'en:solar power grid' 'en:customs' \
  'ru:инвестиция' 'ru:таможня склад' 'ru:солнце ветер энергия' 'ru:аэропорт' \
  'en:xyzzy'
echo
echo "columns: results found; results shown; files fetched; page = search page, CSS and JavaScript"
echo "(count: KB); index = manifest (split) or the whole index; shards and chunks (count: KB);"
echo "all sizes gzip -9 (zlib level 9), KB = 1024 bytes"
