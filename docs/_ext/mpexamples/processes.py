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
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
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
