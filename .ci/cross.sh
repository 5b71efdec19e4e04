# Sourced, not run: owns how this repository builds for a target other than the machine's own,
# for .ci/arm64.sh and .ci/release.sh. `cross_setup TRIPLE` installs what that target needs
# (Debian's cross compiler, rustup's standard library for it, qemu-user to run it) and exports
# the variables Cargo and the C builds read. Installing is skipped when already done, so the
# scripts that source this can be run again and again.

# The one place the ARM64 variables are set, so that the test build and the release build of
# that target see the same values (Cargo would otherwise rebuild jemalloc between them).
cross_env_aarch64() {
  export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
  # tikv-jemalloc-sys builds jemalloc with `configure` and the C compiler the cc crate finds;
  # named here so that it never falls back to the host's gcc.
  export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
  export AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
  # jemalloc's page is fixed when it is built and must be at least the running kernel's page:
  # a jemalloc of 4 KiB pages aborts ("Unsupported system page size") on the 64 KiB-page
  # kernels of 统信/麒麟 on Kunpeng and Phytium. 64 KiB pages work on 4 KiB kernels too. The
  # vendored jemalloc 5.3 already picks 16 for aarch64 Linux; it is said here so that no
  # change of that default or stray JEMALLOC_SYS_WITH_LG_PAGE can build a binary that aborts.
  # The target-prefixed name reaches only the aarch64 build of jemalloc.
  export AARCH64_UNKNOWN_LINUX_GNU_JEMALLOC_SYS_WITH_LG_PAGE=16
  # The binaries under test run in qemu-user, with the cross glibc as their root. `-p 65536`
  # makes the guest see 64 KiB pages (sysconf and the auxiliary vector), as on those kernels:
  # the stricter case for the allocator. assert_cmd reads this variable too.
  export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu -p 65536"
}

cross_env_windows() {
  # Debian's mingw-w64 as linker.
  export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
  export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc
  export AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
}

# Debian's wine64 keeps its loader here, not on the PATH.
WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver

# Wine ready to run Windows builds: the runner Cargo and assert_cmd use, a prefix of our own
# and one Wine server, started here. The caller stops it when done (`"$WINESERVER" -k`), so
# that no process outlives the run.
cross_wine() {
  # Everything Wine needs lives under target/, so `cargo clean` removes it too.
  local target_dir wine_dir shim
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
  if [[ ! -f $WINEPREFIX/system.reg ]]; then
    echo "» creating the Wine prefix $WINEPREFIX"
    "$WINE" wineboot --init >/dev/null 2>&1 || true
    "$WINESERVER" -w
  fi
  "$WINESERVER" -p
}

# The oldest glibc the Linux release binaries may need: 统信 UOS 20 and 麒麟 V10, on the office
# desktops, have glibc 2.28, and a binary linked on this machine (Debian 12, glibc 2.36) asks
# for 2.34 and will not start there. Zig's linker, through cargo-zigbuild, links against the
# symbols of any glibc version; the tests keep Debian's cross gcc (.ci/arm64.sh).
RELEASE_GLIBC=2.28

# cargo-zigbuild and Zig, pinned, in a virtual environment under target/ (pip from PyPI).
cross_zig() {
  local venv
  venv=$(cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/zig-tools
  if [[ ! -x $venv/bin/cargo-zigbuild ]]; then
    cross_apt python3-venv
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q ziglang==0.17.1 cargo-zigbuild==0.24.1
  fi
  export PATH="$venv/bin:$PATH"
}

# Installs the Debian packages named, those missing only (apt-get update only then, too).
cross_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "» installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Others may be installing on the same machine: wait for dpkg's lock instead of failing.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

cross_rustup_target() {
  rustup target list --installed | grep -qx "$1" || rustup target add "$1"
}

cross_setup() {
  case "$1" in
    aarch64-unknown-linux-gnu)
      cross_apt gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
      cross_rustup_target "$1"
      cross_env_aarch64
      ;;
    x86_64-pc-windows-gnu)
      cross_apt gcc-mingw-w64-x86-64 wine wine64
      cross_rustup_target "$1"
      cross_env_windows
      cross_wine
      ;;
    "$(rustc -vV | sed -n 's/^host: //p')") ;;
    *)
      echo "cross_setup: no set-up for target $1" >&2
      return 2
      ;;
  esac
}
