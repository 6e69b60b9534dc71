"""Code blocks in chromium: the copy button copies the file, outputs have none, focus shows it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from site_pages import (
    CodeBlock,
    SitePage,
    all_pages,
    code_blocks,
    example_file,
    scan,
    shown_text,
)

PAGES = all_pages()
BLOCKS = [block for page in PAGES for block in code_blocks(page)]
WITH_OUTPUT = [page for page in PAGES if scan(page).outputs]
WITH_SOURCE = [page for page in PAGES if code_blocks(page)]
SOURCE = "div.example-source"


def _open(page: Page, base_url: str, site_page: SitePage) -> None:
    page.goto(f"{base_url}/{site_page.id}", wait_until="load")
    # copybutton.js adds its buttons once the document is ready.
    page.wait_for_selector("button.copybtn", state="attached")


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.id)
def test_copy_button_copies_the_file(page: Page, base_url: str, block: CodeBlock) -> None:
    """Clicking an example's copy button puts exactly its file's shown bytes on the clipboard.

    Byte for byte, but for the file's last newline: a page shows lines, and
    sphinx-copybutton trims the newline that ends the last one.
    """
    expected = shown_text(example_file(block.download)).removesuffix(b"\n")
    _open(page, base_url, block.page)
    source = page.locator(SOURCE).nth(block.index)
    assert source.locator("a.download").get_attribute("href") == block.download
    page.evaluate("navigator.clipboard.writeText('(clipboard not written)')")
    source.locator("div.highlight").hover()
    button = source.locator("button.copybtn")
    button.click()
    copied = page.evaluate("navigator.clipboard.readText()").encode()
    assert copied == expected, f"clipboard differs from {example_file(block.download)}"


@pytest.mark.parametrize("site_page", WITH_OUTPUT, ids=lambda p: p.id)
def test_output_blocks_have_no_copy_button(page: Page, base_url: str, site_page: SitePage) -> None:
    """Output is not for copying: no copy button in any .example-output block."""
    _open(page, base_url, site_page)
    outputs = page.locator(".example-output")
    assert outputs.count() == scan(site_page).outputs
    assert page.locator(".example-output button.copybtn").count() == 0


@pytest.mark.parametrize("site_page", WITH_SOURCE, ids=lambda p: p.id)
def test_copy_button_visible_on_keyboard_focus(
    page: Page, base_url: str, site_page: SitePage
) -> None:
    """A copy button reached with Tab is visible (not only on hover)."""
    _open(page, base_url, site_page)
    # Tab from the block's download link: the next stop is its copy button.
    page.locator(f"{SOURCE} a.download").first.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "copybtn" in focused, f"Tab from the download link reached {focused!r}"
    page.mouse.move(0, 0)  # not hovering the block
    # copybutton fades its button in: wait for the end of the transition.
    button = page.locator(f"{SOURCE} button.copybtn").first.element_handle()
    page.wait_for_function("b => getComputedStyle(b).opacity === '1'", arg=button, timeout=5000)
