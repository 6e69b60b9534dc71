"""Every page of both editions, in chromium: clean load, screenshots, access, dark mode."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page
from site_pages import SCREENSHOTS, SitePage, all_pages, scan
from watch import watch

PAGES = all_pages()
AXE = Axe()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("site_page", PAGES, ids=lambda p: p.id)
def test_page_loads_cleanly(
    request: pytest.FixtureRequest, base_url: str, site_page: SitePage, viewport: str
) -> None:
    """No console error, page error, failed request or request off 127.0.0.1; a screenshot."""
    context: BrowserContext = request.getfixturevalue(viewport)
    page = context.new_page()
    try:
        problems = watch(page)
        page.goto(f"{base_url}/{site_page.id}", wait_until="networkidle")
        shot = SCREENSHOTS / site_page.edition / viewport / site_page.path.replace(".html", ".png")
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=shot, full_page=True)
        # An image that came with an error status is reported with the requests;
        # one that decoded to nothing (a broken file) has no natural width.
        broken = page.eval_on_selector_all(
            "img", "imgs => imgs.filter(i => i.complete && !i.naturalWidth).map(i => i.src)"
        )
    finally:
        page.close()
    found = [*problems.all(), *(f"broken image: {src}" for src in broken)]
    assert not found, "\n".join(found)


def _impact_counts(violations: list[dict[str, object]]) -> dict[str, int]:
    return {f"{v['id']} ({v['impact']})": len(v["nodes"]) for v in violations}  # type: ignore[arg-type]


@pytest.mark.parametrize("site_page", PAGES, ids=lambda p: p.id)
def test_no_serious_accessibility_violations(
    page: Page, base_url: str, site_page: SitePage
) -> None:
    """axe-core finds no serious or critical violation (every rule on)."""
    page.goto(f"{base_url}/{site_page.id}", wait_until="load")
    violations = AXE.run(page).response["violations"]
    bad = [v for v in violations if v["impact"] in {"serious", "critical"}]
    assert not bad, f"axe: {_impact_counts(bad)}; all: {_impact_counts(violations)}"


def _luminance(css_colour: str) -> float:
    """Relative luminance (0 black .. 1 white) of an opaque rgb()/rgba() computed colour."""
    r, g, b, *alpha = (float(x) for x in re.findall(r"[\d.]+", css_colour))
    # A transparent background shows the browser's canvas: not the theme's.
    assert not alpha or alpha[0] == 1, f"{css_colour} is not opaque"
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


@pytest.mark.parametrize("site_page", PAGES, ids=lambda p: p.id)
def test_dark_mode(dark: BrowserContext, base_url: str, site_page: SitePage) -> None:
    """With a dark system scheme, the page and its code blocks are dark, their text light."""
    page = dark.new_page()
    try:
        page.goto(f"{base_url}/{site_page.id}", wait_until="load")
        body = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert _luminance(body) < 0.2, f"body background {body} is not dark"
        blocks = page.eval_on_selector_all(
            "div.highlight",
            """els => els.map(e => [getComputedStyle(e).backgroundColor,
                                    getComputedStyle(e.querySelector('pre')).color])""",
        )
    finally:
        page.close()
    assert len(blocks) == scan(site_page).highlights
    for background, colour in blocks:
        assert _luminance(background) < 0.2, f"code block background {background} is not dark"
        assert _luminance(colour) > 0.5, f"code text {colour} is not light"
