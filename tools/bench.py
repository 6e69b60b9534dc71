"""Benchmark: build and test the same site several ways, print ratios.

Run with ``tox -e bench``.  Every figure comes from this one run on this
machine, so the ratios compare like with like even when the machine is
busy; seconds are printed only to explain them.  Each timing is the median
of ``--repeat`` runs.  The builds a ratio compares are taken in turns
(no-execution, clean, programoutput's; ours and the no-execution rebuild,
at least 5 of each), since the machine's speed drifts over minutes.
Builds work on copies of the site in a temporary
folder, so the work tree is never touched.

The exit status is 1 if a correctness check fails (a rebuild ran the wrong
number of examples, an edit did not show, a build or test failed, a clean
build ran an example twice under the same start method).  Missed speed
targets are reported, not failed: timings are not tests.  What a build ran
is read from its report of runs (``<doctreedir>/example-runs.json``).

The clean build's limit.  Examples mostly sleep, so with few of them the
clean build is bounded by the longest; with many, by CPU: every spawn
worker is a fresh interpreter.  So the limit is::

    floor + max(longest run, CPU seconds of all runs / cores) + runs made alone

``floor`` is the no-execution build (Sphinx alone), ``longest run`` the
longest example run alone (not counting those marked ``run: alone``), and
``runs made alone`` the durations of the build's runs that held the lone
lock (``run: alone``, or a failure re-run alone), which nothing overlaps.
The CPU seconds of all runs are the CPU time of the clean build's whole
process tree minus the no-execution build's.  The CPU time of a tree is the
delta of ``getrusage(RUSAGE_CHILDREN)`` around its ``subprocess.run``: it
counts every descendant that was waited for, since a parent's wait adds the
child's own reaped children; an orphan is reaped by the build (it is the
examples' subreaper), and the bench is a subreaper too, reaping what the
build leaves, so orphans count as well.  The scaling rows build the site
with each example copied 4 and 16 times (renamed, each copy with its
expectation, on copied pages), and report CPU utilisation, CPU seconds /
(wall seconds x cores): where CPU is the bound, the cores should stay busy.
Beside it, the share of the whole machine's CPU time left idle during the
build (``/proc/stat``): low use with the machine idle means the build left
cores unused; with the machine busy, other programs had them.

Runs marked ``run: alone`` overlap nothing, in this engine or any other
runner.  The older targets for the test suite (against the serial sum of
its runs) and for the clean build (against sphinxcontrib-programoutput's)
were set for examples that sleep and wait, so they are measured on the
runs that may overlap: each side without its runs made alone (the suite's
and the build's from their reports of runs; programoutput's, which runs
everything one after another, as the serial runs under the build's start
method).  The ratios with everything in are printed as costs.  Under each
target, a bound no runner can beat on this machine: the CPU seconds of the
runs that may overlap (each measured when it ran alone) spread over every
core, plus the no-execution build for the clean build.

Two rows report costs of the reader's site, with no target: the Chinese
word index (the no-execution build, whose search index cuts Chinese text
with jieba, over the same build with Sphinx's English indexer), and the
English edition (``tools/build_site.py`` building both editions from a
fresh copy, over the clean Chinese build; the English build must run no
example, since it gets every run from the shared cache).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import runpy
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from mpexamples import expect, processes, runner  # noqa: E402
from mpexamples.example import Example, find_examples  # noqa: E402
from mpexamples.layout import has_expectation  # noqa: E402

#: The extensions docs/conf.py loads (its other settings apply to every build).
SITE_EXTENSIONS: list[str] = runpy.run_path(str(ROOT / "docs" / "conf.py"))["extensions"]
BUILD_METHOD = "spawn"  # as set in docs/conf.py
EDITED = "examples/process/process_basic.py"  # it joins its child, so a line added last stays last
BLOCK = re.compile(
    r"^(?P<fence>```+)\{example\}[ \t]+(?P<path>\S+)\n(?P<options>(?::.*\n)*)(?P=fence)[ \t]*$",
    re.M,
)
REPORT = "docs/_build/doctrees/example-runs.json"  # the build's report of runs
SCALES = (1, 4, 16)  # copies of each example in the scaling rows
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Build:
    """One timed build: wall and CPU seconds (whole process tree), and its report."""

    wall: float
    cpu: float
    report: dict | None = None
    idle: float = float("nan")  # share of the machine's CPU time left idle meanwhile

    def span(self) -> float:
        """Seconds from the first run's start to the last run's end."""
        ran = [r for r in (self.report["records"] if self.report else []) if not r["cached"]]
        return max(r["end"] for r in ran) - min(r["start"] for r in ran) if ran else 0.0

    def alone_seconds(self) -> float:
        """Seconds of runs that held the lone lock: nothing overlapped them."""
        records = self.report["records"] if self.report else []
        return sum(r["duration"] for r in records if r["alone"])


def medians(builds: list[Build]) -> Build:
    """The median wall and CPU seconds; the report of the median-wall build."""
    middle = sorted(builds, key=lambda b: b.wall)[len(builds) // 2]
    cpu = statistics.median(b.cpu for b in builds)
    idle = statistics.median(b.idle for b in builds)
    return Build(statistics.median(b.wall for b in builds), cpu, middle.report, idle)


@dataclass(frozen=True)
class Serial:
    """Each (example, start method) run alone, one after another: medians."""

    seconds: dict[tuple[str, str], float]
    cpu: dict[tuple[str, str], float]  # CPU seconds of the run's processes

    def total(self, names: Container[str] | None = None, method: str | None = None) -> float:
        """Seconds of all runs, or of the runs of ``names`` (under ``method``)."""
        return sum(
            seconds
            for (name, how), seconds in self.seconds.items()
            if (names is None or name in names) and method in (None, how)
        )

    def least(self, session: Build) -> float:
        """Seconds no runner can beat on this machine for the runs of
        ``session`` that may overlap: their CPU seconds (each measured when
        it ran alone) spread over every core."""
        ran = session.report["records"] if session.report else []
        together = [(r["example"], r["method"]) for r in ran if not r["alone"] and not r["cached"]]
        return sum(self.cpu[run] for run in together) / CORES

    def describe(self, alone: Container[str], longest: float) -> str:
        cpu = sum(self.cpu.values())
        return (
            f"{len(self.seconds)} example runs, one after another: {self.total():.2f} s "
            f"({self.total(alone):.2f} s of them marked alone), {cpu:.2f} CPU s; "
            f"the longest under {BUILD_METHOD}, not alone: {longest:.2f} s (medians)"
        )


def cpu_ticks() -> tuple[int, int]:
    """(idle, total) CPU ticks of the whole machine so far (Linux; else zeros)."""
    try:
        fields = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return fields[3] + fields[4], sum(fields[:8])  # idle + iowait; without guest time


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
        self.marked_alone: set[str] = set()
        self.longest = 0.0
        self.broken: list[str] = []
        #: Wall seconds of the builds where programoutput runs the examples.
        self.other: list[float] = []

    def run(self) -> int:
        processes.become_subreaper()  # orphans of a build are reaped here, and counted
        serial = self.serial_runs()
        self.longest = max(
            (d for (name, method), d in serial.seconds.items() if method == BUILD_METHOD
             and name not in self.marked_alone),
            default=0.0,
        )  # fmt: skip
        print(serial.describe(self.marked_alone, self.longest))

        scaled = {copies: self.scaled(copies) for copies in SCALES}
        noexec, clean = scaled[1]
        # Issue 7 replaced this formula's target with the limit rows below.
        self.cost("clean build / (no-execution build + longest example), the first formula",
                  clean.wall, noexec.wall + self.longest)  # fmt: skip
        for copies, (noexec_k, clean_k) in scaled.items():
            self.limit_row(copies, noexec_k, clean_k)

        site, plain = self.copy("rebuild"), self.copy("noexec-rebuild")
        self.build(site)
        self.build(plain, "noexec")
        rebuild, plain_rebuild = self.in_turns(
            lambda: self.build(site, runs=0).wall, lambda: self.build(plain, "noexec").wall
        )
        self.ratio("no-change rebuild (runs 0) / no-execution rebuild",
                   rebuild, plain_rebuild, 1.2)  # fmt: skip
        self.edit_one(site)

        # Runs marked alone overlap nothing in any runner: the speed targets
        # are for the runs that may overlap, each side without the alone ones.
        together = serial.total() - serial.total(self.marked_alone)
        suite = medians([self.test_suite() for _ in self.times])
        self.cost("example test suite / serial sum of its runs", suite.wall, serial.total())
        self.ratio("example test suite, runs alone aside / serial sum of the other runs",
                   suite.wall - suite.alone_seconds(), together, 0.3)  # fmt: skip
        self.bound(f"  the least any runner could take on {CORES} cores: their CPU / cores",
                   serial.least(suite), together)  # fmt: skip

        other = statistics.median(self.other)  # taken in turns with the 1x builds
        alone = serial.total(self.marked_alone, BUILD_METHOD)
        self.cost("clean build / sphinxcontrib-programoutput clean build", clean.wall, other)
        self.ratio("clean build, runs alone aside / programoutput's, runs alone aside",
                   clean.wall - clean.alone_seconds(), other - alone, 0.5)  # fmt: skip
        self.bound(f"  the least any runner could take on {CORES} cores: floor + runs' CPU / cores",
                   noexec.wall + serial.least(clean), other - alone)  # fmt: skip
        self.reader_costs(noexec, clean)
        self.scaling_table(scaled)
        return self.run_checker()

    def run_checker(self) -> int:
        self.huge_output()
        self.report()
        return 1 if self.broken else 0

    # -- measurements ---------------------------------------------------------

    def serial_runs(self) -> Serial:
        """Each example under each start method, alone: the medians of its runs."""
        serial = Serial({}, {})
        for path in filter(has_expectation, find_examples(ROOT / "examples")):  # not helpers
            example = Example.at(path, ROOT)
            expectation = example.expectation()
            if expectation.alone:  # run after the others: the limit adds it on its own
                self.marked_alone.add(example.name)
            for method in example.start_methods(expectation):
                run = serial.seconds, serial.cpu
                tries = [self.one_run(example, method) for _ in self.times]
                for kept, values in zip(run, zip(*tries, strict=True), strict=True):
                    kept[example.name, method] = statistics.median(values)
        return serial

    def one_run(self, example: Example, method: str) -> tuple[float, float]:
        """A run's wall seconds, and the CPU seconds of all its processes."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        verdict = example.verify(method)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if verdict.problem:
            self.broken.append(f"{example.name}::{method} failed:\n{verdict.problem}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return verdict.result.duration, cpu

    def median(self, measure) -> float:
        return statistics.median(measure() for _ in range(self.repeat))

    def in_turns(self, measure, base) -> tuple[float, float]:
        """Medians of two sub-second measures taken in turns, at least 5 of each.

        A shared machine speeds up and slows down over minutes: taken one
        block after the other, their ratio would follow that drift.
        """
        pairs = [(measure(), base()) for _ in range(max(5, self.repeat))]
        return statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs)

    def reader_costs(self, noexec: Build, clean: Build) -> None:
        """What the reader's site adds: the Chinese word index, the English edition."""
        english_index = self.median(
            lambda: self.build(self.copy("index"), "noexec", ["-D", "html_search_language=en"]).wall
        )
        self.cost("no-execution build, Chinese words indexed (jieba) / English indexer",
                  noexec.wall, english_index)  # fmt: skip
        both = self.median(self.both_editions)
        self.cost("clean build of both editions (build_site.py) / Chinese edition alone",
                  both, clean.wall)  # fmt: skip

    def both_editions(self) -> float:
        """Time tools/build_site.py on a fresh copy; the English build must run nothing."""
        site = self.copy("editions")
        shutil.copytree(
            ROOT / "tools", site / "tools", ignore=shutil.ignore_patterns("__pycache__")
        )
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "tools/build_site.py", "-q"], cwd=site, capture_output=True, text=True
        )
        elapsed = time.perf_counter() - started
        reap_orphans()
        if result.returncode:
            self.broken.append(f"build_site.py in {site} failed:\n{result.stderr[-3000:]}")
            return elapsed
        english = json.loads((site / "docs/_build/doctrees/en/example-runs.json").read_text())
        if english["counts"]["executed"]:
            self.broken.append(f"the English edition ran examples: {english['counts']}")
        return elapsed

    def build(
        self,
        site: Path,
        stand_in: str | None = None,
        extra: list[str] | None = None,
        runs: int | None = None,
    ) -> Build:
        """Time one sphinx-build, wall and CPU; ``stand_in`` replaces mpexamples."""
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "docs", "docs/_build/html"]
        command += ["-d", "docs/_build/doctrees", *(extra or [])]
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
        if stand_in:
            # The site's own extensions, with the stand-in in mpexamples' place.
            module = {"noexec": "noexec", "programoutput": "sphinxcontrib.programoutput"}
            extensions = [module[stand_in] if e == "mpexamples" else e for e in SITE_EXTENSIONS]
            if stand_in == "programoutput":
                extensions.append("standins")  # our charts and map of APIs, shown as nothing
            command += ["-D", f"extensions={','.join(extensions)}"]
        if stand_in == "programoutput":  # the same start method as ours, set the same way
            env["PYTHONPATH"] += os.pathsep + str(runner.SITE_DIR)
            env[runner.START_METHOD_VARIABLE] = BUILD_METHOD
        (site / REPORT).unlink(missing_ok=True)
        before, ticks = resource.getrusage(resource.RUSAGE_CHILDREN), cpu_ticks()
        started = time.perf_counter()
        result = subprocess.run(command, cwd=site, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        idle, total = (now - then for now, then in zip(cpu_ticks(), ticks, strict=True))
        reap_orphans()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if result.returncode:
            self.broken.append(f"build in {site} failed:\n{result.stderr}")
        report = None if stand_in else json.loads((site / REPORT).read_text())
        if runs is not None and report["counts"]["executed"] != runs:
            self.broken.append(f"expected {runs} example runs, the build ran {report['counts']}")
        if report:
            self.check_once(report, site)
        return Build(elapsed, cpu, report, idle / total if total else float("nan"))

    def check_once(self, report: dict, site: Path) -> None:
        """No example ran twice under one start method (a failure re-run alone aside)."""
        first = Counter(
            (r["example"], r["method"])
            for r in report["records"]
            if not r["cached"] and not r["rerun_alone"]
        )
        twice = sorted(f"{name}::{method}" for (name, method), n in first.items() if n > 1)
        if twice:
            self.broken.append(f"build in {site} ran these more than once: {twice}")

    def scaled(self, copies: int) -> tuple[Build, Build]:
        """The no-execution and clean builds of the site with ``copies`` of each example.

        Taken in turns, as every pair of builds that a ratio compares: the
        machine's speed drifts over minutes.  With one copy, the build where
        programoutput runs the examples takes its turn too (:attr:`other`).
        """
        rounds = []
        for _ in self.times:
            noexec = self.build(self.copy("noexec", copies), "noexec")
            clean = self.build(self.copy("clean", copies))
            if copies == 1:
                site = self.copy("programoutput")
                self.other.append(self.build(site, "programoutput").wall)
            rounds.append((noexec, clean))
        return medians([n for n, _ in rounds]), medians([c for _, c in rounds])

    @property
    def times(self) -> range:
        return range(self.repeat)

    def limit(self, noexec: Build, clean: Build) -> tuple[float, float]:
        """The clean build's limit (see the module docstring), and the runs' CPU seconds."""
        runs_cpu = max(clean.cpu - noexec.cpu, 0.0)
        return noexec.wall + max(self.longest, runs_cpu / CORES) + clean.alone_seconds(), runs_cpu

    def limit_row(self, copies: int, noexec: Build, clean: Build) -> None:
        limit, _ = self.limit(noexec, clean)
        examples = clean.report["counts"]["executed"] if clean.report else 0
        what = (
            f"clean build, {copies}x examples ({examples} runs) / "
            "(floor + max(longest, runs' CPU / cores) + runs alone)"
        )
        self.ratio(what, clean.wall, limit, 1.25)

    def scaling_table(self, scaled: dict[int, tuple[Build, Build]]) -> None:
        """The scaling rows in full: where each clean build's time went."""
        print(f"\nscaling (seconds, medians of {self.repeat}; {CORES} cores):")
        print(
            "copies  runs   wall     CPU  runs' CPU  floor  alone  limit  ratio  CPU use  "
            "machine idle  runs' span"
        )
        for copies, (noexec, clean) in scaled.items():
            limit, runs_cpu = self.limit(noexec, clean)
            runs = clean.report["counts"]["executed"] if clean.report else 0
            use = clean.cpu / (clean.wall * CORES)
            print(
                f"{copies:>5}x  {runs:>4}  {clean.wall:>5.2f}  {clean.cpu:>6.2f}  {runs_cpu:>9.2f}  "
                f"{noexec.wall:>5.2f}  {clean.alone_seconds():>5.2f}  {limit:>5.2f}  "
                f"{clean.wall / limit:>5.2f}  {use:>7.0%}  {clean.idle:>12.0%}  "
                f"{clean.span():>10.2f}"
            )

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

    def test_suite(self) -> Build:
        """The example suite's wall seconds, and its report of runs (CPU not measured)."""
        report = self.tmp / "suite-runs.json"
        command = [sys.executable, "-m", "pytest", "-q", "examples"]  # as tox runs it
        command += ["-p", "no:cacheprovider", "--example-report", str(report)]
        started = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if result.returncode:
            self.broken.append(f"test suite failed:\n{result.stdout[-3000:]}")
            return Build(elapsed, 0.0)
        return Build(elapsed, 0.0, json.loads(report.read_text()))

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

    def copy(self, name: str, copies: int = 1) -> Path:
        """A copy of the site; with ``copies``, each example that many times."""
        site = self.tmp / f"{name}-{time.monotonic_ns()}"
        ignore = shutil.ignore_patterns("_build", "__pycache__")
        shutil.copytree(ROOT / "docs", site / "docs", ignore=ignore)
        shutil.copytree(ROOT / "examples", site / "examples", ignore=ignore)
        shutil.copy(ROOT / "README.md", site)
        if name == "programoutput":
            for page in (site / "docs").glob("*.md"):
                page.write_text(BLOCK.sub(programoutput_directive, page.read_text()))
        for number in range(2, copies + 1):
            copy_examples(site, number)
        return site

    def ratio(self, what: str, value: float, base: float, target: float) -> None:
        ratio = value / base
        shown = f"{ratio:.2f} ({value:.2f} s / {base:.2f} s)"
        self.rows.append((what, shown, f"<= {target}", ratio <= target))

    def cost(self, what: str, value: float, base: float, kind: str = "(cost)") -> None:
        """A row that reports a cost, with no target to meet."""
        shown = f"{value / base:.2f} ({value:.2f} s / {base:.2f} s)"
        self.rows.append((what, shown, kind, True))

    def bound(self, what: str, value: float, base: float) -> None:
        """The ratio no runner could beat, under the target row above it."""
        self.cost(what, value, base, "(bound)")

    def report(self) -> None:
        width = max(len(row[0]) for row in self.rows)
        print(f"\n{'measure':<{width}}  {'ratio':<26} {'target':<8} met")
        for what, value, target, met in self.rows:
            print(
                f"{what:<{width}}  {value:<26} {target:<8} "
                f"{'-' if target in ('(cost)', '(bound)') else 'yes' if met else 'NO'}"
            )
        print(f"(medians of {self.repeat} runs; Python {sys.version.split()[0]}, "
              f"{os.cpu_count()} cores)")  # fmt: skip
        for problem in self.broken:
            print(f"\nBROKEN: {problem}")


def copy_examples(site: Path, number: int) -> None:
    """Copy every example of ``site`` as ``<name>_c<number>.py``, on copied pages.

    Each copy gets its expectation, with the example's file name renamed in
    it too; a page ``copy<number>_<page>.md`` shows the copies of the
    examples its original shows, with the same options, and a hidden
    toctree on the index lists it.
    """
    suffix = f"_c{number}"
    originals = [p for p in find_examples(site / "examples") if not _is_copy(p)]
    for path in originals:
        # A copy imports the copies of its helpers, which show their own
        # module name: helper names are renamed in code and expectation.
        helpers = [p.stem for p in originals if p.parent == path.parent and not has_expectation(p)]
        names = [re.escape(path.name), *(re.escape(stem) for stem in helpers)]
        pattern = re.compile(rf"\b({'|'.join(names)})\b")

        def rename(text: str, pattern: re.Pattern[str] = pattern) -> str:
            return pattern.sub(lambda m: _renamed(m[1], suffix), text)

        path.with_name(f"{path.stem}{suffix}.py").write_text(rename(path.read_text()))
        expectation = path.with_suffix(".expect")
        if expectation.exists():
            target = expectation.with_name(f"{path.stem}{suffix}.expect")
            target.write_text(rename(expectation.read_text()))
    pages = []
    for page in sorted((site / "docs").glob("*.md")):
        blocks = [renamed_block(match, suffix) for match in BLOCK.finditer(page.read_text())]
        if blocks and not page.stem.startswith("copy"):
            pages.append(f"copy{number}_{page.stem}")
            text = f"# {page.stem} (copy {number})\n\n" + "\n\n".join(blocks) + "\n"
            (site / "docs" / f"{pages[-1]}.md").write_text(text)
    with (site / "docs" / "index.md").open("a") as index:
        index.write("\n```{toctree}\n:hidden:\n\n" + "\n".join(pages) + "\n```\n")


def _is_copy(path: Path) -> bool:
    return path.stem.rpartition("_c")[2].isdigit()


def _renamed(name: str, suffix: str) -> str:
    """``x.py`` or a module name ``x``, as its copy is named."""
    stem, dot, extension = name.partition(".")
    return f"{stem}{suffix}{dot}{extension}"


def renamed_block(match: re.Match, suffix: str) -> str:
    path = match["path"].removesuffix(".py") + suffix + ".py"
    return f"{match['fence']}{{example}} {path}\n{match['options']}{match['fence']}"


def reap_orphans() -> None:
    """Reap the bench's adopted children that have ended (it is their subreaper).

    Only between builds, when no ``subprocess`` child of ours is running.
    """
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def programoutput_directive(match: re.Match) -> str:
    """The same example, shown, then run serially by sphinxcontrib-programoutput."""
    path, options = match["path"], match["options"]
    # One run per start method that :start-methods: names (literalinclude has no such option).
    methods = re.search(r"^:start-methods:(.*)$", options, re.M)
    runs = len(methods[1].replace(",", " ").split()) if methods else 1
    options = re.sub(r"^:start-methods:.*\n", "", options, flags=re.M)
    shown = f"```{{literalinclude}} /../examples/{path}\n{options}```\n\n"
    if not has_expectation(ROOT / "examples" / path):  # a helper: shown, never run
        return shown
    # The exit status under the build's start method (a header line may name it).
    code = Example.at(ROOT / "examples" / path, ROOT).expectation().for_method(BUILD_METHOD)
    code = code.exit_code
    run = (
        f"```{{program-output}} {sys.executable} examples/{path}\n"
        f":cwd: /..\n:returncode: {code}\n```"
    )
    return shown + "\n\n".join([run] * runs)


if __name__ == "__main__":
    sys.exit(main())
