"""``{api-coverage}``: the map of the ``multiprocessing`` APIs the guide shows, and its gaps."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.util.inventory import InventoryFile

from conftest import REAL_SITE_TIMEOUT, ROOT, Project
from mpexamples.apiuse import uses

INVENTORY = ROOT / "docs" / "_intersphinx" / "python3.inv"
MODULES = ("multiprocessing", "concurrent.futures")


def _known() -> set[str]:
    inventory = InventoryFile.loads(INVENTORY.read_bytes(), uri="https://docs.python.org/3")
    return {
        name
        for kind, items in inventory.data.items()
        if kind.startswith("py:")
        for name in items
        if any(name == module or name.startswith(module + ".") for module in MODULES)
    }


KNOWN = _known()


def used(source: str) -> set[str]:
    return uses(textwrap.dedent(source), MODULES, KNOWN)


# -- what an example uses (no build) -------------------------------------------


def test_imported_names_module_attributes_and_a_context_are_resolved():
    assert used(
        """
        import multiprocessing as mp
        from multiprocessing import Pool, Queue as Q
        import concurrent.futures
        ctx = mp.get_context("spawn")
        Pool(2); Q(); mp.Event(); ctx.Barrier(2)
        concurrent.futures.wait([])
        """
    ) == {
        "multiprocessing.pool.Pool",  # the docs' name for multiprocessing.Pool
        "multiprocessing.Queue",
        "multiprocessing",
        "multiprocessing.get_context",
        "multiprocessing.Event",
        "multiprocessing.Barrier",
        "concurrent.futures",
        "concurrent.futures.wait",
    }


def test_methods_of_objects_bound_from_known_calls_are_resolved():
    assert used(
        """
        from multiprocessing import Pipe, Process
        from concurrent.futures import ProcessPoolExecutor
        p = Process(target=print)
        p.start()
        a, b = Pipe()
        a.send(1)
        with ProcessPoolExecutor() as executor:
            future = executor.submit(print)
            future.result()
        """
    ) == {
        "multiprocessing.Process",
        "multiprocessing.Process.start",
        "multiprocessing.Pipe",
        "multiprocessing.connection.Connection",
        "multiprocessing.connection.Connection.send",
        "concurrent.futures.ProcessPoolExecutor",
        "concurrent.futures.Executor.submit",  # documented on the base class
        "concurrent.futures.Future",
        "concurrent.futures.Future.result",
    }


def test_a_name_bound_to_two_different_things_is_not_guessed():
    assert used(
        """
        from multiprocessing import Process, Queue
        x = Process()
        x = Queue()
        x.start()
        x.get()
        """
    ) == {"multiprocessing.Process", "multiprocessing.Queue"}


def test_names_from_other_modules_are_not_counted():
    assert used("from queue import Queue\nq = Queue()\nq.get()\n") == set()


# -- a small project: rows, gaps, reasons, incremental and parallel builds ---


EXAMPLE = """\
from multiprocessing import Pool


def square(x):
    return x * x


if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(square, [1, 2, 3]))
"""

COVERAGE_PAGE = """\
# Coverage

```{api-coverage}
```

```{api-coverage}
:gaps:
```
"""

#: Every API of multiprocessing.pool that neither the pages nor the example show.
GAPS = """\
"multiprocessing.pool" = { zh = "模块", en = "the module" }
"multiprocessing.pool.AsyncResult*" = { zh = "结果", en = "results" }
"multiprocessing.pool.Pool.*" = { zh = "其余方法", en = "other methods" }
"""
THREAD_POOL_REASON = '"multiprocessing.pool.ThreadPool" = { zh = "线程", en = "threads" }\n'


def _tables(project: Project) -> dict[str, dict[str, list[str]]]:
    """Each table of the built coverage page: API -> the texts and links of its other cells."""
    page = (project.root / "docs/_build/html/coverage.html").read_text()
    soup = BeautifulSoup(page, "html.parser")
    found = {}
    for kind in ("shown", "gaps"):
        rows = {}
        for row in soup.select(f"table.api-coverage-{kind} tbody tr"):
            cells = row.find_all("td")
            links = [a["href"] for cell in cells[2:] for a in cell.find_all("a")]
            rows[cells[0].get_text(strip=True)] = [
                c.get_text(" ", strip=True) for c in cells[2:]
            ] + links
        found[kind] = rows
    return found


def _configure(project: Project) -> None:
    docs = project.root / "docs"
    (docs / "conf.py").write_text(
        (docs / "conf.py").read_text() + f"api_coverage_modules = ['multiprocessing.pool']\n"
        f"api_coverage_inventory = ('https://docs.python.org/3', {str(INVENTORY)!r})\n"
    )


# The build's -j 2 forks its readers from this process; under pytest-xdist
# the worker's own execnet thread makes Python 3.12+ warn about that fork
# (no thread of the runs is left then: test_schedule checks it).
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_the_tables_follow_pages_examples_and_the_gaps_file(project: Project):
    docs = project.root / "docs"
    _configure(project)
    (project.root / "examples" / "pool_use.py").write_text(EXAMPLE)
    (project.root / "examples" / "pool_use.expect").write_text("# squares\n---\n[1, 4, 9]\n")
    project.page("# Home\n\n```{toctree}\ncoverage\np1\np2\np3\np4\n```\n")
    for n in (1, 2, 4):
        (docs / f"p{n}.md").write_text(f"# Page {n}\n\nNothing here.\n")
    p3 = docs / "p3.md"
    referencing = "# Page 3\n\n## Threads\n\n{py:class}`multiprocessing.pool.ThreadPool`\n\n"
    p3.write_text(referencing + "```{example} pool_use.py\n```\n")
    (docs / "coverage.md").write_text(COVERAGE_PAGE)
    gaps = docs / "coverage_gaps.toml"
    gaps.write_text(GAPS)

    # Read in parallel (-j 2): page 3's reference comes back from a worker.
    result = project.build("-j", "2")
    assert result.returncode == 0, result.stderr
    assert "api-coverage" not in result.stderr
    tables = _tables(project)
    thread_pool = tables["shown"]["multiprocessing.pool.ThreadPool"]
    assert thread_pool[0] == "Page 3 › Threads" and "p3.html#threads" in thread_pool
    pool_map = tables["shown"]["multiprocessing.pool.Pool.map"]
    assert (
        pool_map[1] == "examples/pool_use.py" and "p3.html#example-examples-pool-use-py" in pool_map
    )
    assert tables["gaps"]["multiprocessing.pool.Pool.apply"][0] == "other methods"
    assert not set(tables["shown"]) & set(tables["gaps"])

    # The reference goes: ThreadPool is a gap without a reason, though only
    # page 3 is read again (the coverage page is not).
    p3.write_text("# Page 3\n\n```{example} pool_use.py\n```\n")
    result = project.build()
    assert result.returncode == 1
    assert "reading sources... [100%] p3" in result.stdout
    assert "coverage_gaps.toml: multiprocessing.pool.ThreadPool is shown on no page" in (
        result.stderr
    )

    # Given a reason, it is a gap; the coverage page is written again though
    # no page was read.
    gaps.write_text(GAPS + THREAD_POOL_REASON)
    result = project.build()
    assert result.returncode == 0, result.stderr
    assert _tables(project)["gaps"]["multiprocessing.pool.ThreadPool"][0] == "threads"

    # Referenced again while the file still gives a reason: the reason is stale.
    p3.write_text(referencing + "```{example} pool_use.py\n```\n")
    result = project.build()
    assert result.returncode == 1
    assert re.search(
        r"coverage_gaps.toml:4: multiprocessing.pool.ThreadPool is shown by the guide now",
        result.stderr,
    )


def test_a_rebuild_reads_again_only_the_inventory_or_examples_that_changed(
    project: Project, monkeypatch: pytest.MonkeyPatch
):
    from mpexamples import apicoverage

    read: list[str] = []
    parse, load = apicoverage.apiuse.file_uses, apicoverage.InventoryFile.loads
    monkeypatch.setattr(
        apicoverage.apiuse, "file_uses", lambda path, *a: read.append(path.name) or parse(path, *a)
    )
    monkeypatch.setattr(
        apicoverage.InventoryFile,
        "loads",
        lambda *a, **k: read.append("inventory") or load(*a, **k),
    )
    _configure(project)
    examples = project.root / "examples"
    for name in ("pool_use", "pool_other"):
        (examples / f"{name}.py").write_text(EXAMPLE)
        (examples / f"{name}.expect").write_text("# squares\n---\n[1, 4, 9]\n")
    project.page("# Home\n\n```{toctree}\ncoverage\n```\n\n```{example} pool_use.py\n```\n"
                 "```{example} pool_other.py\n```\n")  # fmt: skip
    (project.root / "docs" / "coverage.md").write_text(COVERAGE_PAGE)
    (project.root / "docs" / "coverage_gaps.toml").write_text(
        '"multiprocessing.pool*" = { zh = "其余", en = "the rest" }\n'
    )
    assert project.build().returncode == 0
    assert sorted(read) == ["inventory", "pool_other.py", "pool_use.py"]

    read.clear()
    assert project.build().returncode == 0
    assert read == []  # nothing changed: nothing read again

    # One example now uses imap too: only it is parsed again, and the map shows it.
    read.clear()
    (examples / "pool_use.py").write_text(
        EXAMPLE.replace("pool.map(", "list(pool.imap(").replace("3]))", "3])))")
    )
    result = project.build()
    assert result.returncode == 0, result.stderr
    assert read == ["pool_use.py"]
    shown = _tables(project)["shown"]
    assert "examples/pool_use.py" in shown["multiprocessing.pool.Pool.imap"]
    assert "examples/pool_use.py" not in shown["multiprocessing.pool.Pool.map"]


# -- the real site: every API a page references is on the map ---------------


#: A link into the CPython docs, as intersphinx resolves a ``py:`` role: its anchor.
LINK = re.compile(r'href="https://docs\.python\.org/3/library/[\w.]+\.html#(?:module-)?([\w.]+)"')


def _references(page: Path) -> set[str]:
    """The APIs a built page links into the CPython docs of the covered modules."""
    return {anchor for anchor in LINK.findall(page.read_text()) if anchor in KNOWN}


@pytest.mark.timeout(REAL_SITE_TIMEOUT)
@pytest.mark.parametrize("edition", ["zh", "en"])
def test_every_api_a_page_references_is_on_the_map_with_that_page(real_site, edition):
    html = real_site[0] / "html" / edition
    soup = BeautifulSoup((html / "coverage.html").read_text(), "html.parser")
    shown: dict[str, set[str]] = {}
    for row in soup.select("table.api-coverage-shown tbody tr"):
        cells = row.find_all("td")
        pages = {a["href"].split("#")[0] for a in cells[2].find_all("a")}
        shown[cells[0].get_text(strip=True)] = pages
    gaps = {
        row.find("td").get_text(strip=True)
        for row in soup.select("table.api-coverage-gaps tbody tr")
    }
    assert len(shown) > 50 and gaps  # the tables were made
    assert set(shown) | gaps == KNOWN and not set(shown) & gaps  # one row per API
    missing = [
        f"{page.name}: {api}"
        for page in sorted(html.glob("*.html"))
        if page.name not in {"coverage.html", "genindex.html", "search.html", "404.html"}
        for api in sorted(_references(page))
        if page.name not in shown.get(api, set())
    ]
    assert not missing, "pages reference APIs the coverage table omits:\n" + "\n".join(missing)
    # Every link of the map lands on a section or an example block that exists.
    links = set(re.findall(r'href="([\w-]+\.html)#([^"]+)"', (html / "coverage.html").read_text()))
    assert len(links) > 50
    broken = [f"{page}#{anchor}" for page, anchor in sorted(links)
              if f'id="{anchor}"' not in (html / page).read_text()]  # fmt: skip
    assert not broken, f"the map links to anchors its pages lack: {broken}"
