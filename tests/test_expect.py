"""The expectation language: each construct accepts what it promises and no more."""

from itertools import permutations, product
from pathlib import Path
from types import SimpleNamespace

import pytest

from mpexamples.expect import (
    DEFAULT_TIMEOUT,
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


def test_exit_and_traceback_lines_for_some_start_methods_only():
    """'(spawn, forkserver) exit: 1' holds under those methods; others keep the default."""
    tb = "Traceback (most recent call last):\n  x\nRuntimeError: boom\n"
    header = "(spawn, forkserver) exit: 1\n(spawn, forkserver) traceback: RuntimeError\n"
    assert verdict("...\n", "ok\n", header=header, method="fork") is None
    assert verdict("...\n", tb, header=header, method="spawn", returncode=1) is None
    assert "exit status 0, expected 1" in verdict("...\n", tb, header=header, method="spawn")
    assert "no traceback was printed" in verdict(
        "...\n", "ok\n", header=header, method="forkserver", returncode=1
    )
    assert "1 traceback(s)" in verdict("...\n", tb, header=header, method="fork", returncode=1)
    # A method's line overrides the default, names and all.
    both = "traceback: KeyError\n(spawn) traceback: expected\n"
    assert verdict("...\n", tb, header=both, method="spawn") is None
    assert "KeyError" in verdict("...\n", tb, header=both, method="fork")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("(spawn) timeout: 3\n", "demo.expect:1: a header line takes no prefix but start methods"),
        ("(optional) exit: 1\n", "demo.expect:1: a header line takes no prefix but start methods"),
        ("(spawn) exit: 1\n(fork, spawn) exit: 2\n", "demo.expect:2: '(spawn) exit' given twice"),
        ("(vfork) exit: 1\n", "demo.expect:1: unknown key '(vfork) exit'"),
    ],
)
def test_malformed_per_method_header_lines(header, message):
    with pytest.raises(ExpectationError) as error:
        parse(header + "---\na\n", Path("demo.expect"))
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


# -- strands: order within each process ---------------------------------------

STRANDS = "(interleaved)\nwait\n(and)\nrun 0\ndone 0\n(and)\nrun 1\ndone 1\n(end)\nall done\n"


def test_strands_take_every_interleaving_that_keeps_each_strands_order():
    lines = ["wait", "run 0", "done 0", "run 1", "done 1"]
    for order in permutations(lines):
        keeps = order.index("run 0") < order.index("done 0") and order.index("run 1") < order.index(
            "done 1"
        )
        output = "".join(f"{line}\n" for line in order) + "all done\n"
        assert (verdict(STRANDS, output) is None) == keeps, order
    # The block ends only where every strand is done.
    assert verdict(STRANDS, "wait\nrun 0\ndone 0\nall done\n") is not None


def test_a_strand_line_that_no_strand_waits_for_is_reported_with_what_each_waited_for():
    report = verdict(STRANDS, "run 0\ndone 1\n")
    assert report.splitlines()[0] == (
        "- output line 2 is 'done 1', which no strand of the '(interleaved)' block "
        "(expectation line 2) was waiting for: strand 1 waited for 'wait' (line 3); "
        "strand 2 waited for 'done 0' (line 6); strand 3 waited for 'run 1' (line 8)"
    )
    report = verdict(STRANDS, "wait\nrun 0\ndone 0\n")
    assert report.splitlines()[0] == (
        "- the output ended inside the '(interleaved)' block (expectation line 2): "
        "strand 1 was done; strand 2 was done; strand 3 waited for 'run 1' (line 8)"
    )


def test_each_line_goes_to_the_first_strand_whose_next_pattern_it_fits():
    # 'y' fits strand 1's {word} first, so strand 2 never gets it: a dealing,
    # not a search.  Listing the most specific strand first fixes it.
    assert verdict("(interleaved)\n{word}\nx\n(and)\ny\n(end)\n", "y\na\nx\n") is not None
    assert verdict("(interleaved)\ny\n(and)\n{word}\nx\n(end)\n", "y\na\nx\n") is None


def test_a_strands_skip_takes_only_lines_no_strand_waits_for():
    body = (
        "(interleaved)\nTraceback\n...\nValueError: boom\n(and)\nparent 1\nparent 2\n(end)\nend\n"
    )
    output = "parent 1\nTraceback\n  File x\nparent 2\n  code\nValueError: boom\nend\n"
    assert verdict(body, output) is None
    # 'end' is no strand's next line, so the '...' takes it: the block never ends.
    assert verdict(body, "Traceback\nparent 1\nend\nparent 2\nValueError: boom\n") is not None


def test_strands_hold_optional_lines_repeats_alternatives_and_method_lines():
    body = (
        "(interleaved)\n(optional) maybe\n(2 times) tick\nlast\n(or) final\n"
        "(and)\n(spawn) respawned\nother\n(end)\n"
    )
    assert verdict(body, "tick\nother\ntick\nfinal\n") is None
    assert verdict(body, "maybe\ntick\ntick\nother\nlast\n") is None
    assert verdict(body, "tick\nother\nlast\n") is not None  # one tick short
    assert verdict(body, "respawned\ntick\ntick\nother\nlast\n") is not None
    spawned = check(parse("---\n" + body, Path("demo.expect")), outcome("", method="spawn"))
    assert "strand 2 waited for 'respawned' (line 8)" in spawned
    spawn_output = "tick\nrespawned\ntick\nother\nlast\n"
    assert (
        check(parse("---\n" + body, Path("demo.expect")), outcome(spawn_output, method="spawn"))
        is None
    )


def test_a_strands_block_ends_wherever_every_strand_can_be_done():
    body = "(interleaved)\na\n(optional) b\n(and)\nc\n(end)\nb\n"
    assert verdict(body, "a\nc\nb\n") is None  # b may be the strand's or the next line
    assert verdict(body, "c\na\nb\nb\n") is None
    assert verdict(body, "a\nc\n") is not None


def test_strands_after_a_skip_start_at_any_line():
    body = "...\n(interleaved)\nx {int}\n(and)\ny\n(end)\nz\n"
    assert verdict(body, "q\nx 1\nq\ny\nz\n") is not None  # not one block
    assert verdict(body, "q\nq\ny\nx 1\nz\n") is None


# -- repeats, alternatives, start methods -------------------------------------


def test_repeat_counts_write_the_pattern_out():
    assert verdict("(3 times) tick\n", "tick\ntick\ntick\n") is None
    assert "expected 'tick'" in verdict("(3 times) tick\n", "tick\ntick\n")
    assert verdict("(3 times) tick\n", "tick\ntick\ntick\ntick\n") is not None
    for count in range(5):
        output = "tick\n" * count + "end\n"
        assert (verdict("(1 to 3 times) tick\nend\n", output) is None) == (1 <= count <= 3)
        assert (verdict("(0 to 2 times) tick\nend\n", output) is None) == (count <= 2)
    group = "(any order)\n(2 times) w {int}\nparent\n(end)\n"
    assert verdict(group, "w 1\nparent\nw 2\n") is None
    assert verdict(group, "w 1\nparent\n") is not None


def test_alternatives_fit_either_line_and_share_the_prefixes():
    body = "a\n(optional) yes\n(or) no\n(or) maybe {int}\nz\n"
    for middle in ["", "yes\n", "no\n", "maybe 3\n"]:
        assert verdict(body, f"a\n{middle}z\n") is None, middle
    assert verdict(body, "a\nyes\nno\nz\n") is not None  # one line, not two
    assert "expected 'yes (or) no (or) maybe {int}'" in verdict(
        "yes\n(or) no\n(or) maybe {int}\n", "x\n"
    )
    assert verdict("(2 times) a\n(or) b\n", "b\na\n") is None
    assert verdict("...\n(never) bad\n(or) worse\n", "worse\n") is not None


def test_a_line_for_some_start_methods_is_not_written_under_the_others():
    body = "start\n(spawn, forkserver) reload\n(optional) (forkserver) server\nend\n"
    assert verdict(body, "start\nend\n") is None  # fork
    assert verdict(body, "start\nreload\nend\n") is not None
    for method in ("spawn", "forkserver"):
        assert (
            check(parse("---\n" + body, Path("d")), outcome("start\nreload\nend\n", method=method))
            is None
        )
    assert check(
        parse("---\n" + body, Path("d")), outcome("start\nreload\nserver\nend\n", method="spawn")
    )
    # Prefixes go in any order; a never line may belong to some methods too.
    assert parse("---\n(spawn) (optional) a\n(optional) (spawn) b\n", Path("d")).items[1].optional
    assert verdict("...\n(spawn) (never) boom\n", "boom\n") is None
    assert check(
        parse("---\n...\n(never) (spawn) boom\n", Path("d")), outcome("boom\n", method="spawn")
    )


def test_the_diff_shows_the_body_as_parsed_for_the_runs_method():
    body = "(2 to 3 times) tick\nyes\n(or) no\n(spawn) reload\n(fork) forked\nend\n"
    report = verdict(body, "tick\ntick\ntick\nno\nforked\nstop\n")
    assert report.splitlines()[4:] == [
        "@@ -1,6 +1,6 @@",
        " tick",
        " tick",
        " (optional) tick",
        " yes (or) no",
        " forked",
        "-end",
        "+stop",
    ]


# -- captured values ------------------------------------------------------------


def test_a_plain_name_keeps_one_value():
    body = "parent {pid:parent}\nchild of {pid:parent}\n"
    assert verdict(body, "parent 41\nchild of 41\n") is None
    assert verdict(body, "parent 41\nchild of 42\n").splitlines()[0] == (
        "- output line 2 gives parent = 42, but line 1 gave parent = 41 (expectation line 3)"
    )


def test_a_collecting_name_counts_its_values():
    body = "(any order)\n(2 to 5 times) run ({pid:worker*})\n(end)\n"
    for header, values, fits in [
        ("values of worker: at most 2", "1 2 1", True),
        ("values of worker: at most 2", "1 2 3", False),
        ("values of worker: at least 2", "1 1", False),
        ("values of worker: exactly 3", "1 2 3 3", True),
        ("values of worker: 2 to 3", "1 2 3 4", False),
        ("values of worker*: 2 to 3", "4 4 3", True),
    ]:
        output = "".join(f"run ({v})\n" for v in values.split())
        assert (verdict(body, output, header=header + "\n") is None) == fits, (header, values)
    report = verdict(body, "run (7)\nrun (8)\nrun (9)\n", header="values of worker: at most 2\n")
    assert report.splitlines()[0] == (
        "- worker took 3 different value(s) (7, 8, 9), but the header says "
        "'values of worker: at most 2' (expectation line 1)"
    )


def test_distinct_names_differ_pairwise():
    header = "# c\ndistinct: parent, child\n"
    body = "p {pid:parent}\nc {pid:child}\n"
    assert verdict(body, "p 1\nc 2\n", header=header) is None
    assert verdict(body, "p 1\nc 1\n", header=header).splitlines()[0] == (
        "- parent and child are both 1 (output lines 1 and 2), but "
        "'distinct: parent, child' says they differ (expectation line 2)"
    )


def test_captures_follow_one_alignment_through_groups_and_strands():
    group = "(any order)\nA {int:a}\nB {int:b}\n(end)\nA {int:a} B {int:b}\n"
    assert verdict(group, "B 2\nA 1\nA 1 B 2\n") is None
    assert "gives b = 3, but line 1 gave b = 2" in verdict(group, "B 2\nA 1\nA 1 B 3\n")
    strands = "(interleaved)\nx {int:x}\n(optional) x again {int:x}\n(and)\ny\n(end)\n"
    assert verdict(strands, "x 1\ny\nx again 1\n") is None
    assert "output line 3 gives x = 2, but line 1 gave x = 1" in verdict(
        strands, "x 1\ny\nx again 2\n"
    )
    # A group's pairing gives each required pattern a line before optional ones get any.
    body = "(any order)\n(optional) {word:o}\n{word:r}\n(end)\nr {word:r}\n"
    assert verdict(body, "q\nr q\n", header="distinct: o, r\n") is None
    # Another '(or)' alternative may capture other names.
    assert verdict("a {int:n}\n(or) b {word:w}\na {int:n}\n", "b q\na 5\n") is None


# -- no output, literal characters ---------------------------------------------


def test_no_output_means_no_lines():
    assert verdict("(no output)\n", "") is None
    assert verdict("(no output)\n", "\n \n") is None  # blank lines at the end are no lines
    assert verdict("(no output)\n", "x\n").splitlines()[0] == (
        "- output line 1 is 'x', expected no output (expectation line 2)"
    )


def test_lbrace_rbrace_and_lparen_are_literal_characters():
    assert verdict("{lbrace}{int}{rbrace}\n", "{5}\n") is None
    assert verdict("{lbrace}{int}{rbrace}\n", "5\n") is not None
    assert verdict("{lparen}optional) x\n", "(optional) x\n") is None
    assert verdict("{lparen}optional) x\n", "x\n") is not None
    assert verdict("{{lbrace}} {{pid:x}}\n", "{lbrace} {pid:x}\n") is None
    assert verdict("{lbrace}'pid': {pid:p}{rbrace} {pid:p}\n", "{'pid': 4} 4\n") is None


# -- exit by signal, named tracebacks ------------------------------------------


def test_an_example_may_be_declared_to_die_of_a_signal():
    for header in ("exit: SIGKILL\n", "exit: -9\n"):
        assert verdict("a\n", "a\n", header=header, returncode=-9) is None
        assert verdict("a\n", "a\n", header=header).startswith(
            "- exit status 0, expected death by SIGKILL\n"
        )
        assert verdict("a\n", "a\n", header=header, returncode=-15).startswith(
            "- the example was killed by SIGTERM, expected death by SIGKILL\n"
        )
    assert "killed by SIGKILL" in verdict("a\n", "a\n", header="exit: 1\n", returncode=-9)


TRACEBACKS = (
    "Process Process-1:\nTraceback (most recent call last):\n"
    '  File "x.py", line 1, in f\n    {}["k"]\nKeyError: \'k\'\n\n'
    "The above exception was the direct cause of the following exception:\n\n"
    'Traceback (most recent call last):\n  File "x.py", line 3\nmod.LookupFailed: k\n'
    "parent: waiting\n"
    "  + Exception Group Traceback (most recent call last):\n"
    '  |   File "x.py", line 5\n  | ExceptionGroup: two (2 sub-exceptions)\n'
    "  +-+---------------- 1 ----------------\n    | Traceback (most recent call last):\n"
    "    | ValueError: a\n    +------------------------------------\n"
    'Traceback (most recent call last):\n  File "y.py"\nparent: waiting\nValueError: v\n'
)


def test_traceback_names_the_exception_each_traceback_ends_with():
    body = "...\n"
    for declared, fits in [
        ("ValueError, LookupFailed, ExceptionGroup", True),
        ("ExceptionGroup, mod.LookupFailed, ValueError", True),
        ("ValueError, KeyError, ExceptionGroup", False),  # the chain ends with LookupFailed
        ("ValueError, other.LookupFailed, ExceptionGroup", False),
        ("ValueError, LookupFailed", False),
        ("ValueError, ValueError, LookupFailed, ExceptionGroup", False),
        ("expected", True),
    ]:
        report = verdict(body, TRACEBACKS, header=f"traceback: {declared}\n")
        assert (report is None) == fits, (declared, report)
    report = verdict(body, TRACEBACKS, header="traceback: ValueError, KeyError, ExceptionGroup\n")
    assert report.splitlines()[0] == (
        "- 'traceback: ValueError, KeyError, ExceptionGroup' is declared, but the output has "
        "3 traceback(s): output line 2 ended with mod.LookupFailed, output line 13 ended "
        "with ExceptionGroup, output line 20 ended with ValueError"
    )
    report = verdict(body, "Traceback (most recent call last):\n", header="traceback: E\n")
    assert "output line 1 ended with no exception line" in report
    report = verdict(body, "ok\n", header="traceback: E\n")
    assert report.startswith("- 'traceback: E' is declared, but no traceback was printed")


# -- the new syntax's errors ---------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("---\n(0 times) a\n", "demo.expect:2: repeat count (0 times): need N to M with M >= N"),
        ("---\n(3 to 2 times) a\n", "demo.expect:2: repeat count (3 to 2 times)"),
        ("---\n(1001 times) a\n", "M <= 1000"),
        ("---\n(optional) (2 times) a\n", "demo.expect:2: '(optional)' and a repeat count"),
        ("---\n(2 times) (3 times) a\n", "demo.expect:2: two repeat prefixes"),
        ("---\n(spawn) (fork) a\n", "demo.expect:2: two methods prefixes"),
        ("---\n(spawn, frk) a\n", "demo.expect:2: unknown start method(s) ['frk'] in (spawn, frk)"),
        ("---\n(or) a\n", "demo.expect:2: '(or)' with no pattern line right above it"),
        ("---\n...\n(or) a\n", "demo.expect:3: '(or)' with no pattern line right above it"),
        ("---\n(any order)\n(or) a\n(end)\n", "demo.expect:3: '(or)' with no pattern line"),
        ("---\na\n(or) (optional) b\n", "demo.expect:3: an '(or)' line takes no prefix"),
        ("---\n(never) (2 times) a\n", "demo.expect:2: a '(never)' line takes no count"),
        ("---\n(never) {pid:p}\n", "demo.expect:2: a '(never)' line captures no names"),
        ("---\n(never) a\n(or) {pid:p}\n", "demo.expect:3: a '(never)' line captures no names"),
        ("---\n{pid:p}\n{pid:p*}\n", "demo.expect:3: {…:p*}, but line 2 uses 'p'"),
        ("---\n{lbrace:x}\n", "demo.expect:2: {lbrace} is a literal character; it takes no name"),
        ("---\n{pdi:x}\n", "demo.expect:2: unknown placeholder {pdi}"),
        ("distinct: a, b\n---\n{pid:a}\n", "demo.expect:1: distinct names 'b', but no placeholder"),
        ("distinct: a, b\n---\n{pid:a}\n{pid:b*}\n", "demo.expect:1: distinct names 'b'"),
        ("distinct: a\n---\n{pid:a}\n", "demo.expect:1: distinct takes two or more different"),
        ("distinct: a, a*\n---\n{pid:a}\n", "demo.expect:1: 'a*' is not a name of single"),
        ("\nvalues of w: at most 2\n---\n{pid:v*}\n", "demo.expect:2: 'values of w' names no"),
        (
            "values of w: at most 2\n---\n{pid:w}\n",
            "demo.expect:1: 'values of w' names no collecting",
        ),
        (
            "values of w: many\n---\n{pid:w*}\n",
            "demo.expect:1: expected 'values of NAME: at most N'",
        ),
        (
            "values of w: 3 to 2\n---\n{pid:w*}\n",
            "demo.expect:1: 3 to 2: the second number is smaller",
        ),
        ("exit: SIGFOO\n---\na\n", "demo.expect:1: unknown signal 'SIGFOO'"),
        ("exit: -1000\n---\na\n", "demo.expect:1: no signal 1000 (exit: -1000)"),
        ("traceback: Value Error\n---\na\n", "demo.expect:1: traceback takes 'expected' or"),
        ("---\n(interleaved)\na\n(end)\n", "demo.expect:4: '(interleaved)' needs two or more"),
        ("---\n(interleaved)\na\n(and)\n(end)\n", "demo.expect:5: a strand without a pattern"),
        ("---\n(interleaved)\n...\n(and)\nb\n(end)\n", "demo.expect:4: a strand without a pattern"),
        ("---\n(interleaved)\na\n(and)\n(any order)\n", "demo.expect:5: '(any order)' inside"),
        (
            "---\n(any order)\n(interleaved)\n",
            "demo.expect:3: '(interleaved)' inside '(any order)'",
        ),
        ("---\n(and)\n", "demo.expect:2: '(and)' outside '(interleaved)'"),
        ("---\n(interleaved)\na\n", "demo.expect:2: '(interleaved)' is never closed by '(end)'"),
        ("---\na\n(no output)\n", "demo.expect:3: '(no output)' must be the whole body"),
        ("---\n(optional) ...\n", "demo.expect:2: '...' takes no prefix but start methods"),
        ("---\n", "demo.expect:1: the body below '---' is empty; write '(no output)'"),
    ],
)
def test_malformed_new_syntax_names_file_and_line(source, message):
    with pytest.raises(ExpectationError) as error:
        parse(source, Path("demo.expect"))
    assert message in str(error.value)


def test_the_default_timeout_lives_with_the_parser():
    assert parse("---\na\n", Path("d")).timeout == DEFAULT_TIMEOUT == 30.0


def test_a_literal_line_in_parentheses_is_not_a_prefix():
    expectation = parse("---\n(x) y\n(1, 2) sent\n(fork)\n", Path("d"))
    assert [p.text for p in expectation.items] == ["(x) y", "(1, 2) sent", "(fork)"]


# -- the new constructs' work ----------------------------------------------------


def test_strands_work_is_counted_and_linear():
    body = "...\n(interleaved)\nx {int}\n...\nz\n(and)\n(optional) y\nw\n(end)\nend\n"

    def work(n: int) -> int:
        filler = "".join(f"f{i}\n" for i in range(n))
        return steps(body, filler + "x 1\n" + filler + "w\nz\nend\n")

    small, large = work(1000), work(2000)
    assert small <= 40 * 2000
    assert large <= 2.1 * small
    # The count: 1 position carried; 2 + 1 strand positions planned; 4 dealing
    # nodes (one per line, one at the end); 4 tries: 'a' on strand 1's 'a',
    # 'b' on strand 1's 'c' then strand 2's 'b', 'c' on strand 1's 'c'.
    assert steps("(interleaved)\na\nc\n(and)\nb\n(end)\n", "a\nb\nc\n") == 12


def test_each_alternative_tried_is_a_step():
    # 1 position carried; 'b' tried on 'a', then on 'b'.
    assert steps("a\n(or) b\n", "b\n") == 3
    # Under fork the spawn line is not there: 1 position, 1 try.
    assert steps("(spawn) s\nx\n", "x\n") == 2


def test_repeats_and_captures_work_is_linear():
    body = "(1 to 1000 times) w {pid:w*}\n...\n"

    def work(n: int) -> int:
        return steps(body, "".join(f"w {i + 1}\n" for i in range(n)))

    assert work(1000) <= 2.2 * work(500)
    assert work(1000) <= 3 * 1000 * 1000  # 1000 copies, each carrying <= 1001 positions
