#!/usr/bin/env bash
# `pingyi check` of one rectification report whose ledger items are all overdue: each item
# is a warning that points at its own deadline line. Before locating became one pass per
# document, the time grew with the square of the ledger (20,000 items: 18.6 s).
#
#     bench/overdue_ledger.sh [2500 20000]
#
# Prints, for each size, the median wall time of three runs of a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -gt 0 ]; then sizes=("$@"); else sizes=(2500 20000); fi
work=${BENCH_DIR:-/dev/shm/pingyi-ledger}
cargo build --release -q --bin pingyi
bin=$PWD/target/release/pingyi
for n in "${sizes[@]}"; do
  site="$work/site-$n"
  rm -rf "$site" && mkdir -p "$site/content/2026/rectifications"
  cat >"$site/site.yaml" <<'YAML'
title: 测试站
base_url: https://rd.example.gov.cn
departments:
  - id: housing
    name: 住建局
YAML
  cat >"$site/content/2026/review.md" <<'MD'
---
title: 2026年度工作评议
type: review
date: 2026-01-05
id: "2026"
year: 2026
departments: [housing]
---
MD
  {
    printf -- '---\ntitle: 整改情况报告\ntype: rectification\ndate: 2026-01-10\nreview: "2026"\ndepartment: housing\nitems:\n'
    for ((i = 1; i <= n; i++)); do
      printf '  - id: "%d"\n    problem: 问题%d\n    measures: 措施\n    responsible: 住建局\n    deadline: 2026-06-30\n    status: in_progress\n' "$i" "$i"
    done
    printf -- '---\n整改情况如下。\n'
  } >"$site/content/2026/rectifications/ledger.md"
  times=()
  for _ in 1 2 3; do
    start=$(date +%s.%N)
    "$bin" check --root "$site" --today 2026-12-05 >/dev/null 2>&1 || true
    times+=("$(echo "$(date +%s.%N) - $start" | bc)")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
  warnings=$("$bin" check --root "$site" --today 2026-12-05 --verbose 2>&1 | grep -c '^警告' || true)
  printf '%6d items, %6d warnings: %.2f s\n' "$n" "$warnings" "$median"
done
