"""The expectation language: what an example's output guarantees.

This is the one checker.  The Sphinx build and the pytest plugin both call
:func:`check`, so a page can never show output that pytest would reject.

An expectation file sits next to its example (``pool_apply_async.py`` goes
with ``pool_apply_async.expect``).  A header of ``key: value`` lines ends at a line
``---``; the body below it describes the output, one line per output line::

    # The child runs while the parent waits.
    timeout: 10
    values of worker: at most 4
    ---
    Parent process {pid:parent}.
    (interleaved)
    Waiting for all subprocesses done...
    (and)
    Run task 0 ({pid:worker*})...
    Task 0 runs {float} seconds.
    (and)
    (2 to 3 times) Run task 1 ({pid:worker*})...
    (spawn) Module loaded
    (or) Module reloaded
    (end)
    (never) work end: {any}

The full syntax is in the README, section "How expectations work".
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, TypedDict, TypeVar

#: ``{name}`` in a body line matches one of these.  They are deliberately
#: typed: ``{pid}`` accepts a PID and nothing else.
PLACEHOLDERS: dict[str, str] = {
    "pid": r"[1-9][0-9]*",
    "int": r"-?[0-9]+",
    "float": r"-?[0-9]+\.[0-9]+",
    "ctime": (
        r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) "
        r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
        r"[ 123][0-9] [012][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]{4}"
    ),
    "time": r"[012][0-9]:[0-5][0-9]:[0-6][0-9](?:\.[0-9]+)?",
    "address": r"0x[0-9a-fA-F]+",
    "word": r"\S+",
    "any": r".*?",
}
#: Placeholders that stand for one literal character the syntax would read.
LITERALS: dict[str, str] = {"lbrace": "{", "rbrace": "}", "lparen": "("}
START_METHODS = ("fork", "spawn", "forkserver")
SKIP, GROUP_START, GROUP_END = "...", "(any order)", "(end)"
STRANDS_START, STRAND_NEXT = "(interleaved)", "(and)"
NO_OUTPUT, OR = "(no output)", "(or)"
NEVER, OPTIONAL = "(never) ", "(optional) "
#: Most copies a repeat count may ask for.
MAX_REPEAT = 1000
#: Seconds an example may run when its expectation names no timeout.
DEFAULT_TIMEOUT = 30.0
#: The first line of a traceback, an exception group's included.
TRACEBACK = re.compile(r"([ +|]*)(?:Exception Group )?Traceback \(most recent call last\):")
#: Lines that chain a traceback to the one before it.
CHAINED = (
    "The above exception was the direct cause of the following exception:",
    "During handling of the above exception, another exception occurred:",
)
#: Longest diff or output a failure report shows.
REPORT_LINES = 300

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_TOKEN = re.compile(
    rf"\{{\{{([A-Za-z_]+(?::{_NAME}\*?)?)\}}\}}|\{{([A-Za-z_]+)(?::({_NAME}\*?))?\}}"
)
_PREFIX = re.compile(r"\(([^()]*)\) ")
_REPEAT = re.compile(r"([0-9]+)(?: to ([0-9]+))? times?")
#: A traceback's exception line, once an exception group's ``|`` prefix is gone.
_EXCEPTION = re.compile(rf"({_NAME}(?:\.{_NAME})*)(?::(?: .*)?)?")
_GROUP_PREFIX = re.compile(r" *[|+][-+]*(?: |$)")


class ExpectationError(ValueError):
    """A malformed expectation file; the message names file and line."""


@dataclass(frozen=True)
class Alternative:
    """One way a pattern line can read (``(or)`` adds more)."""

    text: str
    regex: re.Pattern[str]
    #: The capture name of each group of ``regex``, in order (``worker*`` collects).
    names: tuple[str, ...] = ()
    #: The one line this matches if it has no placeholder: the report
    #: looks such patterns up by it.
    literal: str | None = None
    #: The text before the first placeholder: the report looks patterns up
    #: by it instead of trying every one on every line.
    prefix: str = ""


@dataclass(frozen=True)
class Pattern:
    """One body line (with its ``(or)`` lines): matches exactly one output line."""

    alternatives: tuple[Alternative, ...]
    lineno: int
    optional: bool = False
    #: ``(N to M times)``: as N copies and M - N optional ones.
    repeat: tuple[int, int] = (1, 1)
    #: ``(spawn, forkserver)``: the start methods this line exists under (None: all).
    methods: frozenset[str] | None = None

    @property
    def text(self) -> str:
        return f" {OR} ".join(alternative.text for alternative in self.alternatives)

    @property
    def shown(self) -> str:
        """How the report shows this line (and an output line that fits it)."""
        return OPTIONAL + self.text if self.optional else self.text

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for alternative in self.alternatives for name in alternative.names)

    def copies(self) -> list[Pattern]:
        """The repeat count written out: N required copies, M - N optional ones."""
        low, high = self.repeat
        if (low, high) == (1, 1):
            return [self]
        once = dataclasses.replace(self, repeat=(1, 1))
        return [once] * low + [dataclasses.replace(once, optional=True)] * (high - low)


@dataclass(frozen=True)
class Skip:
    """``...``: any number of output lines, including none."""

    lineno: int
    text: str = SKIP
    methods: frozenset[str] | None = None


@dataclass(frozen=True)
class Group:
    """``(any order)`` ... ``(end)``: a block of lines in any order."""

    patterns: tuple[Pattern, ...]
    lineno: int
    text: str = GROUP_START


@dataclass(frozen=True)
class Strands:
    """``(interleaved)`` ... ``(and)`` ... ``(end)``: sequences whose lines interleave."""

    strands: tuple[tuple[Pattern | Skip, ...], ...]
    lineno: int
    text: str = STRANDS_START


Item = Pattern | Skip | Group | Strands


@dataclass(frozen=True)
class ValueCount:
    """``values of worker: at most 4``: how many values a collecting name may take."""

    name: str
    low: int
    high: float
    text: str
    lineno: int


@dataclass(frozen=True)
class Expectation:
    """A parsed expectation file."""

    path: Path
    source: str
    items: tuple[Item, ...]
    never: tuple[Pattern, ...] = ()
    #: The exit status; negative: death by that signal (as ``Popen.returncode``).
    exit_code: int = 0
    timeout: float = DEFAULT_TIMEOUT
    start_methods: tuple[str, ...] = START_METHODS
    traceback: bool = False
    #: ``traceback: ValueError, KeyError``: exactly these tracebacks, in any order.
    exceptions: tuple[str, ...] = ()
    #: ``distinct: parent, child``: names that differ pairwise, and the header line.
    distinct: tuple[str, ...] = ()
    distinct_line: int = 0
    values: tuple[ValueCount, ...] = ()
    #: Whether any placeholder captures a value under a name.
    captures: bool = False
    #: ``(no output)``: its line number (0: the body describes lines).
    no_output: int = 0
    body: tuple[str, ...] = field(default=(), repr=False)
    alone: bool = False  # ``run: alone``: no other example runs meanwhile
    #: Per body line: the methods it exists under (None: all) and how the
    #: report's diff shows it.
    layout: tuple[tuple[frozenset[str] | None, tuple[str, ...]], ...] = field(
        default=(), repr=False
    )
    #: ``(spawn, forkserver) exit: 1``: header fields that hold only under
    #: these start methods, in written order (see :meth:`for_method`).
    per_method: tuple[tuple[frozenset[str], HeaderFields], ...] = field(
        default=(), repr=False, compare=False
    )

    def for_method(self, method: str) -> Expectation:
        """This expectation with the header's per-method lines for ``method`` applied."""
        fields: HeaderFields = {}
        for methods, given in self.per_method:
            if method in methods:
                fields.update(given)
        return dataclasses.replace(self, **fields) if fields else self

    def resolved(self, method: str) -> tuple[tuple[Item, ...], tuple[Pattern, ...]]:
        """The items and never lines under ``method``: other methods' lines
        left out, repeat counts written out."""
        items: list[Item] = []
        for item in self.items:
            if isinstance(item, Pattern) and item.methods is None and item.repeat == (1, 1):
                items.append(item)  # the common case, quickly
            elif isinstance(item, Group):
                patterns = _resolve(item.patterns, method)
                if patterns:  # a group left empty matches an empty block: nothing
                    items.append(Group(tuple(patterns), item.lineno))
            elif isinstance(item, Strands):
                strands = tuple(tuple(_resolve(strand, method)) for strand in item.strands)
                items.append(Strands(strands, item.lineno))
            else:
                items += _resolve([item], method)
        return tuple(items), tuple(_resolve(self.never, method))

    def rendered(self, method: str) -> list[str]:
        """The body as the report's diff shows it under ``method``."""
        return [
            line
            for methods, lines in self.layout
            if methods is None or method in methods
            for line in lines
        ]


#: What :func:`_resolve` takes: patterns stay patterns.
_Line = TypeVar("_Line", Pattern, Pattern | Skip)


def _resolve(items: Sequence[_Line], method: str) -> list[_Line]:
    """``items`` under ``method``: other methods' lines left out, repeat counts
    written out."""
    resolved: list[_Line] = []
    for item in items:
        if item.methods is not None and method not in item.methods:
            continue
        resolved += item.copies() if isinstance(item, Pattern) else [item]
    return resolved


class Outcome(Protocol):
    """What :func:`check` needs from a run (``runner.RunResult`` has it).

    Read-only properties, so a frozen dataclass satisfies it.
    """

    @property
    def output(self) -> str: ...
    @property
    def returncode(self) -> int | None: ...
    @property
    def timed_out(self) -> bool: ...
    @property
    def timeout(self) -> float: ...
    @property
    def start_method(self) -> str: ...


def expectation_path(example: Path) -> Path:
    return example.with_suffix(".expect")


def load(example: Path) -> Expectation:
    """Parse the expectation file that belongs to ``example``.

    Anything that keeps it from being read as UTF-8 text is an
    :class:`ExpectationError` naming the file (and the line, if it has one).
    """
    path = expectation_path(example)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if path.is_symlink():
            raise ExpectationError(
                f"{path}: a symbolic link to {path.readlink()}, which does not exist"
            ) from None
        raise ExpectationError(
            f"{path}: missing; every example needs an expectation file "
            f"next to it (see the README, 'How expectations work')"
        ) from None
    except OSError as error:  # a directory, no permission, an I/O error
        raise ExpectationError(f"{path}: cannot be read: {error.strerror or error}") from None
    return parse(decode(data, path), path)


def decode(data: bytes, path: Path) -> str:
    """``data`` as UTF-8 text, or an error naming the line of the first bad byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExpectationError(
            f"{path}:1: the file is UTF-16 (it starts with a byte order mark); save it as UTF-8"
        )
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark is harmless
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ExpectationError(
            f"{path}:{line}: not UTF-8 (byte {data[error.start]:#04x}); save the file as UTF-8"
        ) from None
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise ExpectationError(f"{path}:{line}: a NUL byte (is the file UTF-16?); save it as UTF-8")
    return text


def parse(source: str, path: Path) -> Expectation:
    lines = source.splitlines()
    if "---" not in lines:
        where = f"{path}:{max(len(lines), 1)}"  # where the reading stopped: the end
        raise ExpectationError(f"{where}: no '---' line between header and body")
    split = lines.index("---")
    header, per_method = _parse_header(lines[:split], path)
    body = lines[split + 1 :]
    while body and not body[-1].strip():
        body.pop()
    if body == [NO_OUTPUT]:
        parsed = _Body(path)
        parsed.layout.append((None, (NO_OUTPUT,)))
        header["no_output"] = split + 2
    else:
        parsed = _Body(path)
        parsed.read(body, first_lineno=split + 2)
        if not parsed.items:
            raise ExpectationError(
                f"{path}:{split + 1}: the body below '---' is empty; "
                f"write '{NO_OUTPUT}' if the example prints nothing"
            )
    _check_names(header, parsed.names, path)
    return Expectation(
        path,
        source,
        tuple(parsed.items),
        tuple(parsed.never),
        body=tuple(body),
        layout=tuple(parsed.layout),
        captures=bool(parsed.names),
        per_method=per_method,
        **header,
    )


# -- the header -------------------------------------------------------------


class HeaderFields(TypedDict, total=False):
    """The fields of :class:`Expectation` that the header (and ``(no output)``) set."""

    exit_code: int
    timeout: float
    start_methods: tuple[str, ...]
    traceback: bool
    exceptions: tuple[str, ...]
    distinct: tuple[str, ...]
    distinct_line: int
    values: tuple[ValueCount, ...]
    alone: bool
    no_output: int


def _exit(value: str, where: str, key: str) -> HeaderFields:
    """``exit: 1``, or death by a signal: ``exit: -9`` or ``exit: SIGKILL``."""
    if value.startswith("SIG"):
        try:
            return {"exit_code": -signal.Signals[value].value}
        except KeyError:
            raise ExpectationError(f"{where}: unknown signal {value!r}") from None
    code = _number(int, value, where, key)
    if code < 0:
        try:
            signal.Signals(-code)
        except ValueError:
            raise ExpectationError(f"{where}: no signal {-code} (exit: {value})") from None
    return {"exit_code": code}


def _timeout(value: str, where: str, key: str) -> HeaderFields:
    timeout = _number(float, value, where, key)
    if not 0 < timeout < math.inf:  # nan fails both
        raise ExpectationError(f"{where}: timeout must be positive and finite")
    return {"timeout": timeout}


def _start_methods(value: str, where: str, key: str) -> HeaderFields:
    methods = tuple(value.replace(",", " ").split())
    unknown = sorted(set(methods) - set(START_METHODS))
    if unknown or not methods:
        raise ExpectationError(
            f"{where}: unknown start method(s) {unknown or value!r}; "
            f"choose from {list(START_METHODS)}"
        )
    return {"start_methods": methods}


def _traceback(value: str, where: str, key: str) -> HeaderFields:
    """``expected``, or the exception each traceback ends with."""
    if value == "expected":
        return {"traceback": True}
    names = tuple(name.strip() for name in value.split(","))
    if not all(_EXCEPTION.fullmatch(name) and ":" not in name for name in names):
        raise ExpectationError(
            f"{where}: traceback takes 'expected' or exception names, such as "
            f"'ValueError, KeyError'; got {value!r}"
        )
    return {"traceback": True, "exceptions": names}


def _distinct(value: str, where: str, key: str) -> HeaderFields:
    names = tuple(name.strip() for name in value.split(","))
    if len(names) < 2 or len(set(names)) < len(names):
        raise ExpectationError(f"{where}: distinct takes two or more different names")
    for name in names:
        if not re.fullmatch(_NAME, name):
            raise ExpectationError(
                f"{where}: {name!r} is not a name of single values (such as 'parent')"
            )
    return {"distinct": names, "distinct_line": int(where.rpartition(":")[2])}


_COUNT = re.compile(r"(at most|at least|exactly) ([0-9]+)|([0-9]+) to ([0-9]+)")


def _values_of(value: str, where: str, key: str) -> HeaderFields:
    """``values of worker: at most 4`` (or ``at least N``, ``exactly N``, ``N to M``)."""
    name = key.removeprefix("values of ").strip().removesuffix("*")
    count = _COUNT.fullmatch(value)
    if not re.fullmatch(_NAME, name) or not count:
        raise ExpectationError(
            f"{where}: expected 'values of NAME: at most N' (or 'at least N', "
            f"'exactly N', 'N to M'), got {key + ': ' + value!r}"
        )
    if count[1]:
        number = int(count[2])
        low, high = {"at most": (0, number), "at least": (number, math.inf)}.get(
            count[1], (number, number)
        )
    else:
        low, high = int(count[3]), int(count[4])
        if high < low:
            raise ExpectationError(f"{where}: {low} to {high}: the second number is smaller")
    lineno = int(where.rpartition(":")[2])
    return {"values": (ValueCount(name, low, high, value, lineno),)}


def _run(value: str, where: str, key: str) -> HeaderFields:
    """``run: alone``: no other example runs meanwhile."""
    if value != "alone":
        raise ExpectationError(f"{where}: the only value of run is 'alone'")
    return {"alone": True}


#: Header keys and their readers; each returns fields of :class:`Expectation`.
#: A reader of ``values of NAME`` gets the whole key.
HEADER_KEYS: dict[str, Callable[[str, str, str], HeaderFields]] = {
    "exit": _exit,
    "timeout": _timeout,
    "start-methods": _start_methods,
    "traceback": _traceback,
    "distinct": _distinct,
    "values of": _values_of,
    "run": _run,
}


#: Header keys that a line may give for some start methods only.
PER_METHOD_KEYS = ("exit", "traceback")


def _parse_header(
    lines: list[str], path: Path
) -> tuple[HeaderFields, tuple[tuple[frozenset[str], HeaderFields], ...]]:
    """The header's fields, and its per-method lines (``(spawn) exit: 1``)."""
    header: HeaderFields = {}
    per_method: list[tuple[frozenset[str], HeaderFields]] = []
    seen: set[str] = set()
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path}:{lineno}"
        prefixes, line = _prefixes(line, where)
        methods = prefixes.get("methods")
        key, sep, value = (part.strip() for part in line.partition(":"))
        if not sep or not value:
            raise ExpectationError(f"{where}: expected 'key: value', got {raw!r}")
        if set(prefixes) - {"methods"} or (methods and key not in PER_METHOD_KEYS):
            raise ExpectationError(
                f"{where}: a header line takes no prefix but start methods, and "
                f"only before {' or '.join(repr(k) for k in PER_METHOD_KEYS)}"
            )
        # A plain line sets the default; a prefixed one, each method once.
        for name in sorted(methods) if methods else [None]:
            given = f"({name}) {key}" if name else key
            if given in seen:
                raise ExpectationError(f"{where}: {given!r} given twice")
            seen.add(given)
        reader = HEADER_KEYS.get("values of" if key.startswith("values of ") else key)
        if reader is None:
            known = ", ".join(
                name + (" NAME" if name == "values of" else "") for name in HEADER_KEYS
            )
            raise ExpectationError(f"{where}: unknown key {key!r}; known keys: {known}")
        fields = reader(value, where, key)
        if methods:
            if key == "traceback":
                fields.setdefault("exceptions", ())  # 'expected' drops a default's names
            per_method.append((methods, fields))
            continue
        # Each 'values of NAME' line adds its count; any other key is given once.
        if "values" in fields:
            fields["values"] = header.get("values", ()) + fields["values"]
        header.update(fields)
    return header, tuple(per_method)


_Number = TypeVar("_Number", int, float)


def _number(kind: type[_Number], value: str, where: str, key: str) -> _Number:
    try:
        return kind(value)
    except ValueError:
        raise ExpectationError(f"{where}: {key} must be a number, got {value!r}") from None


def _check_names(header: HeaderFields, names: dict[str, tuple[bool, int]], path: Path) -> None:
    """Every name in a header constraint is captured in the body, as its kind."""
    for name in header.get("distinct", ()):
        if names.get(name, (False,))[0] or name not in names:
            raise ExpectationError(
                f"{path}:{header['distinct_line']}: distinct names {name!r}, but no "
                f"placeholder of the body captures a single value as {name!r} "
                f"(such as {{pid:{name}}})"
            )
    for count in header.get("values", ()):
        if not names.get(count.name, (False,))[0]:
            raise ExpectationError(
                f"{path}:{count.lineno}: 'values of {count.name}' names no collecting "
                f"placeholder of the body (such as {{pid:{count.name}*}})"
            )


# -- the body ---------------------------------------------------------------

#: One body line in the report's layout: the methods it exists under (None:
#: all) and how the diff shows it.
_Shown = tuple[frozenset[str] | None, tuple[str, ...]]
#: Where a pattern line goes: the items, a group, a strand, or the never lines.
_Lines = list[Item] | list[Pattern] | list[Pattern | Skip]


class _Prefixes(TypedDict, total=False):
    """The prefixes of a body line, each given at most once."""

    optional: bool
    never: bool
    repeat: tuple[int, int]
    methods: frozenset[str]


class _Body:
    """The body's lines read into items, never lines and the report's layout."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[Item] = []
        self.never: list[Pattern] = []
        self.layout: list[_Shown] = []
        #: Each capture name: whether it collects (``worker*``), and where first seen.
        self.names: dict[str, tuple[bool, int]] = {}
        self.group: list[Pattern] | None = None
        self.strands: list[list[Pattern | Skip]] | None = None
        self.block_line = 0
        #: Where the last pattern line went (it is that list's last entry),
        #: for an ``(or)`` line below it.
        self.last: _Lines | None = None

    def read(self, lines: list[str], first_lineno: int) -> None:
        for lineno, line in enumerate(lines, first_lineno):
            where = f"{self.path}:{lineno}"
            last, self.last = self.last, None
            if line == OR or line.startswith(OR + " "):
                self._or(line[len(OR) + 1 :], last, where)
            elif line == NO_OUTPUT:
                raise ExpectationError(f"{where}: '{NO_OUTPUT}' must be the whole body")
            elif line in (GROUP_START, STRANDS_START):
                self._open(line, lineno, where)
            elif line == STRAND_NEXT:
                if self.strands is None:
                    raise ExpectationError(f"{where}: '{STRAND_NEXT}' outside '{STRANDS_START}'")
                self._strand_done(where)
                self.strands.append([])
                self.layout.append((None, (line,)))
            elif line == GROUP_END:
                self._close(where)
                self.layout.append((None, (line,)))
            else:
                self._line(line, lineno, where)
        if self.group is not None or self.strands is not None:
            opened = GROUP_START if self.group is not None else STRANDS_START
            raise ExpectationError(
                f"{self.path}:{self.block_line}: '{opened}' is never closed by '(end)'"
            )

    def _open(self, line: str, lineno: int, where: str) -> None:
        if self.group is not None and line == GROUP_START:
            raise ExpectationError(f"{where}: '{GROUP_START}' groups do not nest")
        if self.group is not None or self.strands is not None:
            opened = GROUP_START if self.group is not None else STRANDS_START
            raise ExpectationError(f"{where}: '{line}' inside '{opened}': blocks do not nest")
        if line == GROUP_START:
            self.group = []
        else:
            self.strands = [[]]
        self.block_line = lineno
        self.layout.append((None, (line,)))

    def _strand_done(self, where: str) -> None:
        assert self.strands is not None
        if not any(isinstance(item, Pattern) for item in self.strands[-1]):
            raise ExpectationError(f"{where}: a strand without a pattern line")

    def _close(self, where: str) -> None:
        if self.group is not None:
            if not self.group:
                raise ExpectationError(f"{where}: empty '(any order)' group")
            self.items.append(Group(tuple(self.group), self.block_line))
            self.group = None
        elif self.strands is not None:
            self._strand_done(where)
            if len(self.strands) < 2:
                raise ExpectationError(
                    f"{where}: '{STRANDS_START}' needs two or more strands, "
                    f"separated by '{STRAND_NEXT}'"
                )
            self.items.append(Strands(tuple(map(tuple, self.strands)), self.block_line))
            self.strands = None
        else:
            raise ExpectationError(f"{where}: '(end)' without '(any order)' or '(interleaved)'")

    def _line(self, line: str, lineno: int, where: str) -> None:
        prefixes, text = _prefixes(line, where)
        methods = prefixes.get("methods")
        if text == SKIP:
            if set(prefixes) - {"methods"}:
                raise ExpectationError(f"{where}: '...' takes no prefix but start methods")
            if self.group is not None:
                raise ExpectationError(f"{where}: '...' is not allowed inside a group")
            self._add(Skip(lineno, methods=methods), (methods, (SKIP,)))
            return
        if "optional" in prefixes and "repeat" in prefixes:
            raise ExpectationError(
                f"{where}: '(optional)' and a repeat count: write '(0 to M times)' instead"
            )
        low, high = prefixes.get("repeat", (1, 1))
        pattern = Pattern(
            (_alternative(text, where),),
            lineno,
            optional=bool(prefixes.get("optional")),
            repeat=(low, high),
            methods=methods,
        )
        if prefixes.get("never"):
            if len(prefixes) > 1 + ("methods" in prefixes):
                raise ExpectationError(f"{where}: a '(never)' line takes no count or '(optional)'")
            if pattern.names:
                raise ExpectationError(f"{where}: a '(never)' line captures no names")
            self.never.append(pattern)
            self.layout.append((methods, (NEVER + pattern.text,)))
            self.last = self.never
            return
        self._note_names(pattern, where)
        self.last = self._add(pattern, (methods, tuple(copy.shown for copy in pattern.copies())))

    def _add(self, item: Pattern | Skip, layout: _Shown) -> _Lines:
        """Add ``item`` where the body is (a group, a strand or the items) and
        return that list."""
        self.layout.append(layout)
        if self.group is not None:
            assert isinstance(item, Pattern)  # _line refuses '...' inside a group
            self.group.append(item)
            return self.group
        if self.strands is not None:
            self.strands[-1].append(item)
            return self.strands[-1]
        self.items.append(item)
        return self.items

    def _or(self, text: str, last: _Lines | None, where: str) -> None:
        if last is None:
            raise ExpectationError(f"{where}: '(or)' with no pattern line right above it")
        prefixes, _ = _prefixes(text, where)
        if prefixes:
            raise ExpectationError(
                f"{where}: an '(or)' line takes no prefix; put it on the first line "
                f"of the alternation (write {{lparen}} for a literal '(')"
            )
        previous = last[-1]
        assert isinstance(previous, Pattern)  # last ends with the pattern line above
        alternative = _alternative(text, where)
        pattern = dataclasses.replace(previous, alternatives=(*previous.alternatives, alternative))
        if last is self.never:
            if alternative.names:
                raise ExpectationError(f"{where}: a '(never)' line captures no names")
            shown: tuple[str, ...] = (NEVER + pattern.text,)
        else:
            self._note_names(pattern, where)
            shown = tuple(copy.shown for copy in pattern.copies())
        last[-1] = pattern
        # The layout's last entry is the line above (an '(or)' adds none).
        self.layout[-1] = (pattern.methods, shown)
        self.last = last

    def _note_names(self, pattern: Pattern, where: str) -> None:
        for name in pattern.names:
            bare, collects = name.removesuffix("*"), name.endswith("*")
            seen = self.names.setdefault(bare, (collects, pattern.lineno))
            if seen[0] != collects:
                raise ExpectationError(
                    f"{where}: {{…:{name}}}, but line {seen[1]} uses "
                    f"{bare + ('*' if seen[0] else '')!r}: a name either keeps one value "
                    f"or (ending in '*') collects them"
                )


def _prefixes(line: str, where: str) -> tuple[_Prefixes, str]:
    """The prefixes at the start of ``line`` (any order, each once) and the rest."""
    found: _Prefixes = {}
    while match := _PREFIX.match(line):
        content = match[1]
        repeat = _REPEAT.fullmatch(content)
        prefix: _Prefixes
        if content == "optional":
            prefix = {"optional": True}
        elif content == "never":
            prefix = {"never": True}
        elif repeat:
            prefix = {"repeat": _repeat(repeat, where)}
        else:
            methods = [name.strip() for name in content.split(",")]
            if not set(methods) & set(START_METHODS):
                break  # literal text, such as '(x) y'
            unknown = sorted(set(methods) - set(START_METHODS))
            if unknown:
                raise ExpectationError(
                    f"{where}: unknown start method(s) {unknown} in ({content}); "
                    f"choose from {list(START_METHODS)}"
                )
            prefix = {"methods": frozenset(methods)}
        (kind,) = prefix  # its one key
        if kind in found:
            raise ExpectationError(f"{where}: two {kind} prefixes")
        found.update(prefix)
        line = line[match.end() :]
    return found, line


def _repeat(match: re.Match[str], where: str) -> tuple[int, int]:
    low = int(match[1])
    high = int(match[2]) if match[2] else low
    if high < low or high < 1 or high > MAX_REPEAT:
        raise ExpectationError(
            f"{where}: repeat count ({match[0]}): need N to M with M >= N, "
            f"M >= 1 and M <= {MAX_REPEAT}"
        )
    return low, high


def _alternative(text: str, where: str) -> Alternative:
    parts, plain, names, pos = [], [], [], 0
    prefix = None
    for match in _TOKEN.finditer(text):
        plain.append(text[pos : match.start()])
        escaped, kind, name = match.groups()
        if escaped:
            plain.append("{" + escaped + "}")
        elif kind in LITERALS and not name:
            plain.append(LITERALS[kind])
        elif kind in PLACEHOLDERS:
            if prefix is None:
                prefix = "".join(plain)
            regex = PLACEHOLDERS[kind]
            parts.append(re.escape("".join(plain)) + (f"({regex})" if name else f"(?:{regex})"))
            if name:
                names.append(name)
            plain = []
        elif kind in LITERALS:
            raise ExpectationError(f"{where}: {{{kind}}} is a literal character; it takes no name")
        else:
            known = ", ".join(f"{{{p}}}" for p in [*PLACEHOLDERS, *LITERALS])
            raise ExpectationError(
                f"{where}: unknown placeholder {{{kind}}}; known: {known} "
                f"(write {{{{{kind}}}}} for the literal text)"
            )
        pos = match.end()
    plain.append(text[pos:])
    parts.append(re.escape("".join(plain)))
    if prefix is None:
        return Alternative(text, re.compile(parts[0]), literal="".join(plain))
    return Alternative(text, re.compile("".join(parts)), tuple(names), prefix=prefix)


# -- checking -------------------------------------------------------------


def abridge(lines: list[str], limit: int, marker: str, tail: int = 10) -> list[str]:
    """At most ``limit`` of ``lines``: the first and the last ``tail``, and a
    ``marker`` between them, formatted with the number of ``lines`` left out."""
    if len(lines) <= limit:
        return lines
    return [*lines[: limit - tail], marker.format(lines=len(lines) - limit), *lines[-tail:]]


def output_lines(output: str) -> list[str]:
    lines = output.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def check(expectation: Expectation, outcome: Outcome) -> str | None:
    """Return ``None`` if ``outcome`` keeps every promise, else a report.

    The report says what went wrong first, then shows the whole output as
    a diff against the expectation.
    """
    return Checker(expectation, outcome).verdict()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _status_problems(expectation: Expectation, outcome: Outcome, lines: list[str]) -> list[str]:
    expectation = expectation.for_method(outcome.start_method)
    if outcome.timed_out:
        # What the runner saw at the timeout (runner.RunResult.alive_at_timeout).
        alive = list(getattr(outcome, "alive_at_timeout", ()))
        message = f"timed out after {outcome.timeout:g} s; "
        if not alive:
            return [message + "the example and all its child processes were killed"]
        shown = [f"{pid} {command} ({seconds:.1f} s)" for pid, command, seconds in alive[:10]]
        if len(alive) > 10:
            shown.append(f"and {len(alive) - 10} more")
        count = "1 process was" if len(alive) == 1 else f"{len(alive)} processes were"
        were = "was" if len(alive) == 1 else "were"
        return [message + f"{count} still running and {were} killed: " + ", ".join(shown)]
    problems = []
    code, wanted = outcome.returncode, expectation.exit_code
    expected = f"expected death by {_signal_name(-wanted)}" if wanted < 0 else f"expected {wanted}"
    if code is not None and code < 0:
        if code != wanted:
            killed = f"the example was killed by {_signal_name(-code)}"
            problems.append(killed + (f", {expected}" if wanted < 0 else ""))
    elif code != wanted:
        problems.append(f"exit status {code}, {expected}")
    tracebacks = sum(bool(TRACEBACK.fullmatch(line)) for line in lines)
    if tracebacks and not expectation.traceback:
        problems.append(
            f"the output has {tracebacks} traceback(s) (a process died with an "
            f"exception); declare 'traceback: expected' if the example teaches it"
        )
    elif expectation.traceback and not tracebacks:
        declared = ", ".join(expectation.exceptions) or "expected"
        problems.append(f"'traceback: {declared}' is declared, but no traceback was printed")
    elif expectation.exceptions:
        problems += _exception_problems(
            expectation.exceptions, tracebacks_in(lines, expectation.exceptions)
        )
    return problems


def tracebacks_in(lines: list[str], declared: tuple[str, ...] = ()) -> list[tuple[int, str | None]]:
    """Each traceback: its first output line (0-based) and the exception it ends with.

    A traceback chained to the one before it (``The above exception ...``)
    is part of it and ends with its own exception; one inside an exception
    group (``|`` before it) is part of the group's.  The exception line is
    the first later unindented line that reads ``Name`` or ``Name: message``
    (an exception group's ``|`` prefix aside).  Another process's line may
    float into a traceback and read so (``parent: waiting``), so a line
    naming one of the ``declared`` exceptions is preferred to it, up to the
    next traceback.
    """
    found: list[_Traceback] = []
    chained = False
    for index, line in enumerate(lines):
        start = TRACEBACK.fullmatch(line)
        if start:
            if "|" in start[1]:
                continue  # a sub-exception of a group: the group's traceback goes on
            if chained and found:
                # The chain ends with the next one's exception.
                found[-1].first = found[-1].declared = None
            else:
                found.append(_Traceback(index))
            chained = False
            continue
        if not found:
            continue
        text = _GROUP_PREFIX.sub("", line, count=1) if line[:1] in " |+" else line
        if text in CHAINED:
            chained = True
        elif exception := _EXCEPTION.fullmatch(text):
            entry = found[-1]
            if entry.first is None:
                entry.first = exception[1]
            if entry.declared is None and any(_same_exception(exception[1], d) for d in declared):
                entry.declared = exception[1]
    return [(entry.start, entry.declared or entry.first) for entry in found]


@dataclass
class _Traceback:
    """A traceback :func:`tracebacks_in` found, while it reads on."""

    #: Its first output line (0-based).
    start: int
    #: The name on its first exception line, and on the first that names a
    #: declared exception.
    first: str | None = None
    declared: str | None = None


def _same_exception(seen: str, declared: str) -> bool:
    """A dotted declared name must match in full; a plain one, the last component."""
    return seen == declared if "." in declared else seen.rpartition(".")[2] == declared


def _exception_problems(
    declared: tuple[str, ...], found: list[tuple[int, str | None]]
) -> list[str]:
    """Whether ``found`` ends with exactly the ``declared`` exceptions, in any order.

    A dotted name must match in full; a plain one matches the last
    component.  Dotted ones are paired first: the lines they fit are alike.
    """
    left = [name for _, name in found]
    unmatched = []
    for name in sorted(declared, key=lambda name: "." not in name):
        for index, seen in enumerate(left):
            if seen is not None and _same_exception(seen, name):
                left[index] = None
                break
        else:
            unmatched.append(name)
    if not unmatched and len(found) == len(declared):
        return []
    what = ", ".join(
        f"output line {index + 1} ended with {name or 'no exception line'}"
        for index, name in found[:10]
    )
    more = f", and {len(found) - 10} more" if len(found) > 10 else ""
    return [
        f"'traceback: {', '.join(declared)}' is declared, but the output has "
        f"{len(found)} traceback(s): {what}{more}"
    ]


#: A point of a strands block's dealing: the output line, each strand's state.
_Node = tuple[int, tuple[int, ...]]
#: How a dealing reached a node: the node before, the strand that took the
#: line, and whether a pattern or a ``...`` took it.
_Dealing = tuple[_Node, int, str]


class Checker:
    """One check of an outcome against an expectation, for the run's start method.

    Its work is linear in the number of output lines n for a given
    expectation (its body resolved for the method: repeat counts written
    out).  At worst, ``steps`` grow by:

    - each pattern or ``...``: a step per reachable position carried, and a
      line tried per position (each ``(or)`` alternative a try): n + 1 each;
    - each ``(any order)`` group of g patterns: per start position, at most
      g lines paired, each pairing visiting each pattern once: n * g * g;
    - each ``(interleaved)`` block: one dealing step per (line, strand
      states) pair reached, and each pattern a strand waits for tried on
      the line.  Runs from different start positions that reach the same
      pair merge, so the pairs are at most (n + 1) * min(n + 1, S), S the
      number of different strand states a dealing can reach: S is at most
      the product of (strand length + 1) for strands of required lines,
      and grows with optional lines and ``...`` in a strand (at most 2 to
      the strand's length each).  For a given expectation, linear in n;
    - captured values: one pass over one alignment, each captured line
      tried once more per alternative.

    ``steps`` counts that work (difflib's own is capped by ``DIFF_CELLS``),
    so tests can prove it without a clock.
    """

    def __init__(self, expectation: Expectation, outcome: Outcome) -> None:
        self.expectation = expectation
        self.outcome = outcome
        self.method = outcome.start_method
        self.items, self.never = expectation.resolved(self.method)
        self.lines = output_lines(outcome.output)
        self.steps = 0
        self._fit_masks: dict[tuple[int, int], int] = {}
        self._fits: dict[tuple[int, int, int, int], bool] = {}
        #: Per item, each position reached after it and the position it came from.
        self._trail: list[dict[int, int]] = []
        #: Per strands block: each end it reached, and the dealing's last node there.
        self._strand_ends: dict[int, dict[int, tuple[int, tuple[int, ...]]]] = {}
        self._strand_nodes: dict[int, dict[_Node, _Dealing | None]] = {}
        self._strand_failure: dict[int, str] = {}
        self._plans: dict[int, _StrandPlan] = {}
        self._captures = expectation.captures

    def verdict(self) -> str | None:
        """``None`` if every promise is kept, else the report."""
        lines = self.lines
        problems = _status_problems(self.expectation, self.outcome, lines)
        problems += [
            f"output line {number} {line!r} matches the forbidden pattern "
            f"'(never) {pattern.text}' ({self.expectation.path.name}:{pattern.lineno})"
            for pattern in self.never
            for number, line in enumerate(lines, 1)
            if self.fits(pattern, line)
        ]
        mismatch = self.mismatch()
        if mismatch:
            problems.append(mismatch)
        else:
            problems += self.capture_problems()
        if not problems:
            return None
        return "\n".join([*(f"- {p}" for p in problems), "", *self.diff()])

    def fits(self, pattern: Pattern, line: str) -> bool:
        alternatives = pattern.alternatives
        if len(alternatives) == 1:  # the common case, quickly
            self.steps += 1
            return alternatives[0].regex.fullmatch(line) is not None
        for alternative in alternatives:
            self.steps += 1
            if alternative.regex.fullmatch(line) is not None:
                return True
        return False

    # -- the match --------------------------------------------------------

    def mismatch(self) -> str | None:
        """Match the body against all of the output; describe the first failure.

        The set of reachable positions in the output is carried from item
        to item, so ``...``, optional lines and groups never need
        backtracking, and each item looks at each position once.  Each
        reached position keeps the first position it was reached from, so
        one alignment can be rebuilt afterwards.
        """
        lines = self.lines
        positions: dict[int, int] = {0: 0}
        end = len(lines)
        self._trail = []
        for item in self.items:
            self.steps += len(positions)
            reached = self.step(item, positions)
            if not reached:
                return self._failure(item, max(positions))
            if self._captures:  # kept only to rebuild an alignment for the captures
                self._trail.append(reached)
            positions = reached
        if end not in positions:
            pos = max(positions)
            if self.expectation.no_output:
                return (
                    f"output line 1 is {lines[0]!r}, expected no output "
                    f"(expectation line {self.expectation.no_output})"
                )
            return f"unexpected output from line {pos + 1} on: {lines[pos]!r}"
        return None

    def _failure(self, item: Item, pos: int) -> str:
        if isinstance(item, Strands):
            return self._strand_failure[item.lineno]
        lines = self.lines
        got = repr(lines[pos]) if pos < len(lines) else "the end of the output"
        what = (
            "the lines of the '(any order)' group" if isinstance(item, Group) else repr(item.text)
        )
        return f"output line {pos + 1} is {got}, expected {what} (expectation line {item.lineno})"

    def step(self, item: Item, positions: dict[int, int]) -> dict[int, int]:
        """The positions reachable right after ``item`` from ``positions``,
        each with the position it was first reached from."""
        lines = self.lines
        if isinstance(item, Skip):
            low = min(positions)
            return dict.fromkeys(range(low, len(lines) + 1), low)
        if isinstance(item, Pattern):
            reached = {pos: pos for pos in positions} if item.optional else {}
            for pos in positions:
                if pos < len(lines) and self.fits(item, lines[pos]):
                    reached.setdefault(pos + 1, pos)
            return reached
        if isinstance(item, Strands):
            return self.strand_ends(item, positions)
        reached = {}
        for pos in positions:
            for end in self.group_ends(item, pos):
                reached.setdefault(end, pos)
        return reached

    def group_ends(self, group: Group, pos: int) -> Iterator[int]:
        """Where a block of ``group``'s lines that starts at line ``pos`` can end.

        The block grows a line at a time, and two pairings of its lines with
        patterns grow with it: one over all patterns, which must pair every
        line (once a line finds no pattern, no longer block can fit either),
        and one over the required patterns, which must pair them all.  If
        both exist, one pairing does both (the Mendelsohn-Dulmage theorem),
        so the block fits.
        """
        patterns = group.patterns
        required = sum(1 << i for i, p in enumerate(patterns) if not p.optional)
        missing = required.bit_count()
        masks: list[int] = []
        all_patterns, required_patterns = _Pairing(self, masks), _Pairing(self, masks, required)
        for end in range(pos, min(pos + len(patterns), len(self.lines)) + 1):
            if end > pos:
                masks.append(self.fit_mask(group, end - 1))
                if not all_patterns.add_line():
                    return
                if required_patterns.add_line():
                    missing -= 1
            if not missing:
                yield end

    def group_pairing(self, group: Group, pos: int, end: int) -> dict[int, int]:
        """One pairing of lines ``pos`` to ``end`` with ``group``'s patterns: line -> pattern.

        First the required patterns are paired (as in :meth:`group_ends`),
        then each line left over: each search for an augmenting path keeps
        the patterns paired so far paired, and finds one for every line,
        since a pairing of all lines exists.
        """
        masks = [self.fit_mask(group, index) for index in range(pos, end)]
        required = sum(1 << i for i, p in enumerate(group.patterns) if not p.optional)
        pairing = _Pairing(self, masks, required)
        for line in range(len(masks)):
            pairing.add_line(line)
        pairing.allowed = -1
        for line in range(len(masks)):
            if line not in pairing.partners:
                pairing.add_line(line)
        return {pos + line: pattern for line, pattern in pairing.partners.items()}

    def fit_mask(self, group: Group, index: int) -> int:
        """The patterns of ``group`` that output line ``index`` fits, as bits."""
        key = (group.lineno, index)
        if key not in self._fit_masks:
            line = self.lines[index]
            self._fit_masks[key] = sum(
                1 << i for i, p in enumerate(group.patterns) if self.fits(p, line)
            )
        return self._fit_masks[key]

    # -- interleaved strands ----------------------------------------------

    def strand_ends(self, block: Strands, positions: dict[int, int]) -> dict[int, int]:
        """Where ``block`` can end if it starts at one of ``positions``: end -> start.

        The block's lines are dealt out in order, each to the first strand
        whose next pattern it fits, else to the first strand waiting in a
        ``...``; a line that no strand takes ends the dealing.  Each strand's
        state is the set of its positions it may be at (as bits), so its
        optional lines and ``...`` need no backtracking.  One sweep over the
        output carries every (strand states) reached at each line, so
        dealings from different starts merge once they reach the same one.
        If no dealing ends, the report describes the one that got furthest
        (of several there, the first: it started earliest).
        """
        plan = self._plan(block)
        nodes: dict[_Node, _Dealing | None] = {}
        origin: dict[tuple[int, tuple[int, ...]], int] = {}
        ends: dict[int, int] = {}
        finals: dict[int, tuple[int, tuple[int, ...]]] = {}
        starts = sorted(positions)
        total = len(self.lines)
        stuck: tuple[int, tuple[int, ...]] | None = None
        current: dict[tuple[int, ...], None] = {}
        index, next_start = starts[0], 0
        while True:
            while next_start < len(starts) and starts[next_start] == index:
                if (index, plan.initial) not in nodes:
                    nodes[index, plan.initial] = None
                    origin[index, plan.initial] = index
                    current[plan.initial] = None
                next_start += 1
            if not current:
                if next_start == len(starts):
                    break
                index = starts[next_start]
                continue
            following: dict[tuple[int, ...], None] = {}
            for states in current:
                self.steps += 1
                if plan.complete(states):
                    if index not in ends:
                        ends[index] = origin[index, states]
                        finals[index] = (index, states)
                    if index == total:
                        continue
                dealt = self._deal(plan, states, index) if index < total else None
                if dealt is None:
                    if not plan.complete(states) and (stuck is None or stuck[0] < index):
                        stuck = (index, states)
                    continue
                after, strand, kind = dealt
                key = (index + 1, after)
                if key not in nodes:
                    nodes[key] = ((index, states), strand, kind)
                    origin[key] = origin[index, states]
                    following[after] = None
            current, index = following, index + 1
        self._strand_ends[block.lineno] = finals
        self._strand_nodes[block.lineno] = nodes
        if not ends and stuck is not None:
            self._strand_failure[block.lineno] = self._stuck(block, plan, *stuck)
        return ends

    def _deal(
        self, plan: _StrandPlan, states: tuple[int, ...], index: int
    ) -> tuple[tuple[int, ...], int, str] | None:
        """The strand states after line ``index`` is dealt: (states, strand, 'pattern' or
        '...'), or None if no strand takes it."""
        for strand, state in enumerate(states):
            after = 0
            for position in _bits(state & plan.patterns[strand]):
                if self._strand_fits(plan, strand, position, index):
                    after |= plan.closures[strand][position + 1]
            if after:
                return (*states[:strand], after, *states[strand + 1 :]), strand, "pattern"
        for strand, state in enumerate(states):
            skips = state & plan.skips[strand]
            if skips:
                after = 0
                for position in _bits(skips):
                    after |= plan.closures[strand][position]
                return (*states[:strand], after, *states[strand + 1 :]), strand, SKIP
        return None

    def _strand_fits(self, plan: _StrandPlan, strand: int, position: int, index: int) -> bool:
        key = (plan.block.lineno, strand, position, index)
        if key not in self._fits:
            self._fits[key] = self.fits(plan.pattern(strand, position), self.lines[index])
        return self._fits[key]

    def _stuck(self, block: Strands, plan: _StrandPlan, index: int, states: tuple[int, ...]) -> str:
        """Which line no strand was waiting for, and what each strand waited for."""
        waits = []
        for number, (strand, state) in enumerate(zip(block.strands, states, strict=True), 1):
            waiting = [
                f"{strand[position].text!r} (line {strand[position].lineno})"
                for position in _bits(state & plan.patterns[number - 1])
            ]
            if plan.complete_strand(number - 1, state):
                waiting.append("its end")
            if waiting == ["its end"]:
                waits.append(f"strand {number} was done")
            else:
                waits.append(f"strand {number} waited for {' or '.join(waiting)}")
        where = f"the '{STRANDS_START}' block (expectation line {block.lineno})"
        if index < len(self.lines):
            head = f"output line {index + 1} is {self.lines[index]!r}, which no strand of {where} was waiting for"
        else:
            head = f"the output ended inside {where}"
        return f"{head}: {'; '.join(waits)}"

    # -- captured values --------------------------------------------------

    def alignment(self) -> list[tuple[int, Pattern]]:
        """After a successful match, one alignment: each output line a pattern
        took (lines a ``...`` took are left out), in output order.

        It follows the first way each position was reached, back from the
        end: for a group, one pairing of its block; for strands, the dealing.
        """
        taken: list[tuple[int, Pattern]] = []
        pos = len(self.lines)
        for item, reached in zip(reversed(self.items), reversed(self._trail), strict=True):
            start = reached[pos]
            self.steps += 1
            if isinstance(item, Pattern) and start < pos:
                taken.append((start, item))
            elif isinstance(item, Group):
                pairing = self.group_pairing(item, start, pos)
                taken += [
                    (line, item.patterns[pairing[line]]) for line in range(pos - 1, start - 1, -1)
                ]
            elif isinstance(item, Strands):
                taken += self._dealt(item, pos)
            pos = start
        return taken[::-1]

    def _dealt(self, block: Strands, end: int) -> list[tuple[int, Pattern]]:
        """The lines of ``block``'s dealing that ends at ``end``, last first, with
        the pattern each took: back from the end, each strand keeps a target
        position and steps back to a pattern it was waiting for that leads there."""
        plan = self._plan(block)
        nodes = self._strand_nodes[block.lineno]
        node = self._strand_ends[block.lineno][end]
        targets = [len(strand) for strand in block.strands]
        taken: list[tuple[int, Pattern]] = []
        while (dealing := nodes[node]) is not None:  # None: where the dealing started
            (index, states), strand, kind = dealing
            self.steps += 1
            state, target = states[strand], 1 << targets[strand]
            if kind == SKIP:
                targets[strand] = next(
                    p
                    for p in _bits(state & plan.skips[strand])
                    if plan.closures[strand][p] & target
                )
            else:
                position = next(
                    p
                    for p in _bits(state & plan.patterns[strand])
                    if plan.closures[strand][p + 1] & target
                    and self._strand_fits(plan, strand, p, index)
                )
                targets[strand] = position
                taken.append((index, plan.pattern(strand, position)))
            node = (index, states)
        return taken

    def capture_problems(self) -> list[str]:
        """The captured values on one alignment against the names' promises.

        Captures never steer the match: it is decided first; then this
        checks one alignment (the first found) in one pass.
        """
        expectation = self.expectation
        if not self._captures:
            return []
        problems: list[str] = []
        single: dict[str, tuple[int, str]] = {}
        collected: dict[str, dict[str, int]] = {}
        reported: set[str] = set()  # each name's first conflict only
        for index, pattern in self.alignment():
            if not pattern.names:
                continue
            line = self.lines[index]
            for alternative in pattern.alternatives:
                self.steps += 1
                match = alternative.regex.fullmatch(line)
                if match:
                    break
            assert match is not None
            for name, value in zip(alternative.names, match.groups(), strict=True):
                if name.endswith("*"):
                    collected.setdefault(name[:-1], {}).setdefault(value, index)
                elif name not in single:
                    single[name] = (index, value)
                elif single[name][1] != value and name not in reported:
                    reported.add(name)
                    first = single[name]
                    problems.append(
                        f"output line {index + 1} gives {name} = {value}, but line "
                        f"{first[0] + 1} gave {name} = {first[1]} (expectation line {pattern.lineno})"
                    )
        names = expectation.distinct
        for i, name in enumerate(names):
            for other in names[i + 1 :]:
                if name in single and other in single and single[name][1] == single[other][1]:
                    problems.append(
                        f"{name} and {other} are both {single[name][1]} (output lines "
                        f"{single[name][0] + 1} and {single[other][0] + 1}), but "
                        f"'distinct: {', '.join(names)}' says they differ "
                        f"(expectation line {expectation.distinct_line})"
                    )
        for count in expectation.values:
            values = list(collected.get(count.name, {}))
            if not count.low <= len(values) <= count.high:
                shown = ", ".join(values[:10]) + (", ..." if len(values) > 10 else "")
                problems.append(
                    f"{count.name} took {len(values)} different value(s)"
                    f"{f' ({shown})' if values else ''}, but the header says "
                    f"'values of {count.name}: {count.text}' (expectation line {count.lineno})"
                )
        return problems

    def _plan(self, block: Strands) -> _StrandPlan:
        if block.lineno not in self._plans:
            self.steps += sum(map(len, block.strands))
            self._plans[block.lineno] = _StrandPlan(block)
        return self._plans[block.lineno]

    # -- the report -------------------------------------------------------

    def patterns(self) -> list[Pattern]:
        """Every pattern of the resolved body, in order."""
        found: list[Pattern] = []
        for item in self.items:
            if isinstance(item, Group):
                found += item.patterns
            elif isinstance(item, Strands):
                found += [p for strand in item.strands for p in strand if isinstance(p, Pattern)]
            elif isinstance(item, Pattern):
                found.append(item)
        return found

    def shown(self) -> list[str]:
        """The output, with each line that fits a pattern shown as the first such pattern.

        Literal alternatives are found by a dict lookup and the others by
        their text before the first placeholder, so a line is tried only
        against patterns it could fit.  The k-th line shown as a line with
        a repeat count shows as its k-th copy (``(optional)`` past N), as
        the body is written out.
        """
        patterns = self.patterns()
        literal: dict[str, int] = {}
        by_prefix: dict[str, list[int]] = {}
        copies: dict[int, list[int]] = {}  # a line with a count -> its copies (consecutive)
        for index, p in enumerate(patterns):
            if index and patterns[index - 1].lineno == p.lineno:
                copies.setdefault(p.lineno, [index - 1]).append(index)
            for alternative in p.alternatives:
                if alternative.literal is not None:
                    literal.setdefault(alternative.literal, index)
                else:
                    indices = by_prefix.setdefault(alternative.prefix, [])
                    if not indices or indices[-1] != index:
                        indices.append(index)
        sizes = sorted({len(prefix) for prefix in by_prefix})
        memo: dict[str, int | None] = {}
        for line in self.lines:
            if line in memo:
                continue
            self.steps += len(sizes)
            candidates = sorted(i for size in sizes for i in by_prefix.get(line[:size], ()))
            fit = literal.get(line)
            for index in candidates:
                if fit is not None and index >= fit:  # a literal alternative already fits
                    break
                if self.fits(patterns[index], line):
                    fit = index
                    break
            memo[line] = fit
        texts: dict[int, str] = {}
        seen: dict[int, int] = {}  # per repeated line, how many lines showed as it
        shown = []
        for line in self.lines:
            fit = memo[line]
            if fit is not None:
                lineno = patterns[fit].lineno
                same = copies.get(lineno)
                if same:
                    count = seen[lineno] = seen.get(lineno, 0) + 1
                    fit = same[count - 1] if count <= len(same) else fit
                if fit not in texts:
                    texts[fit] = patterns[fit].shown
                line = texts[fit]
            shown.append(line)
        return shown

    def diff(self) -> list[str]:
        """A unified diff in which output lines that fit a pattern show as it."""
        body, shown = self.expectation.rendered(self.method), self.shown()
        self.steps += len(body) + len(shown)
        # Whole outputs as context, unless they are too long to read anyway.
        context = max(len(shown), len(body))
        diff = unified_diff(
            body,
            shown,
            f"expected ({self.expectation.path.name})",
            "actual output",
            context if context <= REPORT_LINES else 3,
        )
        if not diff:
            return ["(the output lines fit the expectation; see the problems above)"]
        return abridge(diff, REPORT_LINES, "[... {lines} more diff lines ...]")


class _StrandPlan:
    """An ``(interleaved)`` block's strands as bits: for each strand, which
    positions hold patterns and which ``...``, and each position's closure
    (itself, and the positions after it that optional lines and ``...``
    let a strand pass to without a line)."""

    def __init__(self, block: Strands) -> None:
        self.block = block
        self.patterns: list[int] = []
        self.skips: list[int] = []
        self.closures: list[list[int]] = []
        for strand in block.strands:
            closures = [1 << len(strand)]
            for position in range(len(strand) - 1, -1, -1):
                item = strand[position]
                passable = isinstance(item, Skip) or item.optional
                closures.append(1 << position | (closures[-1] if passable else 0))
            self.closures.append(closures[::-1])
            self.patterns.append(
                sum(1 << i for i, p in enumerate(strand) if isinstance(p, Pattern))
            )
            self.skips.append(sum(1 << i for i, p in enumerate(strand) if isinstance(p, Skip)))
        self.initial = tuple(closures[0] for closures in self.closures)

    def pattern(self, strand: int, position: int) -> Pattern:
        """The pattern at ``position`` of ``strand`` (a bit of :attr:`patterns`)."""
        item = self.block.strands[strand][position]
        assert isinstance(item, Pattern)  # asked only at a position of patterns
        return item

    def complete_strand(self, strand: int, state: int) -> bool:
        return bool(state >> len(self.block.strands[strand]) & 1)

    def complete(self, states: tuple[int, ...]) -> bool:
        return all(self.complete_strand(strand, state) for strand, state in enumerate(states))


def _bits(bits: int) -> Iterator[int]:
    """The indices of the bits set in ``bits``, lowest first."""
    while bits:
        lowest = bits & -bits
        yield lowest.bit_length() - 1
        bits ^= lowest


class _Pairing:
    """A pairing of a block's lines with a group's patterns, grown a line at a time.

    ``masks[line]`` has the patterns a line fits, as bits; only the patterns
    in ``allowed`` take part (all by default).  Adding a line is one search
    for an augmenting path (Kuhn's algorithm, breadth first), which visits
    each pattern once; each visit is a step of ``checker``.
    """

    def __init__(self, checker: Checker, masks: list[int], allowed: int = -1) -> None:
        self.checker, self.masks, self.allowed = checker, masks, allowed
        self.owners: dict[int, int] = {}  # pattern -> its line
        self.partners: dict[int, int] = {}  # line -> its pattern
        self.taken = 0  # the paired patterns, as bits

    def add_line(self, line: int | None = None) -> bool:
        """Pair ``line`` (by default the last of ``masks``), re-pairing others if need be."""
        came: dict[int, int] = {}  # pattern -> the line the search reached it from
        seen, queue = 0, [len(self.masks) - 1 if line is None else line]
        for line in queue:
            options = self.masks[line] & self.allowed & ~seen
            free = options & ~self.taken
            if free:
                return self._flip(came, _lowest(free), line)
            seen |= options
            while options:
                self.checker.steps += 1
                pattern = _lowest(options)
                options ^= 1 << pattern
                came[pattern] = line
                queue.append(self.owners[pattern])
        return False

    def _flip(self, came: dict[int, int], pattern: int, line: int) -> bool:
        """Pair the free ``pattern`` with ``line``, and so on back along the path."""
        self.taken |= 1 << pattern
        while True:
            previous = self.partners.get(line)
            self.owners[pattern], self.partners[line] = line, pattern
            if previous is None:
                return True
            pattern, line = previous, came[previous]


def _lowest(bits: int) -> int:
    """The index of the lowest bit set in ``bits``."""
    return (bits & -bits).bit_length() - 1


#: Most cells (lines of one side times lines of the other) that difflib may
#: compare; a larger changed middle shows as all removed, then all added.
DIFF_CELLS = 1_000_000


def unified_diff(a: list[str], b: list[str], a_name: str, b_name: str, context: int) -> list[str]:
    """What ``difflib.unified_diff(..., lineterm="")`` prints, in bounded time.

    If the sides are too long for difflib, the lines both start and end
    with are set aside first (linear), so one changed line in a long output
    costs almost nothing; difflib compares only the changed middle, if it
    is small enough.
    """
    diff: list[str] = []
    for group in _Opcodes(_opcodes(a, b)).get_grouped_opcodes(context):
        if not diff:
            diff += [f"--- {a_name}", f"+++ {b_name}"]
        first, last = group[0], group[-1]
        diff.append(f"@@ -{_span(first[1], last[2])} +{_span(first[3], last[4])} @@")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                diff += [" " + line for line in a[i1:i2]]
            else:  # a replace, a delete (b's range empty) or an insert (a's range empty)
                diff += ["-" + line for line in a[i1:i2]]
                diff += ["+" + line for line in b[j1:j2]]
    return diff


#: What ``difflib.SequenceMatcher.get_opcodes`` returns.
_Opcode = tuple[Literal["replace", "delete", "insert", "equal"], int, int, int, int]


def _opcodes(a: list[str], b: list[str]) -> list[_Opcode]:
    if len(a) * len(b) <= DIFF_CELLS:
        return difflib.SequenceMatcher(None, a, b).get_opcodes()
    head, shorter = 0, min(len(a), len(b))
    while head < shorter and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < shorter - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a_end, b_end = len(a) - tail, len(b) - tail
    opcodes: list[_Opcode] = [("equal", 0, head, 0, head)] if head else []
    if (a_end - head) * (b_end - head) <= DIFF_CELLS:
        middle = difflib.SequenceMatcher(None, a[head:a_end], b[head:b_end])
        opcodes += [
            (tag, i1 + head, i2 + head, j1 + head, j2 + head)
            for tag, i1, i2, j1, j2 in middle.get_opcodes()
        ]
    else:
        opcodes.append(("replace", head, a_end, head, b_end))
    if tail:
        opcodes.append(("equal", a_end, len(a), b_end, len(b)))
    return opcodes


class _Opcodes(difflib.SequenceMatcher[str]):
    """difflib's grouping of opcodes into hunks, over opcodes made elsewhere."""

    def __init__(self, opcodes: list[_Opcode]) -> None:
        super().__init__()
        self._opcodes = opcodes

    def get_opcodes(self) -> list[_Opcode]:
        return self._opcodes


def _span(start: int, stop: int) -> str:
    """A hunk's range as unified diffs write it (``difflib._format_range_unified``)."""
    if stop - start == 1:
        return str(start + 1)
    return f"{start + 1 if stop > start else start},{stop - start}"
