"""The expectation language: each construct accepts what it promises and no more."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from mpexamples.expect import ExpectationError, check, parse


def outcome(output: str, returncode: int = 0, timed_out: bool = False):
    return SimpleNamespace(output=output, returncode=returncode, timed_out=timed_out, timeout=3.0)


def verdict(body: str, output: str, header: str = "", **kwargs) -> str | None:
    expectation = parse(f"{header}---\n{body}", Path("demo.expect"))
    return check(expectation, outcome(output, **kwargs))


def test_literal_lines_in_order():
    assert verdict("a\nb\n", "a\nb\n") is None
    assert "expected 'b'" in verdict("a\nb\n", "a\nc\n")
    assert "expected 'a'" in verdict("a\nb\n", "b\na\n")


def test_missing_and_extra_lines_fail():
    assert "the end of the output" in verdict("a\nb\n", "a\n")
    assert "unexpected output from line 2" in verdict("a\n", "a\nb\n")


@pytest.mark.parametrize(
    ("placeholder", "good", "bad"),
    [
        ("{pid}", "4242", "-1"),
        ("{int}", "-3", "3.0"),
        ("{float}", "0.53", "abc"),
        ("{ctime}", "Thu Dec  3 18:47:39 2015", "18:47:39"),
        ("{time}", "18:47:39.123", "later"),
        ("{address}", "0x7f3a", "7f3a"),
        ("{word}", "ForkPoolWorker-1", "two words"),
    ],
)
def test_placeholders_are_typed(placeholder, good, bad):
    assert verdict(f"x {placeholder} y\n", f"x {good} y\n") is None
    assert verdict(f"x {placeholder} y\n", f"x {bad} y\n") is not None


def test_any_and_escaped_braces():
    assert verdict("a {any} z\n", "a b c z\n") is None
    assert verdict("{{pid}} {'k': 1}\n", "{pid} {'k': 1}\n") is None
    assert verdict("{{pid}}\n", "42\n") is not None


def test_a_line_must_match_whole_not_just_start_with_the_pattern():
    assert "expected 'abc'" in verdict("abc\n", "abcd\n")
    assert "expected 'pid {pid}.'" in verdict("pid {pid}.\n", "pid 42. and more\n")
    assert verdict("(any order)\nx {int}\ny\n(end)\n", "y\nx 1 2\n") is not None
    assert verdict("...\n(never) boom\n(never) boom {int}\n", "boom!\nboom 1 2\n") is None
    # The report shows such a line as itself, not as the pattern it starts with.
    assert "+pid 42. and more" in verdict("pid {pid}.\n", "pid 42. and more\n")


def test_regex_characters_are_literal():
    assert verdict("[1, 4] (x)? *\n", "[1, 4] (x)? *\n") is None
    assert verdict("a.c\n", "abc\n") is not None


def test_skip_matches_any_number_of_lines():
    assert verdict("a\n...\nz\n", "a\nz\n") is None
    assert verdict("a\n...\nz\n", "a\nb\nc\nz\n") is None
    assert verdict("a\n...\nz\n", "a\nb\n") is not None


def test_group_takes_any_order_but_each_line_once():
    body = "start\n(any order)\nx {int}\ny {int}\n(end)\nstop\n"
    assert verdict(body, "start\ny 2\nx 1\nstop\n") is None
    assert verdict(body, "start\nx 1\ny 2\nstop\n") is None
    assert verdict(body, "start\nx 1\nx 2\nstop\n") is not None  # y never came
    assert verdict(body, "start\nx 1\nstop\ny 2\n") is not None  # not a block


def test_group_matching_is_not_greedy():
    # The first line fits both patterns; a greedy pairing would fail.
    body = "(any order)\n{any}\nexact\n(end)\n"
    assert verdict(body, "exact\nother\n") is None


def test_optional_lines():
    body = "(any order)\nend!\n(optional) work start\n(end)\n"
    assert verdict(body, "end!\n") is None
    assert verdict(body, "work start\nend!\n") is None
    assert verdict(body, "end!\nwork start\nwork start\n") is not None
    assert verdict("a\n(optional) b\nc\n", "a\nc\n") is None


def test_an_optional_line_in_a_group_never_stands_in_for_a_required_one():
    body = "(any order)\nneeded\n(optional) maybe\n(end)\n"
    assert verdict(body, "maybe\nneeded\n") is None
    assert "expected the lines of the '(any order)' group" in verdict(body, "maybe\n")
    assert verdict(body, "maybe\nmaybe\n") is not None


def test_never_lines_fail_wherever_they_match():
    body = "...\n(never) work end: {any}\n"
    assert verdict(body, "end!\n") is None
    report = verdict(body, "end!\nwork end: now\n")
    assert "forbidden pattern '(never) work end: {any}'" in report


def test_exit_status_and_signals():
    assert "exit status 1, expected 0" in verdict("a\n", "a\n", returncode=1)
    assert verdict("a\n", "a\n", header="exit: 1\n", returncode=1) is None
    assert "exit status 0, expected 1" in verdict("a\n", "a\n", header="exit: 1\n")
    assert "killed by SIGKILL" in verdict("a\n", "a\n", returncode=-9)
    assert "timed out after 3 s" in verdict("a\n", "a\n", timed_out=True, returncode=None)


def test_tracebacks_must_be_declared_both_ways():
    output = "Process Process-1:\nTraceback (most recent call last):\nValueError: x\nok\n"
    assert "1 traceback(s)" in verdict("...\nok\n", output)
    assert verdict("...\nok\n", output, header="traceback: expected\n") is None
    assert "no traceback was printed" in verdict("ok\n", "ok\n", header="traceback: expected\n")


def test_exception_group_tracebacks_count_too():
    output = "  + Exception Group Traceback (most recent call last):\n  | ExceptionGroup: x\n"
    assert "1 traceback(s)" in verdict("...\n", output)


def test_failure_report_has_a_readable_diff():
    report = verdict("pid {pid}\nend\n", "pid 42\nfinish\n")
    assert report.splitlines()[0].startswith("- output line 2 is 'finish', expected 'end'")
    assert " pid {pid}" in report  # matched lines show as their pattern
    assert "-end" in report and "+finish" in report


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("a\nb\n", "demo.expect:2: no '---' line"),
        ("# c\n---\n \n", "demo.expect:2: the body below '---' is empty"),
        ("exit: 1\nexit: 2\n---\na\n", "demo.expect:2: 'exit' given twice"),
        ("timeout: nan\n---\na\n", "timeout must be positive and finite"),
        ("timeout: inf\n---\na\n", "timeout must be positive and finite"),
        ("start-methods: ,\n---\na\n", "unknown start method(s) ','"),
        ("colour: red\n---\na\n", "demo.expect:1: unknown key 'colour'"),
        ("exit: one\n---\na\n", "exit must be a number"),
        ("timeout: 0\n---\na\n", "timeout must be positive"),
        ("start-methods: vfork\n---\na\n", "unknown start method(s) ['vfork']"),
        ("---\n{pdi}\n", "demo.expect:2: unknown placeholder {pdi}"),
        ("---\n(any order)\na\n", "never closed"),
        ("---\n(end)\n", "'(end)' without '(any order)'"),
        ("---\n(any order)\n...\n(end)\n", "'...' is not allowed inside a group"),
    ],
)
def test_malformed_expectations_name_file_and_line(source, message):
    with pytest.raises(ExpectationError, match=None) as error:
        parse(source, Path("demo.expect"))
    assert message in str(error.value)
