"""Flake hunting: run the whole test suite N times with every core busy.

Run with ``tox -e stress`` (``-- --runs 5`` or ``-- --no-hog``).  Each run
is what ``tox`` runs: the examples, then the pipeline's tests.  Prints the failures per test, which for
the examples means per example and start method, and exits 1 if any run
failed.  An example that ever fails here gets its code or expectation
fixed, never loosened until it checks nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.M)
SUITE = (["examples"], ["-n", "6", "tests"])  # as in tox.ini
TOTALS = re.compile(r"^=* ?(.*(?:passed|failed|error).*?) in [\d.]+s", re.M)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-hog", dest="hog", action="store_false", help="leave the cores idle")
    args = parser.parse_args()

    hogs = start_hogs() if args.hog else []
    failures: Counter[str] = Counter()
    failed_runs = 0
    try:
        for number in range(1, args.runs + 1):
            started = time.monotonic()
            outputs, failed = [], False
            for command in SUITE:
                result = subprocess.run(
                    [sys.executable, "-m", "pytest", "-q", "-rfE", *command],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
                totals = TOTALS.search(result.stdout)
                outputs.append(totals[1] if totals else f"pytest exited {result.returncode}")
                failures.update(SUMMARY.findall(result.stdout))
                if result.returncode:
                    failed = True
                    if not SUMMARY.search(result.stdout):  # a collection or internal error
                        failures[f"(run {number}: {' '.join(command)}: {outputs[-1]})"] += 1
            failed_runs += failed
            print(f"run {number:2d}: {'; '.join(outputs)} "
                  f"({time.monotonic() - started:.0f} s)", flush=True)  # fmt: skip
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()

    hogged = f"a CPU hog on each of {len(hogs)} cores" if hogs else "idle cores"
    print(f"\n{args.runs} runs of the whole suite with {hogged}: {failed_runs} failed")
    for test, count in sorted(failures.items()):
        print(f"  {count:3d} x {test}")
    return 1 if failed_runs else 0


def start_hogs() -> list[subprocess.Popen]:
    """One busy loop per core."""
    return [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(os.cpu_count() or 1)
    ]


if __name__ == "__main__":
    sys.exit(main())
