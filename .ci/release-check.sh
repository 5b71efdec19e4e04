#!/usr/bin/env bash
# The test of a release archive, as the office's IT would use it: owns checking one archive of
# .ci/release.sh against SHA256SUMS, unpacking it, checking what it holds, and building its
# 示例网站 with the packed binary (`pingyi build --root 示例网站` from the unpacked folder).
# The site it builds must be the repository's example site, byte for byte: the archive lacks
# nothing the built-in theme does not give. Usage:
#
#   .ci/release-check.sh DIST PLATFORM        (DIST: the folder with the archives and SHA256SUMS)
#
# A binary not of this machine runs through Cargo's runner for its target
# (CARGO_TARGET_<TRIPLE>_RUNNER: qemu-user for ARM64, set by .ci/cross.sh; Wine for Windows,
# where .ci/windows.sh sets it). With no runner the archive is checked but its binary is not
# run, and the script says so.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dist=$(cd "$1" && pwd)
platform=$2

case "$platform" in
  x86_64-linux) target=x86_64-unknown-linux-gnu ext=tar.gz exe=pingyi ;;
  aarch64-linux) target=aarch64-unknown-linux-gnu ext=tar.gz exe=pingyi ;;
  x86_64-windows) target=x86_64-pc-windows-gnu ext=zip exe=pingyi.exe ;;
  *)
    echo "release-check.sh: unknown platform $platform" >&2
    exit 2
    ;;
esac
version=$(cd "$repo" && cargo pkgid | sed 's/.*[#@]//')
name="pingyi-$version-$platform"
fail() {
  echo "✘ $name: $*" >&2
  exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Only the archive and SHA256SUMS, as downloaded: the sum must be listed (`--ignore-missing`
# alone would pass an archive that SHA256SUMS does not name) and must match.
cp "$dist/$name.$ext" "$dist/SHA256SUMS" "$work/"
cd "$work"
grep -q "  $name.$ext\$" SHA256SUMS || fail "not listed in SHA256SUMS"
sha256sum --quiet -c --ignore-missing SHA256SUMS || fail "SHA-256 differs from SHA256SUMS"
# A damaged copy must fail the same check.
cp "$name.$ext" damaged && printf 'x' >>damaged
sed "s/  $name.$ext\$/  damaged/" SHA256SUMS >damaged.sums
if sha256sum --quiet -c --ignore-missing damaged.sums >/dev/null 2>&1; then fail "a damaged copy passes the check"; fi

if [[ $ext == zip ]]; then unzip -q "$name.zip"; else tar -xzf "$name.tar.gz"; fi
[[ $(ls -A) == *"$name"* ]] || fail "does not unpack to $name/"
listing=$(cd "$name" && ls -A | LC_ALL=C sort | tr '\n' ' ')
expected=$(printf '%s\n' README.md docs 示例网站 "$exe" | LC_ALL=C sort | tr '\n' ' ')
[[ $listing == "$expected" ]] || fail "holds [$listing], expected [$expected]"
[[ $(cd "$name/示例网站" && ls -A | tr '\n' ' ') == "content site.yaml " ]] ||
  fail "示例网站 holds more or less than site.yaml and content/"
[[ -x $name/$exe ]] || fail "$exe is not executable"
cmp -s "$name/README.md" "$repo/README.md" || fail "README.md differs from the repository's"
diff -r "$name/docs" "$repo/docs" >/dev/null || fail "docs/ differs from the repository's"

# The glibc the binary asks for: no newer than the oldest office desktop's (.ci/cross.sh).
if [[ $target == *-linux-gnu ]]; then
  source "$repo/.ci/cross.sh"
  needs=$(readelf -V --wide "$name/$exe" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
  [[ $(printf '%s\n' "$needs" "$RELEASE_GLIBC" | sort -V | tail -1) == "$RELEASE_GLIBC" ]] ||
    fail "$exe needs glibc $needs; the oldest office desktops have $RELEASE_GLIBC"
  echo "» $name: needs glibc $needs or newer (at most $RELEASE_GLIBC allowed)"
fi

run=()
if [[ $target != "$(rustc -vV | sed -n 's/^host: //p')" ]]; then
  var="CARGO_TARGET_$(echo "$target" | tr 'a-z-' 'A-Z_')_RUNNER"
  if [[ -z ${!var:-} ]]; then
    echo "» $name: SHA-256 and contents checked; not run (no $var on this machine)"
    exit 0
  fi
  read -ra run <<<"${!var}"
fi

# From the unpacked folder, as the README says; a fixed day so that the two builds compare.
(cd "$name" && "${run[@]}" "./$exe" build --quiet --root 示例网站 --today 2026-11-27) ||
  fail "pingyi build --root 示例网站 failed"
[[ -f $name/示例网站/public/index.html ]] || fail "the built 示例网站 has no index.html"
"${run[@]}" "$name/$exe" build --quiet --root "$repo" --today 2026-11-27 --output "$work/repo-site"
diff -r "$name/示例网站/public" "$work/repo-site" >/dev/null ||
  fail "its 示例网站 builds another site than the repository's example site"
if [[ $platform == aarch64-linux ]]; then
  # The runner gives 64 KiB pages (.ci/cross.sh); the same site on 4 KiB pages, as on most
  # other ARM64 machines: jemalloc's page is fixed when built and must suit both.
  qemu-aarch64 -L /usr/aarch64-linux-gnu -p 4096 "$name/$exe" build --quiet --root "$repo" \
    --today 2026-11-27 --output "$work/repo-site-4k"
  diff -r "$work/repo-site" "$work/repo-site-4k" >/dev/null ||
    fail "builds another site on 4 KiB pages than on 64 KiB pages"
fi
echo "✔ $name: SHA-256 matches SHA256SUMS, contents as expected, 示例网站 builds with the packed $exe ($(find "$name/示例网站/public" -type f | wc -l) files)"
