"""Flake hunting: run the whole test suite N times with every core busy.

Run with ``tox -e stress`` (``-- --runs 5`` or ``-- --no-hog``).  Each run
is what ``tox`` runs: the examples, then the pipeline's tests.  Prints the
failures per test, which for the examples means per example and start
method, keeps each failed run's output in ``.tox/stress-failures/``, and
exits 1 if any run failed.  An example that ever fails here gets
its code or expectation fixed, never loosened until it checks nothing.

On SIGTERM or SIGHUP it passes the signal to the pytest or sphinx-build
it is running (which kills its examples first), waits for it, stops the
hogs and dies of the signal.  Once this tool is gone, however it ended (even
by SIGKILL), a hog ends by itself, and on Linux the pytest or sphinx-build
gets SIGTERM, so it kills its examples and dies too.

``--builds`` instead builds a throwaway site N times: a fixture whose
guarantee rests on a 1 s margin (``fixture_margin``) beside 15 busy spawn
examples; ``--margin-tests`` runs pytest N times on the same examples.  Both
report failures per run, and every mode reports how many failures that
overlapped other runs were re-run alone, and how many of those then passed
(read from each build's ``example-runs.json`` and each pytest run's
``--example-report``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "examples"
SUMMARY = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.M)
TOTALS = re.compile(r"^=* ?(.*(?:passed|failed|error).*?) in [\d.]+s", re.M)
BUILD_FAILURE = re.compile(r"example (\S+) failed under the '(\w+)' start method")
NEIGHBOURS = 15
#: Where the output of each failed run is kept.
FAILED_DIR = ROOT / ".tox" / "stress-failures"
#: One per core: busy until its parent (this tool, argv[1]) is gone.
HOG = """\
import os, sys
parent = int(sys.argv[1])
while os.getppid() == parent:
    for _ in range(100_000):
        pass
"""
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
#: The pytest or sphinx-build running now, for a stop signal to reach.
_child: subprocess.Popen[str] | None = None
#: The stop signal this tool got, if any: whatever happens next, it dies of it.
_stopped_by: int | None = None


class Stopped(Exception):
    """This tool got a stop signal (its number)."""


def _stop(number: int, frame: object) -> None:
    global _stopped_by
    _stopped_by = number
    if _child is not None and _child.poll() is None:
        _child.send_signal(number)  # it kills its examples, then dies
    raise Stopped(number)


def main() -> int:
    for number in STOP_SIGNALS:
        signal.signal(number, _stop)
    code = 1
    try:
        code = stress()
    except BaseException:
        # Stopped, or what replaced it on the way out: an error in a clean-up
        # it interrupted (a temporary folder its child was still writing to).
        if _stopped_by is None:
            raise
    finally:  # a signal from now on kills at once
        for number in STOP_SIGNALS:
            signal.signal(number, signal.SIG_DFL)
    if _stopped_by is not None:  # the child was waited for, the hogs stopped
        os.kill(os.getpid(), _stopped_by)  # die of it: the exit status stays honest
        time.sleep(1)
        os._exit(128 + _stopped_by)
    return code


def stress() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-hog", dest="hog", action="store_false", help="leave the cores idle")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--builds", action="store_true", help="build the margin site instead of the suite"
    )
    mode.add_argument(
        "--margin-tests", action="store_true", help="run pytest on the margin site's examples"
    )
    args = parser.parse_args()

    hogs = start_hogs() if args.hog else []
    failures: Counter[str] = Counter()
    failed_runs = rerun = passed_alone = 0
    try:
        with tempfile.TemporaryDirectory(prefix="mp-stress-") as tmp:
            for number in range(1, args.runs + 1):
                started = time.monotonic()
                if args.builds or args.margin_tests:
                    site = margin_site(Path(tmp) / f"site-{number}")
                    run = build if args.builds else margin_tests
                    results = [run(site, number, failures)]
                else:
                    cache = Path(tmp) / f"cache-{number}"
                    os.environ["MPEXAMPLES_SITE_CACHE"] = str(cache)  # as tox.ini sets it
                    results = [
                        suite_part(command, number, failures, Path(tmp) / f"report-{number}.json")
                        for command in suite(cache)
                    ]
                failed_runs += any(failed for _, failed, _ in results)
                for _, _, counts in results:
                    rerun, passed_alone = rerun + counts[0], passed_alone + counts[1]
                print(f"run {number:2d}: {'; '.join(text for text, _, _ in results)} "
                      f"({time.monotonic() - started:.0f} s)", flush=True)  # fmt: skip
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()

    hogged = f"a CPU hog on each of {len(hogs)} cores" if hogs else "idle cores"
    what = (
        "builds of the margin site" if args.builds
        else "pytest runs on the margin site's examples" if args.margin_tests
        else "runs of the whole suite"
    )  # fmt: skip
    print(f"\n{args.runs} {what} with {hogged}: {failed_runs} failed; "
          f"{rerun} failure(s) re-run alone, {passed_alone} of them passed alone")  # fmt: skip
    for test, count in sorted(failures.items()):
        print(f"  {count:3d} x {test}")
    return 1 if failed_runs else 0


def suite(cache: Path) -> tuple[list[str], list[str]]:
    """The two pytest commands of tox.ini: the examples (keeping their passing
    runs in ``cache``), then the pipeline's tests."""
    return ["--example-cache", str(cache), "examples"], ["-n", "6", "tests"]


def suite_part(
    command: list[str], number: int, failures: Counter[str], report: Path, plugin: bool = False
):
    """One pytest command: (totals, failed, (re-run alone, passed alone))."""
    report.unlink(missing_ok=True)
    options = ["-q", "-rfE", "--example-report", str(report)]
    result = python("-m", "pytest", *options, *command, plugin=plugin)
    keep_if_failed(result, number)
    totals = TOTALS.search(result.stdout)
    text = totals[1] if totals else f"pytest exited {result.returncode}"
    failures.update(SUMMARY.findall(result.stdout))
    if result.returncode and not SUMMARY.search(result.stdout):  # a collection or internal error
        failures[f"(run {number}: {' '.join(command)}: {text})"] += 1
    return text, bool(result.returncode), reruns(report)


def keep_if_failed(result: subprocess.CompletedProcess[str], number: int) -> None:
    """Save a failed run's whole output for reading: a flake seldom comes twice."""
    if result.returncode:
        FAILED_DIR.mkdir(parents=True, exist_ok=True)
        path = FAILED_DIR / f"run-{number:02d}-{os.getpid()}-{time.monotonic_ns()}.txt"
        path.write_text(f"$ {' '.join(result.args)}\n{result.stdout}\n{result.stderr}")
        print(f"  (output kept in {path.relative_to(ROOT)})", flush=True)


def margin_site(root: Path) -> Path:
    """A throwaway site: fixture_margin and 15 busy neighbours, built under spawn."""
    (root / "docs").mkdir(parents=True)
    (root / "examples").mkdir()
    # The margin example last, as in the pages' order: it starts once the rest keep the cores busy.
    names = [f"fixture_busy_{n:02d}" for n in range(1, NEIGHBOURS + 1)] + ["fixture_margin"]
    for name in names:
        for suffix in (".py", ".expect"):
            source = FIXTURES / (name.rpartition("_")[0] if "busy" in name else name)
            shutil.copy(source.with_suffix(suffix), root / "examples" / (name + suffix))
    (root / "docs" / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'docs' / '_ext')!r})\n"
        'extensions = ["mpexamples", "myst_parser"]\nexample_start_method = "spawn"\n'
    )
    page = "".join(f"```{{example}} {name}.py\n```\n\n" for name in names)
    (root / "docs" / "index.md").write_text("# Margin\n\n" + page)
    return root


def build(site: Path, number: int, failures: Counter[str]):
    """One default build of ``site``: (what it said, failed, (re-run alone, passed alone))."""
    command = [
        "-m",
        "sphinx",
        "-b",
        "html",
        "-d",
        "docs/_build/doctrees",
        "docs",
        "docs/_build/html",
    ]
    result = python(*command, cwd=site, plugin=True)
    keep_if_failed(result, number)
    failed = [f"{name}::{method}" for name, method in BUILD_FAILURE.findall(result.stderr)]
    failures.update(failed)
    if result.returncode and not failed:
        failures[f"(run {number}: build exited {result.returncode})"] += 1
    counts = reruns(site / "docs/_build/doctrees/example-runs.json")
    text = f"{'failed' if result.returncode else 'passed'} ({len(failed)} example(s) failed)"
    return text, bool(result.returncode), counts


def margin_tests(site: Path, number: int, failures: Counter[str]):
    """Pytest on the site's examples, every start method at once."""
    examples = str(site / "examples")
    return suite_part(
        ["-p", "mpexamples.pytest_plugin", "-c", str(ROOT / "pyproject.toml"), "--example-dir", examples,
         "-p", "no:xdist", examples],
        number,
        failures,
        site / "report.json",
        plugin=True,
    )  # fmt: skip


def python(*args: str, cwd: Path = ROOT, plugin: bool = False) -> subprocess.CompletedProcess[str]:
    """Run Python; with ``plugin``, a run outside the checkout finds mpexamples."""
    env = dict(os.environ)
    if plugin:
        env["PYTHONPATH"] = str(ROOT / "docs" / "_ext")
    global _child
    command = [sys.executable, *args]
    pipe = subprocess.PIPE
    with subprocess.Popen(
        command, cwd=cwd, env=env, stdout=pipe, stderr=pipe, text=True, preexec_fn=_end_with_me()
    ) as _child:
        stdout, stderr = _child.communicate()  # on a stop signal: waited for on the way out
    return subprocess.CompletedProcess(command, _child.returncode, stdout, stderr)


def reruns(report: Path) -> tuple[int, int]:
    """(failures re-run alone, of them passed), from a build's or pytest's report of runs.

    No report (the run crashed before writing it): none counted; the run's
    failure is reported anyway.
    """
    try:
        counts = json.loads(report.read_text())["counts"]
    except (OSError, ValueError, KeyError):
        return 0, 0
    return counts["rerun_alone"], counts["passed_alone"]


def _end_with_me() -> Callable[[], None] | None:
    """For a child: SIGTERM once this tool is gone, even by SIGKILL (Linux).

    The child (pytest or sphinx-build) then kills its examples and dies.
    """
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    parent, prctl = os.getpid(), ctypes.CDLL(None, use_errno=True).prctl
    pr_set_pdeathsig = 1

    def ask() -> None:
        prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() != parent:  # the tool died before the request
            os._exit(1)

    return ask


def start_hogs() -> list[subprocess.Popen]:
    """One busy loop per core."""
    return [
        subprocess.Popen([sys.executable, "-c", HOG, str(os.getpid())])
        for _ in range(os.cpu_count() or 1)
    ]


if __name__ == "__main__":
    sys.exit(main())
