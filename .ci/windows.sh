#!/usr/bin/env bash
# CI for Windows: builds x86_64-pc-windows-gnu with Debian's mingw-w64 and runs the whole test
# suite under Wine, then builds the release pingyi.exe. From a clean Debian machine (as root);
# run again, it installs nothing and rebuilds only what changed. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."

target=x86_64-pc-windows-gnu
# Debian's wine64 keeps its loader here, not on the PATH.
wine=/usr/lib/wine/wine64
wineserver=/usr/lib/wine/wineserver

need=()
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64-posix)
[[ -x $wine ]] || need+=(wine wine64)
if ((${#need[@]})); then
  echo "» installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
rustup target list --installed | grep -qx "$target" || rustup target add "$target"

# Everything Wine needs lives under target/, so `cargo clean` removes it too.
target_dir=$(cargo metadata --format-version 1 --no-deps |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
wine_dir=$target_dir/wine
mkdir -p "$wine_dir"

# Wine 8.0 has no bcryptprimitives.dll, which Rust's standard library needs: a shim, found
# through WINEPATH by every program the tests start (.ci/wine/bcryptprimitives.c says why).
shim=$wine_dir/bcryptprimitives.dll
if [[ ! -f $shim || .ci/wine/bcryptprimitives.c -nt $shim || .ci/wine/bcryptprimitives.def -nt $shim ]]; then
  x86_64-w64-mingw32-gcc -O2 -shared -o "$shim" \
    .ci/wine/bcryptprimitives.c .ci/wine/bcryptprimitives.def -ladvapi32
fi

export WINEPREFIX=$wine_dir/prefix
export WINEDEBUG=-all
# No Mono or Gecko: nothing here needs .NET or a browser engine, and their installers would
# ask to download them.
export WINEDLLOVERRIDES="mscoree,mshtml="
export WINEPATH="Z:${wine_dir//\//\\}"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=$PWD/.ci/wine/run
# One Wine server for the whole run, stopped at the end, so no process outlives the script.
trap '"$wineserver" -k 2>/dev/null || true' EXIT
if [[ ! -f $WINEPREFIX/system.reg ]]; then
  echo "» creating the Wine prefix $WINEPREFIX"
  "$wine" wineboot --init >/dev/null 2>&1 || true
  "$wineserver" -w
fi
"$wineserver" -p

cargo build --release --target "$target"
"$wine" "$target_dir/$target/release/pingyi.exe" --version
cargo test --target "$target"
