"""The ``api-coverage`` directive: which ``multiprocessing`` APIs the guide shows, and where.

In a MyST page::

    ```{api-coverage}
    ```

    ```{api-coverage}
    :gaps:
    ```

The first renders one row per API that the guide shows, with links to the
sections of the pages that reference it and to the examples that use it;
the second, one row per API it does not show yet, with the reason kept in
the gaps file.  Nothing is written by hand but the reasons:

- the APIs are the Python objects of ``api_coverage_modules`` (and their
  submodules) in the kept intersphinx inventory (``api_coverage_inventory``,
  read with :mod:`sphinx.util.inventory`: no network);
- a page shows an API when it references it with a ``py:`` role: the
  ``pending_xref`` nodes of its doctree, kept per page in the environment
  by :class:`ApiCoverageCollector` (purged when the page is read again,
  merged after a parallel read);
- an example shows an API when its file uses it (:mod:`.apiuse`); which page
  shows which example is the ``example`` directive's own record.

The tables are made when the page is written (``doctree-resolved``), from
the whole environment, so pages read in parallel or not read at all in an
incremental build count as well.  On ``env-updated`` (every build, even
one that reads no page) :func:`check` compares the guide with the gaps
file, reports each API without a reason and each reason for an API that is
shown (both errors name the file and line, and fail the build), and has
the coverage pages written again whenever the tables changed.  It reads
the inventory, and parses an example, only when its bytes changed since the
last build: a rebuild that changed nothing costs almost nothing here.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import tomllib
import zlib
from collections.abc import Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.inventory import InventoryFile

from . import apiuse
from .i18n import _

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec

logger = logging.getLogger(__name__)


class api_coverage_node(nodes.General, nodes.Element):
    """Stands for a table until the page is written (``doctree-resolved``)."""


class ApiCoverageDirective(SphinxDirective):
    """Mark where a table goes; :func:`render` fills it in when the page is written."""

    has_content = False
    option_spec: ClassVar[OptionSpec] = {"gaps": directives.flag}

    def run(self) -> list[nodes.Node]:
        _state(self.env).pages.add(self.env.docname)
        node = api_coverage_node(gaps="gaps" in self.options)
        self.set_source_info(node)
        return [node]


# -- state, safe for parallel reads ------------------------------------------


#: (section anchor or "", section title or "") of a reference.
Place = tuple[str, str]


class _State:
    """Which page references which API, where; which pages hold a table.

    Pickled with the environment: bump ``ENV_VERSION`` when its layout changes.
    """

    def __init__(self) -> None:
        self.refs: dict[str, dict[str, list[Place]]] = {}  # docname: API: places
        self.pages: set[str] = set()  # docnames with an api-coverage directive
        self.digest = ""  # of the tables last written
        # What the last build read, by a digest of its input, so that a
        # rebuild reads the inventory and parses the examples only if they
        # changed (env-updated runs on every build).
        self.inventory: tuple[str, dict[str, str], dict[str, str]] = ("", {}, {})
        self.uses: dict[str, tuple[str, set[str]]] = {}  # example: (digest, APIs)


#: The version of :class:`_State`, part of the extension's ``env_version``.
ENV_VERSION = 2
_ENV_STATE = "mpexamples_api_coverage"


def _state(env: BuildEnvironment) -> _State:
    if not hasattr(env, _ENV_STATE):
        setattr(env, _ENV_STATE, _State())
    return cast("_State", getattr(env, _ENV_STATE))


class ApiCoverageCollector(EnvironmentCollector):
    """Collects each page's ``py:`` references into the covered modules."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        state = _state(env)
        state.refs.pop(docname, None)
        state.pages.discard(docname)

    def merge_other(
        self, app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment
    ) -> None:
        state, theirs = _state(env), _state(other)
        for docname in docnames:
            if docname in theirs.refs:
                state.refs[docname] = theirs.refs[docname]
            if docname in theirs.pages:
                state.pages.add(docname)

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        modules = tuple(app.config.api_coverage_modules)
        refs: dict[str, list[Place]] = {}
        for node in doctree.findall(nodes.Element):
            if node.tagname != "pending_xref" or node.get("refdomain") != "py":
                continue
            for target in _candidates(node):
                if _in_modules(target, modules):
                    places = refs.setdefault(target, [])
                    if (place := _place(node)) not in places:
                        places.append(place)
                    break
        if refs:
            _state(app.env).refs[app.env.docname] = refs


def _candidates(node: nodes.Element) -> list[str]:
    """The names a ``py:`` reference may mean: as written, in its module, in its class."""
    target = str(node.get("reftarget", "")).removeprefix("~").removeprefix(".")
    module, klass = node.get("py:module"), node.get("py:class")
    found = [target]
    if module:
        found += [f"{module}.{klass}.{target}"] if klass else []
        found.append(f"{module}.{target}")
    return found


def _in_modules(name: str, modules: tuple[str, ...]) -> bool:
    return any(name == module or name.startswith(module + ".") for module in modules)


def _place(node: nodes.Element) -> Place:
    """The section that holds ``node``: its anchor and title."""
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    if parent is None or not parent["ids"]:
        return ("", "")
    title = parent.next_node(nodes.title)
    return (parent["ids"][0], title.astext() if title else "")


# -- the guide against the inventory and the gaps file -----------------------


@dataclass
class Coverage:
    """Every API of the covered modules, where the guide shows it, and the gaps' reasons."""

    kinds: dict[str, str]  # API: its object type (class, function, ...)
    uris: dict[str, str]  # API: its page in the CPython docs
    pages: dict[str, dict[str, list[Place]]] = field(default_factory=dict)  # API: docname: places
    examples: dict[str, dict[str, str]] = field(default_factory=dict)  # API: example: docname
    reasons: dict[str, str] = field(default_factory=dict)  # gap API: its reason
    problems: list[str] = field(default_factory=list)

    def shown(self) -> list[str]:
        return sorted(api for api in self.kinds if api in self.pages or api in self.examples)

    def gaps(self) -> list[str]:
        return sorted(
            api for api in self.kinds if api not in self.pages and api not in self.examples
        )

    def digest(self) -> str:
        data = [self.pages, self.examples, self.reasons, sorted(self.kinds)]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class InventoryError(Exception):
    """The inventory cannot be read; the message names its file."""


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _inventory(app: Sphinx, state: _State) -> tuple[dict[str, str], dict[str, str]]:
    """Kinds and URIs of the covered modules' Python objects in the kept inventory."""
    base, path = app.config.api_coverage_inventory
    where = os.path.relpath(Path(app.confdir, path))
    modules = tuple(app.config.api_coverage_modules)
    try:
        data = Path(app.confdir, path).read_bytes()
        digest = _digest(data, base, modules)
        if state.inventory[0] == digest:
            return state.inventory[1], state.inventory[2]
        inventory = InventoryFile.loads(data, uri=base)
    except (OSError, ValueError, zlib.error) as error:
        raise InventoryError(f"{where}: cannot be read as an inventory: {error}") from None
    kinds, uris = {}, {}
    for kind, items in inventory.data.items():
        if not kind.startswith("py:"):
            continue
        for name, item in items.items():
            if _in_modules(name, modules):
                kinds[name], uris[name] = kind.removeprefix("py:"), item.uri
    state.inventory = (digest, kinds, uris)
    return kinds, uris


def _file_uses(path: Path, name: str, state: _State, modules: tuple[str, ...]) -> set[str]:
    """:func:`.apiuse.file_uses`, parsed again only when the file or the inventory changed."""
    try:
        digest = _digest(path.read_bytes(), modules, state.inventory[0])
    except OSError:
        digest = ""  # unreadable: file_uses says it uses nothing; never kept
    kept = state.uses.get(name)
    if digest and kept and kept[0] == digest:
        return kept[1]
    found = apiuse.file_uses(path, modules, state.inventory[1].keys())
    if digest:
        state.uses[name] = (digest, found)
    return found


def gather(app: Sphinx, env: BuildEnvironment) -> Coverage:
    """What the guide shows now, from every page in the environment and every shown example."""
    from .sphinxext import _layout
    from .sphinxext import _state as examples_state

    state = _state(env)
    try:
        kinds, uris = _inventory(app, state)
    except InventoryError as error:
        return Coverage({}, {}, problems=[str(error)])
    coverage = Coverage(kinds, uris)
    for docname, refs in sorted(state.refs.items()):
        if docname in state.pages:
            continue  # the map's own prose names modules: that shows nothing
        for api, places in refs.items():
            if api in kinds:
                coverage.pages.setdefault(api, {})[docname] = places
    modules, layout = tuple(app.config.api_coverage_modules), _layout(env)
    shown = examples_state(env).used
    state.uses = {
        name: kept for name, kept in state.uses.items() if any(name in n for n in shown.values())
    }
    for docname, names in sorted(shown.items()):
        for name in sorted(names):
            for api in _file_uses(layout.root / name, name, state, modules):
                coverage.examples.setdefault(api, {}).setdefault(name, docname)
    _read_reasons(app, coverage)
    return coverage


def _read_reasons(app: Sphinx, coverage: Coverage) -> None:
    """The gaps file's reason for each gap; a problem for each gap without one, or stale entry."""
    path = Path(app.confdir, app.config.api_coverage_gaps)
    shown_name = os.path.relpath(path)  # as the reader's shell names it
    try:
        text = path.read_text(encoding="utf-8")
        entries = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        coverage.problems.append(f"{shown_name}: cannot be read: {error}")
        return
    language = "zh" if str(app.config.language or "").startswith("zh") else "en"
    lines = text.splitlines()

    def where(key: str) -> str:
        line = next((n for n, t in enumerate(lines, 1) if t.lstrip().startswith(f'"{key}"')), 0)
        return f"{shown_name}:{line}" if line else shown_name

    gaps, shown = coverage.gaps(), set(coverage.shown())
    for key, value in entries.items():
        reason = value.get(language) if isinstance(value, dict) else None
        if not isinstance(reason, str) or not reason.strip():
            coverage.problems.append(
                f"{where(key)}: {key}: a reason needs a {language!r} text, such as "
                f'{{ zh = "...", en = "..." }}'
            )
            continue
        matched = [api for api in gaps if fnmatch.fnmatchcase(api, key)]
        if key in shown:
            coverage.problems.append(
                f"{where(key)}: {key} is shown by the guide now: remove its reason"
            )
        elif not matched:
            coverage.problems.append(
                f"{where(key)}: {key} names no API the guide leaves out "
                f"(not in the inventory, or every match is shown): remove it"
            )
        for api in matched:
            coverage.reasons.setdefault(api, reason.strip())
    for api in gaps:
        if api not in coverage.reasons:
            coverage.problems.append(
                f"{shown_name}: {api} is shown on no page and in no example: "
                f"give it a one-line reason there, or show it"
            )


# -- events -------------------------------------------------------------------


#: The builder attribute holding this build's :class:`Coverage` (never pickled).
_BUILD_COVERAGE = "_mpexamples_api_coverage"


def check(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: report gaps without reasons; rewrite the tables if they changed."""
    state = _state(env)
    if not state.pages:
        return []
    coverage = gather(app, env)
    setattr(app.builder, _BUILD_COVERAGE, coverage)
    for problem in coverage.problems:
        logger.error("api-coverage: %s", problem)
    digest = coverage.digest()
    if digest == state.digest:
        return []
    state.digest = digest
    return sorted(state.pages)


def fail_build(app: Sphinx, exception: Exception | None) -> None:
    """An error, not a warning: a gap without a reason fails the build with or without ``-W``."""
    coverage = getattr(app.builder, _BUILD_COVERAGE, None)
    if exception is None and coverage is not None and coverage.problems:
        app.statuscode = 1


def render(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: fill each table in, from this build's :class:`Coverage`."""
    placeholders = list(doctree.findall(api_coverage_node))
    if not placeholders:
        return
    coverage = getattr(app.builder, _BUILD_COVERAGE, None) or gather(app, app.env)
    for node in placeholders:
        table = _gaps_table(coverage) if node["gaps"] else _shown_table(app, coverage, docname)
        node.replace_self(table)


def _link(text: nodes.Node, uri: str) -> nodes.reference:
    reference = nodes.reference("", "", internal=not uri.startswith("http"), refuri=uri)
    reference += text
    return reference


def _api(coverage: Coverage, api: str) -> nodes.Node:
    return _link(nodes.literal(api, api), coverage.uris[api])


def _kind(coverage: Coverage, api: str) -> nodes.paragraph:
    """The object's type, in the build's language."""
    kind = coverage.kinds[api]
    words = {
        "module": _("module"),
        "class": _("class"),
        "function": _("function"),
        "method": _("method"),
        "attribute": _("attribute"),
        "exception": _("exception"),
        "data": _("data"),
    }
    text = words.get(kind, kind)
    return nodes.paragraph(text, text)


def _table(headings: list[str], rows: list[list[nodes.Node]], classes: list[str]) -> nodes.table:
    table = nodes.table(classes=["api-coverage", *classes])
    group = nodes.tgroup(cols=len(headings))
    table += group
    group += [nodes.colspec(colwidth=1) for _column in headings]
    head, body = nodes.thead(), nodes.tbody()
    group += [head, body]
    head += nodes.row("", *(nodes.entry("", nodes.paragraph(h, h)) for h in headings))
    for cells in rows:
        body += nodes.row("", *(nodes.entry("", cell) for cell in cells))
    return table


def _shown_table(app: Sphinx, coverage: Coverage, here: str) -> nodes.table:
    env, builder = app.env, app.builder
    rows: list[list[nodes.Node]] = []
    for api in coverage.shown():
        pages = nodes.paragraph()
        for docname, places in coverage.pages.get(api, {}).items():
            page_title = env.titles[docname].astext() if docname in env.titles else docname
            for anchor, title in places:
                uri = builder.get_relative_uri(here, docname) + (f"#{anchor}" if anchor else "")
                label = f"{page_title} › {title}" if title and title != page_title else page_title
                if len(pages):
                    pages += nodes.Text("; ")
                pages += _link(nodes.Text(label), uri)
        examples = nodes.paragraph()
        for name, docname in coverage.examples.get(api, {}).items():
            uri = builder.get_relative_uri(here, docname) + "#" + nodes.make_id(f"example-{name}")
            if len(examples):
                examples += nodes.Text(", ")
            examples += _link(nodes.literal(name, name), uri)
        rows.append(
            [nodes.paragraph("", "", _api(coverage, api)), _kind(coverage, api), pages, examples]
        )
    headings = [_("API"), _("Kind"), _("Pages that reference it"), _("Examples that use it")]
    return _table(headings, rows, ["api-coverage-shown"])


def _gaps_table(coverage: Coverage) -> nodes.table:
    rows: list[list[nodes.Node]] = []
    for api in coverage.gaps():
        reason = coverage.reasons.get(api, "")
        rows.append(
            [
                nodes.paragraph("", "", _api(coverage, api)),
                _kind(coverage, api),
                nodes.paragraph(reason, reason),
            ]
        )
    return _table(
        [_("API"), _("Kind"), _("Why the guide does not show it yet")], rows, ["api-coverage-gaps"]
    )


def setup(app: Sphinx) -> None:
    """Register the directive, its state and its events (called by the extension's setup)."""
    app.add_config_value(
        "api_coverage_modules", ["multiprocessing", "concurrent.futures"], "env", (list, tuple)
    )
    app.add_config_value(
        "api_coverage_inventory",
        ("https://docs.python.org/3", "_intersphinx/python3.inv"),
        "env",
        (list, tuple),
    )
    app.add_config_value("api_coverage_gaps", "coverage_gaps.toml", "env", str)
    app.add_node(api_coverage_node)
    app.add_directive("api-coverage", ApiCoverageDirective)
    app.add_env_collector(ApiCoverageCollector)
    app.connect("env-updated", check)
    app.connect("doctree-resolved", render)
    app.connect("build-finished", fail_build)
