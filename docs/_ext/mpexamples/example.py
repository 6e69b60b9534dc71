"""One example file: where it is, what it imports, and one checked run.

The Sphinx directive and the pytest plugin both go through
:meth:`Example.verify`, so they run and judge an example the same way.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import expect, lone, runner


@dataclass(frozen=True)
class Verdict:
    """A run and what the checker said of it (``problem`` is None if fine)."""

    result: runner.RunResult
    problem: str | None
    overlapped: bool = False  # other runs of its session ran meanwhile
    started: float = 0.0  # wall clock (time.time()) while it held the lock; 0: not run here
    ended: float = 0.0


@dataclass(frozen=True)
class Example:
    path: Path  # absolute
    root: Path  # the project root: working directory and base of shown paths

    @classmethod
    def at(cls, path: Path, root: Path) -> Example:
        return cls(path.resolve(), root.resolve())

    @property
    def name(self) -> str:
        """The path a reader types: ``examples/process/process_basic.py``."""
        return self.path.relative_to(self.root).as_posix()

    @property
    def expectation_path(self) -> Path:
        return expect.expectation_path(self.path)

    def expectation(self) -> expect.Expectation:
        return expect.load(self.path)

    def local_modules(self) -> list[Path]:
        """Modules next to the example that it imports, directly or not.

        A file that cannot be read or parsed imports nothing here: running
        the example reports that error, as Python words it.
        """
        found: list[Path] = []
        todo = [self.path]
        while todo:
            try:
                names = imported_names(todo.pop().read_bytes())
            except OSError:
                continue
            for name in names:
                module = self.path.parent / (name.replace(".", "/") + ".py")
                if module.is_file() and module not in found and module != self.path:
                    found.append(module)
                    todo.append(module)
        return found

    def start_methods(self, expectation: expect.Expectation) -> list[str]:
        """The methods this example runs under here, platform default first."""
        available = _available_start_methods()
        return [m for m in available if m in expectation.start_methods]

    def verify(
        self,
        start_method: str,
        expectation: expect.Expectation | None = None,
        *,
        alone: bool = False,
        session: lone.Session | None = None,
    ) -> Verdict:
        """Run once under ``start_method`` and check the expectation.

        The run holds the machine-wide lock of :mod:`.lone`: shared, or with
        ``alone`` exclusively, so that no other example runs meanwhile.  The
        verdict says whether other runs of ``session`` overlapped it.
        """
        expectation = expectation or self.expectation()
        with (session or lone.Session()).run(alone) as run:
            result = runner.run(
                self.path,
                self.root,
                start_method=start_method,
                timeout=expectation.timeout,
            )
        problem = expect.check(expectation, result)
        return Verdict(result, problem, run.overlapped, run.started, run.ended)


#: What each source imports, by a digest of its bytes (see :func:`imported_names`).
_IMPORTS: dict[str, tuple[str, ...]] = {}
#: The entries this process asked for: what :func:`known_imports` gives.
_ASKED: dict[str, tuple[str, ...]] = {}


def imported_names(source: bytes) -> tuple[str, ...]:
    """The modules ``source`` imports, by name; none if it does not parse.

    Kept by content: a build asks for each example's several times (its
    page's dependencies, its cache key, its chart), and parsing is the
    cost.  A build also keeps them with its environment, so that the next
    one parses only the files that changed (:func:`remember_imports`).
    """
    digest = hashlib.blake2b(source, digest_size=16).hexdigest()
    names = _IMPORTS.get(digest)
    if names is None:
        names = _IMPORTS[digest] = _parse_imports(source)
    _ASKED[digest] = names
    return names


def known_imports() -> dict[str, tuple[str, ...]]:
    """What the sources this process looked at import, by digest, to keep."""
    return dict(_ASKED)


def remember_imports(known: Mapping[str, tuple[str, ...]]) -> None:
    """Take what an earlier process found (:func:`known_imports`)."""
    _IMPORTS.update(known)


def _parse_imports(source: bytes) -> tuple[str, ...]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ()
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return tuple(names)


def _available_start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


def find_examples(directory: Path) -> list[Path]:
    """Every example file under ``directory``, in a stable order."""
    return sorted(p for p in directory.rglob("*.py") if "__pycache__" not in p.parts)
