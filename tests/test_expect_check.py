"""The checker's promises, case by case: strands dealing, captures on one
alignment, the report's text and the work it counts (``Checker.steps``).

Pure checker calls on made-up outputs, no runs.  Each test names the
promise it holds (the README's "How expectations work", the ``Checker``
docstrings); ``tox -e mutation`` found each gap these close.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from mpexamples.expect import Checker, check, parse


def outcome(output: str, method: str = "fork") -> SimpleNamespace:
    return SimpleNamespace(
        output=output, returncode=0, timed_out=False, timeout=3.0, start_method=method
    )


def verdict(body: str, output: str, header: str = "") -> str | None:
    return check(parse(f"{header}---\n{body}", Path("demo.expect")), outcome(output))


def problems(body: str, output: str, header: str = "") -> list[str]:
    """The report's problem lines (those before the diff)."""
    report = verdict(body, output, header)
    assert report is not None
    return report.split("\n\n")[0].splitlines()


def checker(body: str, output: str, header: str = "") -> Checker:
    return Checker(parse(f"{header}---\n{body}", Path("demo.expect")), outcome(output))


def steps(body: str, output: str, header: str = "") -> int:
    """The work of a passing check."""
    work = checker(body, output, header)
    assert work.verdict() is None
    return work.steps


def lines(*texts: str) -> str:
    return "".join(f"{text}\n" for text in texts)


# -- strands: the dealing ---------------------------------------------------------


def test_expect_a_strand_may_be_at_several_positions_at_once():
    # After the first 'a' the strand may be past its optional 'a' or past
    # both: the second 'a' is its own again.
    body = "(interleaved)\n(optional) a\na\n(and)\nb\n(end)\n"
    assert verdict(body, lines("a", "a", "b")) is None
    assert verdict(body, lines("a", "b")) is None
    assert verdict(body, lines("a", "a", "a", "b")) is not None


def test_expect_a_skip_keeps_every_position_it_may_be_at():
    # After 'x' strand 1 may be in either '...', so it is still waiting for
    # its optional 'a': the first strand whose next line fits takes it, and
    # strand 2 never gets one.
    body = "(interleaved)\n...\n(optional) a\n...\nb\n(and)\na\n(end)\n"
    assert problems(body, lines("x", "a", "b")) == [
        "- the output ended inside the '(interleaved)' block (expectation line 2): "
        "strand 1 was done; strand 2 waited for 'a' (line 8)"
    ]
    assert verdict(body, lines("x", "a", "a", "b")) is None


def test_expect_a_skip_takes_a_line_only_where_the_strand_is():
    # Past its 'a', strand 1's '...' does not make 'a' its next line again:
    # the second 'a' is strand 2's.
    body = "(interleaved)\na\n...\nz\n(and)\na\n(end)\n"
    assert verdict(body, lines("a", "x", "a", "z")) is None


def test_expect_a_skip_in_one_strand_leaves_the_others_waiting():
    body = "(interleaved)\na\n...\nz\n(and)\nb\n(and)\nc\n(end)\n"
    assert problems(body, lines("a", "x", "z")) == [
        "- the output ended inside the '(interleaved)' block (expectation line 2): "
        "strand 1 was done; strand 2 waited for 'b' (line 7); strand 3 waited for 'c' (line 9)"
    ]
    assert verdict(body, lines("a", "x", "c", "b", "z")) is None


def test_expect_a_stuck_strand_lists_every_line_it_could_take_next():
    body = "(interleaved)\n(optional) a\nb\n(and)\nc\n(end)\n"
    assert problems(body, lines("q")) == [
        "- output line 1 is 'q', which no strand of the '(interleaved)' block "
        "(expectation line 2) was waiting for: strand 1 waited for 'a' (line 3) or "
        "'b' (line 4); strand 2 waited for 'c' (line 6)"
    ]


def test_expect_strands_start_at_each_reachable_position_even_after_a_gap():
    # '{int}' fits lines 1 and 3, so the block may start at line 2 or 4: the
    # dealing from line 2 dies at once, the one from line 4 fits.
    body = "...\n{int}\n(interleaved)\na\n(and)\nb\n(end)\n"
    assert verdict(body, lines("1", "x", "2", "a", "b")) is None


def test_expect_a_stuck_dealing_does_not_stop_another_at_the_same_line():
    # The block may start at line 1 or 2.  At line 2 the dealing from line 1
    # is stuck (its 'a' is taken), the one from line 2 goes on and fits.
    body = "(optional) a\n(interleaved)\na\n(and)\nb\n(end)\n"
    assert verdict(body, lines("a", "a", "b")) is None


def test_expect_the_report_describes_the_first_dealing_that_got_furthest():
    # Both dealings (from line 1 and from line 2) are stuck at line 2: the
    # report shows the one that started first.
    body = "(optional) a\n(interleaved)\na\n(and)\nb\n(end)\n"
    assert problems(body, lines("a", "q")) == [
        "- output line 2 is 'q', which no strand of the '(interleaved)' block "
        "(expectation line 3) was waiting for: strand 1 was done; "
        "strand 2 waited for 'b' (line 6)"
    ]


# -- captures: one alignment, the first found -------------------------------------

STRANDS_BETWEEN = "a {int:n}\n(interleaved)\nx {int:n}\n(and)\ny\n(end)\nz {int:n}\n"


def test_expect_captures_see_the_lines_before_in_and_after_a_strands_block():
    assert verdict(STRANDS_BETWEEN, lines("a 1", "y", "x 1", "z 1")) is None
    assert problems(STRANDS_BETWEEN, lines("a 1", "y", "x 1", "z 2")) == [
        "- output line 4 gives n = 2, but line 1 gave n = 1 (expectation line 8)"
    ]
    assert problems(STRANDS_BETWEEN, lines("a 1", "y", "x 2", "z 1")) == [
        "- output line 3 gives n = 2, but line 1 gave n = 1 (expectation line 4)"
    ]


def test_expect_captures_follow_a_strand_back_through_its_skip():
    # The only alignment: 'x 1' is the optional line, 'q' the second '...'.
    body = "(interleaved)\n...\n(optional) x {int:n}\n...\ny {int:n}\n(and)\nw\n(end)\n"
    assert verdict(body, lines("x 1", "q", "w", "y 1")) is None
    assert problems(body, lines("x 1", "q", "w", "y 2")) == [
        "- output line 4 gives n = 2, but line 1 gave n = 1 (expectation line 6)"
    ]


def test_expect_captures_take_the_strand_line_that_leads_to_the_end():
    # 'v 1' fits both 'v' lines, but only the required one lets 'end 2' come
    # after a '...': the alignment gives m = 1, then m = 2.
    body = (
        "(interleaved)\n(optional) v {int:n}\n...\nv {int:m}\n...\nend {int:m}\n(and)\nw\n(end)\n"
    )
    assert problems(body, lines("v 1", "q", "w", "end 2")) == [
        "- output line 4 gives m = 2, but line 1 gave m = 1 (expectation line 7)"
    ]
    # Here the required 'v' must take 'v 1': the optional one would leave it waiting.
    body = "(interleaved)\n(optional) v {int:n}\nv {int:m}\n(and)\nw\n(end)\nm is {int:m}\n"
    assert verdict(body, lines("v 1", "w", "m is 1")) is None
    assert problems(body, lines("v 1", "w", "m is 2")) == [
        "- output line 3 gives m = 2, but line 1 gave m = 1 (expectation line 8)"
    ]


def test_expect_captures_of_a_strand_keep_each_line_on_its_own_pattern():
    body = "(interleaved)\nv {int:n}\n(optional) v {int:m}\n(and)\nw\n(end)\n"
    header = "distinct: n, m\n"
    assert verdict(body, lines("v 1", "w", "v 2"), header) is None
    assert problems(body, lines("v 1", "w", "v 1"), header) == [
        "- n and m are both 1 (output lines 1 and 3), but 'distinct: n, m' says they "
        "differ (expectation line 1)"
    ]


def test_expect_a_skipped_optional_line_captures_nothing():
    body = "(optional) v {int:n}\nv {int:m}\n"
    assert verdict(body, lines("v 1"), "distinct: n, m\n") is None


def test_expect_captures_in_a_group_after_other_lines():
    body = "first\n(any order)\nA {int:a}\nB {int:b}\n(end)\nA {int:a} B {int:b}\n"
    assert verdict(body, lines("first", "B 2", "A 1", "A 1 B 2")) is None
    assert problems(body, lines("first", "B 2", "A 1", "A 1 B 3")) == [
        "- output line 4 gives b = 3, but line 2 gave b = 2 (expectation line 7)"
    ]


def test_expect_an_optional_group_line_that_took_a_line_captures_it():
    body = "(any order)\n(optional) o {int:o}\nr {int:r}\n(end)\n"
    header = "distinct: o, r\n"
    assert verdict(body, lines("r 1", "o 2"), header) is None
    assert problems(body, lines("r 1", "o 1"), header) == [
        "- o and r are both 1 (output lines 2 and 1), but 'distinct: o, r' says they "
        "differ (expectation line 1)"
    ]


def test_expect_a_name_reports_its_first_conflict_only():
    body = "{int:n} {int:m}\n{int:n} {int:m}\n{int:n} {int:m}\n"
    assert problems(body, lines("1 5", "2 5", "3 6")) == [
        "- output line 2 gives n = 2, but line 1 gave n = 1 (expectation line 3)",
        "- output line 3 gives m = 6, but line 1 gave m = 5 (expectation line 4)",
    ]


def test_expect_values_of_a_name_that_took_no_line():
    body = "(optional) w {int:w*}\nend\n"
    assert problems(body, lines("end"), "values of w: at least 1\n") == [
        "- w took 0 different value(s), but the header says 'values of w: at least 1' "
        "(expectation line 1)"
    ]


def test_expect_values_of_shows_the_first_ten_values():
    body = "(1 to 20 times) w {int:w*}\n"
    header = "values of w: at most 9\n"
    ten = [str(i) for i in range(10)]
    assert problems(body, lines(*(f"w {v}" for v in ten)), header) == [
        f"- w took 10 different value(s) ({', '.join(ten)}), but the header says "
        "'values of w: at most 9' (expectation line 1)"
    ]
    assert problems(body, lines(*(f"w {v}" for v in [*ten, "10", "11"])), header) == [
        f"- w took 12 different value(s) ({', '.join(ten)}, ...), but the header says "
        "'values of w: at most 9' (expectation line 1)"
    ]
    assert problems(body, lines(*(f"w {v}" for v in [*ten, "10"])), header)[0].startswith(
        f"- w took 11 different value(s) ({', '.join(ten)}, ...), but"
    )


# -- the report --------------------------------------------------------------------


def diff_lines(report: str) -> list[str]:
    return report.split("\n\n", 1)[1].splitlines()[3:]  # after ---, +++ and @@


def test_expect_the_report_shows_lines_before_a_strands_block_as_their_patterns():
    body = "a {int}\n(interleaved)\nx\n(and)\ny\n(end)\n"
    report = verdict(body, lines("a 5", "x", "q"))
    expected = [" a {int}", "-(interleaved)", " x", "-(and)", "-y", "-(end)", "+q"]
    assert diff_lines(report) == expected


def test_expect_the_report_tries_each_pattern_that_shares_a_prefix():
    report = verdict("x {int}\nx {word}\n", lines("x ab", "x 1"))
    assert diff_lines(report) == ["+x {word}", " x {int}", "-x {word}"]


# -- the work counted ----------------------------------------------------------------


def test_expect_captures_work_is_one_step_per_item_dealt_line_and_try():
    """The captures' pass: a step per item walked back (2), per strand line
    dealt (2), and a try per captured line ('a 1' and 'x 1')."""
    output = lines("a 1", "y", "x 1")
    captured = steps("a {int:n}\n(interleaved)\nx {int:n}\n(and)\ny\n(end)\n", output)
    plain = steps("a {int}\n(interleaved)\nx {int}\n(and)\ny\n(end)\n", output)
    assert plain == 11
    assert captured - plain == 2 + 2 + 2


def test_expect_each_strand_states_reached_is_a_step_at_the_end_of_the_output_too():
    # '(optional) a': 1 position carried, 1 try.  The block: 2 positions
    # carried, 1 + 1 strand lines planned; at line 1 one dealing (1 step,
    # 'a' tried on the strand's 'a'); at line 2 two (2 steps, 'c' tried on
    # 'c' once, as the fit is remembered, and on 'a'); at the end of the
    # output two complete ones (2 steps).
    body = "(optional) a\n(interleaved)\n(optional) a\n(and)\nc\n(end)\n"
    assert steps(body, lines("a", "c")) == 1 + 1 + 2 + 2 + (1 + 1) + (2 + 2) + 2


def test_expect_the_report_tries_no_pattern_on_a_line_a_literal_alternative_fits():
    # 1 position, 'ab' tried on 'x'; the report: 1 prefix size looked up, and
    # 'ab' fits the literal 'ab', which ends the search (no try); the diff
    # takes 2 + 1 lines.
    work = checker("x\nab\n(or) a{int}\n", lines("ab"))
    assert work.verdict() is not None
    assert work.steps == 2 + 1 + 3


def test_expect_dealings_that_reach_the_same_strand_states_merge():
    # The block may start at line 1 or 2.  At line 3 the dealing from line 1
    # (its '...' took line 2) and the one from line 2 (it just took 'a') are
    # both at 'b' or in the '...': one dealing step from there on.
    # '(optional) a': 1 position, 1 try.  The block: 2 positions, 3 + 1
    # strand lines planned; line 1: 1 step, 1 try; line 2: 2 steps, 3 tries
    # ('b', 'z', then 'a'); line 3: 1 step, 2 tries; line 4: 1 step, 1 try;
    # the end: 1 step.
    body = "(optional) a\n(interleaved)\na\n...\nb\n(and)\nz\n(end)\n"
    assert steps(body, lines("a", "a", "z", "b")) == 2 + 2 + 4 + 2 + 5 + 3 + 2 + 1
