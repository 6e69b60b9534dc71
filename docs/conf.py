"""Sphinx configuration for Python 多进程指南."""

from __future__ import annotations

import os
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from sphinx.errors import ConfigError

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

# Our extensions live next to this file, like CPython's Doc/tools/extensions.
sys.path.insert(0, str(Path(__file__).parent / "_ext"))

# -- Project information -----------------------------------------------------

project = "Python 多进程指南"
author = "Python 多进程指南 contributors"
copyright = "2026, " + author
# The source language.  The English edition is the same source built with
# -D language=en, its text from docs/locales/en/LC_MESSAGES/*.po (README,
# "Translating"); tools/build_site.py builds both.
language = "zh_CN"

# -- General configuration ---------------------------------------------------

extensions = [
    # Ours: run every example and show its real output.
    "mpexamples",
    # Third-party.
    "myst_parser",
    "sphinx_copybutton",
    # Tabs for the {example} directive's :start-methods: option (one output
    # per start method); by Furo's author, so styled alike.
    "sphinx_inline_tabs",
    # Links to the CPython docs, read from the inventory kept in the repo.
    "sphinx.ext.intersphinx",
    # A 404 page whose links and assets work at any depth.
    "notfound.extension",
    # Ours: Chinese search that works in the browser (see the section below).
    "search_zh",
    # Ours: names for Furo's landmarks, a level for the toctree caption (axe-core).
    "a11y",
]
exclude_patterns = ["_build"]
templates_path = ["_templates"]
nitpicky = True

# -- Options for internationalisation ------------------------------------------

# One catalogue per page (docs/locales/en/LC_MESSAGES/<page>.po), managed with
# sphinx-intl.  No uuids and no source locations: a catalogue changes only
# when a message does, so its diffs show translations, not line numbers.
locale_dirs = ["locales"]
gettext_compact = False
gettext_uuid = False
gettext_location = False
# Sphinx compiles each .po into its .mo beside it when it builds (.mo files
# are not committed: .gitignore).
gettext_auto_build = True

#: Each edition: its folder under docs/_build/html, its hreflang and the
#: name of its language in that language (the switch's text).
EDITIONS = {"zh_CN": ("zh", "zh-CN", "中文"), "en": ("en", "en", "English")}
#: The project's name in each language.
TITLES = {"zh_CN": "Python 多进程指南", "en": "Python multiprocessing, by example"}
COPYRIGHTS = {
    "zh_CN": "2026，Python 多进程指南的贡献者",
    "en": "2026, the contributors to Python multiprocessing, by example",
}

# -- Options for MyST --------------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# -- Options for executed examples (mpexamples) ------------------------------

example_root = ".."
example_dir = "examples"
# spawn is the default on macOS and Windows and works on every platform.
example_start_method = "spawn"
# The extension's words (captions, "no output", the download link) come in
# the build's language from its own catalogue (docs/_ext/mpexamples/locales).

# -- Options for HTML output -------------------------------------------------

html_theme = "furo"
html_title = project
# Furo's sidebar, with the switch to the other edition under the site's name.
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/language-switch.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/ethical-ads.html",
        "sidebar/scroll-end.html",
        "sidebar/variant-selector.html",
    ]
}
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"

# -- Options for canonical URLs ----------------------------------------------

# The site's address is not fixed: .readthedocs.yaml names no project.  Read
# the Docs sets READTHEDOCS_CANONICAL_URL (e.g. https://NAME.readthedocs.io/
# zh-cn/latest/) in its builds, the Pages workflow SITE_BASE_URL; each
# edition lives under it (<base>zh/, <base>en/: set by _per_edition below).
# Then every page gets <link rel="canonical"> and the sitemap is built.  A
# local build has no address: neither is made.
site_baseurl = os.environ.get("SITE_BASE_URL") or os.environ.get("READTHEDOCS_CANONICAL_URL", "")
if site_baseurl and not site_baseurl.endswith("/"):
    site_baseurl += "/"
html_baseurl = site_baseurl  # made the edition's own in _per_edition

# -- Options for intersphinx -------------------------------------------------

# Links go to docs.python.org; the build reads the inventory kept in the repo
# and makes no network request.  Refresh it with tools/refresh_intersphinx.py.
intersphinx_mapping = {"python": ("https://docs.python.org/3", "_intersphinx/python3.inv")}

# -- Options for sphinx-notfound-page ----------------------------------------

# Absolute links in 404.html, from the edition's root path: /zh/ or /en/
# locally (python -m http.server in docs/_build/html), /zh-cn/latest/zh/ on
# Read the Docs.  Set per edition in _per_edition below.
notfound_urls_prefix = "/"

# -- Options for sphinx-sitemap ----------------------------------------------

# A sitemap lists absolute URLs, so it is built only when the base URL is known.
if site_baseurl:
    extensions.append("sphinx_sitemap")
# html_baseurl already holds the edition (and Read the Docs' language and
# version).  sphinx-sitemap would name each alternate <base><language>/page,
# with zh_CN where the folder is zh: _add_sitemap_alternates adds them.
sitemap_url_scheme = "{link}"
sitemap_locales = [None]
sitemap_excludes = ["404.html", "search.html", "genindex.html"]

# -- Options for HTML search --------------------------------------------------

# Sphinx's Chinese search cuts the text into words with jieba.  By default it
# loads jieba's whole dictionary a second time as a user dictionary (about
# 1 s of CPU per build for nothing); this small one adds instead the guide's
# terms that jieba's dictionary lacks (僵尸进程, 守护进程, 启动方式, ...),
# one a line, so that each is a search term of its own.  search_zh fixes the
# stemmer Sphinx 9.0 names wrongly for zh (sphinx-doc/sphinx#14229).
html_search_options = {"dict": str(Path(__file__).parent / "jieba_userdict.txt")}

# -- Options for sphinx-copybutton --------------------------------------------

# Output blocks are not for copying.
copybutton_selector = "div:not(.example-output) > div.highlight > pre"
# The button copies exactly the text shown: no line numbers (.linenos) and,
# with no prompt text, no line is dropped or stripped as a prompt.
copybutton_exclude = ".linenos"
copybutton_prompt_text = ""


# -- The two editions ------------------------------------------------------------


def _per_edition(app: Sphinx, config: Config) -> None:
    """Settings that depend on the edition, known once -D language=... is applied."""
    if config.language not in EDITIONS:
        known = ", ".join(EDITIONS)
        raise ConfigError(f"language {config.language!r}: this site has the editions {known}")
    folder = EDITIONS[config.language][0]
    config.project = config.html_title = TITLES[config.language]
    config.copyright = COPYRIGHTS[config.language]
    if site_baseurl:
        config.html_baseurl = f"{site_baseurl}{folder}/"
    config.notfound_urls_prefix = urlparse(config.html_baseurl).path or f"/{folder}/"


def _language_switch(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """The same page in the other edition, for _templates/sidebar/language-switch.html.

    A page's link is relative (../../en/process.html from zh/process.html);
    the 404 page is served at any depth of a missing URL, so its link starts
    from the server's root, as its other links do (notfound_urls_prefix).
    """
    here = EDITIONS[app.config.language][0]
    other = next(language for language in EDITIONS if language != app.config.language)
    folder, hreflang, name = EDITIONS[other]
    page = pagename + app.builder.out_suffix  # type: ignore[attr-defined]
    if pagename == app.config.notfound_pagename:
        prefix = app.config.notfound_urls_prefix
        href = prefix[: len(prefix) - len(here) - 1] + f"{folder}/{page}"
    else:
        href = "../" * (pagename.count("/") + 1) + f"{folder}/{page}"
    context["language_switch"] = {"href": href, "hreflang": hreflang, "name": name}
    # Both editions' URLs in <head>: absolute when the site's address is known.
    if site_baseurl:
        links = {code: f"{site_baseurl}{path}/{page}" for path, code, _ in EDITIONS.values()}
    else:
        links = {hreflang: href}
    context["metatags"] = context.get("metatags", "") + "".join(
        f'<link rel="alternate" hreflang="{code}" href="{link}" />\n'
        for code, link in links.items()
    )


def _add_sitemap_alternates(app: Sphinx, exception: Exception | None) -> None:
    """Give every page in sitemap.xml its alternates: the same page in each edition."""
    path = Path(app.outdir, "sitemap.xml")
    if exception or not site_baseurl or not path.is_file():
        return
    sitemap = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    xhtml = "{http://www.w3.org/1999/xhtml}"
    ElementTree.register_namespace("", sitemap[1:-1])
    ElementTree.register_namespace("xhtml", xhtml[1:-1])
    tree = ElementTree.parse(path)
    here = app.config.html_baseurl
    for url in tree.getroot().iter(f"{sitemap}url"):
        page = (url.findtext(f"{sitemap}loc") or "").removeprefix(here)
        for folder, hreflang, _ in EDITIONS.values():
            link = ElementTree.SubElement(url, f"{xhtml}link")
            link.attrib.update(
                rel="alternate", hreflang=hreflang, href=f"{site_baseurl}{folder}/{page}"
            )
    tree.write(path, xml_declaration=True, encoding="utf-8")


def setup(app: Sphinx) -> None:
    """This project's own hooks: the edition's settings, its language switch, the sitemap."""
    app.connect("config-inited", _per_edition, priority=100)
    app.connect("html-page-context", _language_switch)
    app.connect("build-finished", _add_sitemap_alternates, priority=900)
