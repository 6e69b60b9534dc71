"""Run one example the way a reader does, and capture what a terminal shows.

``python examples/<topic>/<file>.py`` runs in a fresh process with the
project root as its working directory.  Output is read from a
pseudo-terminal, so every process in the example line-buffers its output:
lines stay whole and in the order they were written, stdout and stderr
together.  (Through a pipe, each process would buffer its output in blocks
and reorder it; with ``PYTHONUNBUFFERED=1`` lines from two processes tear.)

The example runs in its own session.  When it times out, or when the run is
interrupted, the whole process group is killed, grandchildren included.
"""

from __future__ import annotations

import contextlib
import errno
import os
import platform
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

#: Holds the ``sitecustomize`` that sets the start method in every process.
SITE_DIR = Path(__file__).with_name("site")
START_METHOD_VARIABLE = "MPEXAMPLES_START_METHOD"
#: How long to wait for output after a kill before giving up on it.
DRAIN_SECONDS = 2.0


@dataclass(frozen=True)
class RunResult:
    """What one run printed and how it ended."""

    output: str
    returncode: int | None
    timed_out: bool
    timeout: float
    duration: float
    start_method: str
    python: str = platform.python_version()
    system: str = platform.system()


def default_start_method() -> str:
    """The start method this platform and Python use when none is set."""
    import multiprocessing

    return multiprocessing.get_all_start_methods()[0]


def environment(start_method: str) -> dict[str, str]:
    """The variables an example sees: a clean, fixed set, not the caller's."""
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        # Keep examples/ free of __pycache__ and tracebacks free of colour.
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHON_COLORS": "0",
        "NO_COLOR": "1",
        "TERM": "dumb",
        "PYTHONPATH": str(SITE_DIR),
        START_METHOD_VARIABLE: start_method,
    }
    for name in ("HOME", "TMPDIR"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def run(example: Path, root: Path, *, start_method: str, timeout: float) -> RunResult:
    """Run ``example`` (a path under ``root``) and return what it printed."""
    if os.name != "posix":
        raise RuntimeError(
            "running examples needs a POSIX system (a pseudo-terminal and "
            "process groups); on Windows, use WSL"
        )
    import pty
    import tty

    root = root.resolve()
    relative = example.resolve().relative_to(root)
    master, slave = pty.openpty()
    tty.setraw(slave)  # no "\r\n" translation: output keeps its own newlines
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            [sys.executable, str(relative)],
            cwd=root,
            env=environment(start_method),
            stdin=subprocess.DEVNULL,  # reading stdin gets EOF at once
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
    except BaseException:
        os.close(master)
        raise
    finally:
        os.close(slave)
    try:
        output, timed_out = _read_until_exit(master, process, started + timeout)
    finally:
        _kill_group(process)
        os.close(master)
    return RunResult(
        output=tidy(output.decode("utf-8", errors="replace"), root),
        returncode=None if timed_out else process.returncode,
        timed_out=timed_out,
        timeout=timeout,
        duration=time.monotonic() - started,
        start_method=start_method,
    )


def _read_until_exit(master: int, process: subprocess.Popen, deadline: float) -> tuple[bytes, bool]:
    """Read until every process has closed the terminal, or the deadline."""
    chunks: list[bytes] = []
    while _read_some(master, chunks, deadline - time.monotonic()):
        pass
    if time.monotonic() < deadline:
        try:  # the terminal is closed; the example may still be exiting
            process.wait(max(deadline - time.monotonic(), 0))
            return b"".join(chunks), False
        except subprocess.TimeoutExpired:
            pass
    _kill_group(process)
    drain_until = time.monotonic() + DRAIN_SECONDS
    while _read_some(master, chunks, drain_until - time.monotonic()):
        pass
    process.wait()
    return b"".join(chunks), True


def _read_some(master: int, chunks: list[bytes], seconds: float) -> bool:
    """Append what arrives within ``seconds``; False at end of output or time."""
    if seconds <= 0:
        return False
    ready, _, _ = select.select([master], [], [], seconds)
    if not ready:
        return False
    try:
        data = os.read(master, 65536)
    except OSError as error:  # Linux reports a closed terminal as EIO
        if error.errno == errno.EIO:
            return False
        raise
    chunks.append(data)
    return bool(data)


def _kill_group(process: subprocess.Popen) -> None:
    """Kill every process left in the example's group; reap the leader."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already empty
        os.killpg(process.pid, signal.SIGKILL)
    if process.returncode is None:
        process.wait()


def tidy(output: str, root: Path) -> str:
    """Show paths as a reader in the project root would write them.

    The project root is dropped, so tracebacks say ``examples/...``; the
    interpreter's install prefix becomes ``...``.
    """
    prefixes = {str(root) + os.sep: ""}
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}:
        prefixes[prefix + os.sep] = "..." + os.sep
        prefixes[os.path.realpath(prefix) + os.sep] = "..." + os.sep
    for prefix in sorted(prefixes, key=len, reverse=True):
        output = output.replace(prefix, prefixes[prefix])
    return output
