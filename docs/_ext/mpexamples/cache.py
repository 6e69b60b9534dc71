"""A content-addressed cache of passing runs, kept across builds.

The key covers everything that can change what an example prints or how it
is judged: its source and the local modules it imports, its expectation
(which holds the run options), the interpreter and its version, the
platform, the start method, the environment variables the example is given
(``PATH`` decides which programs it finds) and this extension's version.
An edit to any of them is a new key, so a cached page can never show stale
output.  Only runs that passed are stored: a failure is run again by the
next build.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import threading
from dataclasses import asdict
from pathlib import Path

from . import __version__
from .example import Example
from .runner import RunResult, environment


def key(example: Example, start_method: str) -> str:
    digest = hashlib.sha256()
    for part in (
        __version__,
        sys.executable,
        sys.version,
        platform.system(),
        start_method,
        *sorted(f"{name}={value}" for name, value in environment(start_method).items()),
        example.name,
        example.path.read_bytes(),
        example.expectation_path.read_bytes(),
        *(
            item
            for module in example.local_modules()
            for item in (module.relative_to(example.root).as_posix(), module.read_bytes())
        ),
    ):
        data = part if isinstance(part, bytes) else part.encode()
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


class Cache:
    """Passing runs, one JSON file per key, in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _file(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def get(self, key: str) -> RunResult | None:
        try:
            fields = json.loads(self._file(key).read_text(encoding="utf-8"))
            # JSON has no tuples: give the result back as it was put.
            alive = fields.get("alive_at_timeout", ())
            fields["alive_at_timeout"] = tuple(tuple(process) for process in alive)
            return RunResult(**fields)
        except (OSError, ValueError, TypeError, AttributeError):
            return None  # missing, or written by another version: run again

    def put(self, key: str, result: RunResult) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        # A name of its own: parallel readers (sphinx -j) may store one key twice.
        partial = self._file(key).with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        partial.write_text(json.dumps(asdict(result)), encoding="utf-8")
        partial.replace(self._file(key))  # readers never see half a file


class StoreOnly(Cache):
    """A cache that is filled and never read: a test session runs every example,
    and leaves its passing runs for a site build to take (``--example-cache``)."""

    def get(self, key: str) -> RunResult | None:
        return None
