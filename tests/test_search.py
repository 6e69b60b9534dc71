"""The real site's full-text search: a stemmer the browser finds, Chinese words indexed."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from search_zh import check_dict
from sphinx.errors import ConfigError

from conftest import REAL_SITE_TIMEOUT

#: Each word a reader may search for, and the page (docs/<name>.md) that explains it.
WORDS = {
    "僵尸进程": "process",  # a child that ended and was never joined
    "序列化": "process",  # start() pickles the Process object under spawn
    "守护进程": "daemon",  # the chapter's title
    "启动方式": "intro",  # section "启动方式：fork、spawn、forkserver"
    "pickl": "process",  # "pickle", as the English stemmer indexes it
    "daemon": "daemon",
    "pool": "pool",
}


def search_index(html: Path) -> dict[str, object]:
    """searchindex.js is ``Search.setIndex({...})``: the JSON inside."""
    text = (html / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def pages_of(index: dict, term: str) -> set[str]:
    """The pages whose text or titles hold ``term``."""
    found: set[str] = set()
    for table in (index["terms"], index["titleterms"]):
        docs = table.get(term, [])
        found.update(index["docnames"][i] for i in ([docs] if isinstance(docs, int) else docs))
    return found


@pytest.mark.timeout(REAL_SITE_TIMEOUT)
def test_site_search_finds_chinese_and_english_words(real_site):
    html = real_site[0] / "html" / "zh"  # the build has not one warning (real_site)
    # search.html runs language_data.js, then `new Stemmer()`: the class that
    # file assigns to window.Stemmer must be one it defines.
    language_data = (html / "_static/language_data.js").read_text(encoding="utf-8")
    assigned = re.search(r"^window\.Stemmer = (\w+);$", language_data, re.M)
    assert assigned, language_data[-300:]
    name = re.escape(assigned[1])
    assert re.search(rf"\b(var|let|const|class|function)\s+{name}\b", language_data), assigned[0]

    index = search_index(html)
    for word, page in WORDS.items():
        assert page in pages_of(index, word), (word, page)


def test_a_user_dictionary_that_is_not_a_file_fails_the_build(tmp_path):
    # Sphinx's zh search would skip it without a word, and index the guide's terms in pieces.
    config = SimpleNamespace(html_search_options={"dict": str(tmp_path / "missing.txt")})
    with pytest.raises(ConfigError, match=r"missing\.txt is not a file"):
        check_dict(None, config)
    (tmp_path / "missing.txt").write_text("僵尸进程\n", encoding="utf-8")
    check_dict(None, config)
