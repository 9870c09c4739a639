#!/usr/bin/env bash
# Benchmark: invest-guide (without and with search) vs Hugo (without and with Pagefind) vs a
# bare pulldown-cmark pass on the same synthetic trilingual tree (bench/gen_tree.py), all in one
# run, each with its ratio to the bare pass. Prints figures only; nothing here asserts a time.
#
# usage: bench/run.sh [N...]        N = pages per language (default: 1000 10000)
#
# "invest-guide+search" builds the same tree plus a search page per language
# (content/search.LANG.md), so the search index is built as on the guide. "hugo+pagefind" runs
# Pagefind on Hugo's output after each Hugo build, when a Pagefind binary is found: $PAGEFIND,
# else /tmp/pf/node_modules/.bin/pagefind (bench/pagefind/setup.sh installs it there), else
# `npx --no-install pagefind`; otherwise that row says it was skipped.
#
# For each N: generates the tree in a temp folder, then for each tool runs one warm-up and
# RUNS timed builds (RUNS=3 by default, from the environment) into an emptied output folder
# (under /dev/shm when it has room, else $TMPDIR or /tmp; BENCH_TMPDIR=DIR to choose),
# and prints tool, N, pages written, the time of each run, the median wall time, pages per
# second, peak RSS (GNU time's %M, the largest of the timed runs) and the median CPU time
# (user + sys: less sensitive than wall time to other work on the machine).
# Hugo is skipped if `hugo` is not on PATH; memory figures are skipped if /usr/bin/time
# (GNU time) is missing. Nothing is installed. Temp folders are removed at the end.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
RUNS=${RUNS:-3}
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000); fi
for n in "${SIZES[@]}"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "N must be a positive whole number, got '$n'" >&2; exit 2; }
done

# shellcheck source=bench/lib.sh
. bench/lib.sh
make_work invest-guide-bench

echo "== building release binaries"
if ! cargo build --release --quiet || ! cargo build --release --quiet --example bare_markdown; then
  echo "!! cargo build --release failed: nothing was measured" >&2
  exit 1
fi
# Copies, so that a rebuild in the work tree during the run cannot swap a binary mid-way.
cp target/release/invest-guide "$WORK/invest-guide"
cp target/release/examples/bare_markdown "$WORK/bare_markdown"

HAVE_HUGO=1
if ! command -v hugo >/dev/null 2>&1; then
  HAVE_HUGO=0
  echo "!! hugo is not on PATH: skipping Hugo (install it, e.g. apt-get install hugo, to compare)"
fi
PAGEFIND=${PAGEFIND:-}
if [ -z "$PAGEFIND" ] && [ -x /tmp/pf/node_modules/.bin/pagefind ]; then
  PAGEFIND=/tmp/pf/node_modules/.bin/pagefind
fi
if [ -z "$PAGEFIND" ] && npx --no-install pagefind --version >/dev/null 2>&1; then
  PAGEFIND="npx --no-install pagefind"
fi
[ -n "$PAGEFIND" ] || echo "!! no Pagefind found: skipping hugo+pagefind (bench/pagefind/setup.sh installs it)"
HAVE_TIME=1
if [ ! -x /usr/bin/time ] || ! /usr/bin/time -f %M true >/dev/null 2>&1; then
  HAVE_TIME=0
  echo "!! GNU time (/usr/bin/time) is missing: skipping peak-RSS figures (apt-get install time)"
fi
# Hugo's file cache goes to the temp folder too.
export HUGO_CACHEDIR="$WORK/hugo-cache"

echo "== machine: $(nproc) cores, $(uname -sr)"
echo "== invest-guide: $("$WORK/invest-guide" --version)"
[ $HAVE_HUGO = 1 ] && echo "== hugo: $(hugo version)"
[ -n "$PAGEFIND" ] && echo "== pagefind: $($PAGEFIND --version)"
echo "== temp folder: $WORK ($(df -P "$WORK" | awk 'NR == 2 { print $1 }'))"
echo "== runs: 1 warm-up + $RUNS timed per tool; output folder emptied before each run"

now_ns() { date +%s%N; }

# run_once LOG OUT CMD... : runs CMD into an empty OUT; sets SECS (wall), CPU (user + sys,
# from GNU time) and RSS_KB; returns CMD's status.
run_once() {
  local log=$1 out=$2
  shift 2
  rm -rf "$out"
  local start end status=0
  start=$(now_ns)
  if [ $HAVE_TIME = 1 ]; then
    /usr/bin/time -f '%M %U %S' -o "$WORK/rss" "$@" >"$log" 2>&1 || status=$?
  else
    "$@" >"$log" 2>&1 || status=$?
  fi
  end=$(now_ns)
  SECS=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  RSS_KB="" CPU=""
  if [ $HAVE_TIME = 1 ]; then
    read -r RSS_KB CPU < <(tail -n 1 "$WORK/rss" | awk '{ printf "%s %.2f\n", $1, $2 + $3 }')
  fi
  return $status
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ROW_FMT="%-19s %7s %7s %-23s %9s %9s %8s %8s\n"

# bench TOOL N TREE CMD... (CMD's output folder is $WORK/out)
bench() {
  local tool=$1 n=$2
  shift 2
  local log="$WORK/$tool.log" out="$WORK/out"
  if ! run_once "$log" "$out" "$@"; then
    echo "!! $tool failed on N=$n (warm-up run): $*" >&2
    sed -n '1,40p' "$log" >&2
    ROWS+=("$(printf "$ROW_FMT" "$tool" "$n" "-" "FAILED" "-" "-" "-" "-")")
    return 0
  fi
  if [ -s "$log" ]; then
    echo "-- $tool, warm-up output (first lines):"
    sed -n '1,8p' "$log" | sed 's/^/   /'
  fi
  local times=() cpus=() rss_max=0 i
  for ((i = 1; i <= RUNS; i++)); do
    if ! run_once "$log" "$out" "$@"; then
      echo "!! $tool failed on N=$n (run $i)" >&2
      sed -n '1,40p' "$log" >&2
      ROWS+=("$(printf "$ROW_FMT" "$tool" "$n" "-" "FAILED" "-" "-" "-" "-")")
      return 0
    fi
    times+=("$SECS")
    [ -n "$CPU" ] && cpus+=("$CPU")
    if [ -n "$RSS_KB" ] && [ "$RSS_KB" -gt "$rss_max" ]; then rss_max=$RSS_KB; fi
  done
  local pages med rate rss cpu="n/a"
  pages=$(find "$out" -name '*.html' -type f | wc -l)
  med=$(median "${times[@]}")
  rate=$(awk -v p="$pages" -v t="$med" 'BEGIN { printf "%.0f", (t > 0 ? p / t : 0) }')
  if [ $HAVE_TIME = 1 ]; then
    rss=$(awk -v k="$rss_max" 'BEGIN { printf "%.1f", k / 1024 }')
    cpu=$(median "${cpus[@]}")
  else
    rss="n/a"
  fi
  MEDIAN[$tool]=$med
  ROWS+=("$(printf "$ROW_FMT" "$tool" "$n" "$pages" "$(IFS=/; echo "${times[*]}")" "$med" "$rate" "$rss" "$cpu")")
}

declare -A MEDIAN
for n in "${SIZES[@]}"; do
  tree="$WORK/tree-$n"
  echo
  echo "== N=$n: generating the tree"
  python3 "$REPO/bench/gen_tree.py" "$n" "$tree"
  sources=$(find "$tree/content" -name '*.md' -type f | wc -l)
  ROWS=()
  MEDIAN=()
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  searched="$WORK/tree-$n-search"
  cp -r "$tree" "$searched"
  for lang in zh en ru; do
    printf -- '---\ntitle: "Search"\n---\n\nSearch the site.\n' >"$searched/content/search.$lang.md"
  done
  bench invest-guide "$n" "$WORK/invest-guide" build --root "$tree" --out "$WORK/out"
  bench invest-guide+search "$n" "$WORK/invest-guide" build --root "$searched" --out "$WORK/out"
  if [ $HAVE_HUGO = 1 ]; then
    bench hugo "$n" hugo --quiet -s "$tree" -d "$WORK/out"
    if [ -n "$PAGEFIND" ]; then
      bench hugo+pagefind "$n" bash -c "hugo --quiet -s '$tree' -d '$WORK/out' && $PAGEFIND --site '$WORK/out' --silent"
    else
      ROWS+=("$(printf "$ROW_FMT" "hugo+pagefind" "$n" "-" "skipped (no Pagefind)" "-" "-" "-" "-")")
    fi
  else
    ROWS+=("$(printf "$ROW_FMT" "hugo" "$n" "-" "skipped (not on PATH)" "-" "-" "-" "-")")
  fi
  bench bare-cmark "$n" "$WORK/bare_markdown" "$tree" "$WORK/out"
  rm -rf "$WORK/out" "$searched"

  echo
  echo "N=$n pages per language, 3 languages: $sources Markdown files ($(du -sh "$tree/content" | cut -f1))"
  printf "$ROW_FMT" "tool" "N/lang" "pages" "wall time of each run s" "median s" "pages/s" "peak MB" "cpu s"
  printf "$ROW_FMT" "-------------------" "-------" "-------" "-----------------------" "---------" "---------" "--------" "--------"
  printf '%s\n' "${ROWS[@]}"
  for tool in invest-guide invest-guide+search hugo hugo+pagefind; do
    if [ -n "${MEDIAN[$tool]:-}" ] && [ -n "${MEDIAN[bare-cmark]:-}" ]; then
      awk -v t="$tool" -v a="${MEDIAN[$tool]}" -v b="${MEDIAN[bare-cmark]}" \
        'BEGIN { printf "%-19s / bare = %6.2f (median wall time)\n", t, (b > 0 ? a / b : 0) }'
    fi
  done
  for pair in "invest-guide hugo" "invest-guide+search hugo+pagefind"; do
    read -r a b <<<"$pair"
    if [ -n "${MEDIAN[$a]:-}" ] && [ -n "${MEDIAN[$b]:-}" ]; then
      awk -v x="$a" -v y="$b" -v a="${MEDIAN[$a]}" -v b="${MEDIAN[$b]}" \
        'BEGIN { printf "%s / %s = %.2f (median wall time)\n", x, y, (b > 0 ? a / b : 0) }'
    fi
  done
  echo "load average before N=$n: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "pages = .html files written (invest-guide adds /404.html and the root language chooser; Hugo adds the root redirect; bare writes one per .md)"
  rm -rf "$tree"
done
