"""The expectation language's parsing and status checks, held to the README's
promises ("How expectations work"): what a header or body line means, the
error a malformed one gives (naming file and line), and what the report
says about the exit status and tracebacks.

Pure parser and checker calls: no example runs.
"""

from pathlib import Path
from types import SimpleNamespace

import pytest

from mpexamples.expect import ExpectationError, check, parse

PATH = Path("demo.expect")


def outcome(output: str, returncode: int = 0, method: str = "fork") -> SimpleNamespace:
    return SimpleNamespace(
        output=output, returncode=returncode, timed_out=False, timeout=3.0, start_method=method
    )


def verdict(body: str, output: str, header: str = "", **kwargs) -> str | None:
    return check(parse(f"{header}---\n{body}", PATH), outcome(output, **kwargs))


def problems(report: str | None) -> list[str]:
    """The report's problem lines (before the diff), without their '- '."""
    assert report is not None
    head = report.split("\n\n")[0]
    return [line.removeprefix("- ") for line in head.splitlines()]


def parse_error(source: str, path: Path = PATH) -> str:
    with pytest.raises(ExpectationError) as error:
        parse(source, path)
    return str(error.value)


def traceback(exception: str) -> str:
    return f'Traceback (most recent call last):\n  File "x.py", line 1\n{exception}\n'


# -- the header ------------------------------------------------------------------


def test_expect_header_line_numbers_survive_a_colon_in_the_path():
    """An error names file and line even when the file's path holds a ':'."""
    path = Path("odd:dir/demo.expect")
    message = parse_error("distinct: a, b\n---\n{pid:a}\n", path)
    assert message.startswith("odd:dir/demo.expect:1: distinct names 'b', but no placeholder")
    report = check(
        parse("# counts\nvalues of w: at most 1\n---\n{pid:w*}\n{pid:w*}\n", path),
        outcome("1\n2\n"),
    )
    assert problems(report) == [
        "w took 2 different value(s) (1, 2), but the header says 'values of w: at most 1' "
        "(expectation line 2)"
    ]


def test_expect_every_values_of_line_counts():
    """Two 'values of' lines: each one's count holds, not just the last one's."""
    header = "values of a: exactly 1\nvalues of b: exactly 2\n"
    body = "{pid:a*} {pid:b*}\n{pid:a*} {pid:b*}\n"
    assert [v.name for v in parse(header + "---\n" + body, PATH).values] == ["a", "b"]
    assert verdict(body, "1 5\n1 6\n", header) is None
    assert problems(verdict(body, "1 5\n2 6\n", header)) == [
        "a took 2 different value(s) (1, 2), but the header says 'values of a: exactly 1' "
        "(expectation line 1)"
    ]
    assert problems(verdict(body, "1 5\n1 5\n", header)) == [
        "b took 1 different value(s) (5), but the header says 'values of b: exactly 2' "
        "(expectation line 2)"
    ]


@pytest.mark.parametrize(
    ("count", "values", "fits"),
    [
        ("at most 3", "", True),  # an optional line may capture nothing: 0 is at most 3
        ("at most 3", "1 2", True),
        ("at most 3", "1 2 3 4", False),
        ("at least 1", "1 2 3", True),
        ("at least 2", "1", False),
        ("exactly 2", "1 2", True),
        ("exactly 2", "1 2 3", False),
        ("2 to 2", "1 2", True),  # N to N is exactly N, not an error
        ("2 to 2", "1", False),
    ],
)
def test_expect_values_of_counts_mean_what_they_say(count, values, fits):
    body = "(0 to 5 times) w {pid:w*}\n"
    output = "".join(f"w {value}\n" for value in values.split())
    report = verdict(body, output, header=f"values of w: {count}\n")
    assert (report is None) == fits, report


def test_expect_a_malformed_values_of_line_is_quoted_whole():
    message = parse_error("values of worker: many\n---\n{pid:worker*}\n")
    assert message == (
        "demo.expect:1: expected 'values of NAME: at most N' (or 'at least N', "
        "'exactly N', 'N to M'), got 'values of worker: many'"
    )


@pytest.mark.parametrize("value", ["ValueError: boom", "ValueError:"])
def test_expect_traceback_takes_names_not_exception_lines(value):
    """``traceback:`` names exceptions; a message after a ':' is not part of a name."""
    message = parse_error(f"traceback: {value}\n---\n...\n")
    assert message.startswith("demo.expect:1: traceback takes 'expected' or exception names")


# -- the body --------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 2, 3])
def test_expect_one_to_two_times_is_one_line_and_an_optional_one(count):
    report = verdict("(1 to 2 times) a\nend\n", "a\n" * count + "end\n")
    assert (report is None) == (1 <= count <= 2), report


def test_expect_a_skip_may_exist_under_some_start_methods_only():
    body = "a\n(spawn) ...\nb\n"
    assert verdict(body, "a\nx\ny\nb\n", method="spawn") is None
    assert verdict(body, "a\nb\n", method="spawn") is None
    assert verdict(body, "a\nb\n", method="fork") is None
    assert problems(verdict(body, "a\nx\nb\n", method="fork")) == [
        "output line 2 is 'x', expected 'b' (expectation line 4)"
    ]


def test_expect_a_skip_takes_no_prefix_but_start_methods():
    assert parse_error("---\n(optional) ...\n") == (
        "demo.expect:2: '...' takes no prefix but start methods"
    )
    assert parse("---\n(fork, spawn) ...\na\n", PATH).items[0].methods == {"fork", "spawn"}


def test_expect_a_group_line_may_exist_under_some_start_methods_only():
    body = "(any order)\n(spawn) a\nb\n(end)\n"
    assert verdict(body, "b\na\n", method="spawn") is None
    assert verdict(body, "b\n", method="fork") is None
    assert problems(verdict(body, "b\n", method="spawn")) == [
        "output line 1 is 'b', expected the lines of the '(any order)' group (expectation line 2)"
    ]


def test_expect_nested_blocks_are_named_in_the_error():
    assert parse_error("---\n(interleaved)\na\n(interleaved)\n") == (
        "demo.expect:4: '(interleaved)' inside '(interleaved)': blocks do not nest"
    )
    assert parse_error("---\n(interleaved)\na\n(any order)\n") == (
        "demo.expect:4: '(any order)' inside '(interleaved)': blocks do not nest"
    )
    assert parse_error("---\n(any order)\na\n(interleaved)\n") == (
        "demo.expect:4: '(interleaved)' inside '(any order)': blocks do not nest"
    )


def test_expect_a_name_of_two_kinds_is_shown_as_first_used():
    assert parse_error("---\n{pid:w*}\n{pid:w}\n").startswith(
        "demo.expect:3: {…:w}, but line 2 uses 'w*': a name either keeps one value"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("a\n(or) (0 times) b\n", "demo.expect:3: repeat count (0 times)"),
        ("a\n(or) (spawn, frk) b\n", "demo.expect:3: unknown start method(s) ['frk']"),
        ("a\n(or) {pdi}\n", "demo.expect:3: unknown placeholder {pdi}"),
        ("{pid:w}\na\n(or) {pid:w*}\n", "demo.expect:4: {…:w*}, but line 2 uses 'w'"),
    ],
)
def test_expect_an_or_line_error_names_its_line(body, message):
    assert parse_error(f"---\n{body}").startswith(message)


def test_expect_unnamed_placeholders_do_not_shift_captured_names():
    """``{int}`` captures nothing, so ``{pid:p}`` after it still gets its own value."""
    body = "{int} {pid:p}\n{word} {pid:p} {float}\n"
    assert verdict(body, "5 42\nx 42 1.5\n") is None
    assert problems(verdict(body, "5 42\nx 43 1.5\n")) == [
        "output line 2 gives p = 43, but line 1 gave p = 42 (expectation line 3)"
    ]


# -- exit status and tracebacks --------------------------------------------------


def test_expect_a_death_by_a_signal_is_reported_as_such():
    """Without 'exit: SIG…' any death by a signal fails, and the report says just that."""
    assert problems(verdict("a\n", "a\n", returncode=-9)) == ["the example was killed by SIGKILL"]
    assert problems(verdict("a\n", "a\n", header="exit: 3\n", returncode=-15)) == [
        "the example was killed by SIGTERM"
    ]


def test_expect_every_status_problem_is_reported():
    report = verdict("...\n", traceback("KeyError: 'k'"), header="exit: 1\ntraceback: ValueError\n")
    assert problems(report) == [
        "exit status 0, expected 1",
        "'traceback: ValueError' is declared, but the output has 1 traceback(s): "
        "output line 1 ended with KeyError",
    ]


def test_expect_declared_tracebacks_that_never_came_are_named():
    report = verdict("ok\n", "ok\n", header="traceback: ValueError, KeyError\n")
    assert problems(report)[0] == (
        "'traceback: ValueError, KeyError' is declared, but no traceback was printed"
    )


def test_expect_a_dotted_declared_name_is_paired_before_a_plain_one():
    """``ValueError`` fits ``a.ValueError`` too; the dotted name must get it, however
    the header orders them."""
    output = traceback("a.ValueError: x") + traceback("b.ValueError: y")
    for declared in ("ValueError, a.ValueError", "a.ValueError, ValueError"):
        assert verdict("...\n", output, header=f"traceback: {declared}\n") is None, declared
    report = verdict("...\n", output, header="traceback: ValueError, c.ValueError\n")
    assert problems(report) == [
        "'traceback: ValueError, c.ValueError' is declared, but the output has 2 "
        "traceback(s): output line 1 ended with a.ValueError, output line 4 ended with "
        "b.ValueError"
    ]


@pytest.mark.parametrize("count", [10, 11, 12])
def test_expect_a_traceback_report_lists_at_most_ten(count):
    output = traceback("ValueError: v") * count
    report = verdict("...\n", output, header="traceback: KeyError\n")
    shown = ", ".join(f"output line {3 * i + 1} ended with ValueError" for i in range(10))
    more = f", and {count - 10} more" if count > 10 else ""
    assert problems(report) == [
        f"'traceback: KeyError' is declared, but the output has {count} traceback(s): {shown}{more}"
    ]


@pytest.mark.parametrize("floating", ["Oops |", "Xfer |", "| Oops |"])
def test_expect_a_line_with_a_bar_is_no_exception_line(floating):
    """Only a group's leading ``|`` prefix is set aside: ``Oops |`` (another
    process's line) does not read ``Name`` and does not end the traceback."""
    output = traceback(f"{floating}\nValueError: v")
    assert verdict("...\n", output, header="traceback: ValueError\n") is None
    report = verdict("...\n", output, header="traceback: KeyError\n")
    assert problems(report)[0].endswith("output line 1 ended with ValueError")
