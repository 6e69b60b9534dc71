"""Which runs a build needs, run concurrently before pages are read.

Examples mostly sleep and wait, so they overlap well beyond the number of
cores.  Before Sphinx reads the pages that changed, their sources are
scanned for ``{example}`` directives and every run they need starts at once,
``example_jobs`` at a time.  Each page then picks up its finished run.  A run
the scan missed is simply done when its page is read, so the scan only
affects speed, never what a page shows.

Running together must not change a verdict: an example whose guarantee rests
on a margin (``join(timeout=...)``) can miss it only because its neighbours
keep the machine busy.  So a run that failed while other runs of the same
session overlapped it is run again once the concurrent batch is over, alone
on the machine (:mod:`.lone`), and that lone run's verdict is the one
reported.  A failure that overlapped nothing is final at once.

An example whose expectation says ``run: alone`` (a benchmark, or one whose
point is timing) always runs alone: one by one, after the concurrent batch
(:meth:`Runs.prerun`) or before it (:meth:`Runs.start`), and never twice,
since it overlapped nothing.

:meth:`Runs.prerun` returns once every run is done: the test session's
way, and a build's that reads pages in parallel (Sphinx forks its readers).
:meth:`Runs.start` returns once the runs made alone are done, and leaves
the batch running while a build reads and writes its pages: a page waits
only for the runs it shows (:meth:`Runs.verdict`), and a failure that must
be run again alone waits for the whole batch.

:class:`Runs` keeps a :class:`Record` of every run next to its counts, so
that tools and tests read what ran as data (:meth:`Runs.report`), not from
the log line.
"""

from __future__ import annotations

import json
import os
import re
import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from . import lone, runner
from .cache import Cache, key
from .example import Example, Verdict
from .expect import Expectation, ExpectationError
from .layout import NotAnExample

if TYPE_CHECKING:
    from .layout import Layout

DIRECTIVE = re.compile(r"^[ \t]*(?:`{3,}|~{3,}|:{3,})\{example\}[ \t]+(\S+)", re.M)
#: The option lines after the directive's line (group 1), where its
#: ``:start-methods:`` option is.  Every part may be empty: it always matches.
OPTIONS = re.compile(r"[^\n]*\n?((?:[ \t]*:[\w-]+:[^\n]*\n?)*)")
START_METHODS_OPTION = re.compile(r"^[ \t]*:start-methods:(.*)$", re.M)

Job = tuple[Example, Expectation, str]
COUNTS = ("executed", "cached", "alone", "rerun_alone", "passed_alone")


@dataclass(frozen=True)
class Record:
    """One run of a session, as data (see :meth:`Runs.report`)."""

    example: str  # examples/process/process_basic.py
    method: str
    cached: bool  # taken from the cache: nothing ran
    alone: bool  # held the machine-wide lock exclusively
    rerun_alone: bool  # a failure beside other runs, run again alone
    passed: bool
    duration: float  # seconds the example ran (the runner's figure; 0 if cached)
    start: float  # wall clock (time.time()) while it held the lock; 0 if cached
    end: float


class Report(TypedDict):
    """What ran, as data (:meth:`Runs.report`): the counts, and each
    :class:`Record` as a dict (as JSON has it)."""

    counts: dict[str, int]
    records: list[dict[str, Any]]


def default_jobs() -> int:
    """Runs at once: 6 per core, at most 32.

    Fewer runs than that leave cores idle while runs sleep; more make the
    runs' processes spend more CPU between them (scheduling, caches), and
    the site's examples are bound by CPU.  On 2 cores, the example suite
    (238 runs) spent 38.4 CPU s with 8 at once, 38.7 s with 12, 40.5 s
    with 16 and 40.7 s with 32, and took about 1 s less with 8 or 12 than
    with 16 or 32; the clean build's runs, likewise.
    """
    return min(32, 6 * (os.cpu_count() or 1))


class Runs:
    """The verdicts of a build or test session: cached, run ahead, or run now.

    ``executed`` counts first runs, ``cached`` runs taken from the cache,
    ``alone`` the first runs made alone because their expectation says
    ``run: alone``; ``rerun_alone`` counts failures that overlapped other
    runs and were run again alone, ``passed_alone`` those of them that then
    passed.  ``records`` lists every run.  ``session`` names the session,
    the same in every process it spans.
    """

    def __init__(
        self,
        cache: Cache | None,
        jobs: int,
        session: str | None = None,
        lock: lone.Lock | None = None,
    ) -> None:
        self.cache = cache
        self.jobs = jobs
        self.session = lone.Session(session, lock)
        self.ready: dict[tuple[Path, str], Verdict] = {}
        self.executed = self.cached = self.alone = self.rerun_alone = self.passed_alone = 0
        self.records: list[Record] = []
        self._lock = threading.Lock()
        # The batch :meth:`start` left running, and its runs not yet asked for.
        self._pool: ThreadPoolExecutor | None = None
        self._pending: dict[tuple[Path, str], Future[Verdict]] = {}
        self._stopped = False
        self._interrupt_handler: Any = None

    def verdict(self, example: Example, expectation: Expectation, method: str) -> Verdict:
        """The run's verdict: run ahead, or made now (alone if it must be).

        A run still going in the background batch is waited for.
        """
        # Kept, not popped: a second directive showing the same run runs nothing.
        verdict = self.ready.get((example.path, method))
        if verdict is None:
            future = self._pending.pop((example.path, method), None)
            verdict = future.result() if future else self._run(example, expectation, method)
            if verdict.problem and verdict.overlapped:
                self._wait_for_batch()  # alone means after every other run of the batch
                verdict = self._run_alone(example, expectation, method)
            self.ready[example.path, method] = verdict
        return verdict

    def waits(self, example: Example, method: str) -> bool:
        """Whether :meth:`verdict` would wait for the background batch.

        True while the run is going, and for a failure that overlapped other
        runs (it is run again alone once the batch is over).
        """
        future = self._pending.get((example.path, method))
        if future is None:
            return False
        if not future.done():
            return True
        verdict = future.result()
        return bool(verdict.problem and verdict.overlapped)

    def start(self, jobs: list[Job]) -> None:
        """Make the ``run: alone`` runs, then start the others and return at once.

        The others run ``jobs`` at a time in threads; :meth:`verdict` waits
        for one when it is asked for, :meth:`finish` for them all, and
        :meth:`stop` ends them.  Ctrl-C (SIGINT) in the main thread stops
        them first.  Never fork while the batch is running.
        """
        for example, expectation, method in jobs:  # in order: reproducible
            if expectation.alone:
                self.ready[example.path, method] = self._run(example, expectation, method)
        together = [job for job in jobs if not job[1].alone]
        if not together:
            return
        handler = signal.getsignal(signal.SIGINT)
        # Not if ignored, nor if it kills at once; only the main thread can.
        if callable(handler) and threading.current_thread() is threading.main_thread():
            self._interrupt_handler = handler
            signal.signal(signal.SIGINT, self._on_interrupt)
        self._pool = ThreadPoolExecutor(self.jobs, thread_name_prefix="mpexamples")
        for example, expectation, method in together:
            future = self._pool.submit(self._run, example, expectation, method)
            self._pending[example.path, method] = future

    def finish(self) -> None:
        """Wait for what :meth:`start` left running."""
        if self._pool:
            self._pool.shutdown()
            self._pool = None
            self._restore_interrupt_handler()

    def stop(self) -> None:
        """Cancel the runs :meth:`start` has not begun, and kill every run going."""
        self._stopped = True
        if self._pool:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            self._restore_interrupt_handler()
        runner.kill_all()

    def _on_interrupt(self, number: int, frame: Any) -> None:
        handler = self._interrupt_handler
        self.stop()
        handler(number, frame)  # Python's own raises KeyboardInterrupt

    def _restore_interrupt_handler(self) -> None:
        if self._interrupt_handler and signal.getsignal(signal.SIGINT) == self._on_interrupt:
            signal.signal(signal.SIGINT, self._interrupt_handler)

    def _wait_for_batch(self) -> None:
        wait(self._pending.values())

    def prerun(self, jobs: list[Job]) -> None:
        """Run ``jobs`` concurrently, then overlapped failures and ``run: alone`` ones alone.

        Ctrl-C kills every example at once.
        """
        if not jobs:
            return
        together = [job for job in jobs if not job[1].alone]
        pool = ThreadPoolExecutor(self.jobs, thread_name_prefix="mpexamples")
        futures = {pool.submit(self._run, *job): job for job in together}
        try:
            for future in as_completed(futures):
                example, _, method = futures[future]
                self.ready[example.path, method] = future.result()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            runner.kill_all()
            raise
        pool.shutdown()
        for example, expectation, method in jobs:  # in order: reproducible
            if expectation.alone:
                self.ready[example.path, method] = self._run(example, expectation, method)
                continue
            verdict = self.ready[example.path, method]
            if verdict.problem and verdict.overlapped:
                self.ready[example.path, method] = self._run_alone(example, expectation, method)

    def _run(self, example: Example, expectation: Expectation, method: str) -> Verdict:
        """A first run (alone if its expectation says so), or the cached pass."""
        if self._stopped:  # a thread of a stopped batch: start nothing more
            raise RuntimeError("the runs were stopped")
        cache = self.cache
        digest = key(example, method) if cache else None
        if cache and digest and (result := cache.get(digest)):
            verdict = Verdict(result, None)
            self._note(example, method, verdict, cached=True, alone=expectation.alone)
            return verdict
        verdict = example.verify(method, expectation, alone=expectation.alone, session=self.session)
        self._note(example, method, verdict, alone=expectation.alone)
        if cache and digest and not verdict.problem:
            cache.put(digest, verdict.result)
        return verdict

    def _run_alone(self, example: Example, expectation: Expectation, method: str) -> Verdict:
        """Run a failure again with no other example running on the machine."""
        verdict = example.verify(method, expectation, alone=True, session=self.session)
        self._note(example, method, verdict, alone=True, rerun=True)
        if self.cache and not verdict.problem:
            self.cache.put(key(example, method), verdict.result)
        return verdict

    def _note(
        self,
        example: Example,
        method: str,
        verdict: Verdict,
        *,
        cached: bool = False,
        alone: bool = False,
        rerun: bool = False,
    ) -> None:
        """Count a run and keep its record (from any thread)."""
        ran = not cached
        record = Record(
            example=example.name,
            method=method,
            cached=cached,
            alone=alone and ran,
            rerun_alone=rerun,
            passed=not verdict.problem,
            duration=verdict.result.duration if ran else 0.0,
            start=verdict.started,
            end=verdict.ended,
        )
        with self._lock:
            self.records.append(record)
            if cached:
                self.cached += 1
            elif rerun:
                self.rerun_alone += 1
                self.passed_alone += record.passed
            else:
                self.executed += 1
                self.alone += alone

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTS}

    def add(self, counts: dict[str, int], records: Sequence[Mapping[str, Any]] = ()) -> None:
        """Add the counts and records of another process of the session (an xdist worker)."""
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + counts.get(name, 0))
        self.records += [Record(**record) for record in records]

    def report(self) -> Report:
        """What ran, as data: the counts, and a record per run in the order they ended."""
        return {
            "counts": self.counts(),
            "records": [asdict(record) for record in sorted(self.records, key=_order)],
        }

    def to_json(self) -> str:
        return json.dumps(self.report(), indent=1)

    def write_report(self, path: Path) -> None:
        """Write :meth:`report` to ``path`` as JSON, whole or not at all."""
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f"{path.name}.{os.getpid()}.part")
        part.write_text(self.to_json() + "\n", encoding="utf-8")
        part.replace(path)

    def summary(self) -> str:
        """What the build or test session ran, for its last lines."""
        alone = f"; {self.alone} of the {self.executed} ran alone as declared" if self.alone else ""
        return (
            f"{self.executed} example run(s), {self.cached} from the cache, "
            f"{self.rerun_alone} failure(s) re-run alone ({self.passed_alone} passed alone)"
            f"{alone}"
        )


def _order(record: Record) -> tuple[float, str, str]:
    return (record.end, record.example, record.method)


def scan(
    source: str,
    layout: Layout,
    choose: Callable[[Example, Expectation, str | None], list[str]],
) -> list[Job]:
    """The runs the ``{example}`` directives in ``source`` will need.

    ``choose(example, expectation, option)`` picks the start methods, given
    the directive's ``:start-methods:`` value (None without one).  Anything
    the directive would reject, or show without a run (a helper), is left
    out here; reading the page reports it.
    """
    jobs: list[Job] = []
    for match in DIRECTIVE.finditer(source):
        argument = match[1]
        options = OPTIONS.match(source, match.end())
        assert options is not None, "OPTIONS matches anywhere (each part may be empty)"
        option = START_METHODS_OPTION.search(options[1])
        try:
            example = layout.example(argument)
            expectation = example.expectation()
        except (NotAnExample, ExpectationError):
            continue
        for method in choose(example, expectation, option[1] if option else None):
            jobs.append((example, expectation, method))
    return jobs
