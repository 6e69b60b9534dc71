"""The extension's config values, checked before anything uses them.

Values come from ``conf.py`` or from ``-D name=value`` on the command line,
where each is a string: ``-D example_jobs=4`` must mean 4, and
``-D example_start_method=spwan`` must be a clear error, not a crash deep
in a build.  :func:`validate` runs on ``config-inited``, coerces what it can
and reports every bad value in one line each, naming what is accepted.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from .expect import START_METHODS
from .layout import Layout

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

#: The fields each text template may use.
TEMPLATES = {
    "example_run_command": ("name",),
}
#: :func:`.expect.abridge` keeps the last 10 lines; the head needs at least one.
MIN_MAX_LINES = 11


class Invalid(ValueError):
    """A config value that is not accepted; the message says what is."""


def validate(app: Sphinx, config: Config) -> None:
    """Coerce and check every ``example_*`` value; exit 2 if any is bad.

    Sphinx prints any exception raised here, :class:`~sphinx.errors.ConfigError`
    included, as a crash report with a traceback that asks for a bug report.
    A wrong value is the user's mistake, so it is logged as one error line
    and the build stops with Sphinx's status for configuration errors.
    """
    problems = []
    for name, check in CHECKS.items():
        value = getattr(config, name)
        try:
            setattr(config, name, check(value, app))
        except Invalid as error:
            problems.append(f"config value {name} = {value!r}: {error}")
    for problem in problems:
        logger.error(problem)
    if problems:
        raise SystemExit(2)


def _text(value: object, app: Sphinx) -> str:
    if not isinstance(value, str):
        raise Invalid("expected a string")
    return value


def _optional_text(value: object, app: Sphinx) -> str | None:
    if value is None or value == "":  # -D example_cache_dir= gives ""
        return None
    return _text(value, app)


def _template(name: str) -> Callable[[object, Sphinx], str]:
    fields = TEMPLATES[name]

    def check(value: object, app: Sphinx) -> str:
        text = _text(value, app)
        try:
            used = {field for _, field, _, _ in string.Formatter().parse(text) if field}
        except ValueError as error:  # a lone "{" or "}"
            raise Invalid(
                f"not a format string ({error}); write {{{{ and }}}} for braces"
            ) from None
        unknown = sorted(used - set(fields))
        if unknown:
            known = ", ".join(f"{{{field}}}" for field in fields)
            raise Invalid(f"unknown field(s) {unknown}; known: {known}")
        return text

    return check


def _directory(value: object, app: Sphinx) -> str:
    text = _text(value, app)
    path = Layout.at(Path(app.srcdir, app.config.example_root), text).examples
    if not path.is_dir():
        raise Invalid(f"{path} is not a directory (example_dir is under example_root)")
    return text


def _start_method(value: object, app: Sphinx) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in START_METHODS:
        choices = ", ".join(repr(method) for method in START_METHODS)
        raise Invalid(f"expected one of {choices}, or None for the platform's default")
    return value


def _integer(minimum: int, *, none: bool = False) -> Callable[[object, Sphinx], int | None]:
    def check(value: object, app: Sphinx) -> int | None:
        if none and value in (None, ""):  # -D example_jobs= gives ""
            return None
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            also = ", or None for the default" if none else ""
            raise Invalid(f"expected a whole number of at least {minimum}{also}")
        return value

    return check


def _flag(value: object, app: Sphinx) -> bool:
    # Sphinx turns -D name=1 and -D name=0 into True and False.
    if not isinstance(value, bool):
        raise Invalid("expected True or False (with -D: 1 or 0)")
    return value


def _languages(value: object, app: Sphinx) -> tuple[str, ...]:
    if isinstance(value, str):  # -D example_allowed_languages=sh,bash
        value = value.split(",")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise Invalid("expected a list of language names (with -D: comma-separated)")
    return tuple(language.strip() for language in value if language.strip())


#: Each takes the raw value (anything conf.py or -D gave) and returns the checked one.
CHECKS: dict[str, Callable[[object, Sphinx], object]] = {
    "example_root": _text,
    "example_dir": _directory,
    "example_start_method": _start_method,
    "example_header_marker": _text,
    "example_max_lines": _integer(MIN_MAX_LINES),
    "example_jobs": _integer(1, none=True),
    "example_cache": _flag,
    "example_cache_dir": _optional_text,
    "example_allowed_languages": _languages,
    "example_run_command": _template("example_run_command"),
}
