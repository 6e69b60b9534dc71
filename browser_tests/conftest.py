"""Fixtures of the browser tests: the built site served on 127.0.0.1, one chromium.

The site is ``docs/_build/html`` as ``tox -e browser`` has just built it
(``tox -e docs``'s own command).  Chromium is Debian's (``/usr/bin/chromium``,
or the path in ``BROWSER_TESTS_CHROMIUM``), driven by Playwright, which never
downloads a browser here; without it every test fails, saying so.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from site_pages import SITE
from watch import HOST

CHROMIUM = Path(os.environ.get("BROWSER_TESTS_CHROMIUM", "/usr/bin/chromium"))
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves the site without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    """Says nothing when the browser drops a connection (it cancels requests
    when a test moves on); any other error in a request is printed."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The built site, served by a threaded http.server on a free port of 127.0.0.1."""
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site: {SITE / 'index.html'} is missing (run tox -e docs)")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = _Server((HOST, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless chromium for the whole session; a missing one fails every test."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"chromium not found at {CHROMIUM}: install Debian's chromium "
            "(apt-get install chromium; .ci/run does) or set BROWSER_TESTS_CHROMIUM"
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
    yield browser
    browser.close()


def _context(browser: Browser, **options: Any) -> BrowserContext:
    """A context in which any request that leaves 127.0.0.1 is refused (and reported)."""
    context = browser.new_context(**options)
    # Fail in seconds, not Playwright's 30, when something never shows.
    context.set_default_timeout(10_000)
    context.route(lambda url: urlsplit(url).hostname != HOST, lambda route: route.abort())
    return context


@pytest.fixture(scope="session")
def desktop(browser: Browser) -> Iterator[BrowserContext]:
    """A desktop window that may read and write the clipboard."""
    context = _context(browser, viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"])
    yield context
    context.close()


@pytest.fixture(scope="session")
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = _context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    yield context
    context.close()


@pytest.fixture(scope="session")
def dark(browser: Browser) -> Iterator[BrowserContext]:
    """A desktop window whose system asks for a dark colour scheme."""
    context = _context(browser, viewport=DESKTOP, color_scheme="dark")
    yield context
    context.close()


@pytest.fixture
def page(desktop: BrowserContext) -> Iterator[Page]:
    """A fresh tab in the desktop window."""
    page = desktop.new_page()
    yield page
    page.close()
