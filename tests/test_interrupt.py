"""However a build or a test run ends, no example process survives it.

Three examples leave five escapers each (see test_escape.py) and a
process tree: one exits, one times out, one hangs until the run is
stopped by Ctrl-C, SIGTERM or SIGHUP, in sphinx-build, pytest and
pytest-xdist.
"""

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import PLUGIN_PATH, ROOT, kill_listed, listed, survivors
from conftest import stop as stop_process

#: Ctrl-C goes to the terminal's whole foreground group; CI systems and
#: editors send SIGTERM, a closed terminal SIGHUP, to the main process only.
SIGNALS = {
    "ctrl_c": (signal.SIGINT, True),
    "sigterm": (signal.SIGTERM, False),
    "sighup": (signal.SIGHUP, False),
}
#: pytest-xdist hands 3 items to 2 workers round robin: the hanging one
#: (second by name) gets a worker of its own.
FRONTENDS = {
    "build": lambda project: (["-m", "sphinx", "-q", "docs", "docs/_build/html"], project.root),
    "serial": lambda project: (project.pytest_command("-p", "no:xdist", "-k", "spawn"), ROOT),
    "xdist": lambda project: (project.pytest_command("-n", "2", "-k", "spawn"), ROOT),
}
EXAMPLES = {  # name: (timeout, PIDs it lists)
    "fixture_escape_all": (60, 5),
    "fixture_escape_all_hang": (60, 8),
    "fixture_escape_all_hang_timeout": (2, 8),
}


@pytest.fixture
def three_endings(project):
    """The three examples, on one page."""
    source = project.example("fixture_escape_all")
    for name, (timeout, _) in EXAMPLES.items():
        path = source.with_name(name + ".py")
        path.write_text(source.read_text())
        path.with_suffix(".expect").write_text(
            f"timeout: {timeout}\n---\n" + "escaped {pid}\n" * 5 + "...\n"
        )
    project.page("# T\n\n" + "".join(f"```{{example}} {name}.py\n```\n\n" for name in EXAMPLES))
    yield project
    kill_listed(project.root)


@pytest.mark.skipif(sys.platform != "linux", reason="the sweep is Linux-only")
@pytest.mark.parametrize("frontend", FRONTENDS)
@pytest.mark.parametrize("how", SIGNALS)
def test_no_example_process_survives_any_ending(three_endings, how, frontend):
    project, (number, to_group) = three_endings, SIGNALS[how]
    command, cwd = FRONTENDS[frontend](project)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": PLUGIN_PATH}
    run = subprocess.Popen(
        [sys.executable, *command], cwd=cwd, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while any(len(listed(project.root, name)) < n for name, (_, n) in EXAMPLES.items()):
            assert time.monotonic() < deadline, "the examples never started"
            assert run.poll() is None, run.communicate()[0]
            time.sleep(0.05)
        # A normal exit and a timeout, while the run goes on.  The sleeper
        # with an empty environment (third) carries no token: it can be
        # told from another run's only once no other run is active.
        ended = [
            listed(project.root, name) for name in EXAMPLES if name != "fixture_escape_all_hang"
        ]
        assert not survivors([pid for pids in ended for pid in pids[:2] + pids[3:]], grace=15)
        if to_group:
            os.killpg(run.pid, number)
        else:
            os.kill(run.pid, number)
        output = run.communicate(timeout=60)[0]
    finally:
        if run.poll() is None:
            stop_process(run)
    assert not survivors([pid for name in EXAMPLES for pid in listed(project.root, name)]), output
    if to_group:
        assert run.returncode != 0, output
    else:  # it died of the signal, after killing the examples
        assert run.returncode == -number, output


def signalled(script):
    """Run ``script`` after installing the handlers; it then signals itself."""
    prelude = "import os, signal, subprocess, sys, threading, time\nfrom mpexamples import runner\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + script],
        env={**os.environ, "PYTHONPATH": str(ROOT / "docs" / "_ext")},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_signal_still_kills_us_and_reaches_our_other_children():
    result = signalled(
        # Like a pytest-xdist or sphinx -j worker; off our pipes, so we never wait for it.
        "null = subprocess.DEVNULL\n"
        "helper = subprocess.Popen(['sleep', '60'], stdout=null, stderr=null)\n"
        "print(helper.pid, flush=True)\n"
        "runner.install_signal_handlers()\n"
        "os.kill(os.getpid(), signal.SIGTERM)\n"
        "time.sleep(60)\n"
    )
    assert result.returncode == -signal.SIGTERM, result.stderr
    assert not survivors([int(result.stdout)])


def test_nohup_and_earlier_handlers_are_respected():
    result = signalled(
        "signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"  # nohup
        "signal.signal(signal.SIGTERM, lambda *_: print('earlier handler'))\n"
        "threading.Thread(target=runner.install_signal_handlers).start()\n"  # does nothing
        "runner.install_signal_handlers()\n"
        "os.kill(os.getpid(), signal.SIGHUP)\n"
        "os.kill(os.getpid(), signal.SIGTERM)\n"
        "print('still running')\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "earlier handler\nstill running\n"
    assert signal.SIGHUP.name not in result.stderr
