"""The ``example`` directive: an example's source, run, with its real output.

In a MyST page::

    ```{example} process/process_basic.py
    :lines: 3-
    :emphasize-lines: 5
    ```

With ``:start-methods: fork spawn forkserver``, the example runs under each
named method and its outputs are shown in tabs (sphinx-inline-tabs), one
per method.

The directive only records what it was asked for.  Before pages are read,
every run they need starts (:mod:`.schedule`), or comes from the cache
(:mod:`.cache`).  A ``doctree-read`` handler then puts the source in the
page, and the checked run's output (:mod:`.example`) if it is done; if it
is not, a placeholder that ``doctree-resolved`` fills in when the page is
written, so that Sphinx reads and writes pages while examples run.  (A
build that reads in parallel, ``-j``, waits for every run before reading.)
Any failure is logged as an error naming the page line, and fails the
build when it finishes, with or without ``-W``; a page that failed is read
again by the next build.  A helper module (see :mod:`.layout`) is shown
without a run.

State: what each page shows and whether it failed is the environment's
(:class:`ExampleCollector`, pickled with it, merged after a parallel read);
the runs of this build, with their threads, are the builder's (:func:`_build`).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.directives.code import LiteralIncludeReader
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import expect
from .cache import Cache
from .example import Example, known_imports, remember_imports
from .i18n import _
from .layout import Layout, NotAnExample, has_expectation, lone_message, not_a_file
from .schedule import Runs, default_jobs, scan

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec

    from .runner import RunResult

logger = logging.getLogger(__name__)
#: Marks the literal blocks this extension made (see :mod:`.contract`).
FROM_EXAMPLE = "from_example"
#: Marks an output block with the run it shows, [example path, start method]:
#: what a chart on the same page may plot (see :mod:`.chartext`).
SHOWN_RUN = "shown_run"


class example_node(nodes.General, nodes.Element):
    """Stands for an example until ``doctree-read`` runs it."""


class pending_output(nodes.General, nodes.Element):
    """Stands for a run's output, not done when its page was read, until the page is written."""


class _OptionSpec(dict[str, Callable[[str], Any]]):
    """The known options; any other name is kept, marked, for ``run()`` to report.

    Docutils and MyST look an option up as ``spec[name]`` and on a KeyError
    only warn, so the page would neither fail the build nor be read again.
    """

    def __missing__(self, name: str) -> type[_UnknownOption]:
        return _UnknownOption


class _UnknownOption(str):
    """The value of an option the directive does not know."""


class ExampleArgumentDirective(SphinxDirective):
    """A directive whose one argument is an example's path.

    Every mistake in the directive itself is checked by the directive, not
    by docutils or MyST, so that it is an error of the page (see
    :meth:`_fail`): a missing or second path, content, an unknown option.
    """

    optional_arguments = 1  # a missing path is reported by run()
    final_argument_whitespace = True  # so is a second one
    has_content = True  # so is content
    #: What one directive shows, in the error for a second path.
    unit: ClassVar[str]

    def _example(self) -> Example | list[nodes.Node]:
        """The example the argument names, or the page error saying why not."""
        if not self.arguments:
            return self._fail("no example given: write its path under the examples folder")
        argument = self.arguments[0]
        if len(argument.split()) > 1:
            return self._fail(f"one example per {self.unit}, got {argument!r}")
        try:
            return _layout(self.env).example(argument)
        except NotAnExample as error:
            return self._fail(str(error))

    def _unknown_options(self) -> list[str]:
        known = ", ".join(f":{name}:" for name in self.option_spec or ())
        return [
            f"unknown option :{name}: (known: {known})"
            for name, value in self.options.items()
            if isinstance(value, _UnknownOption)
        ]

    def _fail(self, message: str) -> list[nodes.Node]:
        """An error at the page line; the build fails and the page is read again."""
        _state(self.env).note_failure(self.env.docname)
        # self.name: the directive's name as the page wrote it.
        return [self.reporter.error(f"{self.name}: {message}", line=self.lineno)]


class ExampleDirective(ExampleArgumentDirective):
    """Record which example to show; the work happens in :func:`run_examples`."""

    unit = "directive"
    option_spec: ClassVar[OptionSpec] = _OptionSpec(
        {
            "lines": directives.unchanged,
            "emphasize-lines": directives.unchanged,
            "linenos": directives.flag,
            "start-methods": directives.unchanged,
        }
    )

    def run(self) -> list[nodes.Node]:
        example = self._example()
        if not isinstance(example, Example):
            return example
        # A helper is only shown: whether an example imports it is checked
        # for every build (check_orphans), and a missing .expect must not be
        # a dependency, or Sphinx would read the page again every build.
        helper = not has_expectation(example.path)
        state, docname = _state(self.env), self.env.docname
        dependencies = [example.path, *example.local_modules()]
        if helper:
            state.helpers.setdefault(docname, set()).add(str(example.path))
        else:
            dependencies.append(example.expectation_path)
        for dependency in dependencies:
            self.env.note_dependency(dependency)
        state.used.setdefault(docname, set()).add(example.name)
        problems = self._usage_problems() + _option_methods_problems(self.options, example)
        if helper and "start-methods" in self.options:
            problems.append(
                "option :start-methods: needs an example; a helper only shows its source"
            )
        if problems:
            return self._fail("; ".join(problems))
        node = example_node(example=str(example.path), options=dict(self.options), helper=helper)
        self.set_source_info(node)
        return [node]

    def _usage_problems(self) -> list[str]:
        problems = self._unknown_options()
        problems += [
            f"option :{name}: needs a value"
            for name in ("lines", "emphasize-lines")
            if name in self.options and not self.options[name].strip()
        ]
        if self.content:
            problems.append("no content allowed: the code comes from the example file")
        return problems


def split_start_methods(value: str) -> list[str]:
    """The methods ``:start-methods:`` names, separated by commas or spaces."""
    return [name for name in re.split(r"[\s,]+", value) if name]


def start_methods_problems(
    value: str, allowed: Iterable[str], available: Iterable[str]
) -> list[str]:
    """What is wrong with a ``:start-methods:`` value, if anything.

    ``allowed`` are the methods the example's expectation allows,
    ``available`` those this platform offers.
    """
    methods = split_start_methods(value)
    if not methods:
        return [f"option :start-methods: needs a value, such as {' '.join(expect.START_METHODS)}"]
    allowed, available = list(allowed), list(available)
    problems = []
    if unknown := [m for m in methods if m not in expect.START_METHODS]:
        problems.append(
            f":start-methods: unknown start method(s) {', '.join(unknown)} "
            f"(known: {', '.join(expect.START_METHODS)})"
        )
    if twice := sorted({m for m in methods if methods.count(m) > 1}, key=methods.index):
        problems.append(f":start-methods: {', '.join(twice)} named more than once")
    known = [m for m in dict.fromkeys(methods) if m in expect.START_METHODS]
    if barred := [m for m in known if m not in allowed]:
        problems.append(
            f":start-methods: the example's expectation does not allow {', '.join(barred)} "
            f"(its start-methods: {', '.join(allowed)})"
        )
    if missing := [m for m in known if m in allowed and m not in available]:
        problems.append(
            f":start-methods: this platform has no {', '.join(missing)} start method "
            f"(it has: {', '.join(available)})"
        )
    return problems


def _option_methods_problems(options: Mapping[str, str | None], example: Example) -> list[str]:
    value = options.get("start-methods")
    if value is None or isinstance(value, _UnknownOption):
        return []
    try:
        allowed = example.expectation().start_methods
    except expect.ExpectationError:
        return []  # reported, with its file and line, when the page is read
    available = multiprocessing.get_all_start_methods()
    return start_methods_problems(value, allowed, available)


# -- running examples while the doctree is read ----------------------------


#: Builders that only extract the pages' messages: no output is shown, so nothing runs.
_EXTRACTING = frozenset({"gettext"})


def executes(app: Sphinx) -> bool:
    """Whether this build shows outputs (so runs examples): not one that extracts messages."""
    return app.builder.name not in _EXTRACTING


def run_examples(app: Sphinx, doctree: nodes.document) -> None:
    for node in list(doctree.findall(example_node)):
        example = Example.at(Path(node["example"]), _layout(app.env).root)
        if node["helper"] or not executes(app):
            _show_helper(app, doctree, example, node)
            continue
        try:
            expectation = example.expectation()
        except expect.ExpectationError as error:
            _fail_in_place(app.env, node, f"{example.name}: {error}")
            continue
        if (source := _source_or_fail(app, example, node)) is None:
            continue
        if "start-methods" in node["options"]:
            _show_per_method(app, doctree, node, example, expectation, source)
            continue
        method = choose_start_method(app, example, expectation)
        if not method:
            message = f"{example.name}: this platform offers none of its start-methods"
            _fail_in_place(app.env, node, message)
            continue
        output = _checked_output(app, node, example, expectation, method)
        wrapper = nodes.container("", source, output, classes=["example"])
        for part, suffix in ((wrapper, ""), (source, "-source"), (output, "-output")):
            _set_unique_id(doctree, part, f"example-{example.name}{suffix}")
        node.replace_self(wrapper)


def _show_helper(
    app: Sphinx, doctree: nodes.document, example: Example, node: example_node
) -> None:
    """A helper module, or any example in a build that only extracts messages:
    its source, captioned as usual, and no output."""
    if (source := _source_or_fail(app, example, node)) is None:
        return
    wrapper = nodes.container("", source, classes=["example", "example-helper"])
    for part, suffix in ((wrapper, ""), (source, "-source")):
        _set_unique_id(doctree, part, f"example-{example.name}{suffix}")
    node.replace_self(wrapper)


def _checked_output(
    app: Sphinx,
    node: example_node | pending_output,
    example: Example,
    expectation: expect.Expectation,
    method: str,
    docname: str | None = None,
) -> nodes.Element:
    """The run's captioned output; a failed check is reported at the directive.

    A run still going gives a :class:`pending_output` instead, which
    :func:`fill_outputs` replaces when the page is written.
    """
    runs = _build(app).runs
    if docname is None and runs.waits(example, method):
        pending = pending_output(example=str(example.path), method=method)
        pending[SHOWN_RUN] = [str(example.path), method]
        pending.source, pending.line = node.source, node.line
        return pending
    verdict = runs.verdict(example, expectation, method)
    if verdict.problem:
        report_failure(
            app.env,
            node,
            f"example {example.name} failed under the {method!r} start method:\n{verdict.problem}",
            docname,
        )
    output = _output_block(app, node, expectation, verdict.result)
    output[SHOWN_RUN] = [str(example.path), method]  # for a chart of this run (.chartext)
    return output


def fill_outputs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: each output the page was read without, from its checked run.

    Sphinx saved the environment before writing, so a failure found now
    is also kept in a file for the next build (:class:`WriteFailures`).
    """
    failed = docname in _state(app.env).failed
    for pending in list(doctree.findall(pending_output)):
        example = Example.at(Path(pending["example"]), _layout(app.env).root)
        try:
            expectation = example.expectation()
        except expect.ExpectationError as error:  # edited since the page was read
            _fail_in_place(app.env, pending, f"{example.name}: {error}", docname)
            continue
        output = _checked_output(app, pending, example, expectation, pending["method"], docname)
        output["ids"] = pending["ids"]
        for ident in output["ids"]:
            doctree.ids[ident] = output
        pending.replace_self(output)
    if not failed and docname in _state(app.env).failed:
        _build(app).write_failures.note(docname)


def choose_start_method(
    app: Sphinx, example: Example, expectation: expect.Expectation
) -> str | None:
    """The configured method if the example allows it, else its first."""
    methods = example.start_methods(expectation)
    wanted = app.config.example_start_method
    return wanted if wanted in methods else next(iter(methods), None)


#: The extension whose nodes show one output per start method, in tabs.
TABS = "sphinx_inline_tabs"


def choose_start_methods(
    app: Sphinx, example: Example, expectation: expect.Expectation, option: str | None
) -> list[str]:
    """The methods a directive with ``:start-methods:`` ``option`` (or none) runs under.

    A value the directive rejects runs nothing: the page reports it.
    """
    if option is None:
        method = choose_start_method(app, example, expectation)
        return [method] if method else []
    allowed = example.start_methods(expectation)
    if start_methods_problems(option, allowed, allowed) or TABS not in app.extensions:
        return []
    return split_start_methods(option)


def _show_per_method(
    app: Sphinx,
    doctree: nodes.document,
    node: example_node,
    example: Example,
    expectation: expect.Expectation,
    source: nodes.Element,
) -> None:
    """The source once, then one tab per start method, each with its captioned output."""
    if TABS not in app.extensions:
        message = f"{example.name}: :start-methods: shows outputs in tabs: add {TABS} to extensions"
        _fail_in_place(app.env, node, message)
        return
    # Built as sphinx-inline-tabs' own ``tab`` directive builds a tab: a
    # TabContainer holding a label and a "tab-content" container.  Its
    # post-transform makes adjacent TabContainers one set of tabs.
    from sphinx_inline_tabs._impl import TabContainer

    tabs = nodes.container("", classes=["example-outputs"])
    for method in split_start_methods(node["options"]["start-methods"]):
        output = _checked_output(app, node, example, expectation, method)
        _set_unique_id(doctree, output, f"example-{example.name}-output-{method}")
        content = nodes.container("", output, is_div=True, classes=["tab-content"])
        tab = TabContainer("", type="tab", new_set=not tabs.children)
        tab += [nodes.label("", method), content]
        tab.source, tab.line = node.source, node.line
        tabs += tab
    wrapper = nodes.container("", source, tabs, classes=["example"])
    for part, suffix in ((wrapper, ""), (source, "-source")):
        _set_unique_id(doctree, part, f"example-{example.name}{suffix}")
    node.replace_self(wrapper)


#: Without JavaScript, every output is shown, each under its label: the
#: reader needs no click to compare them.  (In <head>, before the themes'
#: stylesheets, so each rule is more specific than the one it overrides.)
NOSCRIPT_TABS = (
    "<noscript><style>"
    ".example-outputs > .tab-set { display: block; }"
    " .example-outputs > .tab-set > input { display: none; }"
    " .example-outputs > .tab-set > label,"
    " .example-outputs > .tab-set > input:checked + label"
    " { display: block; cursor: auto; border-color: transparent;"
    " margin-left: 0; padding-left: 0; color: var(--tabs--label-text); }"
    " .example-outputs > .tab-set > .tab-content { display: block; box-shadow: none; }"
    "</style></noscript>"
)


def add_noscript_tabs(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],  # the template's context: any values
    doctree: nodes.document | None,
) -> None:
    """``html-page-context``: the no-JavaScript style, on pages with outputs in tabs."""
    if doctree is not None and any(
        doctree.findall(
            lambda n: isinstance(n, nodes.Element) and "example-outputs" in n["classes"]
        )
    ):
        context["metatags"] = context.get("metatags", "") + NOSCRIPT_TABS + "\n"


def _source_or_fail(app: Sphinx, example: Example, node: example_node) -> nodes.Element | None:
    """The source block, or None once the error is reported in its place."""
    try:
        return _source_block(app, example, node)
    except expect.ExpectationError as error:  # names the example file and line
        _fail_in_place(app.env, node, str(error))
    except (OSError, ValueError) as error:  # a bad :lines: or :emphasize-lines:
        _fail_in_place(app.env, node, f"{example.name}: {error}")
    return None


def _source_block(app: Sphinx, example: Example, node: example_node) -> nodes.Element:
    options = {"lines": node["options"]["lines"]} if "lines" in node["options"] else {}
    marker = app.config.example_header_marker
    # Checked here, so that a file that is not UTF-8 is named with its line.
    text = expect.decode(example.path.read_bytes(), Path(example.name))
    if marker and marker in text:
        options["start-after"] = marker
    # As Sphinx's literalinclude passes it; line 0 means "no line" to its logger.
    location = (node.source, node.line or 0) if node.source else None
    text, count = LiteralIncludeReader(example.path, options, app.config).read(location=location)
    literal = nodes.literal_block(text, text, language="python", source=str(example.path))
    literal["linenos"] = "linenos" in node["options"]
    if "emphasize-lines" in node["options"]:
        lines = _parse_line_numbers(node["options"]["emphasize-lines"], count)
        literal["highlight_args"] = {"hl_lines": lines}
    caption = _source_caption(app, example, helper=node["helper"])
    return _captioned(literal, caption, node, classes=["example-source"])


def _source_caption(app: Sphinx, example: Example, *, helper: bool) -> list[nodes.Node]:
    """The command that runs the example from the project root, and a download link.

    A helper is not run on its own: its caption is its name and the link.
    The link is a ``download_reference`` added to the build's downloads as
    Sphinx's ``:download:`` role adds it (its collector has already seen
    this doctree), so the file lands under ``_downloads/`` with a stable
    name, and parallel reads merge it like any other download.
    """
    env = app.env
    relative = Path(os.path.relpath(example.path, env.srcdir)).as_posix()
    text = _("download")
    link = addnodes.download_reference(
        "", text, refdoc=env.docname, reftarget=relative, refexplicit=True
    )
    link["filename"] = env.dlfiles.add_file(env.docname, relative).as_posix()
    if helper:
        head: nodes.Node = nodes.inline(example.name, example.name, classes=["example-name"])
    else:
        command = app.config.example_run_command.format(name=example.name)
        head = nodes.literal(command, command, classes=["example-run"])
    return [head, nodes.Text(" · "), link]


def _parse_line_numbers(spec: str, count: int) -> list[int]:
    from sphinx.util import parselinenos

    numbers = parselinenos(spec, count)
    if any(n >= count for n in numbers):
        raise ValueError(f"emphasize-lines {spec!r} goes past the {count} lines shown")
    return [n + 1 for n in numbers]


def _output_block(
    app: Sphinx,
    node: example_node | pending_output,
    expectation: expect.Expectation,
    result: RunResult,
) -> nodes.Element:
    caption = _("Output · Python {python} · {system} · start method {start_method}").format(
        python=result.python, system=result.system, start_method=result.start_method
    )
    if set(expectation.start_methods) != set(expect.START_METHODS):
        caption += _(" (only under {start_methods})").format(
            start_methods=", ".join(expectation.start_methods)
        )
    # The check saw every line; a long output shows both ends on the page.
    lines = expect.abridge(
        expect.output_lines(result.output),
        app.config.example_max_lines,
        _("[... {lines} more lines not shown; all were checked ...]"),
    )
    text = "\n".join(lines) or _("(no output)")
    literal = nodes.literal_block(text, text, language="text", classes=["example-output"])
    return _captioned(literal, caption, node, classes=["example-output-wrapper"])


def _captioned(
    literal: nodes.literal_block,
    caption: str | list[nodes.Node],
    origin: nodes.Element,
    classes: list[str],
) -> nodes.Element:
    """Wrap like a captioned ``literalinclude`` so themes style both alike."""
    literal[FROM_EXAMPLE] = True
    container = nodes.container("", literal_block=True, classes=["literal-block-wrapper", *classes])
    if isinstance(caption, str):
        title = nodes.caption(caption, caption)
    else:  # a source's: its run command or name, and a download link
        title = nodes.caption("", "", *caption)
    container += [title, literal]
    for node in (container, literal):
        node.source, node.line = origin.source, origin.line
    return container


def _set_unique_id(doctree: nodes.document, node: nodes.Element, name: str) -> None:
    """Give ``node`` an HTML id from ``name``, numbered if the page shows it twice."""
    base = candidate = nodes.make_id(name)
    number = 1
    while candidate in doctree.ids:
        number += 1
        candidate = f"{base}-{number}"
    node["ids"] = [candidate]
    doctree.ids[candidate] = node


def _fail_in_place(
    env: BuildEnvironment, node: nodes.Element, message: str, docname: str | None = None
) -> None:
    """Report, and leave the error in the doctree (``keep_warnings`` shows it)."""
    report_failure(env, node, message, docname)
    error = nodes.system_message(message, type="ERROR", level=3, source=node.source, line=node.line)
    node.replace_self(error)


def report_failure(
    env: BuildEnvironment, node: nodes.Node, message: str, docname: str | None = None
) -> None:
    """Log ``message`` at ``node``, and have the page read again by the next build.

    ``docname`` names the page for a failure found while writing it; while
    reading, the page is the one being read.
    """
    _state(env).note_failure(docname or env.docname)
    logger.error(message, location=node)


# -- running ahead of the reader -------------------------------------------


@dataclass
class BuildRun:
    """What one build holds while it runs: never pickled, never reused.

    The :class:`~.schedule.Runs` scheduler owns threads and a lock, and its
    verdicts belong to this build's files only, so it must not travel with
    the pickled environment (to the next build, or back from a ``-j``
    worker).  It hangs on the builder, as Sphinx's own ``graphviz`` and
    ``imgmath`` keep their per-build state: the builder lives exactly as long
    as one build, in the process that runs it, and is never pickled.
    """

    runs: Runs
    write_failures: WriteFailures
    orphans: list[str] = field(default_factory=list)


class WriteFailures:
    """The pages whose example failed when the page was written, kept in a file.

    A failure found while reading is kept in the environment, so the next
    build reads the page again (:class:`ExampleCollector`).  One found
    while writing (an output filled in by :func:`fill_outputs`) comes after
    Sphinx saved the environment: it goes in ``path`` at once, with the
    pages an earlier build put there, which this build reads again
    (:meth:`earlier`).  A build that finishes leaves only its own.
    """

    #: In place of the pages, when the file cannot be read.
    EVERY_PAGE = "*"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pages: set[str] = set()
        self._earlier: set[str] | None = None
        self.broken = False  # the file could not be written: the build fails

    def earlier(self) -> set[str]:
        """The pages that failed when an earlier build wrote them."""
        if self._earlier is None:
            try:
                self._earlier = set(json.loads(self.path.read_text(encoding="utf-8")))
            except FileNotFoundError:
                self._earlier = set()
            except (OSError, ValueError, TypeError):  # unreadable: read every page again
                self._earlier = {self.EVERY_PAGE}
        return self._earlier

    def note(self, docname: str) -> None:
        self.pages.add(docname)
        self._save(self.pages | self.earlier())

    def finish(self) -> None:
        """The build finished: only its own pages stay for the next one."""
        self._save(self.pages)

    def _save(self, pages: set[str]) -> None:
        try:
            if not pages:
                self.path.unlink(missing_ok=True)
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            part = self.path.with_name(f"{self.path.name}.{os.getpid()}.part")
            part.write_text(json.dumps(sorted(pages)) + "\n", encoding="utf-8")
            part.replace(self.path)
        except OSError as error:  # the next build might not read a failed page again
            self.broken = True
            logger.error(
                "cannot keep the pages that failed when written in %s: %s", self.path, error
            )


#: The builder attribute that holds the :class:`BuildRun`.
_BUILD_RUN = "_mpexamples_build_run"


def _build(app: Sphinx) -> BuildRun:
    return cast("BuildRun", getattr(app.builder, _BUILD_RUN))


def start_runs(app: Sphinx) -> None:
    directory = Path(
        app.confdir, app.config.example_cache_dir or Path(app.doctreedir, "example-cache")
    )
    cache = Cache(directory) if app.config.example_cache else None
    jobs = app.config.example_jobs or default_jobs()
    remember_imports(getattr(app.env, _ENV_IMPORTS, {}))
    failures = WriteFailures(Path(app.doctreedir, WRITE_FAILURES))
    setattr(app.builder, _BUILD_RUN, BuildRun(Runs(cache, jobs), failures))


def run_ahead(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Start every run the pages about to be read need, all at once.

    Reading serially, the pages are read while the runs go; with ``-j``,
    once they are done, since Sphinx forks its readers and writers.
    """
    if not executes(app):
        return
    jobs = {}
    layout = _layout(env)
    for docname in docnames:
        try:  # only a scan: reading the page reports what is wrong with it
            source = Path(env.doc2path(docname)).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for job in scan(source, layout, partial(choose_start_methods, app)):
            jobs[job[0].path, job[2]] = job
    runs = _build(app).runs
    if app.parallel > 1:
        runs.prerun(list(jobs.values()))
    else:
        runs.start(list(jobs.values()))


def end_runs(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: wait for the runs left going; after an error, kill them."""
    build = getattr(app.builder, _BUILD_RUN, None)
    if build is None:
        return
    if exception is not None:
        build.runs.stop()
        return
    build.runs.finish()
    build.write_failures.finish()


#: What the build ran, as data (``Runs.report``), written in the doctree folder.
REPORT = "example-runs.json"
#: The pages whose example failed when written (:class:`WriteFailures`), in the doctree folder.
WRITE_FAILURES = "example-write-failures.json"


def log_runs(app: Sphinx, exception: Exception | None) -> None:
    """Log the counts of runs, and write every run's record to ``<doctreedir>/example-runs.json``."""
    build = getattr(app.builder, _BUILD_RUN, None)
    if build:
        logger.info("mpexamples: %s", build.runs.summary())
        build.runs.write_report(Path(app.doctreedir) / REPORT)


# -- per-document state, safe for parallel reads ---------------------------


class _State:
    """Which page shows which example (and which helper), and which pages failed.

    Pickled with the environment: bump ``ENV_VERSION`` when its layout changes.
    """

    def __init__(self) -> None:
        self.used: dict[str, set[str]] = {}  # docname: names of the files it shows
        self.helpers: dict[str, set[str]] = {}  # docname: paths of helpers it shows
        self.failed: set[str] = set()

    def note_failure(self, docname: str) -> None:
        self.failed.add(docname)


#: The version of :class:`_State`; Sphinx discards an environment pickled with another.
ENV_VERSION = 1


#: The environment attribute that holds the :class:`_State`.
_ENV_STATE = "mpexamples"
#: The environment attribute that holds what the examples import, by
#: content (:func:`.example.known_imports`): a rebuild parses only the
#: files that changed.  Bump its number when the parsing finds other names.
_ENV_IMPORTS = "mpexamples_imports_1"


def _state(env: BuildEnvironment) -> _State:
    if not hasattr(env, _ENV_STATE):
        setattr(env, _ENV_STATE, _State())
    return cast("_State", getattr(env, _ENV_STATE))


class ExampleCollector(EnvironmentCollector):
    """Keeps :class:`_State` right when pages are removed, re-read or read in parallel.

    The directive records what a page shows, and every failure is noted
    where it is reported; so :meth:`process_doc` has nothing left to collect.
    """

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        state = _state(env)
        state.used.pop(docname, None)
        state.helpers.pop(docname, None)
        state.failed.discard(docname)

    def merge_other(
        self, app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment
    ) -> None:
        state, theirs = _state(env), _state(other)
        for docname in docnames:
            for mine, their in ((state.used, theirs.used), (state.helpers, theirs.helpers)):
                if docname in their:
                    mine[docname] = their[docname]
            if docname in theirs.failed:
                state.failed.add(docname)

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        pass

    def get_outdated_docs(
        self,
        app: Sphinx,
        env: BuildEnvironment,
        added: Set[str],
        changed: Set[str],
        removed: Set[str],
    ) -> list[str]:
        """Pages that failed, and pages showing a helper that is now an example.

        A failure is never cached.  A failure found when the page was
        written is in a file (:class:`WriteFailures`); if that file cannot
        be read, every page is read again.  A helper that got an
        ``.expect`` must now be run: its page is read again, though no file
        it depends on changed.
        """
        state = _state(env)
        became_examples = {
            docname
            for docname, paths in state.helpers.items()
            if any(has_expectation(Path(path)) for path in paths)
        }
        written = _build(app).write_failures.earlier()
        if WriteFailures.EVERY_PAGE in written:
            written = set(env.found_docs)
        return sorted((state.failed | written | became_examples) - removed)


def check_orphans(app: Sphinx, env: BuildEnvironment) -> None:
    """Every example is on a page; every expectation has its example.

    Runs on ``env-updated``, which every build emits, even one that reads no
    page: adding a file under examples/ changes no page, yet must fail.
    """
    shown = set().union(*_state(env).used.values())
    layout = _layout(env)
    importers = layout.importers()  # of every file without an expectation
    orphans = []
    for path in layout.files():
        name = layout.name(path)
        if problem := not_a_file(path):
            orphans.append(f"example {name} {problem}")
        elif path.resolve() in importers:  # a helper, or an error if no example imports it
            if not importers[path.resolve()]:
                orphans.append(lone_message(name))
        elif Example.at(path, layout.root).name not in shown:
            orphans.append(f"example {name} is shown on no page; add an {{example}} for it")
    orphans += [
        f"{layout.name(path)} has no example {path.stem}.py"
        for path in sorted(layout.examples.rglob("*.expect"))
        if not path.with_suffix(".py").is_file()
    ]
    # No location: Sphinx would take a path for a page name (and add ".rst").
    for message in orphans:
        logger.error(message)
    _build(app).orphans = orphans
    setattr(env, _ENV_IMPORTS, known_imports())  # saved with the environment


def fail_build(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None:
        return
    failed = sorted(_state(app.env).failed)
    orphans = len(_build(app).orphans)
    if failed or orphans:
        # An error, not a warning: the build fails with or without -W.
        logger.error(
            "examples failed on %d page(s) %s, and %d file(s) under examples/ are on no "
            "page, lack their example, or are imported by no example; see the errors above",
            len(failed),
            failed,
            orphans,
        )
        app.statuscode = 1
    if _build(app).write_failures.broken:
        app.statuscode = 1


def _layout(env: BuildEnvironment) -> Layout:
    return Layout.from_sphinx(env.srcdir, env.config)
