"""Search, the language switch and the favicon, in chromium."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from site_pages import EDITIONS, OTHER, SitePage, all_pages

# A word of the body text, and the page that explains it (not only names it).
SEARCHES = [
    pytest.param("zh", "僵尸进程", "process.html", id="zh-zombie"),
    pytest.param("zh", "序列化", "process.html", id="zh-serialise"),
    pytest.param("zh", "守护进程", "daemon.html", id="zh-daemon"),
    pytest.param("en", "zombie", "process.html", id="en-zombie"),
    pytest.param("en", "pickle", "process.html", id="en-pickle"),
    pytest.param("en", "daemon", "daemon.html", id="en-daemon"),
]


@pytest.mark.parametrize(("edition", "word", "expected"), SEARCHES)
def test_search_finds_the_page(
    page: Page, base_url: str, edition: str, word: str, expected: str
) -> None:
    """search.html?q=WORD lists the page that explains WORD."""
    page.goto(f"{base_url}/{edition}/search.html?q={quote(word)}", wait_until="load")
    # searchtools.js writes the summary once the search has finished.
    page.wait_for_function(
        "() => document.querySelector('#search-results .search-summary')?.innerText",
        timeout=15000,
    )
    found = page.eval_on_selector_all(
        "#search-results ul.search li > a", "as => as.map(a => a.href)"
    )
    pages = [urlsplit(href).path.rsplit("/", 1)[-1] for href in found]
    assert expected in pages, f"search for {word!r} in {edition} lists {pages}"


@pytest.mark.parametrize("site_page", all_pages(), ids=lambda p: p.id)
def test_language_switch_lands_on_the_same_page(
    page: Page, base_url: str, site_page: SitePage
) -> None:
    """The switch leads to this page in the other edition, whose switch leads back."""
    other = OTHER[site_page.edition]
    page.goto(f"{base_url}/{site_page.id}", wait_until="load")
    switch = page.locator(f"a.language-switch[hreflang='{EDITIONS[other]}']")
    assert switch.count() == 1, f"{site_page.id} has no language switch to {other}"
    switch.click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == f"/{other}/{site_page.path}"
    back = page.locator(f"a.language-switch[hreflang='{EDITIONS[site_page.edition]}']")
    assert back.count() == 1, f"/{other}/{site_page.path} has no switch back"


@pytest.mark.parametrize("edition", EDITIONS)
def test_favicon(page: Page, base_url: str, edition: str) -> None:
    """Pages name a favicon, and it is served as an image."""
    page.goto(f"{base_url}/{edition}/index.html", wait_until="load")
    href = page.locator("link[rel~='icon']").get_attribute("href")
    assert href, "no <link rel='icon'>"
    response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + href)
    assert response.status == 200, f"favicon {href}: HTTP {response.status}"
    assert response.headers["content-type"].startswith("image/")


def test_root_leads_to_chinese(page: Page, base_url: str) -> None:
    """The site's root index.html leads to the Chinese edition (by redirect, or its link)."""
    page.goto(f"{base_url}/", wait_until="load")
    try:
        page.wait_for_url(f"{base_url}/zh/**", timeout=3000)
    except PlaywrightTimeout:  # no redirect: the page must link to zh/
        page.locator("a[href^='zh/'], a[href^='./zh/']").first.click()
        page.wait_for_url(f"{base_url}/zh/**")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
