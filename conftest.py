"""Pytest plugin: every file under examples/ is a test, once per start method.

Node IDs read ``examples/pool/pool_apply_async.py::spawn``.  Each run goes
through the same runner and checker as the Sphinx build (``mpexamples``),
so a page can never show output that fails here.

Examples mostly sleep, so once collection is done every selected example
run starts at once, ``--example-jobs`` at a time, each in its own process,
as the build does; each test then reports its own run.  Under pytest-xdist
each worker runs its tests one by one instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mpexamples import expect, runner
from mpexamples.example import Example
from mpexamples.schedule import Runs, default_jobs

RUNS = pytest.StashKey[Runs]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--example-dir",
        default=str(Path(__file__).parent / "examples"),
        help="collect every .py file under this directory as an example (default: examples/)",
    )
    parser.addoption(
        "--example-jobs",
        type=int,
        default=default_jobs(),
        help="how many example runs go at once (default: 8 per core, at most 32)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # SIGTERM/SIGHUP (controller or xdist worker): kill every example first.
    runner.install_signal_handlers()


def _example_dir(config: pytest.Config) -> Path:
    return Path(config.getoption("--example-dir")).resolve()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".py" and file_path.resolve().is_relative_to(
        _example_dir(parent.config)
    ):
        return ExampleFile.from_parent(parent, path=file_path)
    return None


class ExampleFile(pytest.File):
    """An example; its items are the start methods it runs under."""

    def collect(self):
        # Run from the folder above examples/, as the README tells readers to.
        example = Example.at(self.path, _example_dir(self.config).parent)
        expectation = example.expectation()  # a malformed one is a collection error
        methods = example.start_methods(expectation)
        for method in methods:
            yield ExampleRun.from_parent(
                self, name=method, example=example, expectation=expectation
            )
        if not methods:
            # Reported as a skip, never counted as a pass.
            yield NotHere.from_parent(self, name="unavailable", declared=expectation.start_methods)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Start every selected example run at once (not in an xdist worker)."""
    config = session.config
    if hasattr(config, "workerinput") or config.option.collectonly:
        return
    runs = config.stash[RUNS] = Runs(cache=None, jobs=config.getoption("--example-jobs"))
    items = [item for item in session.items if isinstance(item, ExampleRun)]
    runs.prerun([(item.example, item.expectation, item.name) for item in items])


class ExampleRun(pytest.Item):
    def __init__(self, *, example: Example, expectation: expect.Expectation, **kwargs) -> None:
        super().__init__(**kwargs)
        self.example = example
        self.expectation = expectation

    def runtest(self) -> None:
        runs = self.config.stash.get(RUNS, None)
        if runs:
            verdict = runs.verdict(self.example, self.expectation, self.name)
        else:
            verdict = self.example.verify(self.name, self.expectation)
        if verdict.problem:
            raise ExampleFailed(verdict.problem, verdict.result.output)

    def repr_failure(self, excinfo, style=None):
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

    def reportinfo(self):
        return self.path, None, f"{self.example.name}::{self.name}"


class NotHere(pytest.Item):
    def __init__(self, *, declared: tuple[str, ...], **kwargs) -> None:
        super().__init__(**kwargs)
        self.declared = declared

    def runtest(self) -> None:
        pytest.skip(f"needs start method {', '.join(self.declared)}, which this platform lacks")


class ExampleFailed(Exception):
    """The run broke a promise of the example's expectation."""
