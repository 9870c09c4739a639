# Shared by the bench scripts (sourced, not run).

# Trees and outputs go to a RAM-backed folder when there is one with room (/dev/shm), so that
# the figures measure the tools rather than the disk: creating thousands of small files on
# this VM's disk costs 0.4-2 ms each, and varies a lot. BENCH_TMPDIR=DIR overrides.
pick_tmp() {
  if [ -n "${BENCH_TMPDIR:-}" ]; then echo "$BENCH_TMPDIR"; return; fi
  local free_kb
  free_kb=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
  if [ -w /dev/shm ] && [ "${free_kb:-0}" -gt 4000000 ]; then echo /dev/shm; else echo "${TMPDIR:-/tmp}"; fi
}

# A work folder named after PREFIX under pick_tmp, removed when the script exits.
make_work() {
  WORK=$(mktemp -d "$(pick_tmp)/$1.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  trap 'exit 130' INT TERM
}
