"""Properties of the expectation language, on generated expectations and outputs.

Parsing any text either works or says which file and line is wrong; the
checker never crashes; an output made to keep an expectation passes, and
one broken on purpose fails; and the checker's work (``Checker.steps``,
counted, not timed) grows linearly with the output.

Hypothesis runs the "ci" profile: few examples, derandomized, no example
database, so every run tries the same cases.  ``HYPOTHESIS_PROFILE=deep``
tries many more.
"""

from __future__ import annotations

import difflib
import os
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mpexamples import expect
from mpexamples.expect import (
    LITERALS,
    NEVER,
    OPTIONAL,
    PLACEHOLDERS,
    TRACEBACK,
    Checker,
    Expectation,
    ExpectationError,
    check,
    parse,
    unified_diff,
)

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("deep", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PATH = Path("demo.expect")
#: What ends an expectation's lines (``str.splitlines``) but not an output's.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
END = "END"  # every generated expectation ends with this line, and no other line is it

# -- expectation text, from the grammar and raw -----------------------------

odd_text = st.text(
    st.characters(codec="utf-8", exclude_characters="\n")
    | st.sampled_from(" \t\r\x0b\x0c\x85\u2028\u3000\xa0{}()...:#-|+"),
    max_size=12,
)
placeholder = st.sampled_from([*PLACEHOLDERS, *LITERALS, "pdi", "PID", "x_y"]).flatmap(
    lambda name: st.sampled_from(
        [f"{{{name}}}", f"{{{{{name}}}}}", "{", "}", "{}", f"{{{name}:a}}", f"{{{name}:w*}}"]
    )
)
body_text = st.lists(odd_text | placeholder, max_size=4).map("".join)
body_line = st.one_of(
    body_text,
    st.sampled_from(
        [
            "...",
            "(any order)",
            "(end)",
            " ...",
            "(end) ",
            "---",
            "(interleaved)",
            "(and)",
            "(no output)",
            "(or)",
        ]
    ),
    st.builds(
        lambda prefix, text: prefix + text,
        st.sampled_from(
            [
                "(optional) ",
                "(never) ",
                "(or) ",
                "(2 times) ",
                "(0 to 3 times) ",
                "(spawn) ",
                "(fork, forkserver) ",
                "(0 times) ",
                "(spawn, frk) ",
                "(optional) (spawn) ",
            ]
        ),
        body_text,
    ),
)
header_line = st.one_of(
    st.builds(
        "{}:{}{}".format,
        st.sampled_from(
            [
                "exit",
                "timeout",
                "start-methods",
                "traceback",
                "colour",
                " exit",
                "",
                "distinct",
                "values of w",
                "values of a",
                "values of",
            ]
        ),
        st.sampled_from(["", " ", "\t"]),
        st.sampled_from(
            [
                "1",
                "-2",
                "0",
                "1.5",
                "nan",
                "inf",
                "fork",
                "spawn, fork",
                ",",
                "expected",
                "SIGKILL",
                "-9",
                "a, w",
                "a, b",
                "at most 2",
                "2 to 1",
                "ValueError, E",
            ]
        )
        | odd_text,
    ),
    st.sampled_from(["# a comment", "", "  ", "---"]),
    odd_text,
)
expectation_text = st.one_of(
    st.builds(
        lambda header, body, end: "\n".join([*header, "---", *body]) + end,
        st.lists(header_line, max_size=4),
        st.lists(body_line, max_size=8),
        st.sampled_from(["", "\n", "\r\n", "\n\n  \n"]),
    ),
    st.text(max_size=60),
)


@given(expectation_text)
def test_parse_works_or_names_file_and_line(source):
    try:
        expectation = parse(source, PATH)
    except ExpectationError as error:
        where = re.match(r"demo\.expect:(\d+): \S", str(error))
        assert where, str(error)
        assert 1 <= int(where[1]) <= max(len(source.splitlines()), 1)
    else:
        assert isinstance(expectation, Expectation)
        assert expectation.items or expectation.no_output


# -- outputs against valid expectations -------------------------------------


def outcome(lines: list[str], returncode: int | None = 0, timed_out: bool = False):
    output = "\n".join(lines) + "\n"
    return SimpleNamespace(
        output=output,
        returncode=returncode,
        timed_out=timed_out,
        timeout=2.0,
        start_method="fork",
    )


valid_text = st.lists(
    st.text(st.characters(codec="utf-8", exclude_characters=LINE_BREAKS + "{}"), max_size=8)
    | st.sampled_from([f"{{{name}}}" for name in PLACEHOLDERS] + ["{{pid}}", " ", "\t"]),
    max_size=4,
).map("".join)


@st.composite
def valid_source(draw) -> str:
    """An expectation from the grammar's valid constructs (most parse)."""
    header = draw(
        st.lists(
            st.sampled_from(
                [
                    "exit: 1",
                    "exit: 0",
                    "timeout: 2.5",
                    "start-methods: fork, spawn",
                    "traceback: expected",
                ]
            ),
            unique_by=lambda line: line.partition(":")[0],
        )
    )
    body = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["line", "line", "optional", "never", "skip", "group"]))
        if kind == "skip":
            body.append("...")
        elif kind == "group":
            members = draw(st.lists(st.tuples(st.booleans(), valid_text), min_size=1, max_size=4))
            body += ["(any order)", *((OPTIONAL if o else "") + t for o, t in members), "(end)"]
        else:
            prefix = {"line": "", "optional": OPTIONAL, "never": NEVER}[kind]
            body.append(prefix + draw(valid_text))
    comments = draw(st.sampled_from([[], ["# why", ""]]))
    return "\n".join([*comments, *header, "---", *body, "x"]) + "\n"


valid_expectations = (
    valid_source().map(lambda source: _parse_or_none(source)).filter(lambda e: e is not None)
)


def _parse_or_none(source: str) -> Expectation | None:
    try:
        return parse(source, PATH)
    except ExpectationError:
        return None


@given(
    st.data(),
    valid_expectations,
    st.sampled_from([0, 1, 2, None, -9, -15, -1000]),
    st.booleans(),
)
def test_check_never_raises(data, expectation, returncode, timed_out):
    texts = [line.partition(") ")[2] or line for line in expectation.body]  # near misses too
    line = st.sampled_from(texts) | odd_text | st.just("Traceback (most recent call last):")
    lines = data.draw(st.lists(line, max_size=12))
    verdict = check(expectation, outcome(lines, returncode, timed_out))
    assert verdict is None or isinstance(verdict, str)


# -- expectations with an output that keeps them ----------------------------

plain_char = st.characters(codec="utf-8", exclude_characters=LINE_BREAKS + "{}")
plain = st.text(plain_char, max_size=10)
word = st.text(plain_char, min_size=1, max_size=6).filter(lambda t: re.fullmatch(r"\S+", t))
VALUES = {
    "pid": st.integers(1, 2**22).map(str),
    "int": st.integers(-(10**6), 10**6).map(str),
    "float": st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: f"{f:.3f}"),
    "ctime": st.datetimes(datetime(1000, 1, 1)).map(
        lambda d: d.strftime("%a %b ") + f"{d.day:2} " + d.strftime("%X %Y")
    ),
    "time": st.times().map(lambda t: t.isoformat()),
    "address": st.integers(0, 2**48).map(hex),
    "word": word,
    "any": plain,
}


@st.composite
def kept_line(draw, optional: bool = False) -> tuple[str, list[str]]:
    """A body line and an output line that fits it ([] if an optional one is left out)."""
    text, line = [], []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["plain", "placeholder", "escaped"]))
        if kind == "plain":
            part = draw(plain)
            text.append(part)
            line.append(part)
        elif kind == "escaped":
            text.append("{{pid}}")
            line.append("{pid}")
        else:
            name = draw(st.sampled_from(sorted(PLACEHOLDERS)))
            text.append(f"{{{name}}}")
            line.append(draw(VALUES[name]))
    body, shown = "".join(text), "".join(line)
    if not _harmless(body) or not _harmless(shown):
        body, shown = "x" + body, "x" + shown
    lines = [shown] if not optional or draw(st.booleans()) else []
    return ("(optional) " if optional else "") + body, lines


def _harmless(text: str) -> bool:
    """Not a construct, blank, END, a prefixed line or a traceback."""
    return (
        text.strip() not in {"...", "(any order)", "(end)", "---", END, ""}
        and text.strip() not in {"(interleaved)", "(and)", "(no output)", "(or)"}
        and not text.startswith(("(", "NEVER"))  # '(optional) ', '(or) ', '(spawn) '...
        and not TRACEBACK.fullmatch(text)
    )


@st.composite
def kept(draw) -> tuple[str, list[str], bool]:
    """An expectation, an output that keeps it, and whether it has a never line."""
    body, lines = [], []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(
            st.sampled_from(["line", "optional", "skip", "group", "repeat", "or", "strands"])
        )
        if kind in ("line", "optional"):
            text, shown = draw(kept_line(kind == "optional"))
            body.append(text)
            lines += shown
        elif kind == "repeat":
            text, shown = draw(kept_line())
            low, extra = draw(st.integers(0, 3)), draw(st.integers(0, 2))
            body.append(f"({low} to {max(low + extra, 1)} times) {text}")
            lines += shown * draw(st.integers(low, max(low + extra, 1)))
        elif kind == "or":
            (first, shown), (second, other) = draw(kept_line()), draw(kept_line())
            body += [first, f"(or) {second}"]
            lines += draw(st.sampled_from([shown, other]))
        elif kind == "strands":
            # Each strand's lines start with a prefix of their own, so the
            # dealing (first fit, not a search) has one choice.
            strands = [
                [(f"s{k} {text}", [f"s{k} {line}" for line in shown]) for text, shown in strand]
                for k, strand in enumerate(
                    draw(
                        st.lists(
                            st.lists(kept_line(), min_size=1, max_size=3), min_size=2, max_size=3
                        )
                    )
                )
            ]
            body.append("(interleaved)")
            for k, strand in enumerate(strands):
                body += [*(["(and)"] if k else []), *(text for text, _ in strand)]
            body.append("(end)")
            queues = [[line for _, shown in strand for line in shown] for strand in strands]
            while any(queues):
                queue = draw(st.sampled_from([q for q in queues if q]))
                lines.append(queue.pop(0))
        elif kind == "skip":
            body.append("...")
            lines += draw(st.lists(plain.map(lambda t: "x" + t), max_size=3))
        else:
            members = draw(st.lists(st.booleans().flatmap(kept_line), min_size=1, max_size=4))
            body += ["(any order)", *(text for text, _ in members), "(end)"]
            lines += draw(st.permutations([line for _, shown in members for line in shown]))
    never = draw(st.booleans())
    if never:
        body.append("(never) NEVER {any}")
    return "---\n" + "\n".join([*body, END]) + "\n", [*lines, END], never


@given(kept())
def test_an_output_that_keeps_the_expectation_passes(case):
    source, lines, _ = case
    assert check(parse(source, PATH), outcome(lines)) is None


@given(kept(), st.sampled_from(["extra line", "no end", "never", "exit", "traceback"]))
def test_an_output_that_breaks_it_fails(case, how):
    source, lines, never = case
    returncode = 0
    if how == "extra line":
        lines = [*lines, "one line too many"]
    elif how == "no end":
        lines = lines[:-1]
    elif how == "never" and never:
        lines = ["NEVER again", *lines]
    elif how == "traceback":
        lines = [*lines[:-1], "Traceback (most recent call last):", END]
    else:
        returncode = 3
    verdict = check(parse(source, PATH), outcome(lines, returncode))
    assert verdict is not None and verdict.startswith("- ")


@given(kept())
def test_the_alignment_for_the_captures_is_one_the_output_keeps(case):
    """The captures' alignment: lines in output order, each fitting its
    pattern, every required line of the body taken, none past its count,
    and every output line taken unless a ``...`` may have it."""
    source, lines, _ = case
    # An optional line that takes no line but captures: the alignment is kept.
    source = source.replace(f"\n{END}\n", f"\n(optional) CAUGHT {{int:c*}}\n{END}\n")
    checker = Checker(parse(source, PATH), outcome(lines))
    assert checker.verdict() is None
    taken = checker.alignment()
    indices = [index for index, _ in taken]
    assert indices == sorted(set(indices))
    assert all(checker.fits(pattern, checker.lines[index]) for index, pattern in taken)
    written = Counter(checker.patterns())
    required = Counter(p for p in checker.patterns() if not p.optional)
    got = Counter(pattern for _, pattern in taken)
    assert all(required[p] <= got[p] <= written[p] for p in written | got)
    if "..." not in source.splitlines():
        assert indices == list(range(len(checker.lines)))


# -- linear work -------------------------------------------------------------


def steps(source: str, lines: list[str]) -> int:
    checker = Checker(parse(source, PATH), outcome(lines))
    checker.verdict()
    return checker.steps


@given(kept(), st.lists(plain.map(lambda t: "x" + t), min_size=1, max_size=6))
def test_work_grows_linearly_with_the_output(case, unit):
    """Filler where ``...`` may take it, repeated: twice the output, about twice the work."""
    source, lines, _ = case
    body_lines = len(source.splitlines())
    work = {}
    for copies in (100, 200):
        output = [*unit * copies, *lines, *unit * copies]
        work[copies] = steps(source, output)
        assert work[copies] <= 50 * body_lines**2 * (len(output) + body_lines)
    assert work[200] <= 2.2 * work[100]


def test_work_is_linear_for_a_long_body_with_one_changed_line():
    """The bench's case, smaller: a body as long as the output, one line changed."""

    def case(n: int) -> tuple[str, list[str]]:
        body = [f"step {i} by {{pid}}" if i % 2 else f"step {i} done" for i in range(n)]
        output = [f"step {i} by 4242" if i % 2 else f"step {i} done" for i in range(n)]
        output[n // 2] += "!"
        return "---\n" + "\n".join(body) + "\n", output

    small, large = steps(*case(2000)), steps(*case(4000))
    assert small <= 10 * 2 * 2000
    assert large <= 2.1 * small


def test_work_is_linear_for_skips_and_a_group_after_them():
    body = (
        "...\n(any order)\n{any}\n{int}\n(optional) {word}\n(end)\n...\n(optional) {any}\n...\nz\n"
    )
    work = [steps("---\n" + body, [f"line {i}" for i in range(n)]) for n in (1000, 2000)]
    assert work[0] <= 60 * 1000
    assert work[1] <= 2.1 * work[0]


# -- the report's diff ---------------------------------------------------------

diff_lines = st.lists(st.sampled_from("abcdef"), max_size=12)


@given(diff_lines, diff_lines, st.integers(0, 4))
def test_the_diff_is_difflibs_when_difflib_can_afford_it(a, b, context):
    expected = list(difflib.unified_diff(a, b, "x", "y", n=context, lineterm=""))
    assert unified_diff(a, b, "x", "y", context) == expected


@given(diff_lines, diff_lines, st.integers(0, 4), st.integers(0, 9))
def test_a_diff_too_large_for_difflib_is_still_right_and_tight(a, b, context, cells):
    """Past ``DIFF_CELLS`` the diff still turns a into b, changing only the middle."""
    original, expect.DIFF_CELLS = expect.DIFF_CELLS, cells
    try:
        diff = unified_diff(a, b, "x", "y", context)
    finally:
        expect.DIFF_CELLS = original
    assert patched(a, diff) == b
    head = shared(a, b)
    tail = shared(a[head:][::-1], b[head:][::-1])
    assert sum(line[0] == "-" for line in diff[2:]) <= len(a) - head - tail


def shared(a: list[str], b: list[str]) -> int:
    """How many lines a and b start with in common."""
    return next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )


def test_past_diff_cells_only_the_changed_middle_is_compared():
    a, b = ["h", "x", "c", "y", "t"], ["h", "p", "c", "q", "t"]
    original = expect.DIFF_CELLS
    try:
        expect.DIFF_CELLS = 9  # the middle's 3 x 3: difflib keeps 'c'
        assert unified_diff(a, b, "x", "y", 1) == [
            "--- x", "+++ y", "@@ -1,5 +1,5 @@", " h", "-x", "+p", " c", "-y", "+q", " t",
        ]  # fmt: skip
        expect.DIFF_CELLS = 3  # all of 1 x 3 is affordable: difflib's diff, not a trimmed one
        assert unified_diff(["a"], ["b", "a", "a"], "x", "y", 0) == [
            "--- x", "+++ y", "@@ -0,0 +1 @@", "+b", "@@ -1,0 +3 @@", "+a",
        ]  # fmt: skip
        expect.DIFF_CELLS = 8  # too many: all of the middle changes
        assert unified_diff(a, b, "x", "y", 1) == [
            "--- x", "+++ y", "@@ -1,5 +1,5 @@", " h", "-x", "-c", "-y", "+p", "+c", "+q", " t",
        ]  # fmt: skip
    finally:
        expect.DIFF_CELLS = original


def patched(a: list[str], diff: list[str]) -> list[str]:
    """b, rebuilt from a and a unified diff of a and b, checking the diff on the way."""
    if not diff:
        return list(a)
    assert diff[:2] == ["--- x", "+++ y"]
    b: list[str] = []
    done = 0  # lines of a used
    for hunk in "\n".join(diff[2:]).split("\n@@"):
        header, *lines = hunk.removeprefix("@@").split("\n")
        sizes = re.fullmatch(r" -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", header)
        a_size, b_size = int(sizes[2] or 1), int(sizes[4] or 1)
        a_start = int(sizes[1]) - (1 if a_size else 0)
        b += a[done:a_start]
        done = a_start
        assert len(b) == int(sizes[3]) - (1 if b_size else 0)
        for line in lines:
            if line[0] in " -":
                assert a[done] == line[1:]
                done += 1
            if line[0] in " +":
                b.append(line[1:])
        assert (done - a_start, sum(line[0] in " +" for line in lines)) == (a_size, b_size)
    return b + a[done:]


# -- strands -------------------------------------------------------------------


@st.composite
def interleaved(draw) -> tuple[str, list[list[str]], list[str]]:
    """Strands of distinct lines (some with a placeholder), and one interleaving."""
    strands = [
        [f"s{k} step {i}" + (" {int}" if (k + i) % 2 else "") for i in range(size)]
        for k, size in enumerate(draw(st.lists(st.integers(1, 4), min_size=2, max_size=4)))
    ]
    lines = [[pattern.replace("{int}", str(k * 10 + i)) for i, pattern in enumerate(s)]
             for k, s in enumerate(strands)]  # fmt: skip
    taken = [0] * len(strands)
    output = []
    while any(taken[k] < len(s) for k, s in enumerate(lines)):
        k = draw(st.sampled_from([k for k, s in enumerate(lines) if taken[k] < len(s)]))
        output.append(lines[k][taken[k]])
        taken[k] += 1
    body = "\n(and)\n".join("\n".join(strand) for strand in strands)
    return f"---\nstart\n(interleaved)\n{body}\n(end)\n{END}\n", lines, output


@given(interleaved(), st.data())
def test_every_interleaving_of_strands_passes_and_a_broken_one_fails(case, data):
    source, lines, output = case
    expectation = parse(source, PATH)
    assert check(expectation, outcome(["start", *output, END])) is None
    dropped = data.draw(st.integers(0, len(output) - 1))
    assert check(expectation, outcome(["start", *output[:dropped], *output[dropped + 1 :], END]))
    strand = data.draw(st.sampled_from([s for s in lines if len(s) > 1] or [None]))
    if strand is not None:  # two lines of one strand swapped: its order broken
        swapped = [strand[1] if line == strand[0] else strand[0] if line == strand[1] else line
                   for line in output]  # fmt: skip
        assert check(expectation, outcome(["start", *swapped, END]))
