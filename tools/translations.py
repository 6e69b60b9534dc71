"""The English edition's catalogues: bring them up to date with the source, or check them.

    python tools/translations.py update   # extract, then sphinx-intl update
    python tools/translations.py check    # fails unless every message is translated

Chinese (``zh_CN``) is the source language.  Sphinx's gettext builder
extracts every message of every page into a temporary folder (one ``.pot``
per page: ``gettext_compact = False``), so the check sees the source as it
is now and never writes to the repository: a paragraph added or changed in
a page is a message missing from ``docs/locales/en/LC_MESSAGES/<page>.po``
until ``update`` adds it and a translator translates it.  ``check`` fails
on any message that is missing, untranslated or fuzzy, and on a catalogue
entry or file that no page has any more; it also checks that the
extension's catalogue (``docs/_ext/mpexamples/locales``) translates every
message the extension marks with ``_()``.  Each problem is one line naming
the file and line.  ``--root DIR`` checks another copy of the project.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
#: The languages the site is translated into, beside the source language.
LANGUAGES = ("en",)
#: The extension's catalogue: its messages' language and where its code is.
EXTENSION = Path("docs/_ext/mpexamples")
EXTENSION_LANGUAGES = ("zh_CN",)


@dataclass
class Report:
    """What one language's check found."""

    label: str
    messages: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        done = self.messages - self.fuzzy - self.untranslated
        share = 100 * done // self.messages if self.messages else 100
        return (
            f"{self.label}: {share}% translated ({self.messages} messages), "
            f"{self.fuzzy} fuzzy, {self.untranslated} untranslated"
        )


def extract(root: Path, out: Path) -> None:
    """The gettext builder's ``.pot`` files, one per page, into ``out``."""
    # No catalogues: the messages do not depend on them, and at start-up Sphinx
    # would compile the theme's words (docs/locales/zh_CN/.../sphinx.po) in
    # place: reading the source must not write into it.
    command = [
        sys.executable, "-m", "sphinx", "-q", "-b", "gettext",
        "-d", str(out / ".doctrees"), "-D", f"locale_dirs={out / '.no-catalogues'}",
        str(root / "docs"), str(out),
    ]  # fmt: skip
    # A fixed creation date: the catalogues' headers change only when their messages do.
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"translations: extracting the messages failed:\n{result.stderr}")


def read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def compare(pot: Catalog, po: Catalog, po_name: str, page: str, report: Report) -> None:
    """Count ``pot``'s messages in ``report``; one problem line for each not translated."""
    for message in pot:
        if not message.id:
            continue  # the header
        report.messages += 1
        entry = po.get(message.id, message.context)
        first = str(message.id).splitlines()[0][:60]
        if entry is None:
            report.untranslated += 1
            report.problems.append(
                f"{page}: a message {po_name} lacks (the source changed): {first!r}"
            )
        elif entry.fuzzy:
            report.fuzzy += 1
            report.problems.append(f"{po_name}:{entry.lineno}: fuzzy: {first!r}")
        elif not entry.string:
            report.untranslated += 1
            report.problems.append(f"{po_name}:{entry.lineno}: untranslated: {first!r}")
    if po.fuzzy:  # as sphinx-intl writes a new catalogue's header
        report.problems.append(
            f"{po_name}: the header is marked fuzzy (msgfmt leaves such a header out): "
            "remove its '#, fuzzy'"
        )
    for entry in po:
        if entry.id and pot.get(entry.id, entry.context) is None:
            first = str(entry.id).splitlines()[0][:60]
            report.problems.append(
                f"{po_name}:{entry.lineno}: no page has this message any more: {first!r}"
            )


def check_pages(root: Path, potdir: Path, language: str) -> Report:
    report = Report(language)
    catalogues = root / "docs" / "locales" / language / "LC_MESSAGES"
    pots = {path.relative_to(potdir).with_suffix(""): path for path in potdir.rglob("*.pot")}
    for name, pot_path in sorted(pots.items()):
        po_path = catalogues / name.with_suffix(".po")
        po = read(po_path) if po_path.is_file() else Catalog()
        page = next((root / "docs").glob(f"{name}.*"), root / "docs" / name)
        compare(
            read(pot_path), po, str(po_path.relative_to(root)), str(page.relative_to(root)), report
        )
    for po_path in sorted(catalogues.rglob("*.po")):
        if po_path.relative_to(catalogues).with_suffix("") not in pots:
            report.problems.append(f"{po_path.relative_to(root)}: no page has this catalogue")
    return report


def check_extension(root: Path, language: str) -> Report:
    """The extension's ``_()`` messages against its catalogue for ``language``."""
    report = Report(f"mpexamples {language}")
    pot = Catalog()
    for source in sorted((root / EXTENSION).glob("*.py")):
        for lineno, message, _comments, _context in extract_from_file(
            "python", source, keywords={"_": None}
        ):
            pot.add(message, locations=[(str(source.relative_to(root)), lineno)])
    po_path = root / EXTENSION / "locales" / language / "LC_MESSAGES" / "mpexamples.po"
    po = read(po_path) if po_path.is_file() else Catalog()
    compare(pot, po, str(po_path.relative_to(root)), str(EXTENSION), report)
    return report


def check(root: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="translations-") as temporary:
        potdir = Path(temporary)
        extract(root, potdir)
        reports = [check_pages(root, potdir, language) for language in LANGUAGES]
    reports += [check_extension(root, language) for language in EXTENSION_LANGUAGES]
    failed = False
    for report in reports:
        for problem in report.problems:
            print(problem)
        print(report.summary())
        failed = failed or bool(report.problems)
    if failed:
        print(
            "translations: not up to date; run `python tools/translations.py update`, "
            "translate the new and fuzzy messages, and check again (README, Translating)"
        )
    return 1 if failed else 0


def update(root: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="translations-") as temporary:
        potdir = Path(temporary)
        extract(root, potdir)
        command = [
            str(Path(sys.executable).with_name("sphinx-intl")), "update", "--no-obsolete",
            "-p", str(potdir), "-d", str(root / "docs" / "locales"),
            *(f"--language={language}" for language in LANGUAGES),
        ]  # fmt: skip
        return subprocess.run(command, cwd=root, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("update", "check"))
    parser.add_argument("--root", type=Path, default=ROOT, help="the project (default: this one)")
    options = parser.parse_args(argv)
    root = options.root.resolve()
    return update(root) if options.command == "update" else check(root)


if __name__ == "__main__":
    sys.exit(main())
