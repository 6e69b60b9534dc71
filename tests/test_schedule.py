"""Running examples together never changes their verdict (mpexamples.schedule).

``fixture_shy`` fails whenever a ``fixture_busy`` runs at the same time, so
it passes only if its failure beside them is run again alone, and that lone
run's verdict is the one reported.  Every busy and shy run logs its start
and end times to ``runs.log`` in the project root, which shows the lone run
overlapped none.
"""

from __future__ import annotations

import shutil
import threading

from conftest import FIXTURES
from mpexamples import sphinxext
from mpexamples.example import Example
from mpexamples.lone import Lock
from mpexamples.schedule import Runs

NEIGHBOURS = 6


def examples(project, names: list[str]) -> list[Example]:
    """Copy fixtures into the project; ``fixture_busy_03`` is a copy of fixture_busy."""
    found = []
    for name in names:
        for suffix in (".py", ".expect"):
            source = FIXTURES / ((name.rpartition("_")[0] if "busy_" in name else name) + suffix)
            shutil.copy(source, project.root / "examples" / (name + suffix))
        found.append(Example.at(project.root / "examples" / (name + ".py"), project.root))
    return found


def session(project, names: list[str], tmp_path) -> tuple[Runs, dict]:
    """Run ``names`` under spawn in one session, as a build does; their verdicts."""
    runs = Runs(cache=None, jobs=32, lock=Lock(tmp_path / "lock"))
    jobs = [(e, e.expectation(), "spawn") for e in examples(project, names)]
    runs.prerun(jobs)
    return runs, {e.path.stem: runs.verdict(e, x, m) for e, x, m in jobs}


def intervals(project) -> list[tuple[str, float, float]]:
    rows = (line.split() for line in (project.root / "runs.log").read_text().splitlines())
    return [(path.rpartition("/")[2], float(start), float(end)) for path, start, end in rows]


def test_a_failure_beside_other_runs_is_rerun_alone_and_that_verdict_counts(project, tmp_path):
    busy = [f"fixture_busy_{n:02d}" for n in range(1, NEIGHBOURS + 1)]
    runs, verdicts = session(project, ["fixture_margin", *busy, "fixture_shy"], tmp_path)
    assert {name: v.problem for name, v in verdicts.items() if v.problem} == {}
    assert runs.executed == NEIGHBOURS + 2
    # fixture_shy, at least, failed beside the others; the margin one may have.
    assert runs.rerun_alone >= 1 and runs.passed_alone == runs.rerun_alone
    assert runs.summary() == (
        f"{NEIGHBOURS + 2} example run(s), 0 from the cache, {runs.rerun_alone} failure(s) re-run alone "
        f"({runs.rerun_alone} passed alone)"
    )
    log = intervals(project)
    shy = [row for row in log if row[0] == "fixture_shy.py"]
    assert len(shy) == 2  # beside the others, then alone
    _, start, end = max(shy, key=lambda row: row[1])
    assert [
        row for row in log if row[0] != "fixture_shy.py" and row[1] < end and start < row[2]
    ] == []


def test_a_failure_that_overlapped_nothing_is_not_rerun(project, tmp_path):
    (project.root / "running.stale").touch()  # fixture_shy fails even alone
    runs, verdicts = session(project, ["fixture_shy"], tmp_path)
    assert "neighbours running: True" in verdicts["fixture_shy"].result.output
    assert (runs.executed, runs.rerun_alone) == (1, 0)


def test_a_failure_that_fails_alone_too_is_reported(project, tmp_path):
    (project.root / "running.stale").touch()
    runs, verdicts = session(project, ["fixture_shy", "fixture_busy_01"], tmp_path)
    assert verdicts["fixture_shy"].problem and not verdicts["fixture_busy_01"].problem
    assert (runs.executed, runs.rerun_alone, runs.passed_alone) == (2, 1, 0)


def test_xdist_workers_are_one_session(project):
    """Runs on two workers overlap; the failure is re-run alone and counted."""
    examples(project, ["fixture_shy", "fixture_busy_01"])
    result = project.pytest("-k", "spawn", workers=2)
    assert result.returncode == 0, result.stdout
    assert (
        "mpexamples: 2 example run(s), 0 from the cache, 1 failure(s) re-run alone "
        "(1 passed alone)" in result.stdout
    )


def test_no_thread_of_the_runs_is_left_when_pages_are_read(project, monkeypatch):
    """Under -j Sphinx forks its readers: the runs' threads must be gone by then.

    (Under pytest-xdist this process has execnet's own thread, which is why
    in-process -j builds here filter Python 3.12's warning about that fork.)
    """
    examples(project, ["fixture_busy_01", "fixture_busy_02"])
    project.page(
        "# Two\n\n```{example} fixture_busy_01.py\n```\n\n```{example} fixture_busy_02.py\n```\n"
    )
    alive: list[list[str]] = []
    read = sphinxext.run_examples

    def spy(app, doctree):
        alive.append([t.name for t in threading.enumerate() if t.name.startswith("mpexamples")])
        read(app, doctree)

    monkeypatch.setattr(sphinxext, "run_examples", spy)
    assert project.runs() == (2, 0)
    assert alive == [[]]
