"""The expectation language: what an example's output guarantees.

This is the one checker.  The Sphinx build and the pytest plugin both call
:func:`check`, so a page can never show output that pytest would reject.

An expectation file sits next to its example (``pool_apply_async.py`` goes
with ``pool_apply_async.expect``).  A header of ``key: value`` lines ends at a line
``---``; the body below it describes the output, one line per output line::

    # The child runs while the parent waits.
    timeout: 10
    ---
    Parent process {pid}.
    (any order)
    Run task 0 ({pid})...
    Run task 1 ({pid})...
    (end)
    (never) work end: {any}

The full syntax is in the README, section "How expectations work".
"""

from __future__ import annotations

import difflib
import re
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

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
START_METHODS = ("fork", "spawn", "forkserver")
SKIP, GROUP_START, GROUP_END = "...", "(any order)", "(end)"
NEVER, OPTIONAL = "(never) ", "(optional) "
#: The first line of a traceback, an exception group's included.
TRACEBACK = re.compile(r"[ +|]*(?:Exception Group )?Traceback \(most recent call last\):")
#: Longest diff or output a failure report shows.
REPORT_LINES = 300

_TOKEN = re.compile(r"\{\{([A-Za-z_]+)\}\}|\{([A-Za-z_]+)\}")


class ExpectationError(ValueError):
    """A malformed expectation file; the message names file and line."""


@dataclass(frozen=True)
class Pattern:
    """One body line: matches exactly one output line."""

    text: str
    regex: re.Pattern[str]
    lineno: int
    optional: bool = False


@dataclass(frozen=True)
class Skip:
    """``...``: any number of output lines, including none."""

    lineno: int
    text: str = SKIP


@dataclass(frozen=True)
class Group:
    """``(any order)`` ... ``(end)``: a block of lines in any order."""

    patterns: tuple[Pattern, ...]
    lineno: int
    text: str = GROUP_START


Item = Pattern | Skip | Group


@dataclass(frozen=True)
class Expectation:
    """A parsed expectation file."""

    path: Path
    source: str
    items: tuple[Item, ...]
    never: tuple[Pattern, ...] = ()
    exit_code: int = 0
    timeout: float | None = None
    start_methods: tuple[str, ...] = START_METHODS
    traceback: bool = False
    body: tuple[str, ...] = field(default=(), repr=False)


class Outcome(Protocol):
    """What :func:`check` needs from a run (``runner.RunResult`` has it)."""

    output: str
    returncode: int | None
    timed_out: bool
    timeout: float


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
        raise ExpectationError(f"{path}: no '---' line between header and body")
    split = lines.index("---")
    header = _parse_header(lines[:split], path)
    body = lines[split + 1 :]
    while body and not body[-1].strip():
        body.pop()
    items, never = _parse_body(body, path, first_lineno=split + 2)
    if not items:
        raise ExpectationError(f"{path}: the body below '---' is empty")
    return Expectation(path, source, items, never, body=tuple(body), **header)


def _parse_header(lines: list[str], path: Path) -> dict:
    header: dict = {}
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = (part.strip() for part in line.partition(":"))
        where = f"{path}:{lineno}"
        if not sep or not value:
            raise ExpectationError(f"{where}: expected 'key: value', got {raw!r}")
        if key in header or (key == "start-methods" and "start_methods" in header):
            raise ExpectationError(f"{where}: {key!r} given twice")
        if key == "exit":
            header["exit_code"] = _number(int, value, where, key)
        elif key == "timeout":
            header["timeout"] = _number(float, value, where, key)
            if header["timeout"] <= 0:
                raise ExpectationError(f"{where}: timeout must be positive")
        elif key == "start-methods":
            methods = tuple(value.replace(",", " ").split())
            unknown = sorted(set(methods) - set(START_METHODS))
            if unknown:
                raise ExpectationError(
                    f"{where}: unknown start method(s) {unknown}; choose from {list(START_METHODS)}"
                )
            header["start_methods"] = methods
        elif key == "traceback":
            if value != "expected":
                raise ExpectationError(f"{where}: the only value of traceback is 'expected'")
            header["traceback"] = True
        else:
            raise ExpectationError(
                f"{where}: unknown key {key!r}; known keys: exit, timeout, start-methods, traceback"
            )
    return header


def _number(kind: type, value: str, where: str, key: str):
    try:
        return kind(value)
    except ValueError:
        raise ExpectationError(f"{where}: {key} must be a number, got {value!r}") from None


def _parse_body(lines: list[str], path: Path, first_lineno: int):
    items: list[Item] = []
    never: list[Pattern] = []
    group: list[Pattern] | None = None
    group_line = 0
    for lineno, line in enumerate(lines, first_lineno):
        where = f"{path}:{lineno}"
        if line == GROUP_START:
            if group is not None:
                raise ExpectationError(f"{where}: '(any order)' groups do not nest")
            group, group_line = [], lineno
        elif line == GROUP_END:
            if group is None:
                raise ExpectationError(f"{where}: '(end)' without '(any order)'")
            if not group:
                raise ExpectationError(f"{where}: empty '(any order)' group")
            items.append(Group(tuple(group), group_line))
            group = None
        elif line.startswith(NEVER):
            never.append(_pattern(line[len(NEVER) :], lineno, where))
        elif line == SKIP:
            if group is not None:
                raise ExpectationError(f"{where}: '...' is not allowed inside a group")
            items.append(Skip(lineno))
        else:
            optional = line.startswith(OPTIONAL)
            text = line[len(OPTIONAL) :] if optional else line
            pattern = _pattern(text, lineno, where, optional)
            (items if group is None else group).append(pattern)
    if group is not None:
        raise ExpectationError(f"{path}:{group_line}: '(any order)' is never closed by '(end)'")
    return tuple(items), tuple(never)


def _pattern(text: str, lineno: int, where: str, optional: bool = False) -> Pattern:
    parts, pos = [], 0
    for match in _TOKEN.finditer(text):
        parts.append(re.escape(text[pos : match.start()]))
        escaped, name = match.groups()
        if escaped:
            parts.append(re.escape("{" + escaped + "}"))
        elif name in PLACEHOLDERS:
            parts.append(f"(?:{PLACEHOLDERS[name]})")
        else:
            known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            raise ExpectationError(
                f"{where}: unknown placeholder {{{name}}}; known: {known} "
                f"(write {{{{{name}}}}} for the literal text)"
            )
        pos = match.end()
    parts.append(re.escape(text[pos:]))
    return Pattern(text, re.compile("".join(parts)), lineno, optional)


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
    lines = output_lines(outcome.output)
    problems = _status_problems(expectation, outcome, lines)
    problems += [
        f"output line {number} {line!r} matches the forbidden pattern "
        f"'(never) {pattern.text}' ({expectation.path.name}:{pattern.lineno})"
        for pattern in expectation.never
        for number, line in enumerate(lines, 1)
        if pattern.regex.fullmatch(line)
    ]
    mismatch = _match(expectation.items, lines)
    if mismatch:
        problems.append(mismatch)
    if not problems:
        return None
    return "\n".join([*(f"- {p}" for p in problems), "", *_diff(expectation, lines)])


def _status_problems(expectation: Expectation, outcome: Outcome, lines: list[str]) -> list[str]:
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
    code = outcome.returncode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        problems.append(f"the example was killed by {name}")
    elif code != expectation.exit_code:
        problems.append(f"exit status {code}, expected {expectation.exit_code}")
    tracebacks = sum(bool(TRACEBACK.fullmatch(line)) for line in lines)
    if tracebacks and not expectation.traceback:
        problems.append(
            f"the output has {tracebacks} traceback(s) (a process died with an "
            f"exception); declare 'traceback: expected' if the example teaches it"
        )
    elif expectation.traceback and not tracebacks:
        problems.append("'traceback: expected' is declared, but no traceback was printed")
    return problems


def _match(items: tuple[Item, ...], lines: list[str]) -> str | None:
    """Match ``items`` against all of ``lines``; describe the first failure.

    A set of reachable positions in ``lines`` is carried from item to item,
    so ``...``, optional lines and groups never need backtracking.
    """
    positions, end = {0}, len(lines)
    for item in items:
        reached = set()
        for pos in positions:
            reached |= _step(item, lines, pos)
        if not reached:
            pos = max(positions)
            got = repr(lines[pos]) if pos < end else "the end of the output"
            what = (
                "the lines of the '(any order)' group"
                if isinstance(item, Group)
                else repr(item.text)
            )
            return (
                f"output line {pos + 1} is {got}, expected {what} (expectation line {item.lineno})"
            )
        positions = reached
    if end not in positions:
        pos = max(positions)
        return f"unexpected output from line {pos + 1} on: {lines[pos]!r}"
    return None


def _step(item: Item, lines: list[str], pos: int) -> set[int]:
    if isinstance(item, Skip):
        return set(range(pos, len(lines) + 1))
    if isinstance(item, Pattern):
        reached = {pos} if item.optional else set()
        if pos < len(lines) and item.regex.fullmatch(lines[pos]):
            reached.add(pos + 1)
        return reached
    required = sum(not p.optional for p in item.patterns)
    return {
        pos + size
        for size in range(required, len(item.patterns) + 1)
        if pos + size <= len(lines) and _any_order(item.patterns, lines[pos : pos + size])
    }


def _any_order(patterns: tuple[Pattern, ...], block: list[str]) -> bool:
    """Can each line of ``block`` take its own pattern, using every required one?

    A bipartite matching (Kuhn's algorithm).  Unused optional patterns are
    paired with stand-in lines so that a perfect matching is the test.
    """
    stand_ins = len(patterns) - len(block)

    def fits(p: int, slot: int) -> bool:
        if slot >= len(block):
            return patterns[p].optional
        return bool(patterns[p].regex.fullmatch(block[slot]))

    owner: list[int | None] = [None] * (len(block) + stand_ins)

    def assign(p: int, seen: set[int]) -> bool:
        for slot in range(len(owner)):
            if slot not in seen and fits(p, slot):
                seen.add(slot)
                if owner[slot] is None or assign(owner[slot], seen):
                    owner[slot] = p
                    return True
        return False

    return all(assign(p, set()) for p in range(len(patterns)))


def _diff(expectation: Expectation, lines: list[str]) -> list[str]:
    """A unified diff in which output lines that fit a pattern show as it."""
    patterns = [
        p
        for item in expectation.items
        for p in (item.patterns if isinstance(item, Group) else [item])
        if isinstance(p, Pattern)
    ]
    shown = []
    for line in lines:
        fit = next((p for p in patterns if p.regex.fullmatch(line)), None)
        shown.append((OPTIONAL + fit.text if fit.optional else fit.text) if fit else line)
    # Whole outputs as context, unless they are too long to read anyway.
    context = max(len(lines), len(expectation.body))
    diff = list(
        difflib.unified_diff(
            list(expectation.body),
            shown,
            f"expected ({expectation.path.name})",
            "actual output",
            n=context if context <= REPORT_LINES else 3,
            lineterm="",
        )
    )
    if not diff:
        return ["(the output lines fit the expectation; see the problems above)"]
    return abridge(diff, REPORT_LINES, "[... {lines} more diff lines ...]")
