"""Pytest plugin: every file under examples/ is a test, once per start method.

Node IDs read ``examples/pool/pool_apply_async.py::spawn``.  Each run goes
through the same runner and checker as the Sphinx build (``mpexamples``),
so a page can never show output that fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mpexamples import expect
from mpexamples.example import Example


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--example-dir",
        default=str(Path(__file__).parent / "examples"),
        help="collect every .py file under this directory as an example (default: examples/)",
    )


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


class ExampleRun(pytest.Item):
    def __init__(self, *, example: Example, expectation: expect.Expectation, **kwargs) -> None:
        super().__init__(**kwargs)
        self.example = example
        self.expectation = expectation

    def runtest(self) -> None:
        verdict = self.example.verify(self.name, self.expectation)
        if verdict.problem:
            raise ExampleFailed(verdict.problem, verdict.result.output)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ExampleFailed):
            problem, output = excinfo.value.args
            return (
                f"{self.example.name} failed under the {self.name!r} start method:\n"
                f"{problem}\n\n--- complete output ---\n{output}"
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
