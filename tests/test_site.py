"""The Sphinx side: the directive, the build's failures, and the real site."""

import html
import re

import pytest
from docutils.nodes import make_id

from conftest import REAL_SITE_TIMEOUT, ROOT, survivors
from mpexamples import expect
from mpexamples.example import Example, find_examples
from mpexamples.layout import has_expectation


def shows(project, name: str, options: str = "") -> None:
    project.example(name)
    project.page(f"# T\n\n```{{example}} {name}.py\n{options}```\n")


def build_fails(project, message: str, *args: str) -> str:
    """Build, without -W unless given; it must fail and say ``message``."""
    result = project.build("-q", *args)
    assert result.returncode == 1, result.stderr
    assert message in result.stderr
    return result.stderr


def test_passing_example_shows_source_and_output(project):
    shows(project, "fixture_stdin", ":emphasize-lines: 6\n")
    result = project.build("-q", "-W")
    assert result.returncode == 0, result.stderr
    page = (project.root / "docs/_build/html/index.html").read_text()
    assert "examples/fixture_stdin.py" in page
    assert "read 0 characters" in page
    assert "Output · Python" in page


#: Blocks a page may not hold, each with the language its error names.
FORBIDDEN = [
    ("```python\nprint(1)\n```", "python"),
    ("```\n42\n```", "default"),
    ("```{code-block} python\nx = 1\n```", "python"),
    ("    indented = True", "none"),
    ("```pycon\n>>> 1 + 1\n2\n```", "pycon"),
    ("```text\n2\n```", "text"),
    ("```console\n$ python examples/fixture_stdin.py\nread 0 characters\n```", "console"),
    ("```{literalinclude} ../examples/fixture_stdin.py\n```", "none"),
]


def test_inline_code_or_pasted_output_fails_and_shell_commands_do_not(project):
    shows(project, "fixture_stdin")
    text, expected = "# T\n\n```sh\ntox -e docs\n```\n\n", {}
    for block, language in FORBIDDEN:
        line = text.count("\n") + 1
        expected[line] = f"index.md:{line}: ERROR: inline code block (language {language!r})"
        text += f"{block}\n\n"
    project.page(text + "```{example} fixture_stdin.py\n```\n")
    stderr = build_fails(project, "inline code block")  # no -W: errors, not warnings
    errors = [line for line in stderr.splitlines() if "ERROR: inline code block" in line]
    assert len(errors) == len(FORBIDDEN), stderr  # none for the sh block on line 3
    for message in expected.values():
        assert message in stderr


def test_header_marker_and_lines_trim_the_source_shown(project):
    example = project.example("fixture_stdin")
    example.write_text("# Licence: boilerplate\n# end of header\n" + example.read_text())
    project.page(
        "# T\n\n```{example} fixture_stdin.py\n```\n\n```{example} fixture_stdin.py\n:lines: 3-5\n```\n"
    )
    assert project.build("-q", "-W").returncode == 0
    page = html.unescape(
        re.sub(r"<[^>]+>", "", (project.root / "docs/_build/html/index.html").read_text())
    )
    assert "Licence" not in page and "end of header" not in page
    # :lines: counts from the first line after the header: 3-5 is the import
    # up to the __main__ guard, without the docstring or the print.
    assert page.count("Read standard input") == 1
    assert page.count("sys.stdin.read") == 1
    assert page.count("read 0 characters") == 2  # each block still runs the whole file


def test_malformed_expectation_fails_the_build(project):
    shows(project, "fixture_stdin")
    (project.root / "examples/fixture_stdin.expect").write_text("---\n{pdi}\n")
    build_fails(project, "fixture_stdin.expect:2: unknown placeholder {pdi}")


def test_mismatch_fails_and_is_never_cached(project):
    shows(project, "fixture_stdin")
    example = project.root / "examples/fixture_stdin.py"
    example.write_text(example.read_text().replace("read {", "got {"))
    for _ in range(2):  # the second build must not reuse the failed page
        stderr = build_fails(project, "index.md:3: ERROR: example examples/fixture_stdin.py failed")
        assert "-read 0 characters\n+got 0 characters" in stderr


def test_edited_example_shows_fresh_output(project):
    shows(project, "fixture_stdin")
    (project.root / "examples/fixture_stdin.expect").write_text("---\nread {int} characters\n")
    assert project.build("-q", "-W").returncode == 0
    # Only the source changes: the page depends on it, not only on the expectation.
    example = project.root / "examples/fixture_stdin.py"
    example.write_text(example.read_text().replace("sys.stdin.read())", "sys.stdin.read()) + 7"))
    assert project.build("-q", "-W").returncode == 0
    page = re.sub(r"<[^>]+>", "", (project.root / "docs/_build/html/index.html").read_text())
    assert "sys.stdin.read()) + 7" in html.unescape(page) and "read 7 characters" in page


def test_deadlock_fails_the_build_and_leaves_nothing(project):
    shows(project, "fixture_deadlock")
    build_fails(project, "timed out after 3 s")
    page = (project.root / "docs/_build/html/index.html").read_text()
    pids = [int(p) for p in re.findall(r"(?:parent|child) (\d+)", page)]
    assert len(pids) == 3 and not survivors(pids)


def test_child_traceback_fails_the_build(project):
    shows(project, "fixture_child_raises")
    build_fails(project, "the output has 1 traceback(s)")


def test_declared_start_method_is_used_and_said(project):
    shows(project, "fixture_start_method")
    expectation = project.root / "examples/fixture_start_method.expect"
    expectation.write_text(
        "start-methods: forkserver\n---\nparent: forkserver\nchild: forkserver\n"
    )
    assert project.build("-q", "-W").returncode == 0
    page = (project.root / "docs/_build/html/index.html").read_text()
    assert "start method forkserver (only under forkserver)" in page


# -- the real site ------------------------------------------------------------


@pytest.fixture
def site(real_site):
    """The real site's Chinese edition (built with not one warning: real_site)."""
    return real_site[0] / "html" / "zh"


def output_blocks(page: str) -> dict[str, str]:
    blocks = {}
    for match in re.finditer(
        r'id="(example-[^"]+-output(?:-fork|-spawn|-forkserver)?(?:-\d+)?)".*?<pre[^>]*>(.*?)</pre>',
        page,
        re.S,
    ):
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(2)))
        blocks[match.group(1)] = text
    return blocks


@pytest.mark.timeout(REAL_SITE_TIMEOUT)
def test_every_example_on_the_site_shows_output_that_passes(site):
    files = find_examples(ROOT / "examples")
    examples = [Example.at(p, ROOT) for p in files if has_expectation(p)]
    helpers = {Example.at(p, ROOT).name for p in files if not has_expectation(p)}  # no output
    # Counted apart from find_examples, so that finding nothing cannot pass.
    on_pages = {
        f"examples/{argument}"
        for page in (ROOT / "docs").glob("*.md")
        for argument in re.findall(r"^```\{example\} (\S+)", page.read_text(), re.M)
    }
    assert on_pages, "no {example} directive in docs/*.md"
    assert {e.name for e in examples} | helpers == on_pages
    ids = {make_id(f"example-{e.name}-output"): e for e in examples}
    checked = set()
    for page in site.rglob("*.html"):
        for block_id, text in output_blocks(page.read_text()).items():
            example = ids[re.sub(r"(-fork|-spawn|-forkserver)?(-\d+)?$", "", block_id)]
            method = re.search(r"-(fork|spawn|forkserver)(?:-\d+)?$", block_id)
            outcome = expect_outcome(text, example, method[1] if method else "spawn")
            assert expect.check(example.expectation(), outcome) is None, (page, example.name)
            checked.add(example.name)
    assert checked == on_pages - helpers


def expect_outcome(text: str, example: Example, start_method: str = "spawn"):
    """The page shows output only; its exit status passed the build already.

    docs/conf.py builds with spawn; a tab's id names its own method.
    """
    from types import SimpleNamespace

    return SimpleNamespace(
        output=text,
        returncode=example.expectation().for_method(start_method).exit_code,
        timed_out=False,
        timeout=0,
        start_method=start_method,
    )


def test_huge_output_is_truncated_on_the_page_but_checked_whole(project):
    shows(project, "fixture_huge")
    assert project.build("-q", "-W").returncode == 0
    page = (project.root / "docs/_build/html/index.html").read_text()
    assert "[... 99800 more lines not shown; all were checked ...]" in page
    assert "099999 " in page and "099989 " not in page
    assert len(page) < 100_000


def test_bad_utf8_does_not_break_the_build(project):
    shows(project, "fixture_bad_utf8")
    assert project.build("-q", "-W").returncode == 0
    assert "bad \ufffd\ufffd bytes" in (project.root / "docs/_build/html/index.html").read_text()


@pytest.mark.timeout(REAL_SITE_TIMEOUT)
def test_the_site_shows_one_example_under_each_start_method(site):
    """docs/process.md's tabs: three runs of one build, and the difference they teach."""
    blocks = output_blocks((site / "process.html").read_text())
    for method, colour in (("fork", "blue"), ("spawn", "red"), ("forkserver", "red")):
        text = blocks[make_id(f"example-examples/process/process_start_methods.py-output-{method}")]
        assert f"start method {method}\n" in text
        assert f"child 1: colour is {colour}," in text and f"child 2: colour is {colour}," in text
