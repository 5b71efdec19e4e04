#!/usr/bin/env bash
# CI for ARM64 Linux (aarch64-unknown-linux-gnu: 统信 UOS and 麒麟 on Kunpeng and Phytium): owns
# building that target with Debian's cross gcc, running the whole test suite under qemu-user,
# and the release build of it. From a clean Debian machine as root; installs what is missing
# (.ci/cross.sh), so a second run only builds what changed. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/cross.sh

target=aarch64-unknown-linux-gnu
cross_setup "$target"

# Every test, in qemu-user with 64 KiB pages (the runner, .ci/cross.sh). The integration tests
# start the binary through the same runner (assert_cmd's cargo_bin), so `watch`, Ctrl-C and
# killed builds are ARM64 processes too.
cargo test --target "$target"

cargo build --release --target "$target"

# The release binary on both page sizes an ARM64 office desktop may have: the example site
# builds under 64 KiB pages (the runner's) and under 4 KiB pages, and gives the same site.
bin="${CARGO_TARGET_DIR:-target}/$target/release/pingyi"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for page in 65536 4096; do
  qemu-aarch64 -L /usr/aarch64-linux-gnu -p "$page" "$bin" build --quiet \
    --today 2026-11-27 --output "$out/$page"
done
diff -r "$out/65536" "$out/4096"
echo "» $target: example site built on 64 KiB and 4 KiB pages, identical"
