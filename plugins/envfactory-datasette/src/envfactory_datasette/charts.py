"""Bar charts as inline SVG: no script, no network, readable in dark and light pages.

Colours come from the page's CSS variables (``--ef-bar``, ``--ef-fg``), so one chart suits both
colour schemes; every bar carries a ``<title>`` (a tooltip, and what a screen reader says) and the
chart an ``aria-label`` with its numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

__all__ = ["bar_chart"]

ROW = 22
LABEL_WIDTH = 230
BAR_WIDTH = 320
VALUE_WIDTH = 80


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def bar_chart(title: str, bars: Sequence[tuple[str, float]], *, unit: str = "") -> Markup:
    """A horizontal bar chart of ``(label, value)`` pairs, or a note when there is nothing to show."""
    if not bars:
        return Markup('<p class="ef-empty">{}: none in this run.</p>').format(title)
    top = max(value for _, value in bars) or 1
    height = ROW * len(bars) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    summary = "; ".join(f"{label}: {_number(value)}{unit}" for label, value in bars)
    parts = [
        f'<svg class="ef-chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(title)}: {escape(summary)}"><title>{escape(title)}</title>'
    ]
    for row, (label, value) in enumerate(bars):
        y = 4 + row * ROW
        length = 0 if value <= 0 else max(2, round(BAR_WIDTH * value / top))
        shown = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<g class="ef-bar-row"><text class="ef-label" x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">'
            f"{escape(shown)}</text>"
            f'<rect class="ef-bar" x="{LABEL_WIDTH}" y="{y + 3}" width="{length}" height="{ROW - 6}" rx="2">'
            f"<title>{escape(label)}: {_number(value)}{escape(unit)}</title></rect>"
            f'<text class="ef-value" x="{LABEL_WIDTH + length + 6}" y="{y + 15}">{_number(value)}{escape(unit)}</text>'
            "</g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
