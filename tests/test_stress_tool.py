"""tools/stress.py leaves nothing running when it is stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import ROOT, alive, survivors
from mpexamples import processes

pytestmark = pytest.mark.skipif(not processes.LINUX, reason="reads /proc")


def _tree(pid: int) -> dict[int, str]:
    """``pid``'s live descendants and their command lines."""
    return {
        child: processes.command(child, width=200)
        for child, process in processes.descendants(pid).items()
        if process.live
    }


def _wait_for(pid: int, what: str, count: int = 1, seconds: float = 60) -> dict[int, str]:
    """``pid``'s tree once ``count`` of its commands contain ``what``."""
    deadline = time.monotonic() + seconds
    tree: dict[int, str] = {}
    while time.monotonic() < deadline:
        tree = _tree(pid)
        if sum(what in command for command in tree.values()) >= count:
            return tree
        time.sleep(0.1)
    raise AssertionError(
        f"fewer than {count} {what!r} under the stress tool within {seconds} s: {tree}"
    )


def _start_tool() -> subprocess.Popen[bytes]:
    """The stress tool: its hogs, then pytest on 16 examples, run after run.

    Far more runs than a test waits for: on a loaded machine, a signal sent
    as the first run's examples are seen must still find the tool at work.
    """
    return subprocess.Popen(
        [sys.executable, "tools/stress.py", "--runs", "100", "--margin-tests"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_a_stop_signal_ends_the_hogs_and_the_run_and_kills_the_tool(number):
    tool = _start_tool()
    try:
        tree = _wait_for(tool.pid, "examples/")  # hogs, pytest, and its examples
        tool.send_signal(number)
        assert tool.wait(60) == -number
    finally:
        if tool.poll() is None:
            tool.kill()
            tool.wait()
    assert sum("os.getppid()" in command for command in tree.values()) == os.cpu_count()
    assert not survivors(list(tree)), {pid: tree[pid] for pid in tree if alive(pid)}


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_a_stop_signal_kills_the_tool_whatever_its_clean_up_raises(number):
    """A clean-up the signal interrupts may fail in turn: the tool still dies of the signal."""
    script = textwrap.dedent(
        f"""
        import os, sys, time
        sys.path.insert(0, "tools")
        import stress

        def work():
            try:
                os.kill(os.getpid(), {int(number)})
                time.sleep(30)
            finally:  # as removing a folder the child still writes to may
                raise OSError(39, "Directory not empty")

        stress.stress = work
        sys.exit(stress.main())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == -number, result.stderr


def test_hogs_pytest_and_its_examples_end_once_the_tool_is_killed():
    tool = _start_tool()
    try:
        # The hogs start one after another, before pytest: wait for all of them.
        _wait_for(tool.pid, "os.getppid()", count=os.cpu_count() or 1)
        tree = _wait_for(tool.pid, "examples/")
    finally:
        tool.kill()  # no handler runs: the hogs and the pytest it ran must notice
        tool.wait()
    hogs = [pid for pid, command in tree.items() if "os.getppid()" in command]
    assert len(hogs) == os.cpu_count()
    assert any("pytest" in command for command in tree.values()), tree
    assert not survivors(list(tree), grace=30), {pid: tree[pid] for pid in tree if alive(pid)}


@pytest.mark.parametrize("how", ["SIGKILL", "exit"])
def test_the_child_it_runs_gets_sigterm_once_the_tool_is_gone(tmp_path, how):
    """A stand-in for the tool starts a long child as the tool starts pytest, then dies."""
    pids = tmp_path / "child.pid"
    stand_in = textwrap.dedent(f"""
        import os, signal, subprocess, sys
        sys.path.insert(0, {str(ROOT / "tools")!r})
        from stress import _end_with_me
        child = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(60)"], preexec_fn=_end_with_me()
        )
        open({str(pids)!r}, "w").write(str(child.pid))
        {"os.kill(os.getpid(), signal.SIGKILL)" if how == "SIGKILL" else "os._exit(0)"}
    """)
    subprocess.run([sys.executable, "-c", stand_in], check=False, timeout=60)
    child = int(pids.read_text())
    assert not survivors([child], grace=10), "the child outlived the tool"
