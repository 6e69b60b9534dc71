"""The runner: what a terminal shows, nothing left running, no hang."""

import os
import re
import signal

import pytest

from conftest import survivors
from mpexamples.example import Example

METHODS = ["fork", "spawn", "forkserver"]


def verify(project, name, method="spawn"):
    return Example.at(project.example(name), project.root).verify(method)


def test_deadlock_is_killed_with_all_its_children(project):
    verdict = verify(project, "fixture_deadlock")
    assert verdict.result.timed_out
    pids = [int(pid) for pid in re.findall(r"(?:parent|child) (\d+)", verdict.result.output)]
    assert len(pids) == 3, verdict.result.output
    assert not survivors(pids)
    # The report says what ran at the timeout, and for how long; not why.
    assert verdict.problem.startswith("- timed out after 3 s; "), verdict.problem
    assert re.search(r"\d+ processes were still running and were killed: ", verdict.problem)
    assert re.search(
        rf"{pids[0]} python examples/fixture_deadlock.py \(\d+\.\d s\)", verdict.problem
    )
    for pid in pids[1:]:
        assert re.search(rf"\b{pid} python .*? \(\d+\.\d s\)", verdict.problem)
    assert "start-method" not in verdict.problem


def test_child_traceback_fails_although_parent_exits_0(project):
    verdict = verify(project, "fixture_child_raises")
    assert verdict.result.returncode == 0
    assert "1 traceback(s)" in verdict.problem
    assert "ValueError: child failed" in verdict.result.output


@pytest.mark.parametrize("method", METHODS)
def test_lines_stay_whole_and_in_order(project, method):
    verdict = verify(project, "fixture_interleave", method)
    assert verdict.problem is None, verdict.problem
    lines = verdict.result.output.splitlines()
    assert len(lines) == 601
    for letter in "ab":
        mine = [line for line in lines if line.startswith(letter)]
        assert mine == [f"{letter}{i:03d} " + letter * 200 for i in range(300)]


@pytest.mark.parametrize("method", METHODS)
def test_start_method_is_forced_without_editing_the_example(project, method):
    verdict = verify(project, "fixture_start_method", method)
    assert verdict.result.output == f"parent: {method}\nchild: {method}\n"


def test_traceback_shows_what_a_reader_sees(project):
    verdict = verify(project, "fixture_traceback")
    assert verdict.problem is None, verdict.problem
    # No runner frames, no build-machine paths.
    assert "runpy" not in verdict.result.output
    assert str(project.root) not in verdict.result.output


def test_stdin_is_at_end_of_file(project):
    # Our own stdin never ends, like a terminal nobody types in: an example
    # that inherited it would wait for input until its timeout.
    endless, writer = os.pipe()
    saved = os.dup(0)
    os.dup2(endless, 0)
    try:
        verdict = verify(project, "fixture_stdin")
    finally:
        os.dup2(saved, 0)
        for fd in (saved, endless, writer):
            os.close(fd)
    assert verdict.problem is None, verdict.problem


def test_inherited_unbuffered_setting_is_ignored(project, monkeypatch):
    monkeypatch.setenv("PYTHONUNBUFFERED", "1")
    test_lines_stay_whole_and_in_order(project, "fork")


def test_signal_death_is_named(project, tmp_path):
    path = project.root / "examples" / "fixture_signal.py"
    path.write_text(
        f"import os\nif __name__ == '__main__':\n    os.kill(os.getpid(), {signal.SIGTERM.value})\n"
    )
    path.with_suffix(".expect").write_text("---\n...\n")
    verdict = Example.at(path, project.root).verify("spawn")
    assert "killed by SIGTERM" in verdict.problem


def test_process_left_behind_is_killed_without_a_timeout(project):
    verdict = verify(project, "fixture_leftover")
    assert verdict.problem is None, verdict.problem
    assert verdict.result.duration < 10
    pid = int(verdict.result.output.split()[-1])
    assert not survivors([pid])


def test_output_after_the_example_exited_is_read_and_checked(project):
    # Where the resource tracker's "leaked semaphore" warnings show up.
    verdict = verify(project, "fixture_linger", "fork")
    assert verdict.problem is None, verdict.problem
    assert verdict.result.output.endswith("parent exits\nprinted after the parent exited\n")


def test_output_that_is_not_utf8_is_replaced(project):
    verdict = verify(project, "fixture_bad_utf8")
    assert verdict.problem is None, verdict.problem


def test_ten_megabytes_of_output_are_all_checked(project):
    verdict = verify(project, "fixture_huge", "fork")
    assert verdict.problem is None, verdict.problem
    assert len(verdict.result.output) == 10_000_000


def test_failure_report_on_huge_output_stays_readable(project):
    example = project.example("fixture_huge")
    example.with_suffix(".expect").write_text(
        "timeout: 60\n---\n000000 {word}\n...\n099998 {word}\n"
    )
    verdict = Example.at(example, project.root).verify("fork")
    assert "unexpected output from line 100000 on: '099999 " in verdict.problem
    assert len(verdict.problem.splitlines()) < 320
