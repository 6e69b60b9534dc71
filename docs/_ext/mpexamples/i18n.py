"""The extension's own words on a page, translated through Sphinx's locale machinery.

The message ids are English, in the code (``_("(no output)")``); each
language has a catalogue ``locales/<language>/LC_MESSAGES/mpexamples.po``
in this package, as Sphinx extensions ship theirs.  The ``.po`` is the only
form kept in the repository: :func:`add_catalog` compiles it with Babel (a
dependency of Sphinx) into the build's doctree directory when the build
starts, so a compiled ``.mo`` can never lag behind its ``.po`` and no binary
file is reviewed in diffs.  Compiling a catalogue this size takes about a
millisecond.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.locale import get_translation

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The catalogue's name (its text domain).
CATALOG = "mpexamples"
#: Where the ``.po`` files are, one per language.
LOCALES = Path(__file__).with_name("locales")

#: Marks and translates a message; looked up when the text is made, in the build's language.
_ = get_translation(CATALOG)


def compile_catalog(po: Path, mo: Path) -> None:
    """Write ``po`` compiled to ``mo`` (fuzzy entries left out, as msgfmt does), if it changed."""
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalog = read_po(source, domain=CATALOG)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    if not mo.is_file() or mo.read_bytes() != compiled.getvalue():
        mo.parent.mkdir(parents=True, exist_ok=True)
        mo.write_bytes(compiled.getvalue())


def add_catalog(app: Sphinx) -> None:
    """Register the catalogue for the build's language (compiled into the doctree dir)."""
    built = Path(app.doctreedir) / "mpexamples-locales"
    for po in LOCALES.glob(f"*/LC_MESSAGES/{CATALOG}.po"):
        if po.parents[1].name == app.config.language:
            compile_catalog(po, built / po.relative_to(LOCALES).with_suffix(".mo"))
    app.add_message_catalog(CATALOG, str(built))
