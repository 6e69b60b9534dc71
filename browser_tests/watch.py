"""What goes wrong while a page loads in chromium, as readable lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page

HOST = "127.0.0.1"


@dataclass
class Problems:
    """What went wrong while a page loaded, each as one readable line."""

    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.console, *self.page_errors, *self.failed, *self.outside]


def watch(page: Page) -> Problems:
    """Record a page's console errors, page errors, failed requests and requests leaving HOST."""
    problems = Problems()

    def on_console(message: Any) -> None:
        if message.type == "error":
            problems.console.append(f"console error: {message.text} ({message.location})")

    def on_request(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname != HOST:
            problems.outside.append(f"request leaving {HOST}: {request.url}")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            problems.failed.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.page_errors.append(f"page error: {error}"))
    page.on("request", on_request)
    page.on("response", on_response)
    page.on(
        "requestfailed",
        lambda request: problems.failed.append(f"failed: {request.url} ({request.failure})"),
    )
    return problems
