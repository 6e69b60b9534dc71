"""The process table: who runs, since when, started by which run.

Killing an example's process group is not enough to end everything it
started: a process can leave the group (``os.setsid()``, a daemon's double
fork) and close the terminal.  On Linux the runner therefore

- becomes a *child subreaper* (``prctl(PR_SET_CHILD_SUBREAPER)``), so a
  process orphaned by the example is reparented to the runner, not to init;
- gives every run a token in the example's environment, which every
  process of the run inherits unless it replaces its environment;

and this module finds processes by either mark.  Elsewhere only the
process group is known (see the README).

Every process a run starts is then a descendant of the runner: its parent
is a process of the run, or the runner that adopted it.  So the runner
looks only at its own descendants (:func:`descendants`), not at every
process on the machine, where the kernel lists each thread's children.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
from collections.abc import Set
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LINUX = sys.platform == "linux"
#: prctl option number, from <linux/prctl.h>.
PR_SET_CHILD_SUBREAPER = 36

_subreaper_pid = 0
_subreaper_lock = threading.Lock()


@dataclass(frozen=True)
class Process:
    """One row of the process table (``start`` in clock ticks after boot)."""

    pid: int
    ppid: int
    pgid: int
    sid: int
    state: str
    start: int

    @property
    def live(self) -> bool:
        """Running or sleeping; a zombie is dead but not yet reaped."""
        return self.state not in "ZX"


def become_subreaper() -> bool:
    """Adopt the orphans of our descendants (Linux; once per process)."""
    global _subreaper_pid
    if not LINUX:
        return False
    with _subreaper_lock:
        if _subreaper_pid != os.getpid():  # the attribute is not inherited by fork
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")
            _subreaper_pid = os.getpid()
    return True


def table() -> dict[int, Process]:
    """Every process on the machine (Linux: from /proc; elsewhere: from ps)."""
    if not LINUX:
        ps = subprocess.run(
            ["ps", "-A", "-o", "pid=,ppid=,pgid=,sess=,stat="], capture_output=True, text=True
        )
        rows = (line.split() for line in ps.stdout.splitlines())
        return {
            int(row[0]): Process(int(row[0]), int(row[1]), int(row[2]), int(row[3]), row[4][0], 0)
            for row in rows
            if len(row) == 5
        }
    processes = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (process := read(int(name))):
            processes[process.pid] = process
    return processes


@cache
def lists_children() -> bool:
    """Whether the kernel lists each thread's children (Linux 3.5+, CONFIG_PROC_CHILDREN).

    Tried, not assumed: our parent's lists must name us.
    """
    return LINUX and os.getpid() in children(os.getppid())


def descendants(pid: int, skip: Set[int] = frozenset()) -> dict[int, Process]:
    """``pid``'s descendants, live or not, but none under ``skip`` (Linux).

    Where the kernel keeps no lists of children, every process on the
    machine (:func:`table`) instead.  A process that exits while we look
    hands its children to its reaper, maybe after we read the reaper's
    list; a caller that must see every process looks twice.
    """
    if not lists_children():
        return table()
    found: dict[int, Process] = {}
    todo = [pid]
    while todo:
        for child in children(todo.pop()) - skip:
            if child not in found and (process := read(child)):
                found[child] = process
                todo.append(child)
    return found


def children(pid: int) -> set[int]:
    """``pid``'s children, from the list of each of its threads (Linux)."""
    found: set[int] = set()
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found  # gone
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/children", "rb") as listed:
                found.update(map(int, listed.read().split()))
        except OSError:
            continue  # the thread ended; its children went to another one
    return found


def read(pid: int) -> Process | None:
    """``pid``'s row, or None if it is gone (Linux)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rpartition(b")")[2].split()
    except OSError:
        return None  # exited while we looked
    # After the command: state ppid pgrp session ... field 22 is starttime.
    return Process(
        pid, int(fields[1]), int(fields[2]), int(fields[3]), fields[0].decode(), int(fields[19])
    )


def environment(pid: int) -> set[bytes]:
    """``pid``'s environment as ``b"NAME=value"`` items (Linux; empty if unreadable)."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as environ:
            return set(environ.read().split(b"\0"))
    except OSError:  # gone, or not ours to read
        return set()


def command(pid: int, root: Path | None = None, width: int = 60) -> str:
    """A short command line: ``python examples/x.py``."""
    if LINUX:
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            argv = []
        words = [word.decode(errors="replace") for word in argv if word]
    else:
        ps = subprocess.run(["ps", "-o", "args=", "-p", str(pid)], capture_output=True, text=True)
        words = ps.stdout.split()
    if not words:
        return "?"
    helper = re.search(r"from (multiprocessing\.\w+) import (\w+)", " ".join(words))
    if helper and "-c" in words:  # spawn_main, resource_tracker, forkserver
        return f"{os.path.basename(words[0])} ({helper[1]}.{helper[2]})"
    text = " ".join([os.path.basename(words[0]), *words[1:]])
    if root:
        text = text.replace(str(root) + os.sep, "")
    return text if len(text) <= width else text[: width - 1] + "…"


def seconds_running(process: Process) -> float:
    """How long ``process`` has run."""
    if not LINUX:
        ps = subprocess.run(
            ["ps", "-o", "etime=", "-p", str(process.pid)], capture_output=True, text=True
        )
        days, _, clock = ps.stdout.strip().rpartition("-")  # [[dd-]hh:]mm:ss
        seconds = 0
        for part in clock.split(":"):  # hours, minutes, seconds: each unit 60 of the next
            if part.isdigit():
                seconds = seconds * 60 + int(part)
        return seconds + int(days or 0) * 86400
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return max(uptime - process.start / os.sysconf("SC_CLK_TCK"), 0.0)


def reap(pid: int) -> None:
    """Collect ``pid``'s exit status if it is our dead child, so no zombie stays.

    Only that pid: ``waitpid(-1)`` would steal the status of a child that a
    ``subprocess.Popen`` elsewhere in this process is waiting for.
    """
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
