"""The ``example`` directive: an example's source, run, with its real output.

In a MyST page::

    ```{example} process/process_basic.py
    :lines: 3-
    :emphasize-lines: 5
    ```

The directive only records what it was asked for.  Before pages are read,
every run they need starts at once (:mod:`.schedule`), or comes from the
cache (:mod:`.cache`).  A ``doctree-read`` handler then takes the checked
run (:mod:`.example`) and puts source and output in the page.  Any failure
is logged as an error naming the page line, and fails the build when it
finishes, with or without ``-W``; a page that failed is read again by the
next build.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.directives.code import LiteralIncludeReader
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import expect
from .cache import Cache
from .example import Example, find_examples
from .schedule import Runs, default_jobs, scan

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec

logger = logging.getLogger(__name__)
#: Marks the literal blocks this extension made (see :mod:`.contract`).
FROM_EXAMPLE = "from_example"


class example_node(nodes.General, nodes.Element):
    """Stands for an example until ``doctree-read`` runs it."""


class _OptionSpec(dict):
    """The known options; any other name is kept, marked, for ``run()`` to report.

    Docutils and MyST look an option up as ``spec[name]`` and on a KeyError
    only warn, so the page would neither fail the build nor be read again.
    """

    def __missing__(self, name: str):
        return _UnknownOption


class _UnknownOption(str):
    """The value of an option the directive does not know."""


class ExampleDirective(SphinxDirective):
    """Record which example to show; the work happens in :func:`run_examples`.

    Every mistake in the directive itself is checked here, not by docutils or
    MyST, so that it is an error of the page (see :meth:`_fail`).
    """

    optional_arguments = 1  # a missing path is reported by run()
    final_argument_whitespace = True  # so is a second one
    has_content = True  # so is content
    option_spec: ClassVar[OptionSpec] = _OptionSpec(
        {
            "lines": directives.unchanged,
            "emphasize-lines": directives.unchanged,
            "linenos": directives.flag,
        }
    )

    def run(self) -> list[nodes.Node]:
        if not self.arguments:
            return self._fail("no example given: write its path under the examples folder")
        argument = self.arguments[0]
        if len(argument.split()) > 1:
            return self._fail(f"one example per directive, got {argument!r}")
        examples_dir = _examples_dir(self.env)
        given = examples_dir / argument
        if problem := _not_a_file(given):
            return self._fail(f"example file {given} {problem}")
        path = given.resolve()
        if not path.is_relative_to(examples_dir) or path.suffix != ".py":
            return self._fail(f"{argument!r} is not a .py file under {examples_dir}")
        example = Example.at(path, _root(self.env))
        for dependency in [path, expect.expectation_path(path), *example.local_modules()]:
            self.env.note_dependency(dependency)
        _state(self.env).used.setdefault(self.env.docname, set()).add(example.name)
        if problems := self._usage_problems():
            return self._fail("; ".join(problems))
        node = example_node(example=str(path), options=dict(self.options))
        self.set_source_info(node)
        return [node]

    def _usage_problems(self) -> list[str]:
        known = ", ".join(f":{name}:" for name in self.option_spec)
        problems = [
            f"unknown option :{name}: (known: {known})"
            for name, value in self.options.items()
            if isinstance(value, _UnknownOption)
        ]
        problems += [
            f"option :{name}: needs a value"
            for name in ("lines", "emphasize-lines")
            if name in self.options and not self.options[name].strip()
        ]
        if self.content:
            problems.append("no content allowed: the code comes from the example file")
        return problems

    def _fail(self, message: str) -> list[nodes.Node]:
        """An error at the page line; the build fails and the page is read again."""
        _state(self.env).note_failure(self.env.docname)
        return [self.reporter.error(f"example: {message}", line=self.lineno)]


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as an example file, if it cannot."""
    if path.is_symlink() and not path.exists():
        return f"is a symbolic link to {path.readlink()}, which does not exist"
    if not path.exists():
        return "does not exist"
    if not path.is_file():
        return "is a directory" if path.is_dir() else "is not a regular file"
    return None


# -- running examples while the doctree is read ----------------------------


def run_examples(app: Sphinx, doctree: nodes.document) -> None:
    for node in list(doctree.findall(example_node)):
        example = Example.at(Path(node["example"]), _root(app.env))
        try:
            expectation = example.expectation()
        except expect.ExpectationError as error:
            _fail_in_place(app.env, node, f"{example.name}: {error}")
            continue
        try:
            source = _source_block(app, example, node)
        except expect.ExpectationError as error:  # names the example file and line
            _fail_in_place(app.env, node, str(error))
            continue
        except (OSError, ValueError) as error:  # a bad :lines: or :emphasize-lines:
            _fail_in_place(app.env, node, f"{example.name}: {error}")
            continue
        method = choose_start_method(app, example, expectation)
        if not method:
            message = f"{example.name}: this platform offers none of its start-methods"
            _fail_in_place(app.env, node, message)
            continue
        verdict = app.mpexamples_runs.verdict(example, expectation, method)
        if verdict.problem:
            report_failure(
                app.env,
                node,
                f"example {example.name} failed under the {method!r} start method:\n"
                f"{verdict.problem}",
            )
        output = _output_block(app, node, expectation, verdict.result)
        wrapper = nodes.container("", source, output, classes=["example"])
        for part, suffix in ((wrapper, ""), (source, "-source"), (output, "-output")):
            _set_unique_id(doctree, part, f"example-{example.name}{suffix}")
        node.replace_self(wrapper)


def choose_start_method(app: Sphinx, example: Example, expectation) -> str | None:
    """The configured method if the example allows it, else its first."""
    methods = example.start_methods(expectation)
    wanted = app.config.example_start_method
    return wanted if wanted in methods else next(iter(methods), None)


def _source_block(app: Sphinx, example: Example, node: example_node) -> nodes.Element:
    options = {"lines": node["options"]["lines"]} if "lines" in node["options"] else {}
    marker = app.config.example_header_marker
    # Checked here, so that a file that is not UTF-8 is named with its line.
    text = expect.decode(example.path.read_bytes(), Path(example.name))
    if marker and marker in text:
        options["start-after"] = marker
    text, count = LiteralIncludeReader(example.path, options, app.config).read(
        location=(node.source, node.line)
    )
    literal = nodes.literal_block(text, text, language="python", source=str(example.path))
    literal["linenos"] = "linenos" in node["options"]
    if "emphasize-lines" in node["options"]:
        lines = _parse_line_numbers(node["options"]["emphasize-lines"], count)
        literal["highlight_args"] = {"hl_lines": lines}
    return _captioned(literal, example.name, node, classes=["example-source"])


def _parse_line_numbers(spec: str, count: int) -> list[int]:
    from sphinx.util import parselinenos

    numbers = parselinenos(spec, count)
    if any(n >= count for n in numbers):
        raise ValueError(f"emphasize-lines {spec!r} goes past the {count} lines shown")
    return [n + 1 for n in numbers]


def _output_block(app: Sphinx, node: example_node, expectation, result) -> nodes.Element:
    caption = app.config.example_output_caption.format(
        python=result.python, system=result.system, start_method=result.start_method
    )
    if set(expectation.start_methods) != set(expect.START_METHODS):
        caption += app.config.example_start_method_note.format(
            start_methods=", ".join(expectation.start_methods)
        )
    # The check saw every line; a long output shows both ends on the page.
    lines = expect.abridge(
        expect.output_lines(result.output),
        app.config.example_max_lines,
        app.config.example_truncation_text,
    )
    text = "\n".join(lines) or app.config.example_no_output_text
    literal = nodes.literal_block(text, text, language="text", classes=["example-output"])
    return _captioned(literal, caption, node, classes=["example-output-wrapper"])


def _captioned(literal, caption: str, origin: example_node, classes: list[str]) -> nodes.Element:
    """Wrap like a captioned ``literalinclude`` so themes style both alike."""
    literal[FROM_EXAMPLE] = True
    container = nodes.container("", literal_block=True, classes=["literal-block-wrapper", *classes])
    container += [nodes.caption(caption, caption), literal]
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


def _fail_in_place(env: BuildEnvironment, node: example_node, message: str) -> None:
    """Report, and leave the error in the doctree (``keep_warnings`` shows it)."""
    report_failure(env, node, message)
    error = nodes.system_message(message, type="ERROR", level=3, source=node.source, line=node.line)
    node.replace_self(error)


def report_failure(env: BuildEnvironment, node: nodes.Node, message: str) -> None:
    _state(env).note_failure(env.docname)
    logger.error(message, location=node)


# -- running ahead of the reader -------------------------------------------


def start_runs(app: Sphinx) -> None:
    cache = Cache(Path(app.doctreedir) / "example-cache") if app.config.example_cache else None
    jobs = app.config.example_jobs or default_jobs()
    app.mpexamples_runs = Runs(cache, jobs)


def run_ahead(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Start every run the pages about to be read need, all at once."""
    jobs = {}
    for docname in docnames:
        try:  # only a scan: reading the page reports what is wrong with it
            source = Path(env.doc2path(docname)).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for job in scan(source, _examples_dir(env), _root(env), partial(choose_start_method, app)):
            jobs[job[0].path, job[2]] = job
    app.mpexamples_runs.prerun(list(jobs.values()))


#: What the build ran, as data (``Runs.report``), written in the doctree folder.
REPORT = "example-runs.json"


def log_runs(app: Sphinx, exception: Exception | None) -> None:
    """Log the counts of runs, and write every run's record to ``<doctreedir>/example-runs.json``."""
    runs = getattr(app, "mpexamples_runs", None)
    if runs:
        logger.info("mpexamples: %s", runs.summary())
        runs.write_report(Path(app.doctreedir) / REPORT)


# -- per-document state, safe for parallel reads ---------------------------


class _State:
    """Which page shows which example, and which pages failed."""

    def __init__(self) -> None:
        self.used: dict[str, set[str]] = {}
        self.failed: set[str] = set()

    def note_failure(self, docname: str) -> None:
        self.failed.add(docname)


def _state(env: BuildEnvironment) -> _State:
    if not hasattr(env, "mpexamples"):
        env.mpexamples = _State()
    return env.mpexamples


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    state = _state(env)
    state.used.pop(docname, None)
    state.failed.discard(docname)


def merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    state, theirs = _state(env), _state(other)
    for docname in docnames:
        if docname in theirs.used:
            state.used[docname] = theirs.used[docname]
        if docname in theirs.failed:
            state.failed.add(docname)


def reread_failed(app, env, added, changed, removed) -> list[str]:
    """A failure is never cached: pages that failed are read again."""
    return sorted(_state(env).failed - removed)


def check_orphans(app: Sphinx, env: BuildEnvironment) -> None:
    """Every example is on a page; every expectation has its example.

    Runs on ``env-updated``, which every build emits, even one that reads no
    page: adding a file under examples/ changes no page, yet must fail.
    """
    shown = set().union(*_state(env).used.values())
    root, examples_dir = _root(env), _examples_dir(env)
    orphans = []
    for path in find_examples(examples_dir):
        name = path.relative_to(root).as_posix()
        if problem := _not_a_file(path):
            orphans.append(f"example {name} {problem}")
        elif Example.at(path, root).name not in shown:
            orphans.append(f"example {name} is shown on no page; add an {{example}} for it")
    orphans += [
        f"{path.relative_to(root).as_posix()} has no example {path.stem}.py"
        for path in sorted(examples_dir.rglob("*.expect"))
        if not path.with_suffix(".py").is_file()
    ]
    # No location: Sphinx would take a path for a page name (and add ".rst").
    for message in orphans:
        logger.error(message)
    app.mpexamples_orphans = len(orphans)


def fail_build(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None:
        return
    failed = sorted(_state(app.env).failed)
    orphans = getattr(app, "mpexamples_orphans", 0)
    if failed or orphans:
        # An error, not a warning: the build fails with or without -W.
        logger.error(
            "examples failed on %d page(s) %s, and %d file(s) under examples/ are "
            "on no page or lack their example; see the errors above",
            len(failed),
            failed,
            orphans,
        )
        app.statuscode = 1


def _root(env: BuildEnvironment) -> Path:
    return (Path(env.srcdir) / env.config.example_root).resolve()


def _examples_dir(env: BuildEnvironment) -> Path:
    return (_root(env) / env.config.example_dir).resolve()
