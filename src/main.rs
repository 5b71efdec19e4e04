//! The `pingyi` binary: parses arguments, runs the command (`cmd/`, one file each), sets the
//! exit code (0 success, 1 content errors, 2 usage or I/O failure).

use std::process::ExitCode;

use clap::Parser;

mod cmd;

use cmd::Cli;
use cmd::report::{colour, marks};

fn main() -> ExitCode {
    // Before anything is printed, clap's help and errors included; restored when it drops.
    let console = pingyi::console::prepare();
    // Not `Cli::parse`, which exits from within and would leave the console changed.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let m = marks(colour(&console));
    let level = cli.level();
    cmd::run(cli.command, level, &m)
}

// jemalloc: a tenth less CPU than the system allocator on a build's many small values, for
// 10% more peak memory (mimalloc: the same speed, 40% more memory). Not on Windows, where it
// does not build (MSVC, nor mingw's `x86_64-pc-windows-gnu`).
#[cfg(not(windows))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read once as it starts. Freed pages are kept for reuse instead of
/// handed back to the system after a while: a 50,000-document build otherwise gave back a
/// fifth of its memory midway and faulted it in again (a tenth of the build), for 5 MB more
/// at 10,000 documents. `watch` keeps its high-water mark, which it holds anyway.
#[cfg(not(windows))]
#[unsafe(export_name = "_rjem_malloc_conf")]
static ALLOCATOR_OPTIONS: AllocatorOptions = AllocatorOptions(c"dirty_decay_ms:-1".as_ptr());

/// jemalloc reads `malloc_conf` as a C string pointer.
#[cfg(not(windows))]
#[repr(transparent)]
struct AllocatorOptions(*const std::ffi::c_char);

// SAFETY: the pointer is to a string literal, never written.
#[cfg(not(windows))]
unsafe impl Sync for AllocatorOptions {}
