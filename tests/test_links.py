"""The site's links out: CPython's docs from the kept inventory, the 404 page, the sitemap.

One build of the real docs as Read the Docs builds them (its canonical URL
in the environment), with every proxy pointing at a closed port: a build
that reached the network would fail, and its log would say so.
"""

from __future__ import annotations

import configparser
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from conftest import ROOT, run_python

BASE = "https://example.readthedocs.io/zh-cn/latest/"
PREFIX = "/zh-cn/latest/"  # the path part of BASE: where 404.html finds the assets
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens
PAGES = sorted(path.stem for path in (ROOT / "docs").glob("*.md"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The built site and the build's log (not quiet: intersphinx logs where it reads)."""
    out = tmp_path_factory.mktemp("rtd")
    result = run_python(
        "-m", "sphinx", "-n", "-W", "--keep-going", "-b", "html",
        "-d", str(out / "doctrees"), "docs", str(out / "html"),
        cwd=ROOT, READTHEDOCS_CANONICAL_URL=BASE,
        http_proxy=CLOSED, https_proxy=CLOSED, HTTP_PROXY=CLOSED, HTTPS_PROXY=CLOSED,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr  # not one warning
    return out / "html", result.stdout


def test_api_names_link_to_cpython_docs_read_from_the_kept_inventory(built):
    html, log = built
    assert "loading intersphinx inventory 'python' from _intersphinx/python3.inv" in log
    assert "loading intersphinx inventory 'python' from https" not in log
    for page in PAGES:
        if page == "index":
            continue  # the table of contents names no API
        links = re.findall(
            r'href="(https://docs\.python\.org/[^"]*)"', (html / f"{page}.html").read_text()
        )
        assert links, f"{page}.html links to no CPython docs"
        for link in links:  # an entry's anchor under /3/, never the page alone
            assert re.fullmatch(r"https://docs\.python\.org/3/library/[\w.]+\.html#[\w.-]+", link)
    for page in PAGES:  # roles and inv: links, never a hand-written URL
        assert "docs.python.org" not in (ROOT / "docs" / f"{page}.md").read_text(), page
    process = (html / "process.html").read_text()
    assert 'href="https://docs.python.org/3/library/os.html#os.getppid"' in process
    assert (
        'href="https://docs.python.org/3/library/multiprocessing.html#multiprocessing-programming"'
        in process
    )


def test_404_page_finds_its_assets_from_any_depth(built):
    html, _ = built
    page = (html / "404.html").read_text()
    assets = re.findall(r'<(?:link|script)\b[^>]*\b(?:href|src)="([^"]+\.(?:css|js)[^"]*)"', page)
    assert any("furo.css" in asset for asset in assets)
    for asset in assets:  # absolute from the site's root, and there
        assert asset.startswith(PREFIX + "_static/"), asset
        assert (html / asset.removeprefix(PREFIX).split("?")[0]).is_file(), asset


def test_sitemap_lists_every_page_and_pages_name_their_canonical_url(built):
    html, _ = built
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ElementTree.parse(html / "sitemap.xml").getroot()
    listed = sorted(loc.text or "" for loc in root.findall("s:url/s:loc", namespace))
    assert listed == sorted(f"{BASE}{page}.html" for page in PAGES)
    for page in PAGES:
        text = (html / f"{page}.html").read_text()
        assert f'<link rel="canonical" href="{BASE}{page}.html"' in text, page


def test_tox_docs_env_passes_the_read_the_docs_address():
    # Read the Docs builds through `tox -e docs` (.readthedocs.yaml), and tox
    # passes no variable it is not told to: without this, no canonical links
    # and no sitemap on the hosted site.
    tox = configparser.ConfigParser()
    tox.read(ROOT / "tox.ini")
    passed = re.split(r"[\s,]+", tox["testenv:docs"].get("pass_env", ""))
    assert "READTHEDOCS_CANONICAL_URL" in passed
