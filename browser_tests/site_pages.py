"""The built site as the browser tests see it: its editions, pages and code blocks.

Read from the files under ``docs/_build/html`` at collection time, so every
page the build wrote gets its own tests (nothing is listed by hand).
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "docs" / "_build" / "html"
EXAMPLES = ROOT / "examples"
SCREENSHOTS = ROOT / "docs" / "_build" / "screenshots"
# The editions, by directory under SITE, with the language each page's
# switch leads to (its hreflang) and that edition's own hreflang.
EDITIONS = {"zh": "zh-CN", "en": "en"}
OTHER = {"zh": "en", "en": "zh"}
# What Sphinx writes beside the pages: not pages.
NOT_PAGES = {"_static", "_sources", "_downloads", "_images"}
# mpexamples' default: lines down to this one stay off the page.
HEADER_MARKER = "# end of header"


class MissingSite(Exception):
    """The build the tests need is not there."""


@dataclass(frozen=True, order=True)
class SitePage:
    """One HTML page of one edition."""

    edition: str
    path: str  # relative to the edition's directory, with "/"

    @property
    def id(self) -> str:
        return f"{self.edition}/{self.path}"

    @property
    def file(self) -> Path:
        return SITE / self.edition / self.path

    def html(self) -> str:
        return self.file.read_text(encoding="utf-8")


def pages(edition: str) -> list[SitePage]:
    """Every page of an edition, found from the built files; an error if none."""
    top = SITE / edition
    found = sorted(
        SitePage(edition, p.relative_to(top).as_posix())
        for p in top.rglob("*.html")
        if not NOT_PAGES & set(p.relative_to(top).parts)
    )
    if not found:
        raise MissingSite(f"no pages under {top}: build the site first (tox -e docs)")
    return found


def all_pages() -> list[SitePage]:
    """The pages of every edition."""
    return [page for edition in EDITIONS for page in pages(edition)]


class _Blocks(HTMLParser):
    """Collects the download link of each example's source block, and counts outputs."""

    def __init__(self) -> None:
        super().__init__()
        self.downloads: list[str] = []
        self.outputs = 0
        self.highlights = 0
        self._in_source_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if "example-source" in classes:
            self._in_source_caption = True
        if "example-output" in classes:
            self.outputs += 1
        if "highlight" in classes and tag == "div":
            self.highlights += 1
            self._in_source_caption = False
        href = dict(attrs).get("href")
        if self._in_source_caption and tag == "a" and "download" in classes and href:
            self.downloads.append(href)


@dataclass(frozen=True)
class CodeBlock:
    """An example's source block on a page: its index and the file it shows."""

    page: SitePage
    index: int
    download: str  # the caption's download link

    @property
    def id(self) -> str:
        return f"{self.page.id}#{self.index}-{self.download.rsplit('/', 1)[-1]}"


def scan(page: SitePage) -> _Blocks:
    parser = _Blocks()
    parser.feed(page.html())
    return parser


def code_blocks(page: SitePage) -> list[CodeBlock]:
    """The example source blocks of a page, in page order."""
    return [CodeBlock(page, i, d) for i, d in enumerate(scan(page).downloads)]


def example_file(download: str) -> Path:
    """The file under examples/ that a caption's download link serves (unique by name)."""
    name = download.rsplit("/", 1)[-1]
    matches = sorted(EXAMPLES.rglob(name))
    if len(matches) != 1:
        raise AssertionError(f"download {download}: {len(matches)} files named {name} in examples/")
    return matches[0]


def shown_text(path: Path) -> bytes:
    """The bytes of an example as its page shows them: lines down to the header marker dropped."""
    data = path.read_bytes()
    lines = data.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if HEADER_MARKER.encode() in line:
            return b"".join(lines[i + 1 :])
    return data
