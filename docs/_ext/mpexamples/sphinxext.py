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


class ExampleDirective(SphinxDirective):
    """Record which example to show; the work happens in :func:`run_examples`."""

    required_arguments = 1
    option_spec: ClassVar[OptionSpec] = {
        "lines": directives.unchanged_required,
        "emphasize-lines": directives.unchanged_required,
        "linenos": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        examples_dir = _examples_dir(self.env)
        path = (examples_dir / self.arguments[0]).resolve()
        if not path.is_relative_to(examples_dir) or path.suffix != ".py":
            return self._fail(f"{self.arguments[0]!r} is not a .py file under {examples_dir}")
        if not path.is_file():
            return self._fail(f"example file {path} does not exist")
        example = Example.at(path, _root(self.env))
        for dependency in [path, expect.expectation_path(path), *example.local_modules()]:
            self.env.note_dependency(dependency)
        _state(self.env).used.setdefault(self.env.docname, set()).add(example.name)
        node = example_node(example=str(path), options=dict(self.options))
        self.set_source_info(node)
        return [node]

    def _fail(self, message: str) -> list[nodes.Node]:
        _state(self.env).note_failure(self.env.docname)
        return [self.reporter.error(f"example: {message}", line=self.lineno)]


# -- running examples while the doctree is read ----------------------------


def run_examples(app: Sphinx, doctree: nodes.document) -> None:
    for node in list(doctree.findall(example_node)):
        example = Example.at(Path(node["example"]), _root(app.env))
        try:
            expectation = example.expectation()
            source = _source_block(app, example, node)
        except (OSError, ValueError) as error:  # ExpectationError is a ValueError
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
    if marker and marker in example.path.read_text(encoding="utf-8"):
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
        source = Path(env.doc2path(docname)).read_text(encoding="utf-8")
        for job in scan(source, _examples_dir(env), _root(env), partial(choose_start_method, app)):
            jobs[job[0].path, job[2]] = job
    app.mpexamples_runs.prerun(list(jobs.values()))


def log_runs(app: Sphinx, exception: Exception | None) -> None:
    runs = getattr(app, "mpexamples_runs", None)
    if runs:
        logger.info("mpexamples: %s", runs.summary())


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
    """Every example is on a page; every expectation has its example."""
    shown = set().union(*_state(env).used.values())
    root, examples_dir = _root(env), _examples_dir(env)
    examples = (Example.at(path, root) for path in find_examples(examples_dir))
    orphans = [
        (example.path, f"example {example.name} is shown on no page; add an {{example}} for it")
        for example in examples
        if example.name not in shown
    ] + [
        (path, f"{path.relative_to(root).as_posix()} has no example {path.stem}.py")
        for path in sorted(examples_dir.rglob("*.expect"))
        if not path.with_suffix(".py").is_file()
    ]
    for path, message in orphans:
        logger.error(message, location=str(path))
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
