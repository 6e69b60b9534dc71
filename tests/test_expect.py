"""The expectation language: each construct accepts what it promises and no more."""

from itertools import permutations, product
from pathlib import Path
from types import SimpleNamespace

import pytest

from mpexamples.expect import (
    Checker,
    ExpectationError,
    abridge,
    check,
    decode,
    load,
    parse,
)


def outcome(output: str, returncode: int = 0, timed_out: bool = False, method: str = "fork"):
    return SimpleNamespace(
        output=output, returncode=returncode, timed_out=timed_out, timeout=3.0, start_method=method
    )


def verdict(body: str, output: str, header: str = "", **kwargs) -> str | None:
    expectation = parse(f"{header}---\n{body}", Path("demo.expect"))
    return check(expectation, outcome(output, **kwargs))


def checker(body: str, output: str) -> Checker:
    return Checker(parse(f"---\n{body}", Path("demo.expect")), outcome(output))


def steps(body: str, output: str) -> int:
    """The work ``check`` does on a passing output (a failing one adds the report's)."""
    work = checker(body, output)
    assert work.verdict() is None
    return work.steps


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
    assert verdict("a\n...\na\n", "a\n") is not None  # '...' never goes back


def test_a_group_takes_lines_from_where_it_starts_on():
    assert verdict("a\n(any order)\n(optional) b\n(end)\na\n", "a\n") is not None


def test_group_takes_any_order_but_each_line_once():
    body = "start\n(any order)\nx {int}\ny {int}\n(end)\nstop\n"
    assert verdict(body, "start\ny 2\nx 1\nstop\n") is None
    assert verdict(body, "start\nx 1\ny 2\nstop\n") is None
    assert verdict(body, "start\nx 1\nx 2\nstop\n") is not None  # y never came
    assert verdict(body, "start\nx 1\nstop\ny 2\n") is not None  # not a block


#: Patterns and lines for the exhaustive test of groups below.
GROUP_PATTERNS = ["a", "{word}", "(optional) a", "(optional) {int}"]
GROUP_LINES = ["a", "1", "b"]
FITS = {("a", "a"), ("{word}", "a"), ("{word}", "1"), ("{word}", "b"), ("{int}", "1")}


def pairs_up(patterns: tuple[str, ...], lines: tuple[str, ...]) -> bool:
    """The slow truth: some one-to-one pairing uses every line and required pattern."""
    for chosen in permutations(range(len(patterns)), len(lines)):
        unused = set(range(len(patterns))) - set(chosen)
        if all((patterns[p].removeprefix("(optional) "), line) in FITS
               for p, line in zip(chosen, lines, strict=True)) and all(
            patterns[p].startswith("(optional) ") for p in unused
        ):  # fmt: skip
            return True
    return False


def test_groups_agree_with_trying_every_pairing():
    """Every group of up to 3 patterns against every block of up to 3 lines."""
    for size in (1, 2, 3):
        for patterns in product(GROUP_PATTERNS, repeat=size):
            body = "\n".join(["(any order)", *patterns, "(end)"]) + "\n"
            for count in range(4):
                for lines in product(GROUP_LINES, repeat=count):
                    fits = checker(body, "".join(f"{line}\n" for line in lines)).mismatch()
                    assert (fits is None) == pairs_up(patterns, lines), (patterns, lines)


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


def test_every_required_line_of_a_group_must_come():
    body = "(any order)\na\n(optional) b\nc\n(end)\n"
    assert verdict(body, "c\nb\na\n") is None
    assert verdict(body, "a\nb\n") is not None  # c is missing
    assert verdict("(any order)\na\nb\nc\n(end)\n", "a\nb\na\n") is not None


def test_a_group_gives_up_when_lines_compete_for_patterns():
    assert verdict("(any order)\na\na\n{int}\n(end)\n", "a\na\na\n") is not None


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
    assert "killed by signal 1000" in verdict("a\n", "a\n", returncode=-1000)
    assert "timed out after 3 s" in verdict("a\n", "a\n", timed_out=True, returncode=None)


def test_tracebacks_must_be_declared_both_ways():
    output = "Process Process-1:\nTraceback (most recent call last):\nValueError: x\nok\n"
    assert "1 traceback(s)" in verdict("...\nok\n", output)
    assert verdict("...\nok\n", output, header="traceback: expected\n") is None
    report = verdict("ok\n", "ok\n", header="traceback: expected\n")
    assert report.startswith("- 'traceback: expected' is declared, but no traceback was printed\n")


def test_exception_group_tracebacks_count_too():
    output = "  + Exception Group Traceback (most recent call last):\n  | ExceptionGroup: x\n"
    assert "1 traceback(s)" in verdict("...\n", output)


def test_failure_report_has_a_readable_diff():
    report = verdict("pid {pid}\nend\n", "pid 42\nfinish\n")
    assert report.splitlines()[0].startswith("- output line 2 is 'finish', expected 'end'")
    assert " pid {pid}" in report  # matched lines show as their pattern
    assert "-end" in report and "+finish" in report


def test_failure_report_in_full():
    body = (
        "start {int}\n(optional) maybe\n(any order)\nx {int}\n{{pid}}\n(end)\nend\n(never) boom\n"
    )
    report = verdict(body, "start 1\nmaybe\n{pid}\nx 2\nboom\n", header="# why\n")
    assert report.splitlines() == [
        "- output line 5 'boom' matches the forbidden pattern '(never) boom' (demo.expect:10)",
        "- output line 5 is 'boom', expected 'end' (expectation line 9)",
        "",
        "--- expected (demo.expect)",
        "+++ actual output",
        "@@ -1,8 +1,5 @@",
        " start {int}",
        " (optional) maybe",
        "-(any order)",
        "+{{pid}}",
        " x {int}",
        "-{{pid}}",
        "-(end)",
        "-end",
        "-(never) boom",
        "+boom",
    ]


def test_failure_messages_name_the_lines():
    assert verdict("a\n", "a\nb\n") == "\n".join(
        ["- unexpected output from line 2 on: 'b'", "", "--- expected (demo.expect)",
         "+++ actual output", "@@ -1 +1,2 @@", " a", "+b"]
    )  # fmt: skip
    report = verdict("a\n(any order)\nb\n(end)\n", "a\nz\n")
    assert report.startswith(
        "- output line 2 is 'z', expected the lines of the '(any order)' group (expectation line 3)\n"
    )
    report = verdict("a\nb\n", "a\n")
    assert report.startswith("- output line 2 is the end of the output, expected 'b' (expectation")


def test_a_report_shows_all_of_an_output_up_to_300_lines_else_3_lines_of_context():
    body = "a\nb\nc\nd\ne\n...\nlast\n"
    for lines, hunk, left_out in [(300, "@@ -1,7 +1,300 @@", 5), (301, "@@ -3,5 +3,299 @@", 4)]:
        output = "a\nb\nc\nd\ne\n" + "".join(f"x{i}\n" for i in range(lines - 5))
        report = verdict(body, output).splitlines()
        assert report[4] == hunk
        assert report[-11] == f"[... {left_out} more diff lines ...]"  # then the last 10


def test_a_line_that_fits_a_pattern_shows_as_it():
    report = verdict("{{a}} {int}\n(optional) b\nc\n", "{a} 1\nb\nd\n")
    assert " {{a}} {int}" in report.splitlines() and " (optional) b" in report.splitlines()
    assert verdict("a {int}\n", "b\n").startswith(
        "- output line 1 is 'b', expected 'a {int}' (expectation line 2)\n"
    )


def test_load_reads_the_expectation_next_to_the_example(tmp_path):
    (tmp_path / "demo.expect").write_text("exit: 2\n---\nhi\n", encoding="utf-8")
    assert load(tmp_path / "demo.py").exit_code == 2
    with pytest.raises(ExpectationError, match=r"other\.expect: missing; every example needs"):
        load(tmp_path / "other.py")
    (tmp_path / "bad.expect").write_text("a\n", encoding="utf-8")
    with pytest.raises(ExpectationError, match=r"bad\.expect:1: no '---'"):
        load(tmp_path / "bad.py")


def test_a_report_without_a_diff_says_why():
    report = verdict("a\n", "a\n", returncode=2)
    assert report == (
        "- exit status 2, expected 0\n\n"
        "(the output lines fit the expectation; see the problems above)"
    )


def test_abridge_keeps_the_first_lines_and_the_last_ten():
    lines = [str(i) for i in range(25)]
    assert abridge(lines, 25, "[{lines} more]") == lines
    assert abridge(lines, 20, "[{lines} more]") == [*lines[:10], "[5 more]", *lines[15:]]


def test_the_checker_counts_its_work():
    """Each line tried on a pattern, each position carried, each pattern re-paired."""
    # 1 position; 'exact' tried on both patterns, then 'other'; 'other' takes
    # {any} from 'exact' in both pairings, which visits {any} once in each.
    assert steps("(any order)\n{any}\nexact\n(end)\n", "exact\nother\n") == 7
    # a: 1 position, 1 line tried; '...': 1 position; b: 3 positions, 2 lines tried.
    assert steps("a\n...\nb\n", "a\nx\nb\n") == 8
    # A failure: 1 position, 1 line tried; the report looks 'b' up by one prefix
    # size and tries no pattern on it; its diff takes the 1 + 1 lines of both sides.
    failing = checker("a {int}\n", "b\n")
    assert failing.verdict() is not None and failing.steps == 5


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
        ("exit: one\n---\na\n", "demo.expect:1: exit must be a number, got 'one'"),
        ("# c\n\ntimeout: 1:2\n---\na\n", "demo.expect:3: timeout must be a number, got '1:2'"),
        ("exit:\n---\na\n", "demo.expect:1: expected 'key: value', got 'exit:'"),
        ("traceback: yes please\n---\na\n", "demo.expect:1: traceback takes 'expected' or"),
        ("---\n(any order)\n(any order)\n", "demo.expect:3: '(any order)' groups do not nest"),
        ("---\n(any order)\n(end)\n", "demo.expect:3: empty '(any order)' group"),
        ("---\n(never) {pdi}\n", "demo.expect:2: unknown placeholder {pdi}; known: {pid}, {int},"),
        ("timeout: 0\n---\na\n", "timeout must be positive"),
        ("start-methods: vfork\n---\na\n", "unknown start method(s) ['vfork']"),
        ("---\n{pdi}\n", "demo.expect:2: unknown placeholder {pdi}"),
        ("---\na\n(any order)\na\n", "demo.expect:3: '(any order)' is never closed"),
        ("---\n(end)\n", "'(end)' without '(any order)'"),
        ("---\n(any order)\n...\n(end)\n", "'...' is not allowed inside a group"),
    ],
)
def test_malformed_expectations_name_file_and_line(source, message):
    with pytest.raises(ExpectationError, match=None) as error:
        parse(source, Path("demo.expect"))
    assert message in str(error.value)


def test_a_valid_header_sets_what_it_says():
    source = (
        "# c\n\nexit: 3\ntimeout: 0.5\nstart-methods: fork, spawn\ntraceback: expected\n---\na\n"
    )
    expectation = parse(source, Path("demo.expect"))
    assert (expectation.exit_code, expectation.timeout) == (3, 0.5)
    assert expectation.start_methods == ("fork", "spawn")
    assert expectation.traceback and expectation.source == source


def test_a_timeout_report_lists_what_still_ran():
    def report(*alive):
        outcome = SimpleNamespace(
            output="",
            returncode=None,
            timed_out=True,
            timeout=3.0,
            alive_at_timeout=alive,
            start_method="fork",
        )
        return check(parse("---\n...\n", Path("demo.expect")), outcome).splitlines()[0]

    start = "- timed out after 3 s; "
    assert report() == start + "the example and all its child processes were killed"
    assert report((7, "python x.py", 3.04)) == (
        start + "1 process was still running and was killed: 7 python x.py (3.0 s)"
    )
    assert report((7, "python x.py", 3.0), (8, "sleep 9", 2.96)) == (
        start + "2 processes were still running and were killed: "
        "7 python x.py (3.0 s), 8 sleep 9 (3.0 s)"
    )
    many = [(pid, "p", 1.0) for pid in range(1, 12)]
    shown = ", ".join(f"{pid} p (1.0 s)" for pid in range(1, 11))
    assert report(*many) == (
        start + f"11 processes were still running and were killed: {shown}, and 1 more"
    )
    assert report(*many[:10]).endswith(", 10 p (1.0 s)")  # all ten, no "more"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe-\x00", "demo.expect:1: the file is UTF-16 (it starts with a byte order mark)"),
        (b"\xfe\xff\x00-", "demo.expect:1: the file is UTF-16 (it starts with a byte order mark)"),
        (b"a\nb\nc\xe9\n", "demo.expect:3: not UTF-8 (byte 0xe9); save the file as UTF-8"),
        (b"a\nb\x00\nc\x00", "demo.expect:2: a NUL byte (is the file UTF-16?); save it as UTF-8"),
    ],
)
def test_decode_names_the_line_of_the_first_bad_byte(data, message):
    with pytest.raises(ExpectationError) as error:
        decode(data, Path("demo.expect"))
    assert str(error.value).startswith(message)


def test_decode_drops_a_utf8_byte_order_mark_at_the_start_only():
    assert decode(b"\xef\xbb\xbf---\nx\xef\xbb\xbf", Path("demo.expect")) == "---\nx\ufeff"


def test_load_names_the_file_it_could_not_use(tmp_path):
    (tmp_path / "demo.expect").mkdir()
    with pytest.raises(ExpectationError) as error:
        load(tmp_path / "demo.py")
    assert str(error.value) == f"{tmp_path / 'demo.expect'}: cannot be read: Is a directory"
    (tmp_path / "bad.expect").write_bytes(b"---\n\xe9\n")
    with pytest.raises(ExpectationError) as error:
        load(tmp_path / "bad.py")
    assert str(error.value).startswith(f"{tmp_path / 'bad.expect'}:2: not UTF-8")
    (tmp_path / "gone.expect").symlink_to(tmp_path / "nowhere")
    with pytest.raises(ExpectationError) as error:
        load(tmp_path / "gone.py")
    assert str(error.value) == (
        f"{tmp_path / 'gone.expect'}: a symbolic link to {tmp_path / 'nowhere'}, "
        "which does not exist"
    )
