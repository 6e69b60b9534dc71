"""Refresh docs/_intersphinx/python3.inv, the CPython docs' inventory.

The docs build reads this file instead of fetching the inventory, so it
makes no network request.  Run this now and then to pick up new anchors:

    python tools/refresh_intersphinx.py                # from docs.python.org
    python tools/refresh_intersphinx.py path/to/objects.inv  # from a file,
        # e.g. Debian's python3.13-doc: /usr/share/doc/python3.13/html/objects.inv

Either way the file is checked to be a Sphinx inventory that names
``multiprocessing.Process`` before it replaces the kept one.
"""

from __future__ import annotations

import sys
import urllib.request
import zlib
from pathlib import Path

URL = "https://docs.python.org/3/objects.inv"
TARGET = Path(__file__).resolve().parent.parent / "docs" / "_intersphinx" / "python3.inv"


def check(data: bytes, source: str) -> str:
    """Return the inventory's project line; fail clearly if ``data`` is not one."""
    header, _, body = data.partition(b"\n")
    if header != b"# Sphinx inventory version 2":
        sys.exit(f"{source}: not a Sphinx inventory (version 2)")
    lines = body.split(b"\n", 3)  # project, version, compression note, zlib data
    if len(lines) < 4 or b"multiprocessing.Process " not in zlib.decompress(lines[3]):
        sys.exit(f"{source}: no multiprocessing.Process in this inventory")
    return " ".join(line.decode() for line in lines[:2])


def main(argv: list[str]) -> None:
    source = argv[0] if argv else URL
    if argv:
        data = Path(source).read_bytes()
    else:
        try:
            with urllib.request.urlopen(URL, timeout=30) as response:
                data = response.read()
        except OSError as error:
            sys.exit(
                f"{URL}: {error}; pass a local objects.inv instead (see this file's docstring)"
            )
    print(f"{check(data, source)}: {len(data)} bytes -> {TARGET}")
    TARGET.write_bytes(data)


if __name__ == "__main__":
    main(sys.argv[1:])
