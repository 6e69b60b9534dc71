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
import threading
import time
from dataclasses import dataclass
from pathlib import Path

#: Holds the ``sitecustomize`` that sets the start method in every process.
SITE_DIR = Path(__file__).with_name("site")
START_METHOD_VARIABLE = "MPEXAMPLES_START_METHOD"
#: How long to wait for output after a kill before giving up on it.
DRAIN_SECONDS = 2.0
#: How long processes may go on printing after the example's own process exited.
LINGER_SECONDS = 2.0
#: How long killed processes may take to die.
KILL_SECONDS = 5.0
#: How often to look whether the example's own process has exited.
POLL_SECONDS = 0.1


_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()


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
    with _running_lock:
        _running.add(process)
    try:
        output, timed_out = _read_until_exit(master, process, started + timeout)
    finally:  # also on Ctrl-C: nothing the example started survives
        _kill_group(process)
        os.close(master)
        with _running_lock:
            _running.discard(process)
    return RunResult(
        output=tidy(output.decode("utf-8", errors="replace"), root),
        returncode=None if timed_out else process.returncode,
        timed_out=timed_out,
        timeout=timeout,
        duration=time.monotonic() - started,
        start_method=start_method,
    )


def _read_until_exit(master: int, process: subprocess.Popen, deadline: float) -> tuple[bytes, bool]:
    """Read the terminal until the example ends; True if it timed out.

    Output ends when every process has closed the terminal, or
    ``LINGER_SECONDS`` after the example's own process exited: helpers such
    as the forkserver or resource tracker exit by themselves well before,
    and a process the example left behind must not hold the run open.
    """
    chunks: list[bytes] = []
    exited_at = None
    while True:
        now = time.monotonic()
        if exited_at is None and process.poll() is not None:
            exited_at = now
        limit = deadline if exited_at is None else min(deadline, exited_at + LINGER_SECONDS)
        if now >= limit:
            break
        data = _read(master, min(limit - now, POLL_SECONDS))
        if data == b"":
            break
        if data:
            chunks.append(data)
    try:
        process.wait(max(deadline - time.monotonic(), 0))
        timed_out = False
    except subprocess.TimeoutExpired:
        timed_out = True
    _kill_group(process)
    drain_until = time.monotonic() + DRAIN_SECONDS
    while (data := _read(master, drain_until - time.monotonic())) is not None and data:
        chunks.append(data)
    return b"".join(chunks), timed_out


def _read(master: int, seconds: float) -> bytes | None:
    """What arrives within ``seconds``: None if nothing, b"" at end of output."""
    ready, _, _ = select.select([master], [], [], max(seconds, 0))
    if not ready:
        return None
    try:
        return os.read(master, 65536)
    except OSError as error:  # Linux reports a closed terminal as EIO
        if error.errno == errno.EIO:
            return b""
        raise


def kill_all() -> None:
    """Kill every example running in this process, with all its children."""
    with _running_lock:
        running = list(_running)
    for process in running:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def _kill_group(process: subprocess.Popen) -> None:
    """Kill every process left in the example's group, and see them die."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already empty
        os.killpg(process.pid, signal.SIGKILL)
    if process.returncode is None:
        process.wait()
    deadline = time.monotonic() + KILL_SECONDS
    while (left := group_members(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.01)  # SIGKILL is delivered, but dying takes a moment
    if left:
        raise RuntimeError(f"processes {left} of an example survived SIGKILL")


def group_members(pgid: int) -> list[int]:
    """Live processes (zombies do not count) in process group ``pgid``."""
    if sys.platform == "linux":
        members = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue  # exited while we looked
            if int(fields[2]) == pgid and fields[0] not in "ZX":
                members.append(int(stat.parent.name))
        return members
    ps = subprocess.run(["ps", "-A", "-o", "pid=,pgid=,stat="], capture_output=True, text=True)
    rows = (line.split() for line in ps.stdout.splitlines())
    return [int(pid) for pid, group, state in rows if int(group) == pgid and state[0] != "Z"]


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
