#!/usr/bin/env python3
"""pingyi.exe in a console, as a Windows user meets it: run by .ci/windows.sh after the tests.

The Rust tests run inside Wine without a console (Wine gives a program started from a pipe
none, and cannot send a console control event to another process), so what needs a console is
checked here: Wine, started on a terminal, gives the program a real console on that terminal
(its "unix" console), which takes Ctrl-C typed on the terminal as a console control event and
turns what the program writes from the console's code page into the terminal's UTF-8.

- The console is on code page 437 (shown by `chcp`, as cmd.exe does), not Chinese; pingyi's
  Chinese messages reach the terminal readable (the standard library writes to a console in
  UTF-16), and `chcp` after pingyi shows 437 still: pingyi leaves the user's console as it was.
- `pingyi.exe serve` stops on Ctrl-C typed in the console, with status 0 and "已停止".

    .ci/wine/console.py PINGYI_EXE SITE_DIR   (the Wine variables of .ci/windows.sh set)
"""

import os
import pty
import select
import shutil
import sys
import tempfile
import time

WINE = "/usr/lib/wine/wine64"


def windows_path(path):
    return "Z:" + os.path.abspath(path).replace("/", "\\")


class Console:
    """A Wine program on a terminal of its own; what it writes is kept in `out`."""

    def __init__(self, args):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execv(WINE, [WINE] + args)
        self.out = b""
        self.status = None

    def text(self):
        return self.out.decode("utf-8", "replace")

    def read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # the terminal closed: the program ended
            data = b""
        self.out += data
        return bool(data)

    def wait_for(self, needle, seconds, what):
        end = time.time() + seconds
        while needle not in self.text():
            if time.time() > end or not self.read(0.2):
                fail(f"{what}: {needle!r} not shown within {seconds} s", self)

    def type(self, data):
        os.write(self.fd, data)

    def finish(self, seconds, what):
        end = time.time() + seconds
        while time.time() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                while self.read(0.1):
                    pass
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
            self.read(0.2)
        os.kill(self.pid, 9)
        fail(f"{what}: still running after {seconds} s", self)


def fail(message, console=None):
    print(f"✘ console: {message}", file=sys.stderr)
    if console is not None:
        print("--- what the console showed ---", file=sys.stderr)
        print(console.text(), file=sys.stderr)
    sys.exit(1)


def main():
    exe, site = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="pingyi-console-")
    try:
        # The site's sources only: SITE_DIR may be the repository, with its build folders.
        copy = os.path.join(work, "网站")
        for part in ("content", "themes"):
            shutil.copytree(os.path.join(site, part), os.path.join(copy, part))
        shutil.copy(os.path.join(site, "site.yaml"), copy)
        root = windows_path(os.path.join(work, "网站"))
        exe = windows_path(exe)

        # Chinese readable on a code page 437 console, which pingyi leaves on 437.
        c = Console(["cmd", "/c", f"chcp & {exe} build --root {root} --today 2026-11-27 & chcp"])
        if c.finish(120, "build in cmd.exe") != 0:
            fail(f"cmd.exe ended with {c.status}", c)
        text = c.text()
        pages = [line for line in text.splitlines() if "code page" in line]
        if len(pages) != 2 or not all(p.strip().endswith("437") for p in pages):
            fail(f"expected code page 437 before and after pingyi, saw {pages}", c)
        if "已生成" not in text or "篇文档" not in text:
            fail("pingyi's Chinese summary is not readable", c)
        print("✔ console: Chinese readable on a code page 437 console, left on 437")

        # Ctrl-C typed in the console stops the preview cleanly.
        c = Console([exe, "serve", "--root", root, "--port", "0", "--today", "2026-11-27"])
        c.wait_for("http://127.0.0.1:", 120, "serve")
        c.wait_for("首次生成", 120, "serve's first build")
        c.type(b"\x03")
        status = c.finish(30, "serve after Ctrl-C")
        if status != 0 or "已停止" not in c.text():
            fail(f"serve ended with {status} after Ctrl-C", c)
        print("✔ console: Ctrl-C stops `pingyi.exe serve`, status 0")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
