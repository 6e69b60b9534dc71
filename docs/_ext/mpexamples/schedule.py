"""Which runs a build needs, run concurrently before pages are read.

Examples mostly sleep and wait, so they overlap well beyond the number of
cores.  Before Sphinx reads the pages that changed, their sources are
scanned for ``{example}`` directives and every run they need starts at once,
``example_jobs`` at a time.  Each page then picks up its finished run.  A run
the scan missed is simply done when its page is read, so the scan only
affects speed, never what a page shows.
"""

from __future__ import annotations

import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from . import runner
from .cache import Cache, key
from .example import Example, Verdict
from .expect import Expectation, ExpectationError

DIRECTIVE = re.compile(r"^[ \t]*(?:`{3,}|~{3,}|:{3,})\{example\}[ \t]+(\S+)", re.M)

Job = tuple[Example, Expectation, str]


def default_jobs() -> int:
    """Runs at once: 8 per core, at most 32, since examples mostly sleep."""
    return min(32, 8 * (os.cpu_count() or 1))


class Runs:
    """The verdicts of a build or test session: cached, run ahead, or run now."""

    def __init__(self, cache: Cache | None, jobs: int) -> None:
        self.cache = cache
        self.jobs = jobs
        self.ready: dict[tuple[Path, str], Verdict] = {}
        self.executed = self.cached = 0
        self._lock = threading.Lock()

    def verdict(self, example: Example, expectation: Expectation, method: str) -> Verdict:
        return self.ready.pop((example.path, method), None) or self._run(
            example, expectation, method
        )

    def prerun(self, jobs: list[Job]) -> None:
        """Run ``jobs`` concurrently; Ctrl-C kills every example at once."""
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

    def _run(self, example: Example, expectation: Expectation, method: str) -> Verdict:
        digest = key(example, method) if self.cache else None
        if digest and (result := self.cache.get(digest)):
            with self._lock:
                self.cached += 1
            return Verdict(result, None)
        verdict = example.verify(method, expectation)
        with self._lock:
            self.executed += 1
        if digest and not verdict.problem:
            self.cache.put(digest, verdict.result)
        return verdict


def scan(source: str, examples_dir: Path, root: Path, choose) -> list[Job]:
    """The runs the ``{example}`` directives in ``source`` will need.

    ``choose(example, expectation)`` picks the start method.  Anything the
    directive would reject is left out here; reading the page reports it.
    """
    jobs = []
    for argument in DIRECTIVE.findall(source):
        path = (examples_dir / argument).resolve()
        if not (path.is_relative_to(examples_dir) and path.suffix == ".py" and path.is_file()):
            continue
        example = Example.at(path, root)
        try:
            expectation = example.expectation()
        except ExpectationError:
            continue
        if method := choose(example, expectation):
            jobs.append((example, expectation, method))
    return jobs
