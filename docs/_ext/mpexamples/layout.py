"""Where the examples are, and which files under them are examples.

The Sphinx build and the pytest plugin each make one :class:`Layout` (from
the Sphinx config, or from pytest's options and ini file) and ask it every
question about paths: so a path that one accepts, the other accepts too,
and both say why they refuse one in the same words.

Files under the examples folder are of three kinds:

- an *example*: a ``.py`` file with its ``.expect`` file next to it; it is
  run and checked, and a page must show it;
- a *helper*: a ``.py`` file without an ``.expect`` that an example imports,
  directly or not (:meth:`.Example.local_modules`), such as the worker module
  of a ``*_main.py``; it is never run on its own, and a page may show its
  source;
- a ``.py`` file without an ``.expect`` that no example imports
  is an error, for the build and for pytest alike.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .example import Example, find_examples

if TYPE_CHECKING:
    import pytest
    from sphinx.config import Config


class NotAnExample(ValueError):
    """A path or directive argument that names no example file; the message says why."""


@dataclass(frozen=True)
class Layout:
    """The project root (working directory, base of shown names) and the examples folder."""

    root: Path  # absolute, resolved
    examples: Path  # absolute, resolved

    @classmethod
    def at(cls, root: Path, examples: str | Path) -> Layout:
        """The one resolution: ``examples`` is relative to ``root`` (or absolute)."""
        root = root.resolve()
        return cls(root, (root / examples).resolve())

    @classmethod
    def from_sphinx(cls, srcdir: str | Path, config: Config) -> Layout:
        """``example_root`` is relative to the source folder, ``example_dir`` to the root."""
        return cls.at(Path(srcdir) / config.example_root, config.example_dir)

    @classmethod
    def from_pytest(cls, config: pytest.Config) -> Layout:
        """The ini value ``example_dir`` under the rootdir, as ``example_dir`` in Sphinx.

        ``--example-dir`` (relative to the working directory) names another
        folder; the root is then the folder above it.  Either way examples
        run from the root, as the README tells readers to run them.
        """
        if given := config.getoption("example_dir"):
            examples = (config.invocation_params.dir / given).resolve()
            return cls.at(examples.parent, examples)
        return cls.at(config.rootpath, config.getini("example_dir"))

    def contains(self, path: Path) -> bool:
        """Is ``path`` (once symbolic links are followed) under the examples folder?"""
        return path.resolve().is_relative_to(self.examples)

    def name(self, path: Path) -> str:
        """The path a reader types: ``examples/process/process_basic.py``."""
        return path.relative_to(self.root).as_posix()

    def example(self, given: str | Path) -> Example:
        """The example file ``given`` names (relative to the examples folder, or absolute).

        Raises :class:`NotAnExample` saying exactly why it names none.  The
        file may still lack its expectation: it is then a helper, or an error
        (see :meth:`is_helper`).
        """
        path = self.examples / given
        if problem := not_a_file(path):
            raise NotAnExample(f"example file {path} {problem}")
        resolved = path.resolve()
        if not resolved.is_relative_to(self.examples) or resolved.suffix != ".py":
            raise NotAnExample(f"{str(given)!r} is not a .py file under {self.examples}")
        return Example.at(resolved, self.root)

    def files(self) -> list[Path]:
        """Every ``.py`` file under the examples folder, in a stable order."""
        return find_examples(self.examples)

    def importers(self) -> dict[Path, list[str]]:
        """Each ``.py`` file without an expectation, and the examples that import it.

        A file no example imports maps to an empty list: it is an error.
        """
        files = self.files()
        found: dict[Path, list[str]] = {
            path.resolve(): [] for path in files if not has_expectation(path)
        }
        for path in files:
            if has_expectation(path):
                example = Example.at(path, self.root)
                for module in example.local_modules():
                    found.get(module.resolve(), []).append(example.name)
        return found


def has_expectation(path: Path) -> bool:
    """Is there an ``.expect`` file next to ``path`` (even a broken link, which is an error)?"""
    return os.path.lexists(path.with_suffix(".expect"))


def lone_message(name: str) -> str:
    """What is wrong with a ``.py`` file that has no expectation and no importer."""
    stem = name.removesuffix(".py")
    return (
        f"{name} has no expectation file {stem}.expect, and no example imports it: "
        f"write its expectation, or import it from an example"
    )


def not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as an example file, if it cannot."""
    if path.is_symlink() and not path.exists():
        return f"is a symbolic link to {path.readlink()}, which does not exist"
    if not path.exists():
        return "does not exist"
    if not path.is_file():
        return "is a directory" if path.is_dir() else "is not a regular file"
    return None
