"""Executed examples for Sphinx: show a file, run it, check and show its output.

Modules, one job each:

- :mod:`.expect`: the expectation language and the one checker;
- :mod:`.runner`: runs a file like a reader would and captures a terminal;
- :mod:`.processes`: the process table; finds what a run left, wherever it went;
- :mod:`.example`: an example file, its imports, one checked run;
- :mod:`.layout`: the project root and examples folder; which files are
  examples, which are helpers they import, and why a path is neither;
- :mod:`.cache`: passing runs kept across builds, keyed on content;
- :mod:`.schedule`: the runs a build needs, run concurrently ahead of reading;
- :mod:`.lone`: a machine-wide lock for running alone, and who overlapped whom;
- :mod:`.sphinxext`: the ``example`` directive and its event handlers;
- :mod:`.table`: a table in an example's output, read back as data;
- :mod:`.svgchart`: a bar chart as inline SVG;
- :mod:`.chartext`: the ``example-chart`` directive: a chart of a shown run's table;
- :mod:`.i18n`: the extension's words on a page, in the build's language;
- :mod:`.contract`: no page may hold inline code or pasted output;
- :mod:`.apiuse`: which ``multiprocessing`` APIs an example file uses;
- :mod:`.apicoverage`: the ``api-coverage`` directive: the guide's map of those APIs;
- :mod:`.pytest_plugin`: the pytest plugin (the project's ``conftest.py``
  loads it), on the same modules.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__version__ = "0.2.0"
STATIC = Path(__file__).with_name("static")


def _add_static_path(app: Sphinx) -> None:
    app.config.html_static_path.append(str(STATIC))


def _install_signal_handlers(app: Sphinx) -> None:
    """SIGTERM or SIGHUP on the build first kills every example it runs."""
    from . import runner

    runner.install_signal_handlers()


def setup(app: Sphinx) -> ExtensionMetadata:
    from . import apicoverage, chartext, config, contract, i18n, sphinxext

    app.add_config_value("example_root", "..", "env", str)
    app.add_config_value("example_dir", "examples", "env", str)
    app.add_config_value("example_start_method", None, "env", (str, type(None)))
    app.add_config_value("example_header_marker", "# end of header", "env", str)
    # The caption of an example's source: how to run it (and a link to download it).
    app.add_config_value("example_run_command", "python {name}", "env", str)
    app.add_config_value("example_max_lines", 200, "env", int)
    # How many examples run at once; None: 6 per core, at most 32.
    app.add_config_value("example_jobs", None, "", (int, type(None)))
    # str, and a list default: so that -D values reach config.validate as given.
    app.add_config_value("example_cache", True, "", (bool, str))
    # None: <doctreedir>/example-cache.  Builds of the site in two languages share one.
    app.add_config_value("example_cache_dir", None, "", (str, type(None)))
    app.add_config_value(
        "example_allowed_languages", ["sh", "bash", "shell", "ini", "toml"], "env", (tuple, list)
    )
    app.connect("config-inited", config.validate)
    # The words the extension puts on a page, in the build's language.
    i18n.add_catalog(app)

    app.connect("builder-inited", _add_static_path)
    app.connect("builder-inited", _install_signal_handlers)
    app.add_css_file("mpexamples.css")
    app.add_node(sphinxext.example_node)
    app.add_directive("example", sphinxext.ExampleDirective)
    app.connect("builder-inited", sphinxext.start_runs)
    app.connect("env-before-read-docs", sphinxext.run_ahead)
    app.connect("doctree-read", sphinxext.run_examples)
    app.add_node(sphinxext.pending_output)
    # Before other handlers of written pages: they see the outputs.
    app.connect("doctree-resolved", sphinxext.fill_outputs, priority=400)
    # A chart plots a run its page shows: after run_examples put the outputs in place.
    app.add_node(chartext.chart_node)
    app.add_directive("example-chart", chartext.ExampleChartDirective)
    app.connect("doctree-read", chartext.draw_charts, priority=600)
    app.connect("doctree-read", contract.forbid_inline_code)
    app.connect("html-page-context", sphinxext.add_noscript_tabs)
    app.add_env_collector(sphinxext.ExampleCollector)
    app.connect("env-updated", sphinxext.check_orphans)
    # Before the runs are logged: the last ones may still be going.
    app.connect("build-finished", sphinxext.end_runs, priority=400)
    app.connect("build-finished", sphinxext.log_runs)
    app.connect("build-finished", sphinxext.fail_build)
    # The {api-coverage} tables: which multiprocessing APIs the guide shows, and where.
    apicoverage.setup(app)
    return {
        "version": __version__,
        # An environment pickled with another layout of our state is discarded.
        "env_version": sphinxext.ENV_VERSION + 100 * apicoverage.ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
