"""Running alone, machine-wide: a reader/writer lock, and who overlapped whom.

Examples that wait with a timeout (``join(timeout)``, ``Event.wait(timeout)``)
rest on a margin that a busy machine can eat.  So every example run holds
:class:`Lock` shared, and a run that must be alone holds it exclusively: no
other example runs anywhere on the machine meanwhile, whichever process
(pytest-xdist workers, several builds, test subprocesses) started it.

The lock is two files locked with ``flock`` in a per-user temporary folder
(or the folder ``MPEXAMPLES_LOCK_DIR`` names).
It prefers writers, so a stream of new shared runs cannot starve an
exclusive one: a shared taker passes through the *gate* (locks it shared,
only while it takes the main lock), and an exclusive taker holds the gate
for its whole run, so no new shared run starts once it waits.

:class:`Session` tells whether other runs of the same build or test session
overlapped a run, across processes too (the workers of one pytest-xdist
session share its name).  Each run holds an exclusive ``flock`` on a file of
its own while it runs; a run starting sees which of its session's files are
locked, and marks them (one byte) and itself as overlapped.  Of two runs
that overlap, the one that looked later saw the other still running, so
both are marked before either example started.

Without ``fcntl`` (not POSIX) there is no lock; the runner needs POSIX anyway.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

# A flag, not ``fcntl = None``: the type checker then keeps fcntl's own types.
try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    POSIX = False
else:
    POSIX = True

#: Seconds after which an unlocked run file is a leftover of a killed process.
STALE_SECONDS = 600.0

_numbers = itertools.count()


#: Names another folder for the lock: runs that share a folder exclude each other.
DIRECTORY_VARIABLE = "MPEXAMPLES_LOCK_DIR"


def default_directory() -> Path:
    """The per-user folder for the lock files, shared by every process."""
    if os.environ.get(DIRECTORY_VARIABLE):
        return Path(os.environ[DIRECTORY_VARIABLE])
    user = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"mpexamples-{user}"


def _folder(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def _flocked(path: Path, operation: int) -> Iterator[int]:
    """Open ``path`` (created if missing) and hold ``flock(operation)`` on it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, operation)  # released when fd closes
        yield fd
    finally:
        os.close(fd)


class Lock:
    """A writer-preferring reader/writer lock for example runs, machine-wide."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_directory()

    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        """Hold the lock with other shared holders; no exclusive holder runs meanwhile."""
        if not POSIX:
            yield
            return
        folder = _folder(self.directory)
        with contextlib.ExitStack() as stack:
            with _flocked(folder / "gate", fcntl.LOCK_SH):  # waits while a writer waits
                stack.enter_context(_flocked(folder / "lock", fcntl.LOCK_SH))
            yield

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the lock alone: wait for the shared holders, and let no new one in."""
        if not POSIX:
            yield
            return
        folder = _folder(self.directory)
        with _flocked(folder / "gate", fcntl.LOCK_EX), _flocked(folder / "lock", fcntl.LOCK_EX):
            yield

    def held(self, exclusive: bool) -> contextlib.AbstractContextManager[None]:
        return self.exclusive() if exclusive else self.shared()


class Run:
    """One run in a session; ``overlapped`` is final once the run is over.

    ``started`` and ``ended`` are wall-clock times (``time.time()``) taken
    while the lock is held: the run's interval, without its wait for the lock.
    """

    overlapped = False
    started = ended = 0.0


class Session:
    """The runs of one build or test session, which may span processes."""

    def __init__(self, name: str | None = None, lock: Lock | None = None) -> None:
        self.name = name or uuid.uuid4().hex
        self.lock = lock or Lock()
        self._sweep()

    @property
    def folder(self) -> Path:
        return self.lock.directory / "runs"

    @contextlib.contextmanager
    def run(self, alone: bool = False) -> Iterator[Run]:
        """Hold the lock (exclusively if ``alone``) and note who overlaps this run."""
        run = Run()
        with self.lock.held(alone):
            run.started = time.time()
            try:
                yield from self._note_overlaps(run, alone)
            finally:
                run.ended = time.time()

    def _note_overlaps(self, run: Run, alone: bool) -> Iterator[Run]:
        if alone or not POSIX:  # nothing of the session can overlap it
            yield run
            return
        folder = _folder(self.folder)
        mine = folder / f"{self.name}.{os.getpid()}.{next(_numbers)}"
        with _flocked(mine, fcntl.LOCK_EX) as fd:
            try:
                run.overlapped = self._mark_running(mine)
                yield run
                run.overlapped = run.overlapped or os.fstat(fd).st_size > 0
            finally:
                mine.unlink(missing_ok=True)  # before unlocking: no one marks it now

    def _mark_running(self, mine: Path) -> bool:
        """Mark the session's other runs still going; True if there is one."""
        found = False
        for other in self.folder.glob(f"{self.name}.*"):
            if other != mine and _locked(other):
                with contextlib.suppress(FileNotFoundError):  # it just ended
                    fd = os.open(other, os.O_WRONLY | os.O_APPEND)
                    try:
                        os.write(fd, b"x")
                    finally:
                        os.close(fd)
                found = True
        return found

    def _sweep(self) -> None:
        """Delete run files that a killed process left (old, and not locked)."""
        if not POSIX or not self.folder.is_dir():
            return
        old = time.time() - STALE_SECONDS
        for path in self.folder.iterdir():
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < old and not _locked(path):
                    path.unlink()


def _locked(path: Path) -> bool:
    """Does a running run hold ``path``?  (Gone or free: no.)"""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
