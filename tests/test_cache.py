"""The build's cache: reruns exactly what changed, never keeps a failure."""

import os
import shutil
import sys

import pytest

from mpexamples import cache
from mpexamples.example import Example
from mpexamples.runner import RunResult

TWO = "# T\n\n```{example} fixture_stdin.py\n```\n\n```{example} fixture_bad_utf8.py\n```\n"


@pytest.fixture
def site(project):
    project.example("fixture_stdin")
    project.example("fixture_bad_utf8")
    project.page(TWO)
    return project


def page(project) -> str:
    return (project.root / "docs/_build/html/index.html").read_text()


def test_no_change_rebuild_runs_nothing(site):
    assert site.runs() == (2, 0)
    assert site.runs() == (0, 0)
    assert site.runs("-E") == (0, 2)  # every page read again: all from the cache


def test_editing_one_example_reruns_exactly_it(site):
    assert site.runs() == (2, 0)
    example = site.root / "examples/fixture_stdin.py"
    example.write_text(example.read_text().replace("characters", "chars"))
    (site.root / "examples/fixture_stdin.expect").write_text("---\nread 0 chars\n")
    assert site.runs() == (1, 1)
    assert "read 0 chars" in page(site)


def test_editing_a_local_module_reruns_its_importer(site):
    example = site.root / "examples/fixture_stdin.py"
    (site.root / "examples/fixture_stdin_worker.py").write_text("WORD = 'characters'\n")
    example.write_text(
        "from fixture_stdin_worker import WORD\n"
        + example.read_text().replace("characters", "{WORD}")
    )
    site.page(TWO + "\n```{example} fixture_stdin_worker.py\n```\n")
    (site.root / "examples/fixture_stdin_worker.expect").write_text("---\n(optional) x\n")
    assert site.runs() == (3, 0)
    (site.root / "examples/fixture_stdin_worker.py").write_text("WORD = 'bytes'\n")
    (site.root / "examples/fixture_stdin.expect").write_text("---\nread 0 bytes\n")
    assert site.runs() == (2, 1)  # the module itself, and the example that imports it
    assert "read 0 bytes" in page(site)


def test_a_failure_is_never_cached(site):
    (site.root / "examples/fixture_stdin.expect").write_text("---\nread 1 characters\n")
    for counts in ((2, 0), (1, 1)):  # the failed one again
        result = site.build()
        assert result.returncode == 1
        report = site.report()
        assert (report["counts"]["executed"], report["counts"]["cached"]) == counts
        failed = {(r["example"], r["cached"]) for r in report["records"] if not r["passed"]}
        assert failed == {("examples/fixture_stdin.py", False)}  # it ran: not from the cache
    (site.root / "examples/fixture_stdin.expect").write_text("---\nread 0 characters\n")
    assert site.runs() == (1, 1)


def test_clearing_the_cache_runs_everything_again(site):
    assert site.runs() == (2, 0)
    shutil.rmtree(site.root / "docs/_build/doctrees/example-cache")
    assert site.runs("-E") == (2, 0)


def test_key_covers_everything_that_changes_a_run(project, monkeypatch):
    example = Example.at(project.example("fixture_stdin"), project.root)
    keys = {cache.key(example, "spawn")}

    def changed() -> bool:
        new = cache.key(example, "spawn")
        fresh = new not in keys
        keys.add(new)
        return fresh

    assert not changed()
    assert cache.key(example, "fork") not in keys
    example.path.write_text(example.path.read_text() + "\n")
    assert changed()
    example.expectation_path.write_text(example.expectation_path.read_text() + "\n")
    assert changed()
    monkeypatch.setattr(sys, "version", "3.99.0")
    assert changed()
    monkeypatch.setattr(cache, "__version__", "99")
    assert changed()
    monkeypatch.setattr(sys, "executable", "/elsewhere/python3")
    assert changed()
    # What the example is given counts (PATH decides which programs it
    # finds); a variable the runner does not pass on does not.
    monkeypatch.setenv("PATH", "/opt/python3.14t/bin" + os.pathsep + os.environ["PATH"])
    assert changed()
    monkeypatch.setenv("MPEXAMPLES_UNRELATED", "1")
    assert not changed()


def test_key_covers_the_local_modules_an_example_imports(project):
    helper = project.root / "examples/fixture_stdin_helper.py"
    helper.write_text("WORD = 'characters'\n")
    path = project.example("fixture_stdin")
    path.write_text("import fixture_stdin_helper\n" + path.read_text())
    example = Example.at(path, project.root)
    before = cache.key(example, "spawn")
    helper.write_text("WORD = 'bytes'\n")  # the module only: example and .expect stay
    assert cache.key(example, "spawn") != before


def test_store_gives_back_what_was_put(tmp_path):
    store = cache.Cache(tmp_path / "made/on/demand")
    result = RunResult("out\n", 0, False, 3.0, 0.5, "spawn", "3.99.0", "Plan9")
    assert store.get("k") is None  # nothing yet
    store.put("k", result)
    store.put("k2", RunResult("other\n", 1, False, 3.0, 0.5, "fork"))
    assert store.get("k") == result
    assert store.get("k2").output == "other\n"
    timed_out = RunResult("", None, True, 3.0, 3.1, "fork", alive_at_timeout=((42, "python", 3.0),))
    store.put("k3", timed_out)
    assert store.get("k3") == timed_out  # tuples come back as tuples, not JSON lists
    assert sorted(p.name for p in store.directory.iterdir()) == ["k.json", "k2.json", "k3.json"]


def test_store_treats_a_broken_entry_as_missing(tmp_path):
    store = cache.Cache(tmp_path)
    (tmp_path / "half.json").write_text('{"output": "a')  # cut short
    (tmp_path / "old.json").write_text('{"output": "a", "colour": 1}')  # other fields
    (tmp_path / "bad.json").write_bytes(b"\xff")
    (tmp_path / "list.json").write_text("[]")  # not an object at all
    assert [store.get(key) for key in ("half", "old", "bad", "list", "none")] == [None] * 5


def test_store_reads_an_entry_without_the_newer_fields(tmp_path):
    store = cache.Cache(tmp_path)
    fields = '"output": "a", "returncode": 0, "timed_out": false, "timeout": 3.0'
    (tmp_path / "k.json").write_text(f'{{{fields}, "duration": 1.0, "start_method": "fork"}}')
    assert store.get("k").alive_at_timeout == ()
