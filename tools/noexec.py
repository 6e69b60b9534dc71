"""Benchmark baseline: the same pages with ``{example}`` shown, never run.

A stand-in for mpexamples that turns each ``{example}`` into the matching
``literalinclude``, so a build with it costs what Sphinx alone costs.  The
charts and the map of APIs (``{example-chart}``, ``{api-coverage}``) show
nothing here.
"""

from typing import ClassVar

from docutils.parsers.rst import Directive, directives
from sphinx.directives.code import LiteralInclude


class ShowOnly(LiteralInclude):
    # Accepted and ignored: the stand-in runs nothing, under any method.
    option_spec: ClassVar = {**LiteralInclude.option_spec, "start-methods": directives.unchanged}

    def run(self):
        self.arguments[0] = f"/../examples/{self.arguments[0]}"
        self.options.pop("start-methods", None)
        return super().run()


class Nothing(Directive):
    """The extension's other directives: a chart of a run, the map of APIs.
    Neither has anything to show without runs (a stand-in runs nothing)."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar = {
        name: directives.unchanged for name in ("table", "value", "label", "gaps")
    }

    def run(self):
        return []


def add_directives(app):
    """Directives a stand-in for mpexamples must still accept on the site's pages."""
    app.add_directive("example-chart", Nothing)
    app.add_directive("api-coverage", Nothing)


def setup(app):
    app.add_directive("example", ShowOnly)
    add_directives(app)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
