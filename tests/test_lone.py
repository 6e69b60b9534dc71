"""The machine-wide lock and overlap detection of mpexamples.lone, with threads.

Each holder opens the lock files itself, so threads exclude each other as
processes do.  Waits are generous; "still waiting" is checked after a short
pause, which a broken lock fails at once.
"""

from __future__ import annotations

import threading
import time

import pytest

from mpexamples.lone import Lock, Session

PAUSE = 0.3  # long enough for a broken lock to let a waiter through
PATIENCE = 30.0


class Holder(threading.Thread):
    """Take ``hold`` (a context manager factory), note when, hold until released."""

    def __init__(self, hold, log: list[str], name: str) -> None:
        super().__init__(daemon=True)
        self.hold, self.log, self.label = hold, log, name
        self.got = threading.Event()
        self.release = threading.Event()

    def run(self) -> None:
        with self.hold():
            self.log.append(f"{self.label} in")
            self.got.set()
            self.release.wait(PATIENCE)
            self.log.append(f"{self.label} out")  # still holding

    def done(self) -> None:
        self.release.set()
        self.join(PATIENCE)


def start(hold, log: list[str], name: str) -> Holder:
    holder = Holder(hold, log, name)
    holder.start()
    return holder


@pytest.fixture
def lock(tmp_path) -> Lock:
    return Lock(tmp_path / "lock")


def test_shared_holders_share(lock):
    log: list[str] = []
    first, second = start(lock.shared, log, "a"), start(lock.shared, log, "b")
    assert first.got.wait(PATIENCE) and second.got.wait(PATIENCE)
    first.done(), second.done()


@pytest.mark.parametrize("first", ["shared", "exclusive"])
def test_exclusive_holder_and_others_exclude_each_other(lock, first):
    log: list[str] = []
    holder = start(getattr(lock, first), log, "first")
    assert holder.got.wait(PATIENCE)
    other = "exclusive" if first == "shared" else "shared"
    waiter = start(getattr(lock, other), log, "second")
    assert not waiter.got.wait(PAUSE)
    holder.done()
    assert waiter.got.wait(PATIENCE)
    waiter.done()
    assert log == ["first in", "first out", "second in", "second out"]


def test_a_waiting_exclusive_taker_goes_before_new_shared_ones(lock):
    log: list[str] = []
    reader = start(lock.shared, log, "reader")
    assert reader.got.wait(PATIENCE)
    writer = start(lock.exclusive, log, "writer")
    time.sleep(PAUSE)  # the writer now waits for the reader
    late = start(lock.shared, log, "late reader")
    # Sharing with the reader would be possible, but the writer comes first.
    assert not late.got.wait(PAUSE) and not writer.got.is_set()
    reader.done()
    assert writer.got.wait(PATIENCE)
    assert not late.got.wait(PAUSE)
    writer.done()
    assert late.got.wait(PATIENCE)
    late.done()
    assert log.index("writer out") < log.index("late reader in")


def test_session_notes_which_runs_overlapped(lock):
    session = Session("s", lock)
    with session.run() as first:
        with session.run() as second:
            pass
        with Session("other", lock).run() as elsewhere:
            pass
    with session.run() as later:
        pass
    with session.run(alone=True) as lone:
        pass
    # Both of two overlapping runs know it, whichever started first.
    assert first.overlapped and second.overlapped
    # A run of another session, or after the others ended, overlapped none.
    assert not elsewhere.overlapped and not later.overlapped and not lone.overlapped
    assert not list(session.folder.iterdir())  # each run cleans up after itself


def test_an_exclusive_run_waits_for_every_session(lock):
    log: list[str] = []
    running = start(Session("a", lock).run, log, "a")
    assert running.got.wait(PATIENCE)
    lone = start(lambda: Session("b", lock).run(alone=True), log, "alone")
    assert not lone.got.wait(PAUSE)
    running.done()
    assert lone.got.wait(PATIENCE)
    lone.done()
