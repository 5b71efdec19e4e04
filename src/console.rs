//! The terminal pingyi's messages go to, made ready before anything is said: on Windows the
//! console's escape sequences for colour are switched on where it has them, and put back as they
//! were when pingyi ends. Elsewhere there is nothing to do. This only sets the console up:
//! printing stays in `main.rs`.
//!
//! The console's code page is left alone: Rust's standard library writes to a Windows console
//! in UTF-16 (WriteConsoleW), so Chinese shows on any code page, the local GBK (936) included,
//! and the user's console is not changed behind their back. `.ci/wine/console.py` checks both
//! on a code page 437 console.

/// The console as pingyi left it; dropping it restores what was changed.
#[derive(Debug)]
pub struct Console {
    /// Whether the console shows colour escape sequences (ANSI/VT) as colours.
    colours: bool,
    #[cfg(windows)]
    _restore: windows::Restore,
}

impl Console {
    /// Whether colour escape sequences may be written to standard error: false on a Windows
    /// console that shows them as text (older than Windows 10).
    pub fn has_colours(&self) -> bool {
        self.colours
    }
}

/// Prepares the console: on Windows, colours are switched on or reported missing.
pub fn prepare() -> Console {
    #[cfg(windows)]
    {
        let (restore, colours) = windows::prepare();
        Console {
            colours,
            _restore: restore,
        }
    }
    #[cfg(not(windows))]
    {
        Console { colours: true }
    }
}

#[cfg(windows)]
mod windows {
    use windows_sys::Win32::System::Console::{
        CONSOLE_MODE, ENABLE_VIRTUAL_TERMINAL_PROCESSING, GetConsoleMode, GetStdHandle,
        STD_ERROR_HANDLE, SetConsoleMode,
    };

    /// What to put back: the error handle's mode, if it was changed.
    #[derive(Debug)]
    pub struct Restore {
        mode: Option<CONSOLE_MODE>,
    }

    pub fn prepare() -> (Restore, bool) {
        // SAFETY: these calls take no pointers but `mode`, a valid local; on a handle that is
        // not a console (a pipe, a file, none) they fail and change nothing.
        unsafe {
            let err = GetStdHandle(STD_ERROR_HANDLE);
            let mut mode: CONSOLE_MODE = 0;
            let (colours, mode) = if GetConsoleMode(err, &mut mode) == 0 {
                // Not a console: `main` colours only a terminal anyway.
                (true, None)
            } else if mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
                (true, None)
            } else if SetConsoleMode(err, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0 {
                (true, Some(mode))
            } else {
                (false, None)
            };
            (Restore { mode }, colours)
        }
    }

    impl Drop for Restore {
        fn drop(&mut self) {
            // SAFETY: as above; the value is the one read from this console.
            unsafe {
                if let Some(mode) = self.mode {
                    SetConsoleMode(GetStdHandle(STD_ERROR_HANDLE), mode);
                }
            }
        }
    }
}
