//! The terminal pingyi's messages go to, made ready before anything is said: on Windows the
//! console's output code page is set to UTF-8 and its escape sequences for colour are switched
//! on where it has them; both are put back as they were when pingyi ends. Elsewhere there is
//! nothing to do. This only sets the console up: printing stays in `main.rs`.

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

/// Prepares the console. On Windows, Chinese reaches cmd.exe and PowerShell as UTF-8 (their
/// default code page is the local one, GBK: without this, text a program writes as bytes is
/// garbled), and colours are switched on or reported missing.
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
        CONSOLE_MODE, ENABLE_VIRTUAL_TERMINAL_PROCESSING, GetConsoleMode, GetConsoleOutputCP,
        GetStdHandle, STD_ERROR_HANDLE, SetConsoleMode, SetConsoleOutputCP,
    };

    const UTF8: u32 = 65001;

    /// What to put back: the code page and the error handle's mode, if they were changed.
    #[derive(Debug)]
    pub struct Restore {
        code_page: Option<u32>,
        mode: Option<CONSOLE_MODE>,
    }

    pub fn prepare() -> (Restore, bool) {
        // SAFETY: these calls take no pointers but `mode`, a valid local; on a handle that is
        // not a console (a pipe, a file, none) they fail and change nothing.
        unsafe {
            let before = GetConsoleOutputCP();
            let code_page =
                (before != 0 && before != UTF8 && SetConsoleOutputCP(UTF8) != 0).then_some(before);
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
            (Restore { code_page, mode }, colours)
        }
    }

    impl Drop for Restore {
        fn drop(&mut self) {
            // SAFETY: as above; the values are the ones read from this console.
            unsafe {
                if let Some(cp) = self.code_page {
                    SetConsoleOutputCP(cp);
                }
                if let Some(mode) = self.mode {
                    SetConsoleMode(GetStdHandle(STD_ERROR_HANDLE), mode);
                }
            }
        }
    }
}

#[cfg(all(test, windows))]
mod tests {
    use windows_sys::Win32::System::Console::{AllocConsole, GetConsoleOutputCP};

    /// The code page is UTF-8 while pingyi runs and the console's own again after.
    #[test]
    #[ignore = "Wine 8 gives a program started without a terminal no console, not even through \
                AllocConsole; run on Windows with --ignored"]
    fn the_console_speaks_utf8_while_pingyi_runs_and_is_put_back() {
        // SAFETY: no arguments; fails harmlessly where the test has a console already.
        unsafe { AllocConsole() };
        // SAFETY: as above.
        let before = unsafe { GetConsoleOutputCP() };
        assert_ne!(before, 0, "a console to test with");
        let console = super::prepare();
        // SAFETY: as above.
        assert_eq!(unsafe { GetConsoleOutputCP() }, 65001);
        drop(console);
        // SAFETY: as above.
        assert_eq!(unsafe { GetConsoleOutputCP() }, before);
    }
}
