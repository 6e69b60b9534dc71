"""The English edition's catalogues and the extension's own: the check, and the compiled catalogue.

The site build itself (both editions, the runs they share, the language
switch) is tested in test_links.py, on one build as Read the Docs makes it.
"""

from __future__ import annotations

import gettext
import hashlib
import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog

from conftest import ROOT, run_python
from mpexamples import i18n


def load_tool(name: str) -> ModuleType:
    """A script under tools/, imported as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "_build" not in path.parts  # the build's own: its example cache
    }


def test_check_fails_on_a_missing_an_untranslated_and_a_fuzzy_message_and_on_nothing_else(
    tmp_path,
):
    # A copy of the project, with one of each planted: a paragraph added to
    # a page (so its catalogue lacks it), a translation blanked, one marked fuzzy.
    for part in ("docs", "examples"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("_build"))
    shutil.copy(ROOT / "README.md", tmp_path)
    with (tmp_path / "docs" / "process.md").open("a", encoding="utf-8") as page:
        page.write("\n新加的一段，还没有翻译。\n")
    catalogues = tmp_path / "docs" / "locales" / "en" / "LC_MESSAGES"
    intro = catalogues / "intro.po"
    intro.write_text(intro.read_text().replace('msgstr "Platform"', 'msgstr ""'))
    pool = catalogues / "pool.po"
    pool.write_text(pool.read_text().replace('msgid "进程池"', '#, fuzzy\nmsgid "进程池"'))
    before = snapshot(tmp_path / "docs")
    result = run_python("tools/translations.py", "check", "--root", str(tmp_path), cwd=ROOT)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    problems = [
        line for line in lines if not line.startswith(("en:", "mpexamples", "translations:"))
    ]
    intro_line = intro.read_text().splitlines().index('msgid "平台"') + 1
    pool_line = pool.read_text().splitlines().index('msgid "进程池"') + 1
    assert problems == [
        f"docs/locales/en/LC_MESSAGES/intro.po:{intro_line}: untranslated: '平台'",
        f"docs/locales/en/LC_MESSAGES/pool.po:{pool_line}: fuzzy: '进程池'",
        "docs/process.md: a message docs/locales/en/LC_MESSAGES/process.po lacks "
        "(the source changed): '新加的一段，还没有翻译。'",
    ], result.stdout
    summary = next(line for line in lines if line.startswith("en:"))
    count = int(summary.split("(")[1].split()[0])
    # The share of the 3 planted messages, whatever the number of pages.
    share = 100 * (count - 3) // count
    assert summary == f"en: {share}% translated ({count} messages), 1 fuzzy, 2 untranslated"
    assert any(
        re.fullmatch(
            r"mpexamples zh_CN: 100% translated \(\d+ messages\), 0 fuzzy, 0 untranslated", line
        )
        for line in lines
    ), lines
    # Extracted to a temporary folder: the project's files are left as they were.
    assert snapshot(tmp_path / "docs") == before


def test_check_names_an_extension_message_its_catalogue_lacks(tmp_path):
    translations = load_tool("translations")
    extension = tmp_path / "docs" / "_ext" / "mpexamples"
    (extension / "locales" / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(
        i18n.LOCALES / "zh_CN" / "LC_MESSAGES" / "mpexamples.po",
        extension / "locales" / "zh_CN" / "LC_MESSAGES",
    )
    # Every module that marks messages (sphinxext.py, chartext.py), as in the package.
    for module in (ROOT / "docs" / "_ext" / "mpexamples").glob("*.py"):
        shutil.copy(module, extension)
    source = (ROOT / "docs" / "_ext" / "mpexamples" / "sphinxext.py").read_text()
    (extension / "sphinxext.py").write_text(source + '\nNEW = _("(output cut)")\n')
    report = translations.check_extension(tmp_path, "zh_CN")
    assert report.problems == [
        "docs/_ext/mpexamples: a message docs/_ext/mpexamples/locales/zh_CN/LC_MESSAGES/"
        "mpexamples.po lacks (the source changed): '(output cut)'"
    ]
    count = report.messages  # the catalogue's entries, and the one it lacks
    assert report.summary() == (
        f"mpexamples zh_CN: {100 * (count - 1) // count}% translated ({count} messages), "
        "0 fuzzy, 1 untranslated"
    )


def test_the_extension_catalogue_compiles_without_its_fuzzy_entries(tmp_path):
    po = tmp_path / "mpexamples.po"
    text = (i18n.LOCALES / "zh_CN" / "LC_MESSAGES" / "mpexamples.po").read_text()
    po.write_text(text.replace('msgid "download"', '#, fuzzy\nmsgid "download"'))
    mo = tmp_path / "zh_CN" / "LC_MESSAGES" / "mpexamples.mo"
    i18n.compile_catalog(po, mo)
    with mo.open("rb") as file:
        catalog = gettext.GNUTranslations(file)
    assert catalog.gettext("(no output)") == "（没有输出）"
    assert catalog.gettext("download") == "download"  # fuzzy: not used, as msgfmt does


@pytest.mark.parametrize("name", ["example_output_caption", "example_download_text"])
def test_the_extension_has_no_text_config_values(name):
    # Its words come from its catalogue, in the build's language.
    source = (ROOT / "docs" / "_ext" / "mpexamples" / "__init__.py").read_text()
    assert f'"{name}"' not in source
    assert name not in (ROOT / "docs" / "conf.py").read_text()


def test_extracting_messages_runs_no_example(project):
    # The gettext builder shows no output, so a run would be wasted work:
    # the check extracts every page again, with or without a site build.
    project.example("fixture_stdin")
    project.page("# T\n\n```{example} fixture_stdin.py\n```\n")
    result = project.build("-b", "gettext", "-q")
    assert result.returncode == 0, result.stderr
    assert project.report()["counts"]["executed"] == 0
    shutil.rmtree(project.root / "docs" / "_build")  # one doctree folder per builder
    assert project.runs() == (1, 0)  # the html build does run it


def test_check_names_a_catalogue_whose_header_is_fuzzy():
    # sphinx-intl marks a new catalogue's header fuzzy; msgfmt would leave it out.
    translations = load_tool("translations")
    pot, po = Catalog(), Catalog(fuzzy=True)
    pot.add("进程", locations=[])
    po.add("进程", "process")
    report = translations.Report("en")
    translations.compare(pot, po, "page.po", "docs/page.md", report)
    assert report.problems == [
        "page.po: the header is marked fuzzy (msgfmt leaves such a header out): "
        "remove its '#, fuzzy'"
    ]
    po.fuzzy = False
    report = translations.Report("en")
    translations.compare(pot, po, "page.po", "docs/page.md", report)
    assert report.problems == []
