#!/usr/bin/env bash
# Runs each fuzz target for $1 seconds (default 600), one after another, seeded from seeds/.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
# libFuzzer runs in fork mode and goes on after a crash, a timeout or running out of memory:
# whatever it finds is in artifacts/<target>/; reproduce one with
#   cargo +nightly fuzz run <target> artifacts/<target>/<file>
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(frontmatter markdown document)
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  echo "» fuzzing $t for ${secs}s"
  cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -dict=dict/pingyi.dict -artifact_prefix="artifacts/$t/" -print_final_stats=1
done
