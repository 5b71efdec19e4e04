#!/usr/bin/env python3
"""Watch-mode latency on a generated site: from the write of one document to the rebuilt
site on disk, with every dependent page correct.

    cargo build --release
    python3 bench/watch_latency.py --pages 10000 --edits 30

1. Generates a corpus of N documents (bench/gen_corpus.py, format "ours") with the default
   theme, and starts `pingyi watch` on it.
2. Edits one document at a time (speeches, notices and rectifications in turn, the body and
   sometimes the title), and measures from just before the write until (a) the document's
   page shows the edit and (b) pingyi reports the rebuild done, i.e. every dependent page is
   written.
3. Stops watch and compares the output, file by file, with a clean `pingyi build` of the same
   files: any difference is reported and fails the run.

Standard library only.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
# After every date the generated corpus holds: items it marks done carry `completed` dates up to
# their deadlines, late in 2027, and a completion after "today" is an error.
TODAY = "2027-12-31"


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def compare_trees(a, b):
    diffs = []
    for root, _dirs, files in os.walk(a):
        for f in files:
            pa = os.path.join(root, f)
            rel = os.path.relpath(pa, a)
            pb = os.path.join(b, rel)
            if not os.path.exists(pb):
                diffs.append(f"only in watched output: {rel}")
            elif not filecmp.cmp(pa, pb, shallow=False):
                diffs.append(f"differs: {rel}")
    for root, _dirs, files in os.walk(b):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), b)
            if not os.path.exists(os.path.join(a, rel)):
                diffs.append(f"only in clean build: {rel}")
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--binary", default=os.path.join(REPO, "target", "release", "pingyi"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary site")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="pingyi-bench-")
    site = os.path.join(work, "site")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), "--pages", str(args.pages),
                    "--format", "ours", "--out", site, "--seed", "1"], check=True)
    shutil.copytree(os.path.join(REPO, "themes", "default"), os.path.join(site, "themes", "default"))

    docs = []
    for root, _dirs, files in os.walk(os.path.join(site, "content")):
        for f in files:
            if f.endswith(".md") and f != "review.md":
                docs.append(os.path.join(root, f))
    docs.sort()
    rng = random.Random(7)
    by_kind = {k: [d for d in docs if f"/{k}/" in d] for k in ("speeches", "notices", "rectifications")}

    proc = subprocess.Popen([args.binary, "watch", "--root", site, "--today", TODAY],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    done = threading.Condition()

    def reader():
        for line in proc.stderr:
            with done:
                lines.append(line.rstrip("\n"))
                done.notify_all()

    threading.Thread(target=reader, daemon=True).start()

    def wait_for(pred, timeout=300):
        end = time.time() + timeout
        with done:
            while not pred():
                left = end - time.time()
                if left <= 0:
                    raise SystemExit("timed out; log:\n" + "\n".join(lines[-20:]))
                done.wait(left)

    t0 = time.time()
    wait_for(lambda: any("首次生成" in l for l in lines))
    print(f"first build: {time.time() - t0:.2f} s (watch start to site on disk)")

    page_ms, done_ms, reported = [], [], []
    kinds = ["speeches", "notices", "rectifications"]
    for n in range(args.edits):
        kind = kinds[n % 3]
        path = rng.choice(by_kind[kind])
        rel = os.path.relpath(path, os.path.join(site, "content"))
        year, plural, name = rel.split(os.sep)
        page = os.path.join(site, "public", year, plural, name[:-3], "index.html")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        marker = f"基准改动{n}号"
        head, sep, body = text.partition("\n---\n")
        if n % 2:
            # A title edit also changes lists, archives, related links and the feed.
            head = head.replace("\ntitle: ", f"\ntitle: {marker}", 1)
            new = head + sep + body
        else:
            new = head + sep + f"{marker}\n\n" + body
        seen = len(lines)
        start = time.perf_counter()
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
        while True:
            try:
                with open(page, encoding="utf-8") as f:
                    if marker in f.read():
                        break
            except FileNotFoundError:
                pass
            if time.perf_counter() - start > 60:
                raise SystemExit(f"edit {n} of {rel} not on its page after 60 s; log:\n"
                                 + "\n".join(lines[-20:]))
            time.sleep(0.0005)
        page_ms.append((time.perf_counter() - start) * 1000)
        wait_for(lambda: any(rel in l for l in lines[seen:]))
        done_ms.append((time.perf_counter() - start) * 1000)
        line = next(l for l in lines[seen:] if rel in l)
        reported.append(line)
        time.sleep(0.2)

    proc.send_signal(2)
    proc.wait(timeout=60)
    clean = os.path.join(work, "clean")
    subprocess.run([args.binary, "build", "--root", site, "--today", TODAY, "--output", clean],
                   check=True, stderr=subprocess.DEVNULL)
    diffs = compare_trees(os.path.join(site, "public"), clean)

    print(f"{args.edits} edits on {args.pages} documents")
    print(f"  edit → page updated:      median {statistics.median(page_ms):.0f} ms, p90 {pct(page_ms, 90):.0f} ms, max {max(page_ms):.0f} ms")
    print(f"  edit → rebuild complete:  median {statistics.median(done_ms):.0f} ms, p90 {pct(done_ms, 90):.0f} ms, max {max(done_ms):.0f} ms")
    for k in range(3):
        for parity, what in ((0, "body"), (1, "title")):
            sub = [v for i, v in enumerate(done_ms) if i % 3 == k and i % 2 == parity]
            if sub:
                print(f"    {kinds[k]:<15} {what:<6} complete: median {statistics.median(sub):.0f} ms ({len(sub)} edits)")
    print("  last rebuild lines:")
    for l in reported[-3:]:
        print("    " + l)
    if diffs:
        print(f"OUTPUT DIFFERS from a clean build ({len(diffs)} files):")
        for d in diffs[:20]:
            print("  " + d)
        return 1
    print("output identical to a clean build")
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
