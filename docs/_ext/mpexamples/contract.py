"""The site's contract: every code block on a page comes from ``examples/``.

A literal block that the ``example`` directive did not make is pasted code
or pasted output, and is an error.  Blocks in the languages listed in
``example_allowed_languages`` (shell commands, config snippets) are allowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from .sphinxext import FROM_EXAMPLE, report_failure

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def forbid_inline_code(app: Sphinx, doctree: nodes.document) -> None:
    allowed = set(app.config.example_allowed_languages)
    for block in doctree.findall(nodes.Element):
        if not isinstance(block, (nodes.literal_block, nodes.doctest_block)):
            continue
        if block.get(FROM_EXAMPLE):
            continue
        language = block.get("language") or "none"
        if language in allowed and isinstance(block, nodes.literal_block):
            continue
        report_failure(
            app.env,
            block,
            f"inline code block (language {language!r}): code and output on a page "
            f"must come from a file under examples/ through the {{example}} directive",
        )
