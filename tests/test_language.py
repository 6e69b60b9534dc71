"""Each construct of the expectation language states a real example's guarantee.

Every fixture here runs for real under each start method the platform
offers and must pass; then the checker gets the same run with an output
(or exit status) that breaks the guarantee, and its report must name the
expectation line and say what broke.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import re

import pytest

from conftest import FIXTURES, ROOT
from mpexamples.example import Example
from mpexamples.expect import check, load
from mpexamples.runner import RunResult

METHODS = multiprocessing.get_all_start_methods()


def run(name: str, method: str) -> RunResult:
    """Run fixture ``name`` under ``method``; it must keep its expectation."""
    verdict = Example.at(FIXTURES / f"{name}.py", ROOT).verify(method)
    assert verdict.problem is None, verdict.problem
    return verdict.result


def broken(name: str, result: RunResult, **changes) -> str:
    """The report on ``result`` with ``changes`` (it must fail)."""
    report = check(load(FIXTURES / f"{name}.py"), dataclasses.replace(result, **changes))
    assert report is not None, changes
    return report


def line_of(name: str, text: str) -> int:
    """The line number of ``text`` in the fixture's expectation file."""
    lines = (FIXTURES / f"{name}.expect").read_text().splitlines()
    return lines.index(text) + 1


def moved(lines: list[str], text: str, before: str) -> str:
    """The output with the line ``text`` moved to just before the line ``before``."""
    lines = [line for line in lines if line != text]
    lines.insert(lines.index(before), text)
    return "\n".join(lines) + "\n"


def first(report: str) -> str:
    return report.splitlines()[0]


@pytest.mark.parametrize("method", METHODS)
def test_strands_keep_each_workers_order(method):
    name = "fixture_strands"
    result = run(name, method)
    lines = result.output.splitlines()
    run_line = next(line for line in lines if line.startswith("Run task 0 "))
    report = broken(name, result, output=moved(lines, "Task 0 done.", before=run_line))
    block = line_of(name, "(interleaved)")
    assert re.match(
        rf"- output line \d+ is 'Task 0 done\.', which no strand of the '\(interleaved\)' "
        rf"block \(expectation line {block}\) was waiting for: .*strand 2 waited for "
        rf"'Run task 0 \(\{{pid:first\}}\)\.\.\.' \(line {block + 3}\)",
        first(report),
    ), report
    # The two workers are two processes: the same PID twice breaks 'distinct'.
    first_pid = re.search(r"Run task 0 \((\d+)\)", result.output)[1]
    same = re.sub(r"Run task 1 \(\d+\)", f"Run task 1 ({first_pid})", result.output)
    assert first(broken(name, result, output=same)) == (
        f"- first and second are both {first_pid} (output lines "
        f"{lines.index(run_line) + 1} and "
        f"{next(i for i, x in enumerate(lines, 1) if x.startswith('Run task 1'))}), "
        f"but 'distinct: first, second' says they differ (expectation line 4)"
    )


@pytest.mark.parametrize("method", METHODS)
def test_a_childs_traceback_floats_among_the_parents_lines(method):
    name = "fixture_floating_traceback"
    result = run(name, method)
    lines = result.output.splitlines()
    # The parent's last line comes only after join(): not inside the traceback.
    output = moved(lines, "parent: child exit code 1", before="ValueError: boom")
    # The traceback's '...' takes it (no strand waits for it), so it is missing at the end.
    report = broken(name, result, output=output)
    last = line_of(name, "parent: child exit code 1")
    assert first(report) == (
        f"- output line {len(lines) + 1} is the end of the output, expected "
        f"'parent: child exit code 1' (expectation line {last})"
    )
    # The parent's own lines keep their order. Placed before the traceback,
    # the swapped line is the one reported; placed inside it, the '...' takes
    # it and the strand misses it later: either way the check fails.
    parent = ["parent: waiting", "parent: child started"]
    rest = [line for line in lines if line not in parent]
    start = rest.index("Process Process-1:")
    before = [*rest[:start], *parent, *rest[start:]]
    report = broken(name, result, output="\n".join(before) + "\n")
    assert "is 'parent: waiting', which no strand" in first(report), report
    inside = [*rest[: start + 2], *parent, *rest[start + 2 :]]
    report = broken(name, result, output="\n".join(inside) + "\n")
    waiting = line_of(name, "parent: waiting")
    assert f"strand 2 waited for 'parent: waiting' (line {waiting})" in first(report), report


@pytest.mark.parametrize("method", METHODS)
def test_a_repeat_count_says_how_many_workers_got_ready(method):
    name = "fixture_repeats"
    result = run(name, method)
    lines = result.output.splitlines()
    ready = [line for line in lines if line.endswith(" ready")]
    three = moved([*lines, "worker 99999 ready"], "worker 99999 ready", before="done")
    report = broken(name, result, output=three)
    assert re.fullmatch(
        rf"- output line \d+ is 'worker 99999 ready', expected 'done' "
        rf"\(expectation line {line_of(name, 'done')}\)",
        first(report),
    ), report
    # Two ready lines from one worker: the count of values breaks.
    pid = ready[0].split()[1]
    once = result.output.replace(ready[1], f"worker {pid} ready")
    assert first(broken(name, result, output=once)) == (
        f"- worker took 1 different value(s) ({pid}), but the header says "
        f"'values of worker: exactly 2' (expectation line 4)"
    )


@pytest.mark.parametrize("method", METHODS)
def test_alternatives_accept_either_reading_only(method):
    name = "fixture_alternatives"
    result = run(name, method)
    output = re.sub(r"terminate: \w+", "terminate: maybe", result.output)
    assert first(broken(name, result, output=output)) == (
        "- output line 1 is 'alive right after terminate: maybe', expected "
        "'alive right after terminate: True (or) alive right after terminate: False' "
        "(expectation line 4)"
    )


@pytest.mark.parametrize("method", METHODS)
def test_a_line_belongs_to_the_start_methods_it_names(method):
    name = "fixture_method_line"
    result = run(name, method)
    reloaded = "module loaded as __mp_main__"
    if method == "fork":  # a forked child imports nothing again
        output = result.output.replace("child 0 runs", f"{reloaded}\nchild 0 runs")
        expected = f"- output line 2 is {reloaded!r}, expected 'child 0 runs' (expectation line 6)"
    else:  # a spawned child must import the main module again
        output = result.output.replace(f"{reloaded}\nchild 1", "child 1")
        expected = f"- output line 4 is 'child 1 runs', expected {reloaded!r} (expectation line 7)"
    report = broken(name, result, output=output)
    assert first(report) == expected
    # The diff shows the body as it reads under this method.
    assert ("-(spawn, forkserver)" not in report) and (
        (f"+{reloaded}" in report) == (method == "fork")
    ), report


@pytest.mark.parametrize("method", METHODS)
def test_captured_pids_are_equal_where_the_same_name_says_so(method):
    name = "fixture_pids"
    result = run(name, method)
    lines = result.output.splitlines()
    child = re.match(r"child (\d+) of", lines[1])[1]
    output = result.output.replace(f"started {child}", "started 1")
    assert first(broken(name, result, output=output)) == (
        f"- output line 3 gives child = 1, but line 2 gave child = {child} "
        f"(expectation line {line_of(name, 'started {pid:child}')})"
    )
    # The child's PID is not the parent's.
    parent = lines[0].split()[1]
    output = result.output.replace(f"child {child} of", f"child {parent} of").replace(
        f"started {child}", f"started {parent}"
    )
    assert first(broken(name, result, output=output)).startswith(
        f"- parent and child are both {parent} (output lines 1 and 2), but "
        f"'distinct: parent, child, server' says they differ (expectation line 3)"
    )


@pytest.mark.parametrize("method", METHODS)
def test_no_output_means_none(method):
    name = "fixture_no_output"
    result = run(name, method)
    assert result.output == ""
    assert first(broken(name, result, output="hello\n")) == (
        "- output line 1 is 'hello', expected no output (expectation line 3)"
    )


@pytest.mark.parametrize("method", METHODS)
def test_literal_braces_and_parentheses(method):
    name = "fixture_braces"
    result = run(name, method)
    pid = re.search(r"\d+", result.output)[0]
    output = result.output.replace(f"({pid},", "(1,")
    tuple_line = line_of(name, "{lparen}{pid:worker}, 'done')")
    assert first(broken(name, result, output=output)) == (
        f"- output line 3 gives worker = 1, but line 1 gave worker = {pid} "
        f"(expectation line {tuple_line})"
    )
    output = result.output.replace("{1, 2, 3}", "[1, 2, 3]")
    assert first(broken(name, result, output=output)) == (
        f"- output line 2 is '[1, 2, 3]', expected '{{1, 2, 3}}' "
        f"(expectation line {line_of(name, '{1, 2, 3}')})"
    )


@pytest.mark.parametrize("method", METHODS)
def test_death_by_a_declared_signal(method):
    name = "fixture_sigkill"
    result = run(name, method)
    assert result.returncode == -9
    assert first(broken(name, result, returncode=0)) == "- exit status 0, expected death by SIGKILL"
    assert first(broken(name, result, returncode=-15)) == (
        "- the example was killed by SIGTERM, expected death by SIGKILL"
    )


@pytest.mark.parametrize("method", METHODS)
def test_tracebacks_name_their_exceptions(method):
    name = "fixture_named_tracebacks"
    result = run(name, method)
    output = result.output.replace("RuntimeError: lookup failed", "TypeError: lookup failed")
    lines = output.splitlines()
    starts = [i for i, line in enumerate(lines, 1) if line.startswith("Traceback")]
    assert first(broken(name, result, output=output)) == (
        f"- 'traceback: ValueError, RuntimeError' is declared, but the output has 2 "
        f"traceback(s): output line {starts[0]} ended with ValueError, output line "
        f"{starts[1]} ended with TypeError"
    )
    # The chained traceback counts once, ending with RuntimeError, not KeyError.
    assert "KeyError" in result.output


def pool_output(pids: list[int], first: int = 0) -> str:
    """What examples/pool/pool_apply_async.py prints, task ``first``'s lines first."""
    order = [first, *(i for i in range(5) if i != first)]
    tasks = [f"Run task {i} ({pids[i]})...\nTask {i} runs 0.10 seconds.\n" for i in order]
    return (
        "Parent process 100.\nWaiting for all subprocesses done...\n"
        + "".join(tasks)
        + "All subprocesses done.\n"
    )


def test_the_pool_page_states_its_guarantees():
    example = ROOT / "examples/pool/pool_apply_async.py"
    expectation = load(example)

    def report(output: str) -> str | None:
        fake = RunResult(output, 0, False, 30.0, 1.0, "spawn")
        return check(expectation, fake)

    assert report(pool_output([201, 202, 203, 204, 201])) is None
    # A task's "runs" line before its own "Run" line.
    swapped = pool_output([201, 202, 203, 204, 201], first=2).replace(
        "Run task 2 (203)...\nTask 2 runs 0.10 seconds.",
        "Task 2 runs 0.10 seconds.\nRun task 2 (203)...",
    )
    assert report(swapped).splitlines()[0] == (
        "- output line 3 is 'Task 2 runs 0.10 seconds.', which no strand of the "
        "'(interleaved)' block (expectation line 9) was waiting for: strand 1 was done; "
        "strand 2 waited for 'Run task 0 ({pid:worker*})...' (line 12); strand 3 "
        "waited for 'Run task 1 ({pid:worker*})...' (line 15); strand 4 waited for "
        "'Run task 2 ({pid:worker*})...' (line 18); strand 5 waited for "
        "'Run task 3 ({pid:worker*})...' (line 21); strand 6 waited for "
        "'Run task 4 ({pid:worker*})...' (line 24)"
    )
    # Five tasks on four workers: five different PIDs cannot be.
    assert report(pool_output([201, 202, 203, 204, 205])).splitlines()[0] == (
        "- worker took 5 different value(s) (201, 202, 203, 204, 205), but the header "
        "says 'values of worker: at most 4' (expectation line 6)"
    )
