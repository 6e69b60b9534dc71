"""``:start-methods:``: one example, run under several methods, outputs in tabs."""

import html
import multiprocessing
import re

import pytest

from mpexamples.example import Example
from mpexamples.layout import Layout
from mpexamples.schedule import scan
from mpexamples.sphinxext import split_start_methods, start_methods_problems

ALL = ("fork", "spawn", "forkserver")
# sphinx-inline-tabs 2025.12.21.14 still calls docutils' deprecated traverse().
pytestmark = pytest.mark.filterwarnings("ignore:nodes.Node.traverse:DeprecationWarning")


@pytest.mark.parametrize(
    ("value", "allowed", "available", "problem"),
    [
        ("fork spawn forkserver", ALL, ALL, None),
        ("fork,spawn, forkserver", ALL, ALL, None),
        (" , ", ALL, ALL, "needs a value"),
        ("fork frok", ALL, ALL, "unknown start method(s) frok (known: fork, spawn, forkserver)"),
        ("spawn fork spawn", ALL, ALL, "spawn named more than once"),
        (
            "fork spawn",
            ("fork",),
            ALL,
            "expectation does not allow spawn (its start-methods: fork)",
        ),
        ("fork forkserver", ALL, ("fork", "spawn"), "this platform has no forkserver start method"),
    ],
)
def test_start_methods_value_is_checked(value, allowed, available, problem):
    problems = start_methods_problems(value, allowed, available)
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0], problems


def test_start_methods_value_is_split_on_commas_and_spaces():
    assert split_start_methods(" fork,spawn ,\tforkserver ") == ["fork", "spawn", "forkserver"]


def test_scan_makes_one_job_per_named_method(project):
    project.example("fixture_start_method")
    source = (
        "```{example} fixture_start_method.py\n:linenos:\n:start-methods: fork, forkserver\n```\n"
        "\nText\n:start-methods: spawn\n\n```{example} fixture_start_method.py\n```\n"
    )

    def choose(example, expectation, option):
        return split_start_methods(option) if option is not None else ["default"]

    jobs = scan(source, Layout.at(project.root, "examples"), choose)
    assert [method for _, _, method in jobs] == ["fork", "forkserver", "default"]
    assert {example for example, _, _ in jobs} == {
        Example.at(project.root / "examples/fixture_start_method.py", project.root)
    }


def page(project, name: str = "index") -> str:
    return (project.root / f"docs/_build/html/{name}.html").read_text()


def test_outputs_in_tabs_run_once_per_method_and_fail_naming_it(project):
    """One build, its no-change and edit rebuilds, and a failure under one method."""
    example = project.example("fixture_start_method")
    with (project.root / "docs/conf.py").open("a") as conf:
        conf.write('extensions.append("sphinx_inline_tabs")\n')
    project.page(
        "# T\n\n```{example} fixture_start_method.py\n:start-methods: fork spawn forkserver\n```\n"
    )
    # The same example with one output, on another page: its run is shared.
    (project.root / "docs/other.md").write_text(
        "---\norphan: true\n---\n# O\n\n```{example} fixture_start_method.py\n```\n"
    )
    assert project.runs() == (3, 0)  # fork, spawn, forkserver; the other page shares spawn's run

    text = page(project)
    labels = re.findall(r'<label class="tab-label" for="[^"]+">([^<]+)</label>', text)
    assert labels == list(ALL)
    for method in ALL:
        block = re.search(
            rf'<div class="tab-content[^"]*">\s*<div [^>]*id="example-examples-fixture-start-method-py-output-{method}">'
            rf'.*?<span class="caption-text">([^<]+)</span>.*?<pre>(.*?)</pre>',
            text,
            re.S,
        )
        assert block, method
        assert block[1].startswith("Output · Python ") and block[1].endswith(
            f" · start method {method}"
        )
        output = html.unescape(re.sub(r"<[^>]+>", "", block[2]))
        assert output == f"parent: {method}\nchild: {method}\n"
    assert text.count("examples/fixture_start_method.py</span>") == 1  # the source once
    # Without JavaScript, every tab's content shows, stacked under its label.
    noscript = re.search(r"<head>.*<noscript><style>(.*?)</style></noscript>.*</head>", text, re.S)
    assert noscript, "no <noscript> style in <head>"
    rules = noscript[1]
    assert ".example-outputs > .tab-set > .tab-content { display: block;" in rules
    assert ".example-outputs > .tab-set { display: block; }" in rules
    assert ".example-outputs > .tab-set > label," in rules and "{ display: block;" in rules
    assert "<noscript>" not in page(project, "other")

    assert project.runs() == (0, 0)
    example.write_text(example.read_text() + "# edited\n")
    assert project.runs() == (3, 0)

    expectation = project.root / "examples/fixture_start_method.expect"
    expectation.write_text(expectation.read_text() + "(never) parent: fork\n")
    result = project.build("-q")
    assert result.returncode == 1
    assert (
        "index.md:3: ERROR: example examples/fixture_start_method.py failed under the 'fork'"
        in (result.stderr)
    )
    assert (
        "under the 'spawn'" not in result.stderr and "under the 'forkserver'" not in result.stderr
    )


def test_bad_start_methods_are_page_errors_naming_the_line(project, monkeypatch):
    """One build without the tabs extension, on a platform without forkserver."""
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["fork", "spawn"])
    project.example("fixture_start_method")
    project.example("fixture_stdin")
    (project.root / "examples/fixture_stdin.expect").write_text(
        "start-methods: fork\n---\nread 0 characters\n"
    )
    cases = {
        ":start-methods:": "option :start-methods: needs a value",
        ":start-methods: fork, frok": "unknown start method(s) frok",
        ":start-methods: spawn spawn": "spawn named more than once",
        ":start-methods: fork spawn|stdin": "expectation does not allow spawn",
        ":start-methods: fork forkserver": "this platform has no forkserver start method",
        ":start-methods: fork spawn": "add sphinx_inline_tabs to extensions",
    }
    text, lines = "# T\n\n", []
    for option in cases:
        option, _, which = option.partition("|")
        lines.append(text.count("\n") + 1)
        name = "fixture_stdin" if which else "fixture_start_method"
        text += f"```{{example}} {name}.py\n{option}\n```\n\n"
    project.page(text)
    result = project.build("-q")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "index.md:" in line]
    assert len(errors) == len(cases), result.stderr
    for error, line, message in zip(errors, lines, cases.values(), strict=True):
        assert (
            error.startswith(f"index.md:{line}: ERROR: ") or f"/index.md:{line}: ERROR: " in error
        )
        assert message in error, (error, message)
    assert "Traceback" not in result.stderr
