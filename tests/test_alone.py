"""``run: alone``: such an example runs with no other example running.

The evidence is the examples' own: each fixture_timed run appends its start
and end times (``time.time()``) to ``timed.log`` in the project root.  The
ordinary runs overlap each other; the one marked ``run: alone`` overlaps
none, whichever front end ran it (the build, pytest in one process, pytest
with xdist workers), and it ran once.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from mpexamples.example import Example
from mpexamples.expect import ExpectationError, parse
from mpexamples.lone import Lock
from mpexamples.schedule import Runs

# Copies of fixture_timed and fixture_timed_alone.  The marked one comes in
# the middle, on the page and in pytest's order (xdist hands it to a worker
# first, while the other worker starts an ordinary run).
ALONE = "fixture_timed_02_alone"
ORDINARY = [f"fixture_timed_{n:02d}" for n in range(1, 5)]
NAMES = [*ORDINARY[:2], ALONE, *ORDINARY[2:]]


def timed_site(project) -> None:
    for name in NAMES:
        source = FIXTURES / ("fixture_timed_alone" if name == ALONE else "fixture_timed")
        for suffix in (".py", ".expect"):
            shutil.copy(source.with_suffix(suffix), project.root / "examples" / (name + suffix))
    project.page("# Timed\n\n" + "".join(f"```{{example}} {name}.py\n```\n\n" for name in NAMES))


def intervals(root: Path) -> dict[str, list[tuple[float, float]]]:
    """Each example's runs, as (start, end), from its own timed.log lines."""
    found: dict[str, list[tuple[float, float]]] = {}
    for line in (root / "timed.log").read_text().splitlines():
        path, start, end = line.split()
        found.setdefault(Path(path).stem, []).append((float(start), float(end)))
    return found


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def assert_ran_alone(root: Path) -> None:
    runs = intervals(root)
    assert sorted(runs) == sorted(NAMES)
    assert len(runs[ALONE]) == 1  # never run twice
    others = [interval for name in ORDINARY for interval in runs[name]]
    assert [o for o in others if overlap(o, runs[ALONE][0])] == []
    # The ordinary runs did overlap, so the check above could have failed.
    assert any(overlap(a, b) for i, a in enumerate(others) for b in others[i + 1 :])


def assert_reported(report: dict) -> None:
    """The report says the same: five first runs, the marked one alone."""
    assert report["counts"] == {
        "executed": 5, "cached": 0, "alone": 1, "rerun_alone": 0, "passed_alone": 0,
    }  # fmt: skip
    alone = {Path(r["example"]).stem: r["alone"] for r in report["records"]}
    assert alone == {name: name == ALONE for name in NAMES}


@pytest.mark.parametrize("frontend", ["build", "pytest", "xdist"])
def test_a_run_marked_alone_overlaps_no_other_run(project, frontend):
    timed_site(project)
    if frontend == "build":
        result = project.build()
        path = project.root / "docs/_build/doctrees/example-runs.json"
    else:
        path = project.root / "report.json"
        workers = 2 if frontend == "xdist" else 0
        options = ("-k", "fork and not forkserver", "--example-report", str(path))
        result = project.pytest(*options, workers=workers)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_ran_alone(project.root)
    assert "; 1 of the 5 ran alone as declared" in result.stdout
    assert_reported(json.loads(path.read_text()))
    if frontend == "build":  # its pass is cached like any other
        assert project.runs("-E") == (0, 5)


def test_a_failing_alone_run_is_final(project, tmp_path):
    """It overlapped nothing, so it is not run again, pre-run or not."""
    timed_site(project)
    (project.root / "examples" / f"{ALONE}.expect").write_text("run: alone\n---\nawake\n")
    example = Example.at(project.root / "examples" / f"{ALONE}.py", project.root)
    expectation = example.expectation()
    for prerun in (False, True):
        runs = Runs(cache=None, jobs=4, lock=Lock(tmp_path / "lock"))
        if prerun:
            runs.prerun([(example, expectation, "fork")])
        assert runs.verdict(example, expectation, "fork").problem
        assert runs.counts() == {
            "executed": 1, "cached": 0, "alone": 1, "rerun_alone": 0, "passed_alone": 0,
        }  # fmt: skip
        assert [r.alone for r in runs.records] == [True]
    assert len(intervals(project.root)[ALONE]) == 2  # once per session


def test_run_alone_expectation_header(tmp_path):
    """Named for ``tox -e mutation``'s test selection (``-k expect``)."""
    assert parse("run: alone\n---\nx\n", tmp_path / "a.expect").alone
    assert not parse("---\nx\n", tmp_path / "b.expect").alone
    assert parse("run: alone\nexit: 1\n---\nx\n", tmp_path / "d.expect").exit_code == 1
    with pytest.raises(ExpectationError) as error:
        parse("exit: 0\nrun: sometimes\n---\nx\n", tmp_path / "c.expect")
    assert str(error.value) == f"{tmp_path / 'c.expect'}:2: the only value of run is 'alone'"
    with pytest.raises(ExpectationError) as error:
        parse("runs: alone\n---\nx\n", tmp_path / "e.expect")
    assert str(error.value) == (
        f"{tmp_path / 'e.expect'}:1: unknown key 'runs'; "
        "known keys: exit, timeout, start-methods, traceback, distinct, values of NAME, run"
    )
