"""Nothing an example starts outlives its run, wherever it went (Linux).

Each ``fixture_escape_<way>`` leaves a process outside the example's
process group; the runner must find it (by its run token, or as an orphan
it adopted), kill it and reap it.  ``test_interrupt.py`` runs all five ways
at once in a build and in pytest, under every way a run can end.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import kill_listed, listed, survivors
from mpexamples import processes, runner
from mpexamples.example import Example

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the sweep is Linux-only")

WAYS = ["setsid", "double_fork", "empty_env", "ignore_term", "daemon"]


@pytest.fixture(autouse=True)
def no_leak(project):
    yield
    kill_listed(project.root)


@pytest.mark.parametrize("way", WAYS)
def test_a_process_that_left_the_group_is_killed_and_reaped(project, way):
    project.example("fixture_escape_all")  # where the ways are
    verdict = Example.at(project.example(f"fixture_escape_{way}"), project.root).verify("fork")
    assert verdict.problem is None, verdict.problem
    [pid] = listed(project.root, f"fixture_escape_{way}")
    assert not survivors([pid])
    # Orphans are ours (we are their subreaper): reaped, no zombie left.
    assert not Path(f"/proc/{pid}").exists()


def test_a_timeout_kills_every_escaper_and_names_what_ran(project):
    source = project.example("fixture_escape_all")
    hang = source.with_name("fixture_escape_all_hang.py")
    hang.write_text(source.read_text())
    hang.with_suffix(".expect").write_text("timeout: 3\n---\n...\n")
    verdict = Example.at(hang, project.root).verify("spawn")
    # 5 escapers, the example, then (unless the timeout came first) 2 children.
    pids = listed(project.root, "fixture_escape_all_hang")
    assert len(pids) >= 6, verdict.result.output
    assert not survivors(pids)
    assert verdict.problem.startswith("- timed out after 3 s; "), verdict.problem
    # All but the sleeper with an empty environment carry the run's token.
    for pid in [*pids[:2], *pids[3:]]:
        assert f" {pid} " in verdict.problem
    assert f"{pids[5]} python examples/fixture_escape_all_hang.py (" in verdict.problem


def test_an_orphan_seen_under_its_dying_parent_is_found_by_the_next_look(monkeypatch):
    # A look reads one process at a time: it can see the sleeper (no token,
    # own session) under the example, then the example already dead; the
    # kernel had reparented the sleeper to us in between.
    me, example, sleeper = os.getpid(), 4_000_001, 4_000_002

    def row(pid, ppid, state="S"):
        return processes.Process(pid, ppid, pid, pid, state, 0)

    looks = iter(
        [
            [row(example, me, "Z"), row(sleeper, example)],  # the race
            [row(example, me, "Z"), row(sleeper, me)],
            *[[row(example, me, "Z"), row(sleeper, me, "Z")]] * 5,
        ]
    )
    killed = []
    monkeypatch.setattr(processes, "descendants", lambda *_: {p.pid: p for p in next(looks)})
    monkeypatch.setattr(processes, "environment", lambda pid: set())
    monkeypatch.setattr(processes, "reap", lambda pid: None)
    monkeypatch.setattr(os, "kill", lambda pid, number: killed.append(pid))
    record = runner._Run(SimpleNamespace(pid=example), token="t", start=0)
    runner._sweep([record], all_orphans=True)
    assert killed == [sleeper]


def test_a_sweep_never_reaps_an_example_that_waits_to_be_registered(monkeypatch):
    # A run registers its example under the lock that every sweep holds
    # while it reads the process table: under load the example can end
    # before that.  It is then a dead child of ours in its own session, not
    # yet among the examples; reaping it as an orphan would steal its exit
    # status, and Popen would report 0 (a failing example passing).
    child = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"], start_new_session=True)
    deadline = time.monotonic() + 30
    while processes.table()[child.pid].live and time.monotonic() < deadline:
        time.sleep(0.01)
    monkeypatch.setattr(runner, "_launching", 1)  # its run waits for the lock
    runner._sweep([])
    assert child.wait() == 3


def _sleeping_pair():
    """A child that started a grandchild; both sleep.  Returns (child, grandchild pid)."""
    code = (
        "import subprocess, sys, time\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    return child, int(child.stdout.readline())


@pytest.mark.skipif(not processes.lists_children(), reason="the kernel lists no children")
def test_descendants_are_found_from_any_thread_and_skip_leaves_out_a_subtree():
    pairs, started, done = [], threading.Event(), threading.Event()

    def in_a_thread():  # the kernel lists the child under this thread while it lives
        pairs.append(_sleeping_pair())
        started.set()
        done.wait()

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    started.wait()
    pairs.append(_sleeping_pair())
    try:
        (first, first_grandchild), (second, second_grandchild) = pairs
        found = processes.descendants(os.getpid())
        assert {first.pid, first_grandchild, second.pid, second_grandchild} <= set(found)
        assert found[first_grandchild].ppid == first.pid
        assert 1 not in found  # not the whole machine
        rest = processes.descendants(os.getpid(), skip={first.pid})
        assert {second.pid, second_grandchild} <= set(rest)
        assert not {first.pid, first_grandchild} & set(rest)
    finally:
        done.set()
        thread.join()
        for child, grandchild in pairs:
            os.kill(grandchild, signal.SIGKILL)
            child.kill()
            child.wait()
            child.stdout.close()


def test_lists_of_children_are_used_only_if_they_name_this_process(monkeypatch):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        working = child.pid in processes.children(os.getpid())
    finally:
        child.kill()
        child.wait()
    processes.lists_children.cache_clear()
    try:
        assert processes.lists_children() == working  # where the kernel lists them: used
        processes.lists_children.cache_clear()
        monkeypatch.setattr(processes, "children", lambda pid: set())  # files, always empty
        assert not processes.lists_children()
    finally:
        processes.lists_children.cache_clear()


def test_without_lists_of_children_descendants_are_every_process(monkeypatch):
    monkeypatch.setattr(processes, "lists_children", lambda: False)
    found = processes.descendants(os.getpid())
    assert {1, os.getpid()} <= set(found)  # the whole table: init and ourselves too
