#!/usr/bin/env bash
# Release artifacts: owns building the shipped binary (Cargo's `dist` profile) of each platform
# and packing it, one archive a platform, with SHA256SUMS, into target/releases/ (emptied
# first: it holds what this run built, nothing older). Usage:
#
#   .ci/release.sh [x86_64-linux] [aarch64-linux] [x86_64-windows]     (default: all three)
#
# Linux binaries are linked against glibc 2.28 with cargo-zigbuild (.ci/cross.sh says why). Each
# archive, pingyi-<version>-<platform>.tar.gz (.zip for Windows), unpacks to one folder
# of that name: the binary (pingyi, or pingyi.exe), README.md, docs/ and 示例网站/ (site.yaml
# and content/; the theme is the one built into the binary). A platform that cannot be built
# fails the script: none is left out silently. Then .ci/release-check.sh unpacks every
# archive this machine can run, checks it against SHA256SUMS and builds its 示例网站 with the
# packed binary. From a clean Debian machine as root (installs what is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/cross.sh

platforms=("$@")
((${#platforms[@]})) || platforms=(x86_64-linux aarch64-linux x86_64-windows)

triple() {
  case "$1" in
    x86_64-linux) echo x86_64-unknown-linux-gnu ;;
    aarch64-linux) echo aarch64-unknown-linux-gnu ;;
    x86_64-windows) echo x86_64-pc-windows-gnu ;;
    *)
      echo "release.sh: unknown platform $1 (x86_64-linux, aarch64-linux, x86_64-windows)" >&2
      exit 2
      ;;
  esac
}
# Unknown names stop the run before anything is built.
for p in "${platforms[@]}"; do triple "$p" >/dev/null; done

# The version is the package's, as Cargo reads it (`…#pingyi@0.1.0`).
version=$(cargo pkgid | sed 's/.*[#@]//')
need=()
command -v python3 >/dev/null || need+=(python3)
command -v unzip >/dev/null || need+=(unzip)
if ((${#need[@]})); then cross_apt "${need[@]}"; fi

# The Wine server cross_setup starts for the Windows build's check stops with this script.
trap '[[ -z ${WINEPREFIX:-} ]] || "$WINESERVER" -k 2>/dev/null || true' EXIT

dist=$PWD/target/releases
rm -rf "$dist"
mkdir -p "$dist"
# Archive entries get the time of the commit, not of this run, so that the same commit packs
# the same way on any machine.
stamp=$(git log -1 --format=%ct 2>/dev/null || date +%s)

for platform in "${platforms[@]}"; do
  target=$(triple "$platform")
  cross_setup "$target"
  if [[ $target == *-linux-gnu ]]; then
    # Linked against glibc $RELEASE_GLIBC (.ci/cross.sh says why), in a target folder of its own
    # so that it does not rebuild the test builds. Zig is the C compiler and linker here: the
    # cross gcc's variables are not for this build.
    cross_zig
    (
      unset "CC_${target//-/_}" "AR_${target//-/_}" "CARGO_TARGET_$(echo "$target" | tr 'a-z-' 'A-Z_')_LINKER"
      CARGO_TARGET_DIR=$PWD/target/zig cargo zigbuild --profile dist --target "$target.$RELEASE_GLIBC"
    )
    built=$PWD/target/zig/$target/dist
  else
    cargo build --profile dist --target "$target"
    built=${CARGO_TARGET_DIR:-target}/$target/dist
  fi
  exe=pingyi
  [[ $target == *windows* ]] && exe=pingyi.exe

  name="pingyi-$version-$platform"
  stage=$(mktemp -d)
  dir="$stage/$name"
  mkdir -p "$dir/示例网站"
  cp "$built/$exe" "$dir/$exe"
  cp README.md "$dir/"
  cp -r docs "$dir/docs"
  # The example site is the repository's root site minus its on-disk copy of the theme
  # (themes/default is what the binary has built in) and anything built.
  cp -r site.yaml content "$dir/示例网站/"
  find "$stage" -exec touch -h -d "@$stamp" {} +

  if [[ $target == *windows* ]]; then
    # Python's zipfile, not Info-ZIP's zip: it sets the flag that says a name is UTF-8, which
    # Windows' own extractor needs to read 示例网站 (Debian's zip 3.0 stores the name only in
    # an extra field Explorer ignores, so it shows the name in the local code page, garbled).
    python3 - "$stage" "$name" "$dist/$name.zip" "$stamp" <<'PY'
import os, sys, time, zipfile
stage, name, out, stamp = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
when = time.gmtime(stamp)[:6]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for top, dirs, files in os.walk(os.path.join(stage, name)):
        dirs.sort()
        for f in sorted(files):
            path = os.path.join(top, f)
            info = zipfile.ZipInfo(os.path.relpath(path, stage), when)
            info.external_attr = (os.stat(path).st_mode & 0o777) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as src:
                z.writestr(info, src.read())
PY
  else
    tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$stamp" \
      -cf - "$name" | gzip -n -9 >"$dist/$name.tar.gz"
  fi
  rm -rf "$stage"
done

(cd "$dist" && sha256sum pingyi-"$version"-* >SHA256SUMS)
echo "» $dist:"
(cd "$dist" && ls -l pingyi-"$version"-* SHA256SUMS | awk '{print "  " $5 "  " $9}')

for platform in "${platforms[@]}"; do
  .ci/release-check.sh "$dist" "$platform"
done
