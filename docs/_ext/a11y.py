"""Landmarks, headings and scrolling that axe-core accepts, on Furo's pages.

Four things in the HTML that Sphinx, Furo and our output blocks write fail
axe-core's rules: the toctree's caption is ``<p role="heading">`` without
the ``aria-level`` a heading role requires (``aria-required-attr``,
critical); Furo's two ``<aside>`` drawers are landmarks of one kind without
a name to tell them apart (``landmark-unique``); the "view this page" link
and theme toggle above the article sit outside every landmark
(``region``); and an output block that scrolls sideways cannot be reached
from the keyboard (``scrollable-region-focusable``, serious).  None of
these is in a template block one can extend, so this hook adds the
attributes to each page as it is rendered.  ``browser_tests`` runs axe on
every page.
"""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx
from sphinx.locale import _

#: Names of the landmarks: English message ids in Sphinx's own "sphinx"
#: domain, as the theme's words are, so docs/locales/zh_CN/LC_MESSAGES/
#: sphinx.po translates them with the theme's other words.
LABELS = {"sidebar": "Site navigation", "toc": "On this page", "tools": "Page tools"}


#: The <pre> of an example's output block (mpexamples), as Pygments writes it.
OUTPUT_PRE = re.compile(r'(class="example-output[^"]*"><div class="highlight"><pre)>')


def fix(html: str, labels: dict[str, str]) -> str:
    """Return a rendered page with the attributes axe-core asks for added."""
    for tag, added in [
        # The toctree caption heads a list one level below the page's h1.
        ('<p class="caption" role="heading">', ' aria-level="2"'),
        ('<aside class="sidebar-drawer"', f' aria-label="{labels["sidebar"]}"'),
        ('<aside class="toc-drawer', f' aria-label="{labels["toc"]}"'),
        (
            '<div class="content-icon-container"',
            f' role="navigation" aria-label="{labels["tools"]}"',
        ),
    ]:
        # Attributes go right after the element's name, before its class.
        name = tag.split(" ", 1)[0]
        html = html.replace(tag, name + added + tag[len(name) :])
    # An output block's <pre> scrolls sideways when a line is long, and has
    # nothing focusable in it (code blocks have their copy button), so a
    # keyboard could not scroll it (scrollable-region-focusable, serious).
    return OUTPUT_PRE.sub(r'\1 tabindex="0">', html)


def _wrap_render(app: Sphinx) -> None:
    """Post-process every page the HTML builder renders through its templates."""
    templates = getattr(app.builder, "templates", None)
    if templates is None or app.builder.format != "html":
        return
    render = templates.render
    labels = {key: _(text) for key, text in LABELS.items()}  # the build's language

    def render_fixed(template: str, context: dict[str, Any]) -> str:
        return fix(render(template, context), labels)

    templates.render = render_fixed


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _wrap_render)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
