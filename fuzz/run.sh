#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 600), one after another, seeded from seeds/ and
# from what earlier runs kept in corpus/. Needs nightly Rust and cargo-fuzz
# (`cargo install cargo-fuzz`). See docs/security.md, "Fuzzing".
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# libFuzzer runs in fork mode and goes on after a crash, a timeout or running out of memory:
# whatever it finds is written to artifacts/<target>/, and the script then exits 1. Reproduce
# a finding with `cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>`.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(frontmatter markdown document bundle)
for t in "${targets[@]}"; do cargo +nightly fuzz build "$t"; done
found=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  before=$(find "artifacts/$t" -type f | wc -l)
  log="artifacts/$t.log"
  echo "» fuzzing $t for ${secs}s (log: fuzz/$log)"
  cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -dict=dict/pingyi.dict -artifact_prefix="artifacts/$t/" >"$log" 2>&1 || true
  # The last status line: executions, coverage, corpus, crashes so far.
  grep -a '^#[0-9]*:' "$log" | tail -1
  after=$(find "artifacts/$t" -type f | wc -l)
  if ! grep -aq '^INFO: exiting:' "$log"; then
    echo "✘ $t: the fuzzer did not run to the end; see fuzz/$log"
    found=1
  elif ((after > before)); then
    echo "✘ $t: $((after - before)) new finding(s) in fuzz/artifacts/$t/"
    found=1
  fi
done
exit "$found"
