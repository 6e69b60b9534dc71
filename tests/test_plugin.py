"""The pytest plugin (mpexamples.pytest_plugin), run on fixture examples in a subprocess."""

import re
import shutil

import pytest

from conftest import FIXTURES, PLUGIN, PLUGIN_PATH, run_python, survivors


def test_collects_each_example_once_per_start_method(project):
    project.example("fixture_stdin")
    result = project.pytest("--collect-only", "-q")
    ids = [line.split("/examples/")[-1] for line in result.stdout.splitlines() if "::" in line]
    assert ids == [f"fixture_stdin.py::{m}" for m in ("fork", "spawn", "forkserver")]


def test_deadlock_fails_clearly_and_leaves_nothing(project):
    project.example("fixture_deadlock")
    result = project.pytest("-k", "spawn")
    assert result.returncode == 1, result.stdout
    assert "examples/fixture_deadlock.py failed under the 'spawn' start method" in result.stdout
    assert "timed out after 3 s" in result.stdout
    pids = [int(p) for p in re.findall(r"^(?:parent|child|grandchild) (\d+)$", result.stdout, re.M)]
    assert len(pids) == 3 and not survivors(pids)


def test_child_traceback_fails_the_test(project):
    project.example("fixture_child_raises")
    result = project.pytest("-k", "fork and not forkserver")
    assert result.returncode == 1
    assert "the output has 1 traceback(s)" in result.stdout


@pytest.mark.parametrize("workers", [0, 2], ids=["concurrent", "xdist"])
def test_mismatch_names_the_example_and_shows_a_diff(project, workers):
    project.example("fixture_start_method")  # passes, next to the one that fails
    example = project.example("fixture_stdin")
    example.write_text(example.read_text().replace("read {", "got {"))
    result = project.pytest("-k", "forkserver", workers=workers)
    assert result.returncode == 1
    assert "1 failed, 1 passed" in result.stdout
    assert "examples/fixture_stdin.py failed under the 'forkserver' start method" in result.stdout
    assert "-read 0 characters\n+got 0 characters" in result.stdout


def test_examples_folder_comes_from_the_ini_file(project):
    """Without --example-dir, the ini value example_dir (under the rootdir) is the folder."""
    samples = project.root / "samples"
    samples.mkdir()
    for suffix in (".py", ".expect"):
        shutil.copy(FIXTURES / f"fixture_stdin{suffix}", samples)
    (project.root / "pytest.ini").write_text("[pytest]\nexample_dir = samples\n")
    result = run_python(
        "-m", "pytest", "-p", PLUGIN, "-p", "no:xdist", "--collect-only", "-q",
        cwd=project.root, PYTHONPATH=PLUGIN_PATH,
    )  # fmt: skip
    assert result.stdout.splitlines()[:3] == [
        f"samples/fixture_stdin.py::{method}" for method in ("fork", "spawn", "forkserver")
    ], result.stdout + result.stderr


@pytest.mark.parametrize("workers", [0, 2], ids=["concurrent", "xdist"])
def test_example_cache_keeps_the_passing_runs_for_a_build_and_never_reads_them(project, workers):
    project.example("fixture_stdin")
    project.example("fixture_child_raises")  # fails: never kept
    cache = project.root / "kept"
    for _ in range(2):  # the second session runs everything again
        result = project.pytest("--example-cache", str(cache), workers=workers)
        assert result.returncode == 1, result.stdout
        assert re.search(r"\b3 passed\b", result.stdout), result.stdout
        assert "mpexamples: 6 example run(s), 0 from the cache" in result.stdout or workers
    assert len(list(cache.glob("*.json"))) == 3  # fixture_stdin under each method
    # A build given that folder shows the kept spawn run and runs nothing.
    for suffix in (".py", ".expect"):
        (project.root / "examples" / f"fixture_child_raises{suffix}").unlink()
    project.page("# T\n\n```{example} fixture_stdin.py\n```\n")
    assert project.runs("-D", f"example_cache_dir={cache}") == (0, 1)
