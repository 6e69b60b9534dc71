"""Sphinx configuration for Python 多进程指南."""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

# Our extensions live next to this file, like CPython's Doc/tools/extensions.
sys.path.insert(0, str(Path(__file__).parent / "_ext"))

# -- Project information -----------------------------------------------------

project = "Python 多进程指南"
author = "Python 多进程指南 contributors"
copyright = "2026, " + author
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
nitpicky = True

# -- Options for MyST --------------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# -- Options for executed examples (mpexamples) ------------------------------

example_root = ".."
example_dir = "examples"
# spawn is the default on macOS and Windows and works on every platform.
example_start_method = "spawn"
example_output_caption = "输出 · Python {python} · {system} · 启动方式 {start_method}"
example_start_method_note = "（本例只适用于 {start_methods}）"
example_no_output_text = "（没有输出）"
example_download_text = "下载"

# -- Options for HTML output -------------------------------------------------

html_theme = "furo"
html_title = project
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"

# -- Options for canonical URLs ----------------------------------------------

# The site's address is not fixed: .readthedocs.yaml names no project.  Read
# the Docs sets READTHEDOCS_CANONICAL_URL (e.g. https://NAME.readthedocs.io/
# zh-cn/latest/) in its builds; then every page gets <link rel="canonical">
# and the sitemap is built.  A local build has no address: neither is made.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "")
if html_baseurl and not html_baseurl.endswith("/"):
    html_baseurl += "/"

# -- Options for intersphinx -------------------------------------------------

# Links go to docs.python.org; the build reads the inventory kept in the repo
# and makes no network request.  Refresh it with tools/refresh_intersphinx.py.
intersphinx_mapping = {"python": ("https://docs.python.org/3", "_intersphinx/python3.inv")}

# -- Options for sphinx-notfound-page ----------------------------------------

# Absolute links in 404.html, from the site's root path: "/" locally (e.g.
# python -m http.server in docs/_build/html), /zh-cn/latest/ on Read the Docs.
notfound_urls_prefix = urlparse(html_baseurl).path or "/"

# -- Options for sphinx-sitemap ----------------------------------------------

# A sitemap lists absolute URLs, so it is built only when the base URL is known.
if html_baseurl:
    extensions.append("sphinx_sitemap")
# html_baseurl already holds the language and version (Read the Docs' path).
sitemap_url_scheme = "{link}"
sitemap_locales = [None]  # one language: no hreflang alternates
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
