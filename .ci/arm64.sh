#!/usr/bin/env bash
# CI for ARM64 Linux (aarch64-unknown-linux-gnu: 统信 UOS and 麒麟 on Kunpeng and Phytium): owns
# building that target with Debian's cross gcc and running the whole test suite under qemu-user
# (the shipped binary is .ci/release.sh's, checked on both page sizes by .ci/release-check.sh). From a clean Debian machine as root; installs what is missing
# (.ci/cross.sh), so a second run only builds what changed. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/cross.sh

target=aarch64-unknown-linux-gnu
cross_setup "$target"

# Every test, in qemu-user with 64 KiB pages (the runner, .ci/cross.sh). The integration tests
# start the binary through the same runner (support::pingyi_process), so `watch`, Ctrl-C and
# killed builds are ARM64 processes too.
#
# No backtraces: printing one under qemu-user with 64 KiB pages crashes the emulator, which
# would hide a failed test's message behind a SIGSEGV.
RUST_BACKTRACE=0 cargo test --target "$target"
