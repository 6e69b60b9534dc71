"""The site's links: CPython's docs from the kept inventory, the 404 page, the sitemap,
and the two editions (Chinese, English) linked to each other.

One build of the real site as Read the Docs builds it (tools/build_site.py,
its canonical URL in the environment), with every proxy pointing at a
closed port: a build that reached the network would fail, and its log
would say so.
"""

from __future__ import annotations

import configparser
import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from conftest import REAL_SITE_TIMEOUT, ROOT, SITE_URL

BASE = SITE_URL + "zh/"  # the Chinese edition's
PREFIX = "/zh-cn/latest/zh/"  # the path part of BASE: where 404.html finds the assets
PAGES = sorted(path.stem for path in (ROOT / "docs").glob("*.md"))
pytestmark = pytest.mark.timeout(REAL_SITE_TIMEOUT)


@pytest.fixture
def site(real_site: tuple[Path, str]) -> tuple[Path, str]:
    """The built site (``html/`` and ``doctrees/``) and the build's log.

    Not quiet: intersphinx logs where it reads.
    """
    return real_site


@pytest.fixture
def built(site: tuple[Path, str]) -> tuple[Path, str]:
    """The Chinese edition and the build's log."""
    out, log = site
    return out / "html" / "zh", log


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
        for link in links:  # an entry's anchor under /3/ (glossary too), never the page alone
            assert re.fullmatch(
                r"https://docs\.python\.org/3/(?:[\w-]+/)?[\w.-]+\.html#[\w.-]+", link
            )
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


# -- the two editions -------------------------------------------------------------

#: Each edition's folder, its hreflang, and the other edition's folder and hreflang.
EDITIONS = {"zh": ("zh-CN", "en", "en"), "en": ("en", "zh", "zh-CN")}


def test_the_english_build_runs_no_example_it_gets_every_run_from_the_cache(site):
    out, _ = site
    zh, en = (
        json.loads((out / "doctrees" / edition / "example-runs.json").read_text())["counts"]
        for edition in ("zh", "en")
    )
    assert zh["executed"] + zh["cached"] > 0, zh  # cached: tox's test run left it (conftest)
    assert en["executed"] == 0 and en["cached"] == zh["executed"] + zh["cached"], en


def test_every_page_links_to_the_same_page_in_the_other_edition(site):
    out, _ = site
    for edition, (hreflang, other, other_hreflang) in EDITIONS.items():
        pages = sorted((out / "html" / edition).rglob("*.html"))
        assert len(pages) >= len(PAGES) + 3, pages  # with 404, search, genindex
        for path in pages:
            soup = BeautifulSoup(path.read_text(), "html.parser")
            page = path.relative_to(out / "html" / edition).as_posix()
            assert soup.html["lang"] == hreflang, page
            (switch,) = soup.select("a.language-switch")
            assert switch["hreflang"] == switch["lang"] == other_hreflang, page
            assert switch.get_text() == {"en": "English", "zh": "中文"}[other], page
            href = switch["href"]
            if page == "404.html":  # served at any depth: from the server's root
                assert href == f"{urlparse(SITE_URL).path}{other}/404.html"
            else:
                assert not urlparse(href).scheme and not href.startswith("/"), href
                assert (path.parent / href).resolve() == out / "html" / other / page
            alternates = {
                link["hreflang"]: link["href"]
                for link in soup.select('head link[rel="alternate"][hreflang]')
            }
            assert alternates == {"zh-CN": f"{SITE_URL}zh/{page}", "en": f"{SITE_URL}en/{page}"}


def test_the_site_root_leads_to_the_chinese_edition_and_names_both(site):
    out, _ = site
    soup = BeautifulSoup((out / "html" / "index.html").read_text(), "html.parser")
    assert soup.select_one('meta[http-equiv="refresh"]')["content"] == "0; url=zh/"
    links = {a["href"]: a.get_text() for a in soup.select("a")}
    assert links == {"zh/index.html": "中文", "en/index.html": "English"}
    # The host's 404 page, at the root: the Chinese one, its links absolute.
    assert (out / "html" / "404.html").read_text() == (out / "html" / "zh" / "404.html").read_text()


def test_the_english_edition_has_its_own_404_page_sitemap_and_canonical_urls(site):
    out, _ = site
    html = out / "html" / "en"
    page = (html / "404.html").read_text()
    assets = re.findall(r'<(?:link|script)\b[^>]*\b(?:href|src)="([^"]+\.(?:css|js)[^"]*)"', page)
    assert assets and all(asset.startswith("/zh-cn/latest/en/_static/") for asset in assets)
    namespace = {
        "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "x": "http://www.w3.org/1999/xhtml",
    }
    root = ElementTree.parse(html / "sitemap.xml").getroot()
    for url in root.findall("s:url", namespace):
        link = url.findtext("s:loc", namespaces=namespace) or ""
        assert link.startswith(f"{SITE_URL}en/"), link
        name = link.removeprefix(f"{SITE_URL}en/")
        alternates = {
            alternate.get("hreflang"): alternate.get("href")
            for alternate in url.findall("x:link[@rel='alternate']", namespace)
        }
        assert alternates == {"zh-CN": f"{SITE_URL}zh/{name}", "en": link}
    assert len(root.findall("s:url", namespace)) == len(PAGES)
    assert (
        f'<link rel="canonical" href="{SITE_URL}en/process.html"'
        in (html / "process.html").read_text()
    )


def test_each_edition_reads_in_its_language_extension_and_theme_words_included(site):
    out, _ = site
    words = {
        # The extension's caption, the start-method note, the download link;
        # the theme's links to the previous and next pages.
        # The landmark names that a11y adds for axe-core.
        "zh": [
            "输出 · Python",
            "· 启动方式 spawn",
            ">下载<",
            "上一页",
            "下一页",
            "回到顶部",
            "跳到正文",  # Furo's skip link, the first thing a keyboard reaches
            'aria-label="站点导航"',
            'aria-label="页面工具"',
        ],
        "en": [
            "Output · Python",
            "· start method spawn",
            ">download<",
            "Previous",
            "Next",
            "Skip to content",
            'aria-label="Site navigation"',
            'aria-label="Page tools"',
        ],
    }
    for edition, expected in words.items():
        text = (out / "html" / edition / "process.html").read_text()
        for word in expected:
            assert word in text, (edition, word)
    for name in PAGES:  # no Chinese left in an English page's text
        soup = BeautifulSoup((out / "html" / "en" / f"{name}.html").read_text(), "html.parser")
        chinese = set(
            re.findall(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+", soup.article.get_text())
        )
        # The one Chinese the English pages keep: the title of the post they follow.
        assert chinese <= {"《", "多进程操作》"}, (name, chinese)
