#!/usr/bin/env bash
# CI for Windows: builds x86_64-pc-windows-gnu with Debian's mingw-w64, runs the whole test
# suite under Wine and checks in a Wine console what needs one (.ci/wine/console.py). From a
# clean Debian machine (as root); run again, it installs nothing and rebuilds only what changed
# (.ci/cross.sh owns the set-up). Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/cross.sh

target=x86_64-pc-windows-gnu
cross_setup "$target"
trap '"$WINESERVER" -k 2>/dev/null || true' EXIT

cargo test --target "$target"
# The pingyi.exe the tests ran (the shipped one is .ci/release.sh's, checked under Wine too).
.ci/wine/console.py "${CARGO_TARGET_DIR:-target}/$target/debug/pingyi.exe" .
