"""The tabs on ``docs/start-methods.md``: three real outputs, from three runs.

The page's point is the same program under fork, spawn and forkserver, side
by side.  One build of the page's tabbed examples (copied, with the page's
own directives, into a throwaway project) must run each of them three
times, once per method, and show in each tab the output of that tab's own
run, captioned with its method: not one run's output three times.
"""

from __future__ import annotations

import html
import re
import shutil

import pytest

from conftest import ROOT
from mpexamples.cache import Cache, key
from mpexamples.example import Example
from mpexamples.expect import output_lines

ALL = ["fork", "spawn", "forkserver"]
PAGE = ROOT / "docs" / "start-methods.md"
# sphinx-inline-tabs 2025.12.21.14 still calls docutils' deprecated traverse().
pytestmark = pytest.mark.filterwarnings("ignore:nodes.Node.traverse:DeprecationWarning")


def tabbed_directives() -> list[tuple[str, str]]:
    """The page's ``{example}`` blocks with ``:start-methods:``: (path, whole block)."""
    blocks = re.findall(r"^```\{example\} (\S+)\n((?::[^\n]*\n)*)```$", PAGE.read_text(), re.M)
    return [
        (path, f"```{{example}} {path}\n{options}```\n")
        for path, options in blocks
        if ":start-methods:" in options
    ]


def tabs(text: str, name: str) -> dict[str, tuple[str, str]]:
    """Each tab of example ``name`` on a built page: {label: (caption, output)}."""
    anchor = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    found = {}
    pattern = (
        rf'<label class="tab-label" for="[^"]+">([^<]+)</label>\s*'
        rf'<div class="tab-content[^"]*">\s*<div [^>]*id="example-{anchor}-output-[a-z]+">'
        r'.*?<span class="caption-text">([^<]+)</span>.*?<pre>(.*?)</pre>'
    )
    for label, caption, pre in re.findall(pattern, text, re.S):
        found[label] = (caption, html.unescape(re.sub(r"<[^>]+>", "", pre)))
    return found


def test_each_tab_shows_its_own_run(project):
    directives = tabbed_directives()
    assert directives, f"{PAGE.name} has no example with :start-methods:"
    page = "# Start methods\n\n"
    for path, block in directives:
        assert re.search(r":start-methods: fork spawn forkserver\n", block), block
        target = project.root / "examples" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in (".py", ".expect"):
            shutil.copy((ROOT / "examples" / path).with_suffix(suffix), target.with_suffix(suffix))
        page += block + "\n"
    with (project.root / "docs/conf.py").open("a") as conf:
        conf.write('extensions.append("sphinx_inline_tabs")\n')
    project.page(page)
    assert project.runs() == (3 * len(directives), 0)

    records = project.report()["records"]
    text = (project.root / "docs/_build/html/index.html").read_text()
    cache = Cache(project.root / "docs/_build/doctrees/example-cache")
    for path, _ in directives:
        name = f"examples/{path}"
        runs = [record for record in records if record["example"] == name]
        # Three runs of this example, one per method, each a run of its own.
        assert sorted(run["method"] for run in runs) == sorted(ALL), runs
        assert all(run["passed"] and not run["cached"] for run in runs), runs
        assert len({(run["start"], run["end"]) for run in runs}) == 3, runs

        shown = tabs(text, name)
        assert list(shown) == ALL, (name, list(shown))
        example = Example.at(project.root / name, project.root)
        outputs = set()
        for method, (caption, output) in shown.items():
            assert caption.startswith("Output · Python ")
            assert caption.endswith(f" · start method {method}"), (method, caption)
            # The very output that method's run printed (the build keeps
            # each passing run under its own key), naming its own method.
            result = cache.get(key(example, method))
            assert result is not None and result.start_method == method, (name, method)
            assert output == "\n".join(output_lines(result.output)) + "\n", (name, method)
            assert f"start method {method}\n" in output, (name, method, output)
            outputs.add(output)
        assert len(outputs) == 3, f"{name}: the tabs do not show three different outputs"
