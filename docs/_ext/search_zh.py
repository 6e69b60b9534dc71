"""Full-text search for a Chinese site: a stemmer the browser can find, words jieba cut.

Sphinx 9.0's Chinese search language (``sphinx.search.zh``) ships Snowball's
English stemmer but writes ``window.Stemmer = ChineseStemmer;`` at the end of
``_static/language_data.js``, a name that file never defines, so
``search.html`` stops on a ``ReferenceError`` and finds nothing
(sphinx-doc/sphinx#14229). Sphinx fixed it in 9.1.1 (sphinx-doc/sphinx#14416),
which needs Python 3.12; this guide supports 3.11, so it keeps Sphinx 9.0 and
registers :class:`SearchChinese` instead, which names the class the stemmer
file defines. Drop this module once the pin reaches Sphinx 9.1.1.

Chinese text has no spaces between words: Sphinx indexes it only if jieba is
installed (without it every Chinese word is silently left out). This
extension imports jieba, so a missing jieba fails the build, and keeps jieba's
progress messages off the build log. Words jieba's own dictionary lacks
(僵尸进程, 守护进程, ...) come from ``html_search_options["dict"]``
(``docs/conf.py``); a path there that is not a file fails the build too.
"""

from __future__ import annotations

import logging
from pathlib import Path

import jieba  # type: ignore[import-untyped]  # jieba ships no type hints
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.search import _MINIFIED_JS_PATH
from sphinx.search.zh import SearchChinese as _SphinxSearchChinese
from sphinx.util.typing import ExtensionMetadata

# jieba logs at DEBUG to stderr ("Building prefix dict ...") on every build.
jieba.setLogLevel(logging.WARNING)


def stemmer_class(rawcode: str) -> str:
    """The JavaScript class a Snowball stemmer file defines: english-stemmer.js -> EnglishStemmer."""
    return rawcode.removesuffix("-stemmer.js").title().replace("_", "").replace("-", "") + "Stemmer"


class SearchChinese(_SphinxSearchChinese):
    """Sphinx's Chinese search, with ``language_data.js`` assigning a stemmer it defines."""

    #: Empty, so that Sphinx writes :attr:`js_stemmer_code` as it is
    #: (``IndexBuilder.get_js_stemmer_code``) instead of naming the class after
    #: ``language_name``.
    js_stemmer_rawcode = ""

    def __init__(self, options: dict[str, str]) -> None:
        # Sphinx's __init__ loads the user dictionary, and with it jieba's own
        # (0.4 s), on every build; a build that reads no page cuts no text.
        # So it is loaded on the first split() instead.
        userdict, options = options.get("dict"), {k: v for k, v in options.items() if k != "dict"}
        super().__init__({**options, "dict": ""})
        self._userdict: str | None = userdict
        rawcode = _SphinxSearchChinese.js_stemmer_rawcode  # english-stemmer.js
        self.js_stemmer_code = "\n".join(
            (
                (_MINIFIED_JS_PATH / "base-stemmer.js").read_text(encoding="utf-8"),
                (_MINIFIED_JS_PATH / rawcode).read_text(encoding="utf-8"),
                f"window.Stemmer = {stemmer_class(rawcode)};",
            )
        )

    def split(self, input: str) -> list[str]:
        if self._userdict:
            jieba.load_userdict(self._userdict)
            self._userdict = None
        return super().split(input)


def check_dict(app: Sphinx, config: Config) -> None:
    """Fail on a user dictionary that is not a file: Sphinx would skip it without a word."""
    path = config.html_search_options.get("dict")
    if path and not Path(path).is_file():
        raise ConfigError(f"html_search_options['dict']: {path} is not a file")


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the Chinese search language (it replaces Sphinx's ``zh``)."""
    app.add_search_language(SearchChinese)
    app.connect("config-inited", check_dict)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
