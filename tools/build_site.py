"""Build the site: the Chinese edition, then the English one, and a root page.

    python tools/build_site.py [--out DIR] [sphinx-build options...]

writes ``DIR/html/zh/`` (the source language) and ``DIR/html/en/`` (the
same source through ``docs/locales/en``), their doctrees under
``DIR/doctrees/zh`` and ``DIR/doctrees/en``, ``DIR/html/index.html``,
which leads to ``zh/``, and ``DIR/html/404.html``, a copy of ``zh/404.html``.  ``DIR`` is ``docs/_build`` by default.  Warnings
are errors (``-n -W --keep-going``); other options go to both
sphinx-build runs (``-D example_jobs=4``, ``-q``, ``-E``).

The editions share the example cache (``DIR/doctrees/example-cache``), and
run one after the other: every example runs once, in the first build, and
the second gets each run from the cache.  Each build writes what it ran to
``<its doctree dir>/example-runs.json``.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: (Sphinx's language, folder, the edition's name), the source language first.
EDITIONS = (("zh_CN", "zh", "中文"), ("en", "en", "English"))

ROOT_PAGE = """\
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Python 多进程指南 · Python multiprocessing, by example</title>
<meta http-equiv="refresh" content="0; url=zh/">
<link rel="alternate" hreflang="zh-CN" href="zh/">
<link rel="alternate" hreflang="en" href="en/">
</head>
<body>
<h1>Python 多进程指南 · <span lang="en">Python multiprocessing, by example</span></h1>
<ul>
<li><a href="zh/index.html" hreflang="zh-CN">中文</a></li>
<li><a href="en/index.html" hreflang="en" lang="en">English</a></li>
</ul>
</body>
</html>
"""


def build(language: str, folder: str, out: Path, extra: list[str]) -> int:
    """One edition, with the shared example cache; sphinx-build's exit status."""
    command = [
        sys.executable, "-m", "sphinx", "-n", "-W", "--keep-going", "-b", "html",
        "-d", str(out / "doctrees" / folder),
        "-D", f"language={language}",
        "-D", f"example_cache_dir={out.resolve() / 'doctrees' / 'example-cache'}",
        *extra, str(ROOT / "docs"), str(out / "html" / folder),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT)
    try:
        return process.wait()
    except BaseException:  # SIGTERM (below) or Ctrl-C: the build kills its examples first
        process.terminate()
        process.wait()
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog="Other options go to sphinx-build."
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "_build", metavar="DIR")
    options, extra = parser.parse_known_args(argv)
    # Stopped (CI, a test's timeout): stop the sphinx-build running, as it stops its examples.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    out: Path = options.out
    for language, folder, name in EDITIONS:
        start = time.perf_counter()
        status = build(language, folder, out, extra)
        took = time.perf_counter() - start
        if status:
            # sphinx-build has printed each problem, with its file and line.
            print(
                f"build_site: the {name} edition ({language}) failed (sphinx-build exit "
                f"status {status}); its errors are above, each with its file and line",
                file=sys.stderr,
            )
            return status
        print(f"build_site: {name} ({language}) built in {took:.1f} s: {out / 'html' / folder}")
    (out / "html" / "index.html").write_text(ROOT_PAGE, encoding="utf-8")
    # Hosts serve the 404 page of the site's root (Read the Docs: of the
    # version's; GitHub Pages: of the site's): the source language's, whose
    # links are absolute, so it works there as it does under zh/.
    shutil.copyfile(out / "html" / "zh" / "404.html", out / "html" / "404.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
