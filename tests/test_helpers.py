"""Helper modules: a .py file without an expectation that an example imports.

The pair ``fixture_pair_main`` (with an expectation) and
``fixture_pair_worker`` (without) is one example and one helper.  A file
with neither an expectation nor an importer is an error for the build and
for pytest alike.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from mpexamples import sphinxext
from mpexamples.layout import Layout, lone_message
from mpexamples.sphinxext import ExampleCollector, _State

LONE = "examples/lone.py has no expectation file examples/lone.expect, and no example imports it"


def pair(project) -> Path:
    """The pair, and a lone file beside it; returns the worker."""
    project.example("fixture_pair_main")
    worker = project.example("fixture_pair_worker")
    (project.root / "examples" / "lone.py").write_text('print("nobody imports me")\n')
    return worker


def test_layout_tells_helpers_from_lone_files(project):
    worker = pair(project)
    (project.root / "examples" / "util.py").write_text("X = 1\n")  # imported by the worker
    worker.write_text("import util\n" + worker.read_text())
    layout = Layout(project.root, project.root / "examples")
    name = "examples/fixture_pair_main.py"
    assert layout.importers() == {
        worker: [name],
        project.root / "examples" / "util.py": [name],  # imported through the worker
        project.root / "examples" / "lone.py": [],
    }
    assert lone_message("examples/lone.py").startswith(LONE)


# The build's -j 2 forks its readers from this process; under pytest-xdist
# the worker's own execnet thread makes Python 3.12+ warn about that fork.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_pair_builds_and_an_edited_helper_reruns_its_importer(project, monkeypatch):
    worker = pair(project)
    project.page("# Main\n\n```{example} fixture_pair_main.py\n```\n")
    # A helper is not run, so it cannot run under several methods.
    tabs = project.root / "docs" / "tabs.md"
    tabs.write_text(
        "---\norphan: true\n---\n# T\n\n```{example} fixture_pair_worker.py\n"
        ":start-methods: fork\n```\n"
    )
    # -j 2: pages are read in worker processes, and what the build knows of
    # them (which examples they show) comes from merging their states.
    result = project.build("-j", "2")
    assert result.returncode == 1, result.stderr
    errors = re.findall(r"ERROR: (.*)", result.stderr)
    # The worker is shown on no page, yet is no orphan: the main imports it.
    assert [e for e in errors if "examples/" in e and "failed on" not in e] == [
        lone_message("examples/lone.py")
    ], result.stderr
    assert re.search(
        r"tabs\.md:\d+: ERROR: example: option :start-methods: needs an example; "
        r"a helper only shows its source",
        result.stderr,
    ), result.stderr

    tabs.unlink()
    (project.root / "examples" / "lone.py").unlink()
    worker.write_text(worker.read_text().replace('"hello"', '"bonjour"'))
    (project.root / "docs" / "worker.md").write_text(
        "---\norphan: true\n---\n# Worker\n\n```{example} fixture_pair_worker.py\n```\n"
    )
    assert project.runs("-j", "2") == (1, 0)  # the main, again; the worker is not run
    main_page = (project.root / "docs/_build/html/index.html").read_text()
    assert "bonjour from worker 1 in module fixture_pair_worker" in main_page
    worker_page = (project.root / "docs/_build/html/worker.html").read_text()
    assert "fixture_pair_worker.py</span>" in worker_page  # the usual caption
    assert 'id="example-examples-fixture-pair-worker-py-source"' in worker_page
    assert "example-output" not in worker_page and "bonjour" in worker_page

    result = project.build("-j", "2")
    assert result.returncode == 0, result.stderr
    assert "0 added, 0 changed, 0 removed" in result.stdout  # no page read again
    assert "mpexamples: 0 example run(s), 0 from the cache" in result.stdout

    # Another layout of the pickled state: Sphinx discards the environment
    # and reads every page again (the run comes from the cache).
    monkeypatch.setattr(sphinxext, "ENV_VERSION", sphinxext.ENV_VERSION + 1)
    result = project.build("-j", "2")
    assert "build environment version not current" in result.stdout, result.stdout
    assert "mpexamples: 0 example run(s), 1 from the cache" in result.stdout


def test_pytest_runs_the_pair_and_fails_a_lone_file(project):
    pair(project)
    result = project.pytest("-v")
    assert result.returncode == 1, result.stdout
    ran = re.findall(r"^(\S+::\S+) (PASSED|FAILED)", result.stdout, re.M)
    assert sorted(ran) == [
        ("fixture_pair_main.py::fork", "PASSED"),
        ("fixture_pair_main.py::forkserver", "PASSED"),
        ("fixture_pair_main.py::spawn", "PASSED"),
        ("lone.py::no-expectation", "FAILED"),
    ], result.stdout
    assert "fixture_pair_worker" not in result.stdout.replace("in module fixture_pair_worker", "")
    assert lone_message("examples/lone.py") in result.stdout
    # Named on the command line, the helper is a collection error that says
    # what to name instead, not pytest's bare "not found".
    named = project.pytest(target=project.root / "examples" / "fixture_pair_worker.py")
    assert named.returncode == 2, named.stdout
    assert (
        "examples/fixture_pair_worker.py is a helper module, not an example (it has no "
        ".expect): it runs as part of examples/fixture_pair_main.py; name that instead"
    ) in named.stdout
    assert "Traceback" not in named.stdout + named.stderr


def test_a_page_showing_a_helper_that_got_an_expectation_is_read_again(tmp_path):
    helper = tmp_path / "worker.py"
    helper.write_text("")
    state = _State()
    state.helpers["worker"] = {str(helper)}
    env = SimpleNamespace(mpexamples=state)
    app = _app_with_write_failures(tmp_path)
    collector = ExampleCollector()
    assert collector.get_outdated_docs(app, env, set(), set(), set()) == []
    helper.with_suffix(".expect").write_text("---\nx\n")
    assert collector.get_outdated_docs(app, env, set(), set(), set()) == ["worker"]
    # What a parallel reader found reaches the main process.
    main = SimpleNamespace(mpexamples=_State())
    collector.merge_other(None, main, {"worker"}, env)
    assert collector.get_outdated_docs(app, main, set(), set(), set()) == ["worker"]


def _app_with_write_failures(folder: Path) -> SimpleNamespace:
    """An app as the collector sees it: the build's file of pages that failed when written."""
    build = sphinxext.BuildRun(runs=None, write_failures=sphinxext.WriteFailures(folder / "f.json"))
    return SimpleNamespace(builder=SimpleNamespace(**{sphinxext._BUILD_RUN: build}))


def test_a_rebuild_parses_only_the_files_that_changed(project, monkeypatch):
    """What the examples import is kept with the environment, by content."""
    from mpexamples import example

    worker = pair(project)
    (project.root / "examples" / "lone.py").unlink()
    project.page("# Main\n\n```{example} fixture_pair_main.py\n```\n")
    assert project.runs() == (1, 0)
    parsed: list[bytes] = []
    parse = example._parse_imports

    def spy(source: bytes) -> tuple[str, ...]:
        parsed.append(source)
        return parse(source)

    monkeypatch.setattr(example, "_parse_imports", spy)
    for name in ("_IMPORTS", "_ASKED"):  # as in a new process
        monkeypatch.setattr(example, name, {})
    assert project.runs() == (0, 0)
    assert parsed == []
    worker.write_text(worker.read_text() + "\n# edited\n")
    assert project.runs() == (1, 0)  # its importer runs again
    assert parsed == [worker.read_bytes()]
