"""A table in an example's printed output, read back as data for a chart.

An example prints a table as a terminal shows one: a header line, then one
line per row, the cells separated by two or more spaces (so that a cell
may hold single spaces, as ``I/O-bound`` or ``start a thread`` do)::

    CPU-bound    workers  seconds  speedup
    serial             1    0.133     1.00
    threads            2    0.084     1.57

The table is named by its header's first cell.  Its rows are the lines
below the header, up to the first line with another number of cells (a
blank line, a sentence) or the end of the output.  Every problem is a
:class:`TableError` saying what is wrong and on which output line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: What separates two cells: two spaces or more (a tab counts as wide).
SEPARATOR = re.compile(r" {2,}|\t+")


class TableError(ValueError):
    """The output holds no such table, or it cannot be plotted; says which line."""


def cells(line: str) -> list[str]:
    """The cells of one output line (none for a blank line)."""
    text = line.strip()
    return SEPARATOR.split(text) if text else []


@dataclass(frozen=True)
class Table:
    """A table as printed: its header's cells and its rows' cells."""

    name: str
    columns: list[str]
    rows: list[list[str]]
    line: int  # the header's output line, from 1; row i is on line + 1 + i

    def column(self, name: str) -> int:
        """The index of the column headed ``name``."""
        if name not in self.columns:
            listed = ", ".join(repr(column) for column in self.columns)
            raise TableError(
                f"table {self.name!r} (output line {self.line}) has no column {name!r} "
                f"(its columns: {listed})"
            )
        return self.columns.index(name)


def find(lines: list[str], name: str) -> Table:
    """The one table in ``lines`` whose header's first cell is ``name``."""
    headers = [
        number for number, line in enumerate(lines, 1) if (row := cells(line)) and row[0] == name
    ]
    if not headers:
        raise TableError(
            f"no line of the output starts a table named {name!r} (a header line whose "
            f"first cell, before two or more spaces, is {name!r})"
        )
    if len(headers) > 1:
        raise TableError(
            f"{len(headers)} lines of the output start a table named {name!r} "
            f"(output lines {', '.join(map(str, headers))}); a chart needs one"
        )
    header = headers[0]
    columns = cells(lines[header - 1])
    if len(columns) < 2:
        raise TableError(
            f"the header of table {name!r} (output line {header}) has one cell; cells are "
            f"separated by two or more spaces"
        )
    rows = []
    for line in lines[header:]:
        row = cells(line)
        if len(row) != len(columns):
            break
        rows.append(row)
    if not rows:
        raise TableError(
            f"table {name!r} (output line {header}) has no rows: the next line does not "
            f"have its {len(columns)} cells"
        )
    return Table(name, columns, rows, header)


@dataclass(frozen=True)
class Bar:
    """One row of a table, as a chart shows it."""

    label: str  # the label columns' cells, joined
    value: float
    text: str  # the value as printed
    line: int  # its output line


def bars(table: Table, labels: list[str], value: str) -> list[Bar]:
    """One bar per row: its ``labels`` cells joined by a space, and its ``value`` cell.

    A value must be a finite number, at least 0: every bar starts at 0.
    """
    label_columns = [table.column(label) for label in labels]
    value_column = table.column(value)
    found = []
    for number, row in enumerate(table.rows, table.line + 1):
        text = row[value_column]
        try:
            number_value = float(text)
        except ValueError:
            raise TableError(
                f"table {table.name!r}, output line {number}: {text!r} in column {value!r} "
                f"is not a number"
            ) from None
        if not math.isfinite(number_value) or number_value < 0:
            raise TableError(
                f"table {table.name!r}, output line {number}: {text!r} in column {value!r} "
                f"cannot be a bar, which starts at 0 (a finite number, at least 0)"
            )
        label = " ".join(row[column] for column in label_columns)
        found.append(Bar(label, number_value, text, number))
    return found
