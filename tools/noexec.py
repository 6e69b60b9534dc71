"""Benchmark baseline: the same pages with ``{example}`` shown, never run.

A stand-in for mpexamples that turns each ``{example}`` into the matching
``literalinclude``, so a build with it costs what Sphinx alone costs.
"""

from typing import ClassVar

from docutils.parsers.rst import directives
from sphinx.directives.code import LiteralInclude


class ShowOnly(LiteralInclude):
    # Accepted and ignored: the stand-in runs nothing, under any method.
    option_spec: ClassVar = {**LiteralInclude.option_spec, "start-methods": directives.unchanged}

    def run(self):
        self.arguments[0] = f"/../examples/{self.arguments[0]}"
        self.options.pop("start-methods", None)
        return super().run()


def setup(app):
    app.add_directive("example", ShowOnly)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
