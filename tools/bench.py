"""Benchmark: build and test the same site several ways, print ratios.

Run with ``tox -e bench``.  Every figure comes from this one run on this
machine, so the ratios compare like with like even when the machine is
busy; seconds are printed only to explain them.  Each timing is the median
of ``--repeat`` runs.  Builds work on copies of the site in a temporary
folder, so the work tree is never touched.

The exit status is 1 if a correctness check fails (a rebuild ran the wrong
number of examples, an edit did not show, a build or test failed).  Missed
speed targets are reported, not failed: timings are not tests.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from mpexamples import expect, runner  # noqa: E402
from mpexamples.example import Example, find_examples  # noqa: E402
from mpexamples.layout import has_expectation  # noqa: E402

BUILD_METHOD = "spawn"  # as set in docs/conf.py
EDITED = "examples/process/process_basic.py"  # it joins its child, so a line added last stays last
BLOCK = re.compile(
    r"^(?P<fence>```+)\{example\}[ \t]+(?P<path>\S+)\n(?P<options>(?::.*\n)*)(?P=fence)[ \t]*$",
    re.M,
)
RUNS = re.compile(r"mpexamples: (\d+) example run\(s\), (\d+) from the cache")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--checker-only", action="store_true", help="only the checker's row")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mp-bench-") as tmp:
        bench = Bench(Path(tmp), args.repeat)
        return bench.run_checker() if args.checker_only else bench.run()


class Bench:
    def __init__(self, tmp: Path, repeat: int) -> None:
        self.tmp, self.repeat = tmp, repeat
        self.rows: list[tuple[str, str, str, bool]] = []
        self.broken: list[str] = []

    def run(self) -> int:
        durations = self.serial_runs()
        longest = max(d for (_, method), d in durations.items() if method == BUILD_METHOD)
        serial = sum(durations.values())
        print(f"{len(durations)} example runs, one after another: {serial:.2f} s in all; "
              f"the longest under {BUILD_METHOD}: {longest:.2f} s (medians)")  # fmt: skip

        noexec = self.median(lambda: self.build(self.copy("noexec"), "noexec"))
        clean = self.median(lambda: self.build(self.copy("clean")))
        self.ratio("clean build / (no-execution build + longest example)",
                   clean, noexec + longest, 1.25)  # fmt: skip

        site, plain = self.copy("rebuild"), self.copy("noexec-rebuild")
        self.build(site)
        self.build(plain, "noexec")
        rebuild = self.median(lambda: self.build(site, runs=0))
        plain_rebuild = self.median(lambda: self.build(plain, "noexec"))
        self.ratio("no-change rebuild (runs 0) / no-execution rebuild",
                   rebuild, plain_rebuild, 1.2)  # fmt: skip
        self.edit_one(site)

        suite = self.median(self.test_suite)
        self.ratio("example test suite wall time / serial sum of runs", suite, serial, 0.3)

        other = self.median(lambda: self.build(self.copy("programoutput"), "programoutput"))
        self.ratio("clean build / sphinxcontrib-programoutput clean build", clean, other, 0.5)
        return self.run_checker()

    def run_checker(self) -> int:
        self.huge_output()
        self.report()
        return 1 if self.broken else 0

    # -- measurements ---------------------------------------------------------

    def serial_runs(self) -> dict[tuple[str, str], float]:
        """Each example under each start method, alone: the median of its runs."""
        durations = {}
        for path in filter(has_expectation, find_examples(ROOT / "examples")):  # not helpers
            example = Example.at(path, ROOT)
            expectation = example.expectation()
            for method in example.start_methods(expectation):
                durations[example.name, method] = self.median(
                    lambda example=example, method=method: self.one_run(example, method)
                )
        return durations

    def one_run(self, example: Example, method: str) -> float:
        verdict = example.verify(method)
        if verdict.problem:
            self.broken.append(f"{example.name}::{method} failed:\n{verdict.problem}")
        return verdict.result.duration

    def median(self, measure) -> float:
        return statistics.median(measure() for _ in range(self.repeat))

    def build(self, site: Path, stand_in: str | None = None, runs: int | None = None) -> float:
        """Time one sphinx-build; ``stand_in`` replaces mpexamples."""
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "docs", "docs/_build/html"]
        command += ["-d", "docs/_build/doctrees"]
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
        if stand_in:
            module = {"noexec": "noexec", "programoutput": "sphinxcontrib.programoutput"}
            command += ["-D", f"extensions=myst_parser,sphinx_copybutton,{module[stand_in]}"]
        if stand_in == "programoutput":  # the same start method as ours, set the same way
            env["PYTHONPATH"] += os.pathsep + str(runner.SITE_DIR)
            env[runner.START_METHOD_VARIABLE] = BUILD_METHOD
        started = time.perf_counter()
        result = subprocess.run(command, cwd=site, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if result.returncode:
            self.broken.append(f"build in {site} failed:\n{result.stderr}")
        if runs is not None:
            counted = RUNS.search(result.stdout)
            if not counted or int(counted[1]) != runs:
                self.broken.append(
                    f"expected {runs} example runs, log says: {counted and counted[0]}"
                )
        return elapsed

    def edit_one(self, site: Path) -> None:
        example = site / EDITED
        with example.open("a") as f:
            f.write('\nif __name__ == "__main__":\n    print("bench: edited")\n')
        with example.with_suffix(".expect").open("a") as f:
            f.write("bench: edited\n")
        before = len(self.broken)
        self.build(site, runs=1)
        pages = (site / "docs/_build/html").glob("*.html")
        if not any("bench: edited" in page.read_text() for page in pages):
            self.broken.append("the edited example's new output is not on its page")
        ok = len(self.broken) == before
        self.rows.append(("edit-one rebuild: runs 1, page shows the edit", str(ok), "True", ok))

    def test_suite(self) -> float:
        command = [sys.executable, "-m", "pytest", "-q", "examples"]  # as tox runs it
        started = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if result.returncode:
            self.broken.append(f"test suite failed:\n{result.stdout[-3000:]}")
        return elapsed

    def huge_output(self, lines: int = 100_000, target: float = 5.0) -> None:
        """Check and report an output of ``lines`` lines with one changed line."""
        body = [f"step {i} by {{pid}}" if i % 2 else f"step {i} done" for i in range(lines)]
        output = [f"step {i} by 4242" if i % 2 else f"step {i} done" for i in range(lines)]
        output[lines // 2] += "!"
        expectation = expect.parse("---\n" + "\n".join(body) + "\n", Path("huge.expect"))
        run = SimpleNamespace(
            output="\n".join(output), returncode=0, timed_out=False, timeout=1, start_method="fork"
        )
        reports = []

        def measure() -> float:
            started = time.perf_counter()
            reports.append(expect.check(expectation, run))
            return time.perf_counter() - started

        seconds = self.median(measure)
        wanted = f"- output line {lines // 2 + 1} is 'step {lines // 2} done!'"
        if not all(report and report.startswith(wanted) for report in reports):
            self.broken.append(f"the report on {lines} lines does not start with {wanted!r}")
        self.rows.append((
            f"check and report a {lines:,}-line output with one changed line",
            f"{seconds:.2f} s", f"< {target:g} s", seconds < target,
        ))  # fmt: skip

    # -- sites and report -----------------------------------------------------

    def copy(self, name: str) -> Path:
        site = self.tmp / f"{name}-{time.monotonic_ns()}"
        ignore = shutil.ignore_patterns("_build", "__pycache__")
        shutil.copytree(ROOT / "docs", site / "docs", ignore=ignore)
        shutil.copytree(ROOT / "examples", site / "examples", ignore=ignore)
        shutil.copy(ROOT / "README.md", site)
        if name == "programoutput":
            for page in (site / "docs").glob("*.md"):
                page.write_text(BLOCK.sub(programoutput_directive, page.read_text()))
        return site

    def ratio(self, what: str, value: float, base: float, target: float) -> None:
        ratio = value / base
        shown = f"{ratio:.2f} ({value:.2f} s / {base:.2f} s)"
        self.rows.append((what, shown, f"<= {target}", ratio <= target))

    def report(self) -> None:
        width = max(len(row[0]) for row in self.rows)
        print(f"\n{'measure':<{width}}  {'ratio':<26} {'target':<8} met")
        for what, value, target, met in self.rows:
            print(f"{what:<{width}}  {value:<26} {target:<8} {'yes' if met else 'NO'}")
        print(f"(medians of {self.repeat} runs; Python {sys.version.split()[0]}, "
              f"{os.cpu_count()} cores)")  # fmt: skip
        for problem in self.broken:
            print(f"\nBROKEN: {problem}")


def programoutput_directive(match: re.Match) -> str:
    """The same example, shown, then run serially by sphinxcontrib-programoutput."""
    path, options = match["path"], match["options"]
    shown = f"```{{literalinclude}} /../examples/{path}\n{options}```\n\n"
    if not has_expectation(ROOT / "examples" / path):  # a helper: shown, never run
        return shown
    code = Example.at(ROOT / "examples" / path, ROOT).expectation().exit_code
    return shown + (
        f"```{{program-output}} {sys.executable} examples/{path}\n"
        f":cwd: /..\n:returncode: {code}\n```"
    )


if __name__ == "__main__":
    sys.exit(main())
