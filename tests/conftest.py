"""Helpers for the tests of the pipeline itself: throwaway projects."""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "examples"
#: Where a pytest run outside the checkout finds mpexamples and its pytest plugin.
PLUGIN_PATH = str(ROOT / "docs" / "_ext")
PLUGIN = "mpexamples.pytest_plugin"


class Project:
    """A project in a temporary folder: ``docs/`` and ``examples/``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "docs").mkdir()
        (root / "examples").mkdir()
        (root / "docs" / "conf.py").write_text(
            f"import sys\nsys.path.insert(0, {str(ROOT / 'docs' / '_ext')!r})\n"
            'extensions = ["mpexamples", "myst_parser"]\n'
        )

    def page(self, text: str) -> None:
        """Write the project's one page, docs/index.md."""
        (self.root / "docs" / "index.md").write_text(textwrap.dedent(text))

    def example(self, name: str) -> Path:
        """Copy fixture ``name`` (and its expectation, if it has one) into examples/."""
        for suffix in (".py", ".expect"):
            if (FIXTURES / (name + suffix)).exists() or suffix == ".py":
                shutil.copy(FIXTURES / (name + suffix), self.root / "examples")
        return self.root / "examples" / (name + ".py")

    def build(self, *args: str) -> subprocess.CompletedProcess[str]:
        """sphinx-build; its log (without -q) ends with the count of runs."""
        argv = ["-b", "html", *args, "docs", "docs/_build/html", "-d", "docs/_build/doctrees"]
        return sphinx_build(argv, cwd=self.root)

    def runs(self, *args: str) -> tuple[int, int]:
        """Build, and return (examples executed, examples from the cache)."""
        result = self.build(*args)
        assert result.returncode == 0, result.stderr
        counts = self.report()["counts"]
        return counts["executed"], counts["cached"]

    def report(self) -> dict:
        """What the last build ran: its ``example-runs.json`` (counts and records)."""
        return json.loads((self.root / "docs/_build/doctrees/example-runs.json").read_text())

    def pytest_command(self, *args: str, target: Path | None = None) -> list[str]:
        """Pytest on this project's examples (or ``target``), with the plugin of ``mpexamples``.

        The project lies outside this repository, so the plugin is loaded by
        module name (see ``PLUGIN_PATH``) with the options a checkout would use.
        """
        examples = self.root / "examples"
        return [
            "-m", "pytest", "-p", PLUGIN, "-c", str(ROOT / "pyproject.toml"),
            "--example-dir", str(examples), str(target or examples), *args,
        ]  # fmt: skip

    def pytest(
        self, *args: str, workers: int = 0, target: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Pytest in one process, or with pytest-xdist ``workers``."""
        spread = ["-n", str(workers)] if workers else ["-p", "no:xdist"]
        command = self.pytest_command(*spread, *args, target=target)
        return run_python(*command, cwd=ROOT, PYTHONPATH=PLUGIN_PATH)


def sphinx_build(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``sphinx-build *argv`` in this process, as Sphinx's own tests build.

    The command line's own entry point, with its exit status and its
    output: only the start of a fresh interpreter and its imports, most of
    a small build's CPU time, are saved.  Examples still run as their own
    processes.  (Tests of signals start a real ``sphinx-build``.)
    """
    from sphinx import locale
    from sphinx.cmd.build import build_main

    # Translations are loaded once per process and kept (sphinx.locale):
    # a zh_CN build would otherwise leave its words to the next build here,
    # whatever its language.  Sphinx's own tests clear them the same way.
    locale.translators.clear()
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = build_main(argv)
            except SystemExit as exit:  # what the command line would exit with
                code = exit.code if isinstance(exit.code, int) else 1
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(
        ["sphinx-build", *argv], code, out.getvalue(), err.getvalue()
    )


def run_python(
    *args: str, cwd: Path, timeout: float = 300, **variables: str
) -> subprocess.CompletedProcess[str]:
    """``python *args``; stopped with SIGTERM if the test times out or is interrupted."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **variables}
    process = subprocess.Popen(
        [sys.executable, *args], cwd=cwd, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except BaseException:  # a timeout, pytest-timeout, Ctrl-C
        stop(process)
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop a build or test run the way CI does: SIGTERM, then SIGKILL.

    SIGTERM lets it kill its examples first (``runner.install_signal_handlers``);
    SIGKILL alone would leave them running.
    """
    process.terminate()
    try:
        process.communicate(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


@pytest.fixture(autouse=True, scope="session")
def _lock_per_worker(tmp_path_factory: pytest.TempPathFactory):
    """Each worker's example runs share a lock of their own (mpexamples.lone).

    A test's failure re-run alone then waits for its own runs only, instead
    of stalling every other test's runs on the machine.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MPEXAMPLES_LOCK_DIR", str(tmp_path_factory.mktemp("lock")))
        yield


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def survivors(pids: list[int], grace: float = 5.0) -> list[int]:
    """The ``pids`` still alive after ``grace`` seconds (a kill takes a moment)."""
    deadline = time.monotonic() + grace
    while (left := [pid for pid in pids if alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def listed(root: Path, name: str) -> list[int]:
    """The PIDs an example listed in ``root/<name>.pids`` (fixture_escape_all)."""
    path = root / f"{name}.pids"
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []


def kill_listed(root: Path) -> None:
    """SIGKILL every PID listed in ``root/*.pids``: a failing test leaks nothing."""
    for path in root.glob("*.pids"):
        for pid in listed(root, path.stem):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    """Is ``pid`` a live process (not gone, not a zombie)?"""
    status = Path(f"/proc/{pid}/status")
    if status.parent.parent.joinpath("self").exists():
        try:
            return "\nState:\tZ" not in status.read_text()
        except FileNotFoundError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


#: The address the real site is built for, as Read the Docs builds it.
SITE_URL = "https://example.readthedocs.io/zh-cn/latest/"
#: The discard port: nothing listens, so a build that reached the network fails.
CLOSED = "http://127.0.0.1:9"
#: How long a test of the real site may take: the build may run every example.
REAL_SITE_TIMEOUT = 900
#: A folder of passing runs (``pytest --example-cache``) the real site starts from.
SEED_VARIABLE = "MPEXAMPLES_SITE_CACHE"


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The real site, both editions, built once per test session: its folder and log.

    Built as Read the Docs builds it (``tools/build_site.py`` with its
    canonical URL), every proxy pointing at a closed port.  Every example
    runs in this build, so it is built once and shared: pytest-xdist's
    workers share the session's temporary folder, and the first to take the
    lock builds while the others wait, then read what it left.  With
    ``MPEXAMPLES_SITE_CACHE`` set (tox sets it: its first command runs every
    example with ``--example-cache`` there), the build starts from those
    passing runs instead of running each again.  Tests that use it carry
    ``pytest.mark.timeout(REAL_SITE_TIMEOUT)``.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out = shared / "real-site"
    with (shared / "real-site.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        log, failure = out / "build.log", out / "build.failed"
        if not log.exists() and not failure.exists():
            if seed := os.environ.get(SEED_VARIABLE):  # this session's passing runs
                shutil.copytree(seed, out / "doctrees" / "example-cache", dirs_exist_ok=True)
            result = run_python(
                "tools/build_site.py", "--out", str(out),
                cwd=ROOT, timeout=REAL_SITE_TIMEOUT, READTHEDOCS_CANONICAL_URL=SITE_URL,
                http_proxy=CLOSED, https_proxy=CLOSED, HTTP_PROXY=CLOSED, HTTPS_PROXY=CLOSED,
            )  # fmt: skip
            out.mkdir(exist_ok=True)
            if result.returncode or result.stderr:  # not one warning
                failure.write_text(f"exit status {result.returncode}\n{result.stderr}")
            else:
                log.write_text(result.stdout)
    if failure.exists():
        pytest.fail(f"building the real site failed: {failure.read_text()}", pytrace=False)
    return out, log.read_text()
