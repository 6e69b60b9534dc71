"""Pytest plugin: every file under examples/ is a test, once per start method.

Loaded by the project's ``conftest.py`` (``pytest_plugins``), or anywhere
with ``-p mpexamples.pytest_plugin``.  Node IDs read
``examples/pool/pool_apply_async.py::spawn``.  Each run goes through the
same runner and checker as the Sphinx build, and the same
:class:`~mpexamples.layout.Layout` decides what is an example, so a page can
never show output that fails here.  An example is run as a program, never
imported into pytest; one that cannot run as given (a broken expectation
file) fails its own tests, not the session.  A helper module (a file
without an expectation that an example imports) is not a test at all; a
file without an expectation that no example imports is one failing test.

Examples mostly sleep, so once collection is done every selected example
run starts at once, ``--example-jobs`` at a time, each in its own process,
as the build does; each test then reports its own run.  Under pytest-xdist
each worker runs its tests one by one instead.  Either way a failure that
other runs of the session overlapped is run again alone (see
``mpexamples.schedule``), and the terminal summary counts these.  An
example whose expectation says ``run: alone`` always runs alone.
``--example-report PATH`` writes every run's record as JSON (the xdist
controller writes its workers' records, merged).  ``--example-cache DIR``
stores every passing run in DIR, in the site build's cache format: pytest
never reads it (every example runs), but a build given that folder as its
``example_cache_dir`` shows those runs instead of running them again.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from . import expect, runner
from .cache import StoreOnly
from .example import Example
from .layout import Layout, NotAnExample, has_expectation, lone_message
from .schedule import Runs, default_jobs

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle  # no public names

RUNS = pytest.StashKey[Runs]()
LAYOUT = pytest.StashKey[Layout]()
IMPORTERS = pytest.StashKey[dict[Path, list[str]]]()
COUNTS = "mpexamples_counts"  # what an xdist worker reports to the controller
RECORDS = "mpexamples_records"  # and its runs' records


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mpexamples", "executed examples (mpexamples)")
    group.addoption(
        "--example-dir",
        dest="example_dir",
        default=None,
        help="collect every .py file under this directory as an example, run from the "
        "folder above it (default: the ini value example_dir)",
    )
    group.addoption(
        "--example-jobs",
        type=int,
        default=default_jobs(),
        help="how many example runs go at once (default: 6 per core, at most 32)",
    )
    group.addoption(
        "--example-report",
        metavar="PATH",
        help="write what ran (counts and a record per run) to PATH as JSON",
    )
    group.addoption(
        "--example-cache",
        metavar="DIR",
        help="store each passing run in DIR, as the site build's example cache does "
        "(never read here: every example runs), for a build with example_cache_dir=DIR",
    )
    parser.addini(
        "example_dir",
        "the examples folder, relative to the rootdir, where examples run (as in Sphinx)",
        default="examples",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[LAYOUT] = Layout.from_pytest(config)
    # SIGTERM/SIGHUP (controller or xdist worker): kill every example first.
    runner.install_signal_handlers()


def _importers(config: pytest.Config) -> dict[Path, list[str]]:
    """Which examples import each file without an expectation (once per session)."""
    if IMPORTERS not in config.stash:
        config.stash[IMPORTERS] = config.stash[LAYOUT].importers()
    return config.stash[IMPORTERS]


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(
    file_path: Path, parent: pytest.Collector
) -> Generator[None, list[pytest.Collector], list[pytest.Collector]]:
    """Collect a file under the examples folder as an example, and only so.

    Pytest's python plugin imports any .py file named on the command line as
    a test module: the example's top-level code would run inside pytest, and
    a syntax error would be an import error instead of the example's failure.
    A helper module collects nothing.
    """
    collectors: list[pytest.Collector] = yield
    if not parent.config.stash[LAYOUT].contains(file_path):
        return collectors
    kept = [c for c in collectors if not isinstance(c, pytest.Module)]
    if file_path.suffix == ".py":
        if has_expectation(file_path):
            kept.append(ExampleFile.from_parent(parent, path=file_path))
        elif not (importers := _importers(parent.config).get(file_path.resolve())):
            kept.append(LoneModule.from_parent(parent, path=file_path))
        elif _named(parent.config, file_path):
            kept.append(NamedHelper.from_parent(parent, path=file_path, importers=importers))
    elif file_path.suffix == ".expect" and not file_path.with_suffix(".py").is_file():
        kept.append(StrayExpectation.from_parent(parent, path=file_path))
    return kept


def _named(config: pytest.Config, path: Path) -> bool:
    """Was ``path`` itself named on the command line?"""
    here = config.invocation_params.dir
    return any((here / arg.split("::")[0]).resolve() == path.resolve() for arg in config.args)


class NamedHelper(pytest.File):
    """A helper named on the command line: a collection error says what to name."""

    def __init__(self, *, importers: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.importers = importers

    def collect(self) -> Iterator[pytest.Item]:
        name = self.config.stash[LAYOUT].name(self.path)
        raise self.CollectError(
            f"{name} is a helper module, not an example (it has no .expect): it runs "
            f"as part of {', '.join(self.importers)}; name that instead"
        )


class ExampleFile(pytest.File):
    """An example; its items are the start methods it runs under."""

    def collect(self) -> Iterator[pytest.Item]:
        try:
            example = self.config.stash[LAYOUT].example(self.path)
            expectation = example.expectation()
        except (NotAnExample, expect.ExpectationError) as error:
            # Its runs fail, saying why; the rest of the session goes on.
            for method in multiprocessing.get_all_start_methods():
                yield Unrunnable.from_parent(self, name=method, problem=str(error))
            return
        methods = example.start_methods(expectation)
        for method in methods:
            yield ExampleRun.from_parent(
                self, name=method, example=example, expectation=expectation
            )
        if not methods:
            # Reported as a skip, never counted as a pass.
            yield NotHere.from_parent(self, name="unavailable", declared=expectation.start_methods)


class LoneModule(pytest.File):
    """A file without an expectation that no example imports: one failing item says so."""

    def collect(self) -> Iterator[pytest.Item]:
        name = self.config.stash[LAYOUT].name(self.path)
        yield Unrunnable.from_parent(self, name="no-expectation", problem=lone_message(name))


class StrayExpectation(pytest.File):
    """An expectation file without its example: one failing item says so."""

    def collect(self) -> Iterator[pytest.Item]:
        example = self.path.with_suffix(".py")
        why = " (it is a directory)" if example.is_dir() else ""
        if example.is_symlink() and not example.exists():
            why = f" (it is a symbolic link to {example.readlink()}, which does not exist)"
        yield Unrunnable.from_parent(
            self, name="no-example", problem=f"{self.path} has no example {example.name}{why}"
        )


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Start every selected example run at once (not in an xdist worker)."""
    config = session.config
    if config.option.collectonly:
        return
    worker = getattr(config, "workerinput", None)  # its session spans the workers
    store = config.getoption("--example-cache")
    runs = config.stash[RUNS] = Runs(
        cache=StoreOnly(Path(store).resolve()) if store else None,
        jobs=config.getoption("--example-jobs"),
        session=worker["testrunuid"] if worker else None,
    )
    if worker:  # runs its items one by one
        return
    items = [item for item in session.items if isinstance(item, ExampleRun)]
    runs.prerun([(item.example, item.expectation, item.name) for item in items])


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands its runs to the controller; the controller writes the report."""
    config = session.config
    runs = config.stash.get(RUNS, None)
    if hasattr(config, "workeroutput"):
        if runs:
            config.workeroutput[COUNTS] = runs.counts()
            config.workeroutput[RECORDS] = runs.report()["records"]
    elif path := config.getoption("--example-report"):
        (runs or Runs(cache=None, jobs=1)).write_report(Path(path).resolve())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    output = getattr(node, "workeroutput", {})
    if counts := output.get(COUNTS):
        config = node.config
        if RUNS not in config.stash:
            config.stash[RUNS] = Runs(cache=None, jobs=1)
        config.stash[RUNS].add(counts, output.get(RECORDS, []))


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    """How many runs, and how many failures were run again alone."""
    runs = config.stash.get(RUNS, None)
    if runs and runs.executed:
        terminalreporter.write_line(f"mpexamples: {runs.summary()}")


class ExampleRun(pytest.Item):
    """One run of an example under the start method that names the item."""

    def __init__(self, *, example: Example, expectation: expect.Expectation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.example = example
        self.expectation = expectation

    def runtest(self) -> None:
        verdict = self.config.stash[RUNS].verdict(self.example, self.expectation, self.name)
        if verdict.problem:
            raise ExampleFailed(verdict.problem, verdict.result.output)

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: TracebackStyle | None = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, ExampleFailed):
            problem, output = excinfo.value.args
            lines = expect.abridge(
                expect.output_lines(output), expect.REPORT_LINES, "[... {lines} more lines ...]"
            )
            return (
                f"{self.example.name} failed under the {self.name!r} start method:\n"
                f"{problem}\n\n--- output ---\n" + "\n".join(lines)
            )
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, None, str]:
        return self.path, None, f"{self.example.name}::{self.name}"


class Unrunnable(pytest.Item):
    """A run that cannot start, such as one with a broken expectation file."""

    def __init__(self, *, problem: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problem = problem

    def runtest(self) -> None:
        raise ExampleFailed(self.problem, "")

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: TracebackStyle | None = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, ExampleFailed):
            return self.problem
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, None, str]:
        name = self.config.stash[LAYOUT].name(self.path)
        return self.path, None, f"{name}::{self.name}"


class NotHere(pytest.Item):
    """An example whose declared start methods this platform lacks: a skip."""

    def __init__(self, *, declared: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.declared = declared

    def runtest(self) -> None:
        pytest.skip(f"needs start method {', '.join(self.declared)}, which this platform lacks")


class ExampleFailed(Exception):
    """The run broke a promise of the example's expectation."""
