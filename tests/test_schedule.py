"""Running examples together never changes their verdict (mpexamples.schedule).

``fixture_shy`` fails whenever a ``fixture_busy`` runs at the same time, so
it passes only if its failure beside them is run again alone, and that lone
run's verdict is the one reported.  Every busy and shy run logs its start
and end times to ``runs.log`` in the project root, which shows the lone run
overlapped none.
"""

from __future__ import annotations

import json
import os
import shutil
import threading

import pytest

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


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_no_thread_of_the_runs_is_left_when_sphinx_forks(project, monkeypatch):
    """Under -j Sphinx forks its readers and writers: the runs' threads must be gone by then.

    (Under pytest-xdist this process has execnet's own thread, which is why
    in-process -j builds here filter Python 3.12's warning about that fork.)
    """
    examples(project, ["fixture_busy_01", "fixture_busy_02"])
    project.page(
        "# Two\n\n```{example} fixture_busy_01.py\n```\n\n```{example} fixture_busy_02.py\n```\n"
    )
    alive: list[list[str]] = []
    fork = os.fork

    def spy():
        alive.append([t.name for t in threading.enumerate() if t.name.startswith("mpexamples")])
        return fork()

    monkeypatch.setattr(os, "fork", spy)
    assert project.runs("-j", "2") == (2, 0)
    assert alive and not any(alive), alive


def test_a_page_is_read_while_its_run_goes_and_shows_its_output_when_written(project, monkeypatch):
    """Read serially, a page does not wait for its runs: its outputs come when it is written."""
    examples(project, ["fixture_busy_01"])
    project.page("# One\n\n```{example} fixture_busy_01.py\n```\n")
    pending: list[int] = []
    read = sphinxext.run_examples

    def spy(app, doctree):
        read(app, doctree)
        pending.append(len(list(doctree.findall(sphinxext.pending_output))))

    monkeypatch.setattr(sphinxext, "run_examples", spy)
    assert project.runs() == (1, 0)
    assert pending == [1]  # the run takes over a second; reading it took far less
    html = (project.root / "docs/_build/html/index.html").read_text()
    assert "child exit code 0" in html and "pending" not in html
    assert 'id="example-examples-fixture-busy-01-py-output"' in html


def test_a_run_that_fails_after_its_page_was_read_fails_the_build_and_the_page_is_read_again(
    project,
):
    """The error names the page line; the next build reads the page and runs it again."""
    examples(project, ["fixture_busy_01"])
    expectation = project.root / "examples" / "fixture_busy_01.expect"
    expectation.write_text("---\nchild exit code 7\n")
    project.page("# One\n\n```{example} fixture_busy_01.py\n```\n")
    failures = project.root / "docs/_build/doctrees" / sphinxext.WRITE_FAILURES
    for _ in range(2):  # a failure is never cached: the same again
        result = project.build()
        assert result.returncode == 1, result.stderr
        assert (
            "index.md:3: ERROR: example examples/fixture_busy_01.py failed under the"
            in result.stderr
        )
        assert project.report()["counts"]["executed"] == 1
        assert json.loads(failures.read_text()) == ["index"]  # found when written
    expectation.write_text("---\nchild exit code 0\n")
    assert project.runs() == (1, 0)
    assert not failures.exists()
    assert project.runs() == (0, 0)


def test_an_unreadable_list_of_pages_that_failed_when_written_reads_every_page(project):
    examples(project, ["fixture_busy_01"])
    project.page("# One\n\n```{example} fixture_busy_01.py\n```\n")
    assert project.runs() == (1, 0)
    failures = project.root / "docs/_build/doctrees" / sphinxext.WRITE_FAILURES
    failures.write_bytes(b"\xff not json")
    assert project.runs() == (0, 1)  # read again: the run comes from the cache
    assert not failures.exists()
    assert project.runs() == (0, 0)


def test_a_list_of_pages_that_cannot_be_written_is_an_error_not_a_crash(project):
    examples(project, ["fixture_busy_01"])
    project.page("# One\n\n```{example} fixture_busy_01.py\n```\n")
    assert project.runs() == (1, 0)
    failures = project.root / "docs/_build/doctrees" / sphinxext.WRITE_FAILURES
    failures.mkdir()  # cannot be read, nor replaced
    result = project.build()
    assert result.returncode == 1, result.stderr
    assert f"ERROR: cannot keep the pages that failed when written in {failures}" in result.stderr
    assert "Traceback" not in result.stderr
    assert project.report()["counts"]["cached"] == 1  # the page was read again
