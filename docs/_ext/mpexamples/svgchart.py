"""A horizontal bar chart as inline SVG: no plotting library, no image file.

The chart is text in the page, so it scales, and a screen reader reads it:
``role="img"`` with a ``<title>`` (what is plotted, its
``aria-labelledby``) and a ``<desc>`` (every bar's label and value, in
words, its ``aria-describedby``).  Each
bar's label and value are also drawn as text.  Text is drawn in
``currentColor`` and bars in the theme's brand colour (``mpexamples.css``),
so the chart follows a light or dark theme; without the stylesheet, bars
are ``currentColor`` too.
"""

from __future__ import annotations

import unicodedata
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .table import Bar

#: Sizes in SVG user units (the chart scales to its container's width).
WIDTH = 640
FONT = 14
ROW = 26  # one bar and the space under it
BAR = 18
PAD = 8
#: Room right of the longest bar for its value.
VALUE_ROOM = 72


def text_width(text: str) -> float:
    """A generous estimate of ``text``'s width at size ``FONT``: wide (CJK) characters count twice.

    SVG has no layout: the label column must be wide enough before any
    font is known.
    """
    units = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return units * FONT * 0.62


def render(
    bars: Sequence[Bar], *, title: str, description: str, axis: str, labels: str, ident: str
) -> str:
    """The SVG of one bar per item of ``bars``, longest value = longest bar.

    ``axis`` names the values (the value column), ``labels`` the label
    columns; ``ident`` is a page-unique id, from which the ids of the
    title and description are made.
    """
    label_width = max(text_width(text) for text in [labels, *(bar.label for bar in bars)])
    left = PAD + label_width + PAD  # where every bar starts: its value 0
    span = max(WIDTH - left - VALUE_ROOM, 80.0)
    width = left + span + VALUE_ROOM
    top = PAD + FONT + PAD  # under the column headings
    height = top + ROW * len(bars) + PAD
    largest = max(bar.value for bar in bars)
    title_id, desc_id = f"{ident}-title", f"{ident}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="example-chart-svg" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'aria-labelledby="{title_id}" aria-describedby="{desc_id}" font-size="{FONT}" fill="currentColor">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        _text(PAD, PAD + FONT, labels, "example-chart-heading"),
        _text(left, PAD + FONT, axis, "example-chart-heading"),
    ]
    for index, bar in enumerate(bars):
        y = top + ROW * index
        length = span * bar.value / largest if largest else 0.0
        middle = y + BAR / 2 + FONT * 0.35  # a text's baseline, centred on the bar
        parts += [
            _text(PAD, middle, bar.label, "example-chart-label"),
            f'<rect class="example-chart-bar" x="{left:.1f}" y="{y:.1f}" '
            f'width="{length:.1f}" height="{BAR}"/>',
            _text(left + length + PAD / 2, middle, bar.text, "example-chart-value"),
        ]
    # The axis: where every bar starts.
    parts.append(
        f'<line x1="{left:.1f}" y1="{top - PAD / 2:.1f}" x2="{left:.1f}" '
        f'y2="{height - PAD / 2:.1f}" stroke="currentColor" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _text(x: float, y: float, text: str, css_class: str) -> str:
    return f'<text class="{css_class}" x="{x:.1f}" y="{y:.1f}">{escape(text)}</text>'
