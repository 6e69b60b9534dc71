"""Ctrl-C during a build or a test run leaves no example process alive."""

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import PLUGIN_PATH, ROOT, survivors


def interrupt(project, command, cwd, **variables):
    """Start ``command``, press Ctrl-C once the example's 3 processes run."""
    pids = project.root / "running.pids"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **variables}
    run = subprocess.Popen(
        [sys.executable, *command], cwd=cwd, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not (pids.exists() and len(pids.read_text().split()) == 3):
        assert time.monotonic() < deadline, "the example never started"
        assert run.poll() is None, run.communicate()[0]
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGINT)  # a terminal sends SIGINT to the whole group
    output = run.communicate(timeout=60)[0]
    assert run.returncode != 0, output
    return [int(pid) for pid in pids.read_text().split()]


def test_ctrl_c_during_a_build(project):
    project.example("fixture_hang_pids")
    project.page("# T\n\n```{example} fixture_hang_pids.py\n```\n")
    pids = interrupt(project, ["-m", "sphinx", "-q", "docs", "docs/_build/html"], project.root)
    assert not survivors(pids)


@pytest.mark.parametrize("workers", [["-p", "no:xdist"], ["-n", "2"]], ids=["serial", "xdist"])
def test_ctrl_c_during_a_test_run(project, workers):
    project.example("fixture_hang_pids")
    command = project.pytest_command(*workers, "-k", "spawn")
    assert not survivors(interrupt(project, command, ROOT, PYTHONPATH=PLUGIN_PATH))
