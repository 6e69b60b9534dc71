"""Which ``multiprocessing`` (and ``concurrent.futures``) APIs an example file uses.

Read from the file's syntax tree, never by running it.  Detected:

- names imported from the modules and used (``from multiprocessing import
  Pool`` then ``Pool(4)``), and attributes of an imported module
  (``mp.Queue()``, ``multiprocessing.shared_memory.SharedMemory``);
- a context from ``get_context(...)`` stands for the module (``ctx.Process``);
- methods and attributes of an object bound by a plain assignment or a
  ``with ... as`` from a known class or factory (``p = Process(...)`` then
  ``p.start()``; ``with Pool() as pool`` then ``pool.map``; ``a, b = Pipe()``
  then ``a.send``; ``f = executor.submit(...)`` then ``f.result()``).

Not detected: objects passed as arguments or returned from the example's
own functions, names bound more than once to different things (dropped,
never guessed), and anything reached through ``getattr`` or ``*`` imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Set
from pathlib import Path

#: Names the modules export that the CPython docs file under another name.
CANONICAL = {"multiprocessing.Pool": "multiprocessing.pool.Pool"}
#: What a call of these returns (the type of what it binds), when it is not their own name.
RETURNS = {
    "multiprocessing.pool.Pool": "multiprocessing.pool.Pool",
    "multiprocessing.Manager": "multiprocessing.managers.SyncManager",
    "multiprocessing.Pipe": "multiprocessing.connection.Connection",
    "multiprocessing.get_context": "multiprocessing",
    "multiprocessing.pool.Pool.apply_async": "multiprocessing.pool.AsyncResult",
    "multiprocessing.pool.Pool.map_async": "multiprocessing.pool.AsyncResult",
    "multiprocessing.pool.Pool.starmap_async": "multiprocessing.pool.AsyncResult",
    "concurrent.futures.Executor.submit": "concurrent.futures.Future",
}
#: Where the CPython docs document the methods of a class: its documented base.
BASES = {
    "multiprocessing.pool.ThreadPool": "multiprocessing.pool.Pool",
    "multiprocessing.JoinableQueue": "multiprocessing.Queue",
    "multiprocessing.managers.SyncManager": "multiprocessing.managers.BaseManager",
    "multiprocessing.managers.SharedMemoryManager": "multiprocessing.managers.BaseManager",
    "concurrent.futures.ProcessPoolExecutor": "concurrent.futures.Executor",
    "concurrent.futures.ThreadPoolExecutor": "concurrent.futures.Executor",
}
#: Binds a name to nothing we know (a name bound twice, differently).
_UNKNOWN = ""


def _attribute(owner: str, name: str, known: Set[str]) -> str:
    """``owner.name``, looked up through the documented bases of ``owner``."""
    while owner:
        candidate = CANONICAL.get(f"{owner}.{name}", f"{owner}.{name}")
        if candidate in known or owner not in BASES:
            return candidate
        owner = BASES[owner]
    return _UNKNOWN


class _Uses(ast.NodeVisitor):
    def __init__(self, modules: Iterable[str], known: Set[str], bindings: dict[str, str]) -> None:
        self.modules = tuple(modules)
        self.known = known
        self.bindings = bindings
        self.found: set[str] = set()

    def resolve(self, node: ast.expr) -> str:
        """The dotted name ``node`` stands for, or ``""``."""
        if isinstance(node, ast.Name):
            return self.bindings.get(node.id, _UNKNOWN)
        if isinstance(node, ast.Attribute) and (owner := self.resolve(node.value)):
            return _attribute(owner, node.attr, self.known)
        if isinstance(node, ast.Call) and (called := self.resolve(node.func)):
            return RETURNS.get(called, called if _is_class(called, self.known) else _UNKNOWN)
        return _UNKNOWN

    def visit_Name(self, node: ast.Name) -> None:
        self._note(self.resolve(node))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self._note(self.resolve(node))
        self.generic_visit(node)

    def _note(self, name: str) -> None:
        if name in self.known:
            self.found.add(name)


def _is_class(name: str, known: Set[str]) -> bool:
    """A name whose call makes an object of that name (a class, by the docs' convention)."""
    return name in known and name.rsplit(".", 1)[-1][:1].isupper()


def _bind(bindings: dict[str, str], name: str, value: str) -> None:
    if bindings.get(name, value) != value:
        value = _UNKNOWN  # bound twice, differently: never guessed
    bindings[name] = value


def _imports(tree: ast.Module, modules: tuple[str, ...]) -> dict[str, str]:
    """Local name -> dotted name, for imports from ``modules`` (and their packages)."""
    bindings: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    _bind(bindings, alias.asname, alias.name)
                else:  # "import concurrent.futures" binds "concurrent"
                    _bind(bindings, alias.name.split(".")[0], alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                _bind(bindings, alias.asname or alias.name, CANONICAL.get(full, full))
    return {
        name: value
        for name, value in bindings.items()
        if any(
            value == m or value.startswith(m + ".") or m.startswith(value + ".") for m in modules
        )
    }


def uses(source: str, modules: Iterable[str], known: Set[str]) -> set[str]:
    """The names in ``known`` that ``source`` uses (see the module's docstring)."""
    tree = ast.parse(source)
    uses = _Uses(modules, known, _imports(tree, tuple(modules)))
    # Objects bound from calls; twice, since a binding may use one found later in the walk.
    for node in [*ast.walk(tree), *ast.walk(tree)]:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            targets, value = [node.optional_vars], node.context_expr
        if value is None or not isinstance(value, ast.Call):
            continue
        kind = uses.resolve(value)
        for target in targets:
            names = target.elts if isinstance(target, ast.Tuple) else [target]
            for name in names:
                if isinstance(name, ast.Name) and kind:
                    _bind(uses.bindings, name.id, kind)
    uses.visit(tree)
    return uses.found


def file_uses(path: Path, modules: Iterable[str], known: Set[str]) -> set[str]:
    """:func:`uses` of a file; a file that does not parse uses nothing (its run reports it)."""
    try:
        return uses(path.read_text(encoding="utf-8"), modules, known)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return set()
