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
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING

from . import lone, runner
from .cache import Cache, key
from .example import Example, Verdict
from .expect import Expectation, ExpectationError
from .layout import NotAnExample

if TYPE_CHECKING:
    from .layout import Layout

DIRECTIVE = re.compile(r"^[ \t]*(?:`{3,}|~{3,}|:{3,})\{example\}[ \t]+(\S+)", re.M)
#: The directive's ``:start-methods:`` option, among the option lines after it.
OPTIONS = re.compile(r"[^\n]*\n?((?:[ \t]*:[\w-]+:[^\n]*\n?)*)")
START_METHODS_OPTION = re.compile(r"^[ \t]*:start-methods:(.*)$", re.M)

Job = tuple[Example, Expectation, str]
COUNTS = ("executed", "cached", "rerun_alone", "passed_alone")


def default_jobs() -> int:
    """Runs at once: 8 per core, at most 32, since examples mostly sleep."""
    return min(32, 8 * (os.cpu_count() or 1))


class Runs:
    """The verdicts of a build or test session: cached, run ahead, or run now.

    ``executed`` counts first runs, ``cached`` runs taken from the cache;
    ``rerun_alone`` counts failures that overlapped other runs and were run
    again alone, ``passed_alone`` those of them that then passed.
    ``session`` names the session, the same in every process it spans.
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
        self.executed = self.cached = self.rerun_alone = self.passed_alone = 0
        self._lock = threading.Lock()

    def verdict(self, example: Example, expectation: Expectation, method: str) -> Verdict:
        verdict = self.ready.pop((example.path, method), None)
        if verdict is None:
            verdict = self._run(example, expectation, method)
            if verdict.problem and verdict.overlapped:
                verdict = self._run_alone(example, expectation, method)
        return verdict

    def prerun(self, jobs: list[Job]) -> None:
        """Run ``jobs`` concurrently, then overlapped failures alone.

        Ctrl-C kills every example at once.
        """
        if not jobs:
            return
        pool = ThreadPoolExecutor(self.jobs, thread_name_prefix="mpexamples")
        futures = {pool.submit(self._run, *job): job for job in jobs}
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
            verdict = self.ready[example.path, method]
            if verdict.problem and verdict.overlapped:
                self.ready[example.path, method] = self._run_alone(example, expectation, method)

    def _run(self, example: Example, expectation: Expectation, method: str) -> Verdict:
        digest = key(example, method) if self.cache else None
        if digest and (result := self.cache.get(digest)):
            with self._lock:
                self.cached += 1
            return Verdict(result, None)
        verdict = example.verify(method, expectation, session=self.session)
        with self._lock:
            self.executed += 1
        if digest and not verdict.problem:
            self.cache.put(digest, verdict.result)
        return verdict

    def _run_alone(self, example: Example, expectation: Expectation, method: str) -> Verdict:
        """Run a failure again with no other example running on the machine."""
        verdict = example.verify(method, expectation, alone=True, session=self.session)
        with self._lock:
            self.rerun_alone += 1
            self.passed_alone += not verdict.problem
        if self.cache and not verdict.problem:
            self.cache.put(key(example, method), verdict.result)
        return verdict

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTS}

    def add(self, counts: dict[str, int]) -> None:
        """Add the counts of another process of the session (an xdist worker)."""
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + counts.get(name, 0))

    def summary(self) -> str:
        """What the build or test session ran, for its last lines."""
        return (
            f"{self.executed} example run(s), {self.cached} from the cache, "
            f"{self.rerun_alone} failure(s) re-run alone ({self.passed_alone} passed alone)"
        )


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
    jobs = []
    for match in DIRECTIVE.finditer(source):
        argument = match[1]
        options = OPTIONS.match(source, match.end())[1]
        option = START_METHODS_OPTION.search(options)
        try:
            example = layout.example(argument)
            expectation = example.expectation()
        except (NotAnExample, ExpectationError):
            continue
        for method in choose(example, expectation, option[1] if option else None):
            jobs.append((example, expectation, method))
    return jobs
