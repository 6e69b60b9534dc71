"""However a build or a test run ends, no example process survives it.

Examples leave five escapers each (see test_escape.py) and a process
tree: one hangs until the run is stopped by Ctrl-C, SIGTERM or SIGHUP, in
sphinx-build, pytest and pytest-xdist; in the SIGTERM runs, one exits
and one times out before that.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import PLUGIN_PATH, ROOT, kill_listed, listed, survivors
from conftest import stop as stop_process
from mpexamples import runner

#: Ctrl-C goes to the terminal's whole foreground group; CI systems and
#: editors send SIGTERM, a closed terminal SIGHUP, to the main process only.
SIGNALS = {
    "ctrl_c": (signal.SIGINT, True),
    "sigterm": (signal.SIGTERM, False),
    "sighup": (signal.SIGHUP, False),
}
FRONTENDS = {
    "build": lambda project: (["-m", "sphinx", "-q", "docs", "docs/_build/html"], project.root),
    "serial": lambda project: (project.pytest_command("-p", "no:xdist", "-k", "spawn"), ROOT),
    # 3 items go to 2 workers round robin: the hanging one (second by name) is alone.
    "xdist": lambda project: (project.pytest_command("-n", "2", "-k", "spawn"), ROOT),
}
HANG = "fixture_escape_all_hang"
#: name: (timeout, how many PIDs it lists early).  The one that times out
#: may be killed before its children list themselves.
EXAMPLES = {"fixture_escape_all": (60, 5), HANG: (60, 8), HANG + "_timeout": (3, 5)}


def examples(project, names):
    """Copies of fixture_escape_all (see there for ``_hang``), on one page."""
    source = project.example("fixture_escape_all")
    for name in names:
        path = source.with_name(name + ".py")
        path.write_text(source.read_text())
        path.with_suffix(".expect").write_text(
            f"timeout: {EXAMPLES[name][0]}\n---\n" + "escaped {pid}\n" * 5 + "...\n"
        )
    if "fixture_escape_all" not in names:
        source.unlink()
        source.with_suffix(".expect").unlink()
    project.page("# T\n\n" + "".join(f"```{{example}} {name}.py\n```\n\n" for name in names))


def as_in_a_terminal() -> None:
    """Undo an inherited SIG_IGN, as a shell does for a foreground command.

    A suite started in the background (``tox &``, ``nohup``) ignores SIGINT
    or SIGHUP, and Python keeps a signal ignored at start: then no signal
    sent here could stop the build, whatever the code under test does.
    """
    for number, _ in SIGNALS.values():
        signal.signal(number, signal.SIG_DFL)


@pytest.fixture
def no_leak(project):
    yield
    kill_listed(project.root)


@pytest.mark.skipif(sys.platform != "linux", reason="the sweep is Linux-only")
@pytest.mark.parametrize("frontend", FRONTENDS)
@pytest.mark.parametrize("how", SIGNALS)
def test_no_example_process_survives_any_ending(project, no_leak, how, frontend):
    # A normal exit and a timeout are checked once per frontend, in the
    # SIGTERM run, while the hanging example goes on.
    names = list(EXAMPLES) if how == "sigterm" else [HANG]
    examples(project, names)
    number, to_group = SIGNALS[how]
    command, cwd = FRONTENDS[frontend](project)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": PLUGIN_PATH}
    run = subprocess.Popen(
        [sys.executable, *command], cwd=cwd, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=as_in_a_terminal,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while any(len(listed(project.root, name)) < EXAMPLES[name][1] for name in names):
            assert time.monotonic() < deadline, "the examples never started"
            assert run.poll() is None, run.communicate()[0]
            time.sleep(0.05)
        # The sleeper with an empty environment (third) carries no token: it
        # can be told from another run's only once no other run is active.
        ended = [listed(project.root, name) for name in names if name != HANG]
        assert not survivors([pid for pids in ended for pid in pids[:2] + pids[3:]], grace=15)
        if to_group:
            os.killpg(run.pid, number)
        else:
            os.kill(run.pid, number)
        output = run.communicate(timeout=60)[0]
    finally:
        if run.poll() is None:
            stop_process(run)
    assert not survivors([pid for name in names for pid in listed(project.root, name)]), output
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


CRASH_ON_WRITE = """
import pathlib, time

def crash(app, doctree, docname):
    pids = pathlib.Path(app.confdir).parent / "{name}.pids"
    deadline = time.monotonic() + 60
    while len(pids.read_text().split() if pids.exists() else []) < {count}:
        assert time.monotonic() < deadline, "the example never started"
        time.sleep(0.05)
    raise RuntimeError("an extension fails while the page is written")

def setup(app):
    app.connect("doctree-resolved", crash, priority=100)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the sweep is Linux-only")
def test_an_error_in_the_build_kills_the_runs_still_going(project, no_leak):
    """The page is written while its run goes: an error then ends the run too, at once."""
    examples(project, [HANG])
    crash = CRASH_ON_WRITE.format(name=HANG, count=EXAMPLES[HANG][1])
    (project.root / "docs" / "crash.py").write_text(crash)
    with (project.root / "docs" / "conf.py").open("a") as conf:
        conf.write("sys.path.insert(0, str(__import__('pathlib').Path(__file__).parent))\n")
        conf.write("extensions.append('crash')\n")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "docs", "docs/_build/html"],
        cwd=project.root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    took = time.monotonic() - started
    assert result.returncode == 2, result.stderr
    assert "an extension fails while the page is written" in result.stderr
    assert took < EXAMPLES[HANG][0] / 2, f"{took:.1f} s: the build waited for the run"
    assert not survivors(listed(project.root, HANG))


def sleeper(project) -> Path:
    path = project.root / "examples" / "sleeper.py"
    path.write_text("import time\n\nprint('up', flush=True)\ntime.sleep(60)\n")
    return path


def test_no_example_starts_once_a_stop_signal_came(project, monkeypatch):
    started = []
    monkeypatch.setattr(runner.subprocess, "Popen", lambda *a, **k: started.append(a))
    monkeypatch.setattr(runner, "_stopping", True)
    with pytest.raises(RuntimeError, match="not started: a stop signal came"):
        runner.run(sleeper(project), project.root, start_method="spawn", timeout=30)
    assert started == []


def test_a_stop_signal_kills_an_example_another_thread_is_still_starting(project, monkeypatch):
    # The handler's kill must see a run whose process exists but which its
    # thread has not registered yet, or that run outlives the tool.
    real_popen = runner.subprocess.Popen
    forked = threading.Event()

    def slow_popen(*args, **kwargs):
        process = real_popen(*args, **kwargs)
        forked.set()
        time.sleep(0.5)  # the thread registers it only now
        return process

    monkeypatch.setattr(runner.subprocess, "Popen", slow_popen)
    errors = []

    def start():
        try:
            runner.run(sleeper(project), project.root, start_method="spawn", timeout=30)
        except RuntimeError as error:
            errors.append(str(error))

    thread = threading.Thread(target=start)
    thread.start()
    assert forked.wait(10)
    monkeypatch.setattr(runner, "_stopping", True)  # as _on_stop_signal does
    runner._wait_for_launches()
    assert runner._launching == 0  # registered: kill_all sees it
    runner.kill_all()
    thread.join(10)
    assert not thread.is_alive(), "the run went on until its timeout"
    assert errors == [] or "stop signal" in errors[0]
