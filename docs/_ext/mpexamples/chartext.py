"""The ``example-chart`` directive: a bar chart of a table an example printed in this build.

In a MyST page, after the example's own block::

    ```{example} performance/performance_compare_main.py
    ```

    ```{example-chart} performance/performance_compare_main.py
    :table: CPU-bound
    :label: CPU-bound, workers
    :value: speedup
    ```

The chart plots the run that the page's ``{example}`` block shows, the one
checked and shown in this build (run now or taken from the cache with it),
never a run of its own: its numbers are the output's numbers.  ``:table:``
names the table by its header's first cell (:mod:`.table`), ``:value:``
the column of numbers, and ``:label:`` the columns, separated by commas,
whose cells label each bar (default: the first column).  The chart is
inline SVG (:mod:`.svgchart`) with its words from the extension's
catalogue (:mod:`.i18n`).

Like ``{example}``, the directive only records what it was asked for, and
reports every mistake in itself at its page line.  :func:`draw_charts`
runs on ``doctree-read`` after :func:`.sphinxext.run_examples` has put the
page's outputs in place: a chart whose example the page does not show, a
failed run, or a table that cannot be read is an error at the chart's line,
fails the build, and has its page read again by the next build (its failure
is kept with the others by :class:`.sphinxext.ExampleCollector`).
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from . import expect, svgchart, table
from .example import Example
from .i18n import _
from .layout import has_expectation
from .sphinxext import (
    SHOWN_RUN,
    ExampleArgumentDirective,
    _build,
    _fail_in_place,
    _layout,
    _OptionSpec,
    _set_unique_id,
    choose_start_method,
    executes,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import OptionSpec

    from .runner import RunResult

#: The options a chart needs: no default would be right for them.
REQUIRED = ("table", "value")


class chart_node(nodes.General, nodes.Element):
    """Stands for a chart until ``doctree-read`` finds the run it plots."""


class ExampleChartDirective(ExampleArgumentDirective):
    """Record which table of which example's output to plot; :func:`draw_charts` draws it."""

    unit = "chart"
    option_spec: ClassVar[OptionSpec] = _OptionSpec(
        {
            "table": directives.unchanged,
            "value": directives.unchanged,
            "label": directives.unchanged,
        }
    )

    def run(self) -> list[nodes.Node]:
        example = self._example()
        if not isinstance(example, Example):
            return example
        if not has_expectation(example.path):
            return self._fail(f"{example.name} is a helper: it has no run to plot")
        # The chart changes when the run does: as for {example}, so that an
        # edit reads the page again even if its block were elsewhere.
        for dependency in (example.path, example.expectation_path, *example.local_modules()):
            self.env.note_dependency(dependency)
        if problems := self._usage_problems():
            return self._fail("; ".join(problems))
        labels = split_columns(self.options.get("label", ""))
        node = chart_node(
            example=str(example.path),
            table=self.options["table"].strip(),
            value=self.options["value"].strip(),
            labels=labels,
        )
        self.set_source_info(node)
        return [node]

    def _usage_problems(self) -> list[str]:
        problems = self._unknown_options()
        problems += [
            f"option :{name}: is required" + (" and needs a value" if name in self.options else "")
            for name in REQUIRED
            if not (self.options.get(name) or "").strip()
        ]
        if "label" in self.options and not split_columns(self.options["label"]):
            problems.append("option :label: needs a value: column names, separated by commas")
        if self.content:
            problems.append("no content allowed: the chart comes from the example's output")
        return problems


def split_columns(value: str) -> list[str]:
    """The column names ``:label:`` gives, separated by commas (a name may hold spaces)."""
    return [name.strip() for name in value.split(",") if name.strip()]


def shown_runs(doctree: nodes.document) -> set[tuple[str, str]]:
    """The runs whose outputs this page shows: (example path, start method)."""
    return {
        (node[SHOWN_RUN][0], node[SHOWN_RUN][1])
        for node in doctree.findall(nodes.Element)
        if SHOWN_RUN in node.attributes
    }


def draw_charts(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``, after the outputs are in place: draw each chart from its run."""
    charts = list(doctree.findall(chart_node))
    if not charts:
        return
    if not executes(app):  # no run, no output, so no chart (a chart holds no message)
        for node in charts:
            node.parent.remove(node)
        return
    shown = shown_runs(doctree)
    for node in charts:
        example = Example.at(Path(node["example"]), _layout(app.env).root)
        try:
            expectation = example.expectation()
        except expect.ExpectationError as error:
            _fail_in_place(app.env, node, f"example-chart: {example.name}: {error}")
            continue
        method = choose_start_method(app, example, expectation)
        if method is None or (str(example.path), method) not in shown:
            message = (
                f"example-chart: this page shows no run of {example.name} under the "
                f"{method!r} start method; a chart plots the run an {{example}} block on "
                f"its page shows: add one for it"
            )
            _fail_in_place(app.env, node, message)
            continue
        # The very run the page shows: its verdict is kept, never run again
        # (if it is still going, the chart waits for it).
        verdict = _build(app).runs.verdict(example, expectation, method)
        if verdict.problem:
            message = (
                f"example-chart: {example.name} failed under the {method!r} start method "
                f"(see its error); a failed run is not plotted"
            )
            _fail_in_place(app.env, node, message)
            continue
        try:
            found = table.find(expect.output_lines(verdict.result.output), node["table"])
            bars = table.bars(found, node["labels"] or found.columns[:1], node["value"])
        except table.TableError as error:
            _fail_in_place(app.env, node, f"example-chart: {example.name}: {error}")
            continue
        node.replace_self(_figure(app, doctree, node, example, found, bars, verdict.result))


def _figure(
    app: Sphinx,
    doctree: nodes.document,
    node: chart_node,
    example: Example,
    found: table.Table,
    bars: list[table.Bar],
    result: RunResult,
) -> nodes.raw:
    """The chart and its caption, as the HTML of a ``<figure>``."""
    labels = node["labels"] or found.columns[:1]
    value = node["value"]
    figure = nodes.raw(format="html")
    _set_unique_id(doctree, figure, f"example-chart-{example.name}-{found.name}-{value}")
    ident = figure["ids"][0]
    title = _("Bar chart of column {value} of table {table}, printed by {example}").format(
        value=value, table=found.name, example=example.name
    )
    listed = "; ".join(f"{bar.label}: {bar.text}" for bar in bars)
    description = _("One bar per row, in the order printed: {bars}.").format(bars=listed)
    svg = svgchart.render(
        bars,
        title=title,
        description=description,
        axis=value,
        labels=", ".join(labels),
        ident=ident,
    )
    caption = _(
        "Chart · {value} · table {table} · Python {python} · {system} · start method {start_method}"
    ).format(
        value=value,
        table=found.name,
        python=result.python,
        system=result.system,
        start_method=result.start_method,
    )
    html = (
        f'<figure class="example-chart" id="{ident}">\n{svg}\n'
        f"<figcaption>{escape(caption)}</figcaption>\n</figure>\n"
    )
    figure += nodes.Text(html)  # a raw node's text is its child, as docutils' parser makes it
    figure.source, figure.line = node.source, node.line
    return figure
