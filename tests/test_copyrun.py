"""Copy and run: each example's caption says how to run it and links to its file.

One build (``-j 2`` and six pages, so the downloads go through the merge of a
parallel read) of
the pair ``fixture_pair_main`` (an example, shown with line numbers) and
``fixture_pair_worker`` (a helper), with the copy button configured as the
site configures it.
"""

from __future__ import annotations

import runpy

import pytest
from bs4 import BeautifulSoup, Tag

from conftest import ROOT, Project

#: The copy button's settings, as the site has them.
SITE = runpy.run_path(str(ROOT / "docs" / "conf.py"))
COPYBUTTON = {name: value for name, value in SITE.items() if name.startswith("copybutton_")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, BeautifulSoup]:
    project = Project(tmp_path_factory.mktemp("copyrun"))
    project.example("fixture_pair_main")
    project.example("fixture_pair_worker")
    with (project.root / "docs" / "conf.py").open("a") as conf:
        conf.write('extensions.append("sphinx_copybutton")\n')
        conf.writelines(f"{name} = {value!r}\n" for name, value in COPYBUTTON.items())
    project.page(
        "# T\n\n```{example} fixture_pair_main.py\n:linenos:\n```\n\n"
        "```{example} fixture_pair_worker.py\n```\n"
    )
    # Sphinx reads in parallel only more than five pages: the downloads
    # noted by a reader process must reach the main process's environment.
    for number in range(5):
        (project.root / "docs" / f"filler{number}.md").write_text(
            f"---\norphan: true\n---\n# Filler {number}\n"
        )
    result = project.build("-q", "-W", "-j", "2")
    assert result.returncode == 0, result.stderr
    page = (project.root / "docs/_build/html/index.html").read_text()
    return project, BeautifulSoup(page, "html.parser")


def caption(soup: BeautifulSoup, name: str) -> Tag:
    block = soup.find(id=f"example-examples-{name.replace('_', '-')}-py-source")
    assert isinstance(block, Tag), name
    found = block.find(class_="caption-text")
    assert isinstance(found, Tag), name
    return found


def download(project: Project, text: Tag, name: str) -> None:
    """The caption links to the file by text; the build holds it, byte for byte."""
    links = text.find_all("a", class_="download")
    assert len(links) == 1, text
    link = links[0]
    assert link.get_text(strip=True) == "download"  # a real link with text
    assert link.has_attr("download")
    href = link["href"]
    assert href.startswith("_downloads/") and href.endswith(f"/{name}.py"), href
    copy = project.root / "docs/_build/html" / href
    assert copy.read_bytes() == (project.root / "examples" / f"{name}.py").read_bytes()


# The build's -j 2 forks its readers from this process; under pytest-xdist
# the worker's own execnet thread makes Python 3.12+ warn about that fork.
pytestmark = pytest.mark.filterwarnings(
    "ignore:This process .* is multi-threaded:DeprecationWarning"
)


def test_an_example_caption_has_its_run_command_and_a_download(built):
    project, soup = built
    text = caption(soup, "fixture_pair_main")
    command = text.find("code", class_="example-run")
    assert command is not None, text
    assert command.get_text() == "python examples/fixture_pair_main.py"
    download(project, text, "fixture_pair_main")


def test_a_helper_caption_has_a_download_and_no_run_command(built):
    project, soup = built
    text = caption(soup, "fixture_pair_worker")
    assert text.find("code") is None, text  # not run on its own
    assert "python" not in text.get_text()
    name = text.find(class_="example-name")
    assert name is not None and name.get_text() == "examples/fixture_pair_worker.py"
    download(project, text, "fixture_pair_worker")


def test_the_copy_button_is_on_sources_only_and_copies_the_text_shown(built):
    """What copybutton.js does: select blocks, drop excluded parts, take the text."""
    project, soup = built
    selected = soup.select(COPYBUTTON["copybutton_selector"])
    sources = soup.select("div.example-source pre")
    outputs = soup.select("div.example-output pre")
    assert outputs and len(sources) == 2
    assert selected == sources  # every source; no output
    assert sources[0].select(".linenos")  # :linenos: shows them; the copy must not hold them
    assert COPYBUTTON["copybutton_prompt_text"] == ""  # so no line is taken for a prompt
    for pre, name in zip(sources, ("fixture_pair_main", "fixture_pair_worker"), strict=True):
        for excluded in pre.select(COPYBUTTON["copybutton_exclude"]):
            excluded.decompose()
        shown = (project.root / "examples" / f"{name}.py").read_text()
        assert pre.get_text() == shown


def test_a_focused_copy_button_is_visible():
    """The extension's style shows the button on keyboard focus, not only on hover."""
    css = (ROOT / "docs/_ext/mpexamples/static/mpexamples.css").read_text()
    assert ".highlight button.copybtn:focus-visible {\n  opacity: 1;" in css
