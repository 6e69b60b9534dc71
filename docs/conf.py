"""Sphinx configuration for Python 多进程指南."""

import sys
from pathlib import Path

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
    # Ours: Chinese search that works in the browser (see the section below).
    "search_zh",
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

# -- Options for HTML output -------------------------------------------------

html_theme = "furo"
html_title = project

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
