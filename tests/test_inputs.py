"""Bad input is an error naming its file and line, never a crash (issue 6).

Unit tests first (no build); then one build of a page full of mistakes, the
contract checks across incremental builds, config values, and the pytest
plugin on the same kinds of input.
"""

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import FIXTURES, PLUGIN, PLUGIN_PATH, ROOT, run_python
from mpexamples import config, expect
from mpexamples.example import Example

UTF16 = "---\nread 0 characters\n".encode("utf-16")


def place(project, fixture: str, name: str) -> Path:
    """Copy ``fixture`` (and its expectation) to ``examples/<name>.py``."""
    target = project.root / "examples" / f"{name}.py"
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in (".py", ".expect"):
        shutil.copy(FIXTURES / (fixture + suffix), target.with_suffix(suffix))
    return target


def page_errors(stderr: str) -> dict[int, str]:
    """The first line of each error logged at a line of docs/index.md."""
    return {int(line): text for line, text in re.findall(r"index\.md:(\d+): ERROR: (.*)", stderr)}


# -- expectation files and example sources, without a build ------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"# caf\xc3\xa9\n---\nok\n\xe9t\xe9\n",
            ":4: not UTF-8 (byte 0xe9); save the file as UTF-8",
        ),
        (UTF16, ":1: the file is UTF-16 (it starts with a byte order mark)"),
        ("---\nok\n".encode("utf-16-le"), ":1: a NUL byte (is the file UTF-16?)"),
        (b"", ":1: no '---' line"),
    ],
    ids=["latin-1", "utf-16", "utf-16-no-bom", "empty"],
)
def test_expectation_that_is_not_utf8_text_names_the_line(tmp_path, data, message):
    (tmp_path / "demo.expect").write_bytes(data)
    with pytest.raises(expect.ExpectationError) as error:
        expect.load(tmp_path / "demo.py")
    assert str(error.value).startswith(f"{tmp_path / 'demo.expect'}{message}")


def test_utf8_byte_order_mark_is_accepted(tmp_path):
    (tmp_path / "demo.expect").write_bytes(b"\xef\xbb\xbftimeout: 3\n---\nok\n")
    assert expect.load(tmp_path / "demo.py").timeout == 3


def test_unreadable_expectation_is_an_error_naming_it(tmp_path):
    (tmp_path / "folder.expect").mkdir()
    (tmp_path / "dangling.expect").symlink_to("gone.expect")
    with pytest.raises(expect.ExpectationError, match=r"folder\.expect: cannot be read: Is a dir"):
        expect.load(tmp_path / "folder.py")
    with pytest.raises(
        expect.ExpectationError,
        match=r"dangling\.expect: a symbolic link to gone\.expect, which does not exist",
    ):
        expect.load(tmp_path / "dangling.py")


@pytest.mark.parametrize(
    "broken", [b"x = (\n", b"x = '\xff'\n", b"x = 1\x00\n"], ids=["syntax-error", "not-utf8", "nul"]
)
def test_local_modules_leave_unparsable_source_to_the_run(tmp_path, broken):
    (tmp_path / "demo.py").write_bytes(b"import helper\n" + broken)
    (tmp_path / "main.py").write_bytes(b"import helper\n")
    (tmp_path / "helper.py").write_bytes(b"import other\n" + broken)
    (tmp_path / "other.py").write_text("")
    assert Example.at(tmp_path / "demo.py", tmp_path).local_modules() == []
    assert Example.at(tmp_path / "main.py", tmp_path).local_modules() == [tmp_path / "helper.py"]
    (tmp_path / "folder.py").mkdir()
    assert Example.at(tmp_path / "folder.py", tmp_path).local_modules() == []


# -- config values --------------------------------------------------------------


def test_config_values_from_the_command_line_are_coerced(tmp_path):
    (tmp_path / "examples").mkdir()
    values = {
        "example_root": "..",
        "example_dir": "examples",
        "example_start_method": "",  # -D example_start_method=
        "example_header_marker": "# end of header",
        "example_max_lines": 50,  # Sphinx makes -D values of int settings int
        "example_jobs": "4",  # -D example_jobs=4: the default is None, so a string
        "example_cache": False,  # -D example_cache=0 (Sphinx converts 0 and 1)
        "example_allowed_languages": ["sh", " python"],  # -D ...=sh, python
        "example_run_command": "python3 {name}",
        "example_cache_dir": "",  # -D example_cache_dir=: the default
    }
    settings = SimpleNamespace(**values)
    config.validate(SimpleNamespace(srcdir=tmp_path / "docs", config=settings), settings)
    assert settings.example_jobs == 4
    assert settings.example_start_method is None
    assert settings.example_allowed_languages == ("sh", "python")
    assert settings.example_cache is False
    assert settings.example_cache_dir is None


def test_bad_config_values_are_one_line_errors(project):
    project.page("# T\n")
    result = project.build(
        "-q",
        *("-D", "example_jobs=many", "-D", "example_start_method=spwan"),
        *("-D", "example_cache=no", "-D", "example_max_lines=5", "-D", "example_dir=exmples"),
        *("-D", "example_run_command=python {path}"),
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "ERROR: config value example_dir = 'exmples': "
        f"{project.root / 'exmples'} is not a directory (example_dir is under example_root)",
        "ERROR: config value example_start_method = 'spwan': "
        "expected one of 'fork', 'spawn', 'forkserver', or None for the platform's default",
        "ERROR: config value example_max_lines = 5: expected a whole number of at least 11",
        "ERROR: config value example_jobs = 'many': "
        "expected a whole number of at least 1, or None for the default",
        "ERROR: config value example_cache = 'no': expected True or False (with -D: 1 or 0)",
        "ERROR: config value example_run_command = 'python {path}': "
        "unknown field(s) ['path']; known: {name}",
    ]  # one line each, and no traceback


# -- the build ------------------------------------------------------------------

#: Directives on one page, each with the error it must get at its own line.
BAD_DIRECTIVES = [
    ("topic/utf16.py", "", "topic/utf16.expect:1: the file is UTF-16"),
    ("topic/folder.py", "", "topic/folder.expect: cannot be read: Is a directory"),
    ("topic/syntax.py", "", "example examples/topic/syntax.py failed under"),
    ("topic/latin.py", "", "examples/topic/latin.py:7: not UTF-8 (byte 0xe9)"),
    ("topic/dir.py", "", "example: example file {examples}/topic/dir.py is a directory"),
    ("topic/link.py", "", "topic/link.py is a symbolic link to gone.py, which does not exist"),
    ("nowhere.py", "", "example: example file {examples}/nowhere.py does not exist"),
    ("../docs/conf.py", "", "example: '../docs/conf.py' is not a .py file under"),
    ("", "", "example: no example given: write its path under the examples folder"),
    ("topic/ok.py topic/utf16.py", "", "example: one example per directive, got"),
    ("topic/ok.py", ":colour: red\n", "example: unknown option :colour: (known: :lines:,"),
    ("topic/ok.py", ":lines:\n", "example: option :lines: needs a value"),
    ("topic/ok.py", "print(1)\n", "example: no content allowed: the code comes from"),
    ("topic/ok.py", ":emphasize-lines: 99\n", "emphasize-lines '99' goes past the 6 lines"),
]


def test_bad_input_fails_the_page_at_its_line(project):
    examples = project.root / "examples"
    place(project, "fixture_stdin", "topic/ok")
    place(project, "fixture_stdin", "topic/utf16").with_suffix(".expect").write_bytes(UTF16)
    place(project, "fixture_stdin", "topic/folder").with_suffix(".expect").unlink()
    (examples / "topic/folder.expect").mkdir()
    place(project, "fixture_stdin", "topic/syntax").write_text("print('never'\n")
    latin = place(project, "fixture_stdin", "topic/latin")
    latin.write_bytes(latin.read_bytes() + "# Café\n".encode("latin-1"))
    (examples / "topic/dir.py").mkdir()
    (examples / "topic/link.py").symlink_to("gone.py")
    text, lines = "# T\n\n", {}
    for argument, body, message in BAD_DIRECTIVES:
        lines[text.count("\n") + 1] = message.format(examples=examples)
        text += f"```{{example}} {argument}\n{body}```\n\n"
    project.page(text)
    # No -W: each is an error of the page.  -D example_jobs=1 gives a string.
    result = project.build("-q", "-D", "example_jobs=1")
    assert result.returncode == 1, result.stderr
    errors = page_errors(result.stderr)
    for line, message in lines.items():
        assert message in errors.get(line, ""), (line, message, result.stderr)
    assert "SyntaxError" in result.stderr  # the run's own report, in the diff
    assert "Traceback" not in result.stderr and "Extension error" not in result.stderr


def test_page_with_a_directive_error_is_read_again_until_fixed(project):
    place(project, "fixture_stdin", "topic/ok")
    project.page("# T\n\n```{example}\n```\n\n```{example} topic/ok.py\n:colour: red\n```\n")
    for args in [(), ("-W",)]:  # -W, after a build without: the page is read again
        result = project.build("-q", *args)
        assert result.returncode == 1, result.stderr
        errors = page_errors(result.stderr)
        assert errors.keys() == {3, 6}, result.stderr
        assert errors[3].startswith("example: no example given")
        assert errors[6].startswith("example: unknown option :colour:")


def test_contract_checks_run_on_every_build(project):
    place(project, "fixture_stdin", "topic/shown")
    project.page("# T\n\n```{example} topic/shown.py\n```\n")
    assert project.build("-q", "-W").returncode == 0
    # No page changes, so Sphinx reads no page and checks no consistency.
    place(project, "fixture_stdin", "topic/orphan")
    (project.root / "examples/topic/renamed.expect").write_text("---\nx\n")
    for _ in range(2):  # the build after a failure fails too
        result = project.build("-q")
        assert result.returncode == 1, result.stderr
        assert "ERROR: example examples/topic/orphan.py is shown on no page" in result.stderr
        assert "ERROR: examples/topic/renamed.expect has no example renamed.py" in result.stderr


# -- the pytest plugin ------------------------------------------------------------


def failures(stdout: str) -> dict[str, str]:
    """Each failed item's ``file::name`` and the first line of its report."""
    return dict(re.findall(r"^_+ (\S+) _+\n(.*)", stdout, re.M))


def test_bad_input_fails_its_items_not_the_session(project):
    examples = project.root / "examples"
    place(project, "fixture_stdin", "topic/utf16").with_suffix(".expect").write_bytes(UTF16)
    latin = place(project, "fixture_stdin", "topic/latin").with_suffix(".expect")
    latin.write_bytes(b"---\nr\xe9ad 0 characters\n")
    place(project, "fixture_stdin", "topic/malformed").with_suffix(".expect").write_text(
        "timeout: soon\n---\nx\n"
    )
    (examples / "topic/renamed.expect").write_text("---\nx\n")
    # Files named on the command line (not their folder), as the README's
    # one-example command does: pytest's python plugin imports such a file.
    named = [
        project.example("fixture_stdin"),  # passes, next to the broken ones
        project.example("fixture_import_trace"),
        place(project, "fixture_stdin", "syntax"),
    ]
    named[2].write_text("print('never'\n")
    result = run_python(
        *("-m", "pytest", "-p", PLUGIN, "-c", str(ROOT / "pyproject.toml"), "-p", "no:xdist"),
        *("--example-dir", str(examples), str(examples / "topic"), *map(str, named)),
        cwd=ROOT,
        PYTHONPATH=PLUGIN_PATH,
    )
    assert "13 failed, 6 passed" in result.stdout, result.stdout  # no collection error
    assert not named[1].with_suffix(".imported").exists()  # it ran only as a program
    failed = failures(result.stdout)
    for name, message in [
        ("topic/utf16", "topic/utf16.expect:1: the file is UTF-16"),
        ("topic/latin", "topic/latin.expect:2: not UTF-8 (byte 0xe9)"),
        ("topic/malformed", "topic/malformed.expect:1: timeout must be a number"),
        ("syntax", "examples/syntax.py failed under the '{method}' start method:"),
    ]:
        for method in ("fork", "spawn", "forkserver"):
            assert message.format(method=method) in failed[f"examples/{name}.py::{method}"]
    # The run's own report of the syntax error, not an import error in pytest.
    assert "exit status 1, expected 0" in result.stdout and "SyntaxError" in result.stdout
    assert failed["examples/topic/renamed.expect::no-example"].endswith(
        "topic/renamed.expect has no example renamed.py"
    )
