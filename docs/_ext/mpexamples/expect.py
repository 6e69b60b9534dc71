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
import math
import re
import signal
from collections.abc import Iterator
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
    #: The one line this matches if it has no placeholder: the report
    #: looks such patterns up by it.
    literal: str | None = None
    #: The text before the first placeholder: the report looks patterns up
    #: by it instead of trying every one on every line.
    prefix: str = ""


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
    alone: bool = False  # ``run: alone``: no other example runs meanwhile


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
        where = f"{path}:{max(len(lines), 1)}"  # where the reading stopped: the end
        raise ExpectationError(f"{where}: no '---' line between header and body")
    split = lines.index("---")
    header = _parse_header(lines[:split], path)
    body = lines[split + 1 :]
    while body and not body[-1].strip():
        body.pop()
    items, never = _parse_body(body, path, first_lineno=split + 2)
    if not items:
        raise ExpectationError(f"{path}:{split + 1}: the body below '---' is empty")
    return Expectation(path, source, items, never, body=tuple(body), **header)


def _parse_header(lines: list[str], path: Path) -> dict:
    header: dict = {}
    seen: set[str] = set()
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = (part.strip() for part in line.partition(":"))
        where = f"{path}:{lineno}"
        if not sep or not value:
            raise ExpectationError(f"{where}: expected 'key: value', got {raw!r}")
        if key in seen:
            raise ExpectationError(f"{where}: {key!r} given twice")
        seen.add(key)
        if key == "exit":
            header["exit_code"] = _number(int, value, where, key)
        elif key == "timeout":
            header["timeout"] = _number(float, value, where, key)
            if not 0 < header["timeout"] < math.inf:  # nan fails both
                raise ExpectationError(f"{where}: timeout must be positive and finite")
        elif key == "start-methods":
            methods = tuple(value.replace(",", " ").split())
            unknown = sorted(set(methods) - set(START_METHODS))
            if unknown or not methods:
                raise ExpectationError(
                    f"{where}: unknown start method(s) {unknown or value!r}; "
                    f"choose from {list(START_METHODS)}"
                )
            header["start_methods"] = methods
        elif key == "traceback":
            if value != "expected":
                raise ExpectationError(f"{where}: the only value of traceback is 'expected'")
            header["traceback"] = True
        elif key == "run":
            if value != "alone":
                raise ExpectationError(f"{where}: the only value of run is 'alone'")
            header["alone"] = True
        else:
            raise ExpectationError(
                f"{where}: unknown key {key!r}; known keys: exit, timeout, start-methods, traceback, run"
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
            never.append(_pattern(line[len(NEVER) :], lineno, where, optional=False))
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


def _pattern(text: str, lineno: int, where: str, optional: bool) -> Pattern:
    parts, plain, pos = [], [], 0
    prefix = None
    for match in _TOKEN.finditer(text):
        plain.append(text[pos : match.start()])
        escaped, name = match.groups()
        if escaped:
            plain.append("{" + escaped + "}")
        elif name in PLACEHOLDERS:
            if prefix is None:
                prefix = "".join(plain)
            parts.append(re.escape("".join(plain)) + f"(?:{PLACEHOLDERS[name]})")
            plain = []
        else:
            known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            raise ExpectationError(
                f"{where}: unknown placeholder {{{name}}}; known: {known} "
                f"(write {{{{{name}}}}} for the literal text)"
            )
        pos = match.end()
    plain.append(text[pos:])
    parts.append(re.escape("".join(plain)))
    if prefix is None:
        return Pattern(text, re.compile(parts[0]), lineno, optional, literal="".join(plain))
    return Pattern(text, re.compile("".join(parts)), lineno, optional, prefix=prefix)


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


class Checker:
    """One check of an outcome against an expectation.

    Its work is linear in the number of output lines for a given
    expectation: at worst output lines times body lines, times a group's
    size for pairing that group's lines (each start position pairs at most
    that many lines, each pairing visiting each pattern once).  ``steps``
    counts that work (each line tested against a pattern, each reachable
    position carried, each pattern visited while pairing a group's lines;
    difflib's own work is capped by ``DIFF_CELLS``), so tests can prove it
    without a clock.
    """

    def __init__(self, expectation: Expectation, outcome: Outcome) -> None:
        self.expectation = expectation
        self.outcome = outcome
        self.lines = output_lines(outcome.output)
        self.steps = 0
        self._fit_masks: dict[tuple[int, int], int] = {}

    def verdict(self) -> str | None:
        """``None`` if every promise is kept, else the report."""
        lines = self.lines
        problems = _status_problems(self.expectation, self.outcome, lines)
        problems += [
            f"output line {number} {line!r} matches the forbidden pattern "
            f"'(never) {pattern.text}' ({self.expectation.path.name}:{pattern.lineno})"
            for pattern in self.expectation.never
            for number, line in enumerate(lines, 1)
            if self.fits(pattern, line)
        ]
        mismatch = self.mismatch()
        if mismatch:
            problems.append(mismatch)
        if not problems:
            return None
        return "\n".join([*(f"- {p}" for p in problems), "", *self.diff()])

    def fits(self, pattern: Pattern, line: str) -> bool:
        self.steps += 1
        return pattern.regex.fullmatch(line) is not None

    # -- the match --------------------------------------------------------

    def mismatch(self) -> str | None:
        """Match the body against all of the output; describe the first failure.

        The set of reachable positions in the output is carried from item
        to item, so ``...``, optional lines and groups never need
        backtracking, and each item looks at each position once.
        """
        lines = self.lines
        positions, end = {0}, len(lines)
        for item in self.expectation.items:
            self.steps += len(positions)
            reached = self.step(item, positions)
            if not reached:
                pos = max(positions)
                got = repr(lines[pos]) if pos < end else "the end of the output"
                what = (
                    "the lines of the '(any order)' group"
                    if isinstance(item, Group)
                    else repr(item.text)
                )
                return (
                    f"output line {pos + 1} is {got}, expected {what} "
                    f"(expectation line {item.lineno})"
                )
            positions = reached
        if end not in positions:
            pos = max(positions)
            return f"unexpected output from line {pos + 1} on: {lines[pos]!r}"
        return None

    def step(self, item: Item, positions: set[int]) -> set[int]:
        """The positions reachable right after ``item`` from ``positions``."""
        lines = self.lines
        if isinstance(item, Skip):
            return set(range(min(positions), len(lines) + 1))
        if isinstance(item, Pattern):
            reached = set(positions) if item.optional else set()
            reached.update(
                pos + 1 for pos in positions if pos < len(lines) and self.fits(item, lines[pos])
            )
            return reached
        return {end for pos in positions for end in self.group_ends(item, pos)}

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

    def fit_mask(self, group: Group, index: int) -> int:
        """The patterns of ``group`` that output line ``index`` fits, as bits."""
        key = (group.lineno, index)
        if key not in self._fit_masks:
            line = self.lines[index]
            self._fit_masks[key] = sum(
                1 << i for i, p in enumerate(group.patterns) if self.fits(p, line)
            )
        return self._fit_masks[key]

    # -- the report -------------------------------------------------------

    def shown(self) -> list[str]:
        """The output, with each line that fits a pattern shown as the first such pattern.

        Literal patterns are found by a dict lookup and the others by their
        text before the first placeholder, so a line is tried only against
        patterns it could fit.
        """
        patterns = [
            p
            for item in self.expectation.items
            for p in (item.patterns if isinstance(item, Group) else [item])
            if isinstance(p, Pattern)
        ]
        literal: dict[str, int] = {}
        by_prefix: dict[str, list[int]] = {}
        for index, p in enumerate(patterns):
            if p.literal is not None:
                literal.setdefault(p.literal, index)
            else:
                by_prefix.setdefault(p.prefix, []).append(index)
        sizes = sorted({len(prefix) for prefix in by_prefix})
        memo: dict[str, str] = {}
        for line in self.lines:
            if line in memo:
                continue
            self.steps += len(sizes)
            candidates = sorted(i for size in sizes for i in by_prefix.get(line[:size], ()))
            fit = literal.get(line)
            for index in candidates:
                if fit is not None and index > fit:
                    break
                if self.fits(patterns[index], line):
                    fit = index
                    break
            if fit is None:
                memo[line] = line
            else:
                pattern = patterns[fit]
                memo[line] = OPTIONAL + pattern.text if pattern.optional else pattern.text
        return [memo[line] for line in self.lines]

    def diff(self) -> list[str]:
        """A unified diff in which output lines that fit a pattern show as it."""
        body, shown = list(self.expectation.body), self.shown()
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

    def add_line(self) -> bool:
        """Pair the last line of ``masks``, re-pairing others if need be."""
        came: dict[int, int] = {}  # pattern -> the line the search reached it from
        seen, queue = 0, [len(self.masks) - 1]
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


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    if len(a) * len(b) <= DIFF_CELLS:
        return difflib.SequenceMatcher(None, a, b).get_opcodes()
    head, shorter = 0, min(len(a), len(b))
    while head < shorter and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < shorter - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a_end, b_end = len(a) - tail, len(b) - tail
    opcodes = [("equal", 0, head, 0, head)] if head else []
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


class _Opcodes(difflib.SequenceMatcher):
    """difflib's grouping of opcodes into hunks, over opcodes made elsewhere."""

    def __init__(self, opcodes: list[tuple[str, int, int, int, int]]) -> None:
        super().__init__()
        self._opcodes = opcodes

    def get_opcodes(self) -> list[tuple[str, int, int, int, int]]:
        return self._opcodes


def _span(start: int, stop: int) -> str:
    """A hunk's range as unified diffs write it (``difflib._format_range_unified``)."""
    if stop - start == 1:
        return str(start + 1)
    return f"{start + 1 if stop > start else start},{stop - start}"
