"""Run one example the way a reader does, and capture what a terminal shows.

``python examples/<topic>/<file>.py`` runs in a fresh process with the
project root as its working directory.  Output is read from a
pseudo-terminal, so every process in the example line-buffers its output:
lines stay whole and in the order they were written, stdout and stderr
together.  (Through a pipe, each process would buffer its output in blocks
and reorder it; with ``PYTHONUNBUFFERED=1`` lines from two processes tear.)

The example runs in its own session.  When the run ends (normal exit,
timeout, Ctrl-C) the whole process group is killed, grandchildren included;
on Linux, so is every process that left the group but still carries the
run's token, or that the run orphaned (see :mod:`.processes`).  SIGTERM and
SIGHUP do the same once :func:`install_signal_handlers` ran.
"""

from __future__ import annotations

import atexit
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
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from . import processes

#: Holds the ``sitecustomize`` that sets the start method in every process.
SITE_DIR = Path(__file__).with_name("site")
START_METHOD_VARIABLE = "MPEXAMPLES_START_METHOD"
#: Holds each run's own token: every process of the run inherits it.
RUN_VARIABLE = "MPEXAMPLES_RUN"
#: How long to wait for output after a kill before giving up on it.
DRAIN_SECONDS = 2.0
#: How long processes may go on printing after the example's own process exited.
LINGER_SECONDS = 2.0
#: How long killed processes may take to die.
KILL_SECONDS = 5.0
#: How often to look whether the example's own process has exited.
POLL_SECONDS = 0.1


@dataclass(eq=False)
class _Run:
    """A running example: its own process, and the mark its processes carry."""

    process: subprocess.Popen[bytes]
    token: str
    start: int  # the example's start, in clock ticks after boot (Linux)
    ended: bool = False

    @property
    def mark(self) -> bytes:
        return f"{RUN_VARIABLE}={self.token}".encode()


#: Runs in this process, by the pid of the example's own process.
_running: dict[int, _Run] = {}
#: Examples being started: not in ``_running`` yet, but no orphans either.
_launching = 0
#: Reentrant: the signal handler may run while the main thread holds it.
_running_lock = threading.RLock()
#: Set by a stop signal: from then on no example may start.
_stopping = False
#: ``launching`` is set while this thread starts an example.
_here = threading.local()
_at_exit_registered = False


def _forget_runs() -> None:
    """In a forked child: the parent's runs are not ours to kill."""
    global _running, _launching, _running_lock, _stopping
    _running, _launching, _running_lock, _stopping = {}, 0, threading.RLock(), False


os.register_at_fork(after_in_child=_forget_runs)


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
    #: At a timeout, the run's processes that were still alive, before they
    #: were killed: (pid, short command line, seconds running).
    alive_at_timeout: tuple[tuple[int, str, float], ...] = field(default=())


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
    _adopt_orphans()
    token = uuid.uuid4().hex
    env = {**environment(start_method), RUN_VARIABLE: token}
    master, slave = pty.openpty()
    tty.setraw(slave)  # no "\r\n" translation: output keeps its own newlines
    started = time.monotonic()
    global _launching
    with _running_lock:
        if _stop_came():
            os.close(master)
            os.close(slave)
            raise RuntimeError(f"not started: a stop signal came ({relative})")
        _here.launching = True  # before the count: a stop handler waits for the others
        _launching += 1  # until registered, a sweep must not take it for an orphan
    try:
        process = subprocess.Popen(
            [sys.executable, str(relative)],
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,  # reading stdin gets EOF at once
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
    except BaseException:
        os.close(master)
        with _running_lock:
            _launching -= 1
            _here.launching = False
        raise
    finally:
        os.close(slave)
    record = _Run(process, token, _start_ticks(process.pid))
    with _running_lock:
        _running[process.pid] = record
        _launching -= 1
        _here.launching = False
        stopping = _stop_came()
    if stopping:  # registered after the handler's kill: end it here
        _end(record)
        os.close(master)
        raise RuntimeError(f"killed: a stop signal came ({relative})")
    try:
        output, timed_out, alive = _read_until_exit(master, record, started + timeout, root)
    finally:  # also on Ctrl-C: nothing the example started survives
        _end(record)
        os.close(master)
    return RunResult(
        output=tidy(output.decode("utf-8", errors="replace"), root),
        returncode=None if timed_out else process.returncode,
        timed_out=timed_out,
        timeout=timeout,
        duration=time.monotonic() - started,
        start_method=start_method,
        alive_at_timeout=alive,
    )


def _read_until_exit(
    master: int, record: _Run, deadline: float, root: Path
) -> tuple[bytes, bool, tuple[tuple[int, str, float], ...]]:
    """Read the terminal until the example ends; True if it timed out.

    Output ends when every process has closed the terminal, or
    ``LINGER_SECONDS`` after the example's own process exited: helpers such
    as the forkserver or resource tracker exit by themselves well before,
    and a process the example left behind must not hold the run open.
    At a timeout, also say which processes of the run were still alive.
    """
    process = record.process
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
    alive: tuple[tuple[int, str, float], ...] = ()
    try:
        process.wait(max(deadline - time.monotonic(), 0))
        timed_out = False
    except subprocess.TimeoutExpired:
        timed_out = True
        alive = _describe(record, root)
    _end(record)
    drain_until = time.monotonic() + DRAIN_SECONDS
    while (data := _read(master, drain_until - time.monotonic())) is not None and data:
        chunks.append(data)
    return b"".join(chunks), timed_out, alive


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
    """Kill every example running in this process, with all its processes.

    Also kills the orphans this process adopted that carry no token (a
    process that replaced its environment), which a single run can only
    kill when no other run is active.
    """
    with _running_lock:
        runs = list(_running.values())
    for record in runs:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(record.process.pid, signal.SIGKILL)
    _sweep(runs, all_orphans=True)


def _end(record: _Run) -> None:
    """Kill every process of the run that is still alive, and see them die."""
    if record.ended:
        return
    process = record.process
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already empty
        os.killpg(process.pid, signal.SIGKILL)
    if process.returncode is None:
        process.wait()
    with _running_lock:
        _running.pop(process.pid, None)  # before the sweep: orphans may go if we are alone
    _sweep([record])
    record.ended = True


def _sweep(runs: list[_Run], all_orphans: bool = False) -> None:
    """SIGKILL the processes of ``runs`` until a look at the table finds none.

    A process of a run is one in its process group, or (Linux) one whose
    environment carries its token, or an orphan we adopted that carries no
    token: that one is killed only when no other run is active (or if
    ``all_orphans``).  A forking process may start new ones between a look
    and the kill, hence the loop.  Killed processes that are our children
    are reaped, so no zombie stays.

    It ends after two looks in a row find none: a look reads one process
    at a time, so it can see an orphan under its old parent, then that
    parent dead (the kernel reparents a process just before its parent
    dies); the next look sees it ours.
    """
    deadline = time.monotonic() + KILL_SECONDS
    killed: set[int] = set()
    quiet = 0
    while True:
        with _running_lock:  # no example starts between the look and the kill
            orphans = all_orphans or not (_running or _launching)
            examples = set(_running)
            # A dead child of ours may be an example whose run waits for this
            # lock to register it: reaping it would steal its exit status.
            targets = _targets(runs, orphans, examples, reap_dead=not _launching)
            for pid in targets:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
        killed |= targets
        for pid in killed - examples:  # an example's own process: its Popen reaps it
            processes.reap(pid)
        quiet = 0 if targets else quiet + 1
        if quiet == 2:
            return
        if not targets:
            continue
        if time.monotonic() >= deadline:
            raise RuntimeError(f"processes {sorted(targets)} of an example survived SIGKILL")
        time.sleep(0.01)  # SIGKILL is delivered, but dying takes a moment


def _targets(
    runs: list[_Run], orphans: bool, examples: set[int], reap_dead: bool = True
) -> set[int]:
    """Live processes of ``runs`` (and adopted orphans if ``orphans``).

    Dead orphans we adopted are reaped on the way, if ``reap_dead`` (not
    while an example is being registered: it may be one of them).
    """
    groups = {record.process.pid for record in runs}
    if not processes.LINUX:
        return set(group_members_of(groups))
    me, my_session = os.getpid(), os.getsid(0)
    marks = {record.mark for record in runs}
    first = min((record.start for record in runs), default=0)
    targets = set()
    # Not under another run's own process: what it starts is that run's.
    for process in processes.descendants(me, examples - groups).values():
        # An example's processes are never in our session: it starts its own.
        orphan = process.ppid == me and process.sid != my_session and process.pid not in examples
        if not process.live:
            if orphan and reap_dead:
                processes.reap(process.pid)
        elif process.pgid in groups or (orphan and orphans):
            targets.add(process.pid)
        elif runs and process.start >= first and marks & processes.environment(process.pid):
            targets.add(process.pid)  # a run's processes start after it does
    return targets


def _describe(record: _Run, root: Path) -> tuple[tuple[int, str, float], ...]:
    """The run's live processes: (pid, short command line, seconds running)."""
    group = record.process.pid
    found = [
        process
        for process in processes.table().values()
        if process.live
        and (
            process.pgid == group
            or (
                processes.LINUX
                and process.start >= record.start
                and record.mark in processes.environment(process.pid)
            )
        )
    ]
    found.sort(key=lambda process: (process.start, process.pid))
    return tuple(
        (
            process.pid,
            processes.command(process.pid, root),
            round(processes.seconds_running(process), 1),
        )
        for process in found
    )


def _start_ticks(pid: int) -> int:
    process = processes.read(pid) if processes.LINUX else None
    return process.start if process else 0


def _adopt_orphans() -> None:
    """Be the subreaper of our examples, and kill adopted orphans at exit."""
    global _at_exit_registered
    if processes.become_subreaper() and not _at_exit_registered:
        _at_exit_registered = True
        atexit.register(kill_all)


#: The signals a CI system, an editor or a closed terminal sends to stop us.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
#: What each handled signal did before :func:`install_signal_handlers`.
_previous_handlers: dict[int, object] = {}


def install_signal_handlers() -> None:
    """On SIGTERM or SIGHUP, kill every example first, then die of the signal.

    Our own children that are not examples (pytest-xdist workers, ``sphinx
    -j`` workers) get the signal too, so they clean up as well.  A signal
    ignored at install time (``nohup``) stays ignored; a Python handler
    installed before is called after the cleanup instead of dying.  Only the
    main thread can install handlers; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for number in STOP_SIGNALS:
        current = signal.getsignal(number)
        if current is _on_stop_signal or current == signal.SIG_IGN:
            continue
        _previous_handlers[number] = current
        signal.signal(number, _on_stop_signal)


def _on_stop_signal(number: int, frame: object) -> None:
    global _stopping
    with _running_lock:
        _stopping = True
    try:
        _wait_for_launches()
        kill_all()
    finally:  # even if a process survived SIGKILL: we still stop
        _forward(number)
        previous = _previous_handlers.get(number)
        if callable(previous):
            previous(number, frame)
        else:
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)  # dies here: the exit status names the signal
            time.sleep(1)
            os._exit(128 + number)


def _stop_came() -> bool:
    """Whether a stop signal came (read anew: another thread sets it)."""
    return _stopping


def _wait_for_launches(seconds: float = KILL_SECONDS) -> None:
    """Let the examples other threads are starting be registered, for ``kill_all``.

    No new one starts once ``_stopping`` is set.  A start this thread was
    making when the signal came cannot finish: ``_forward`` signals it.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with _running_lock:
            others = _launching - getattr(_here, "launching", False)
        if others <= 0:
            return
        time.sleep(0.01)


def _forward(number: int) -> None:
    """Send signal ``number`` to our live children that are not examples."""
    me = os.getpid()
    with _running_lock:
        examples = set(_running)
    for process in processes.table().values():
        if process.ppid == me and process.live and process.pid not in examples:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(process.pid, number)


def group_members_of(pgids: set[int]) -> list[int]:
    """Live processes in any of the process groups ``pgids``."""
    return [p.pid for p in processes.table().values() if p.pgid in pgids and p.live]


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
