"""Small SVG building blocks for the charts in reports/charts/. Pure; every text and attribute is escaped."""

import html
from collections.abc import Iterable, Sequence

INK = "#1b1b1b"
FONT = 13  # in viewBox units
# Roughly how wide one character of the chart font is, to decide whether a label fits.
CHAR_WIDTH = 0.58 * FONT


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


def num(value: float) -> str:
    """Coordinates with at most one decimal: short markup, no float noise."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _attrs(**attributes) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        value = num(value) if isinstance(value, float) else value
        parts.append(f'{name.rstrip("_").replace("_", "-")}="{_esc(value)}"')
    return " ".join(parts)


def rect(x, y, width, height, fill, tooltip: str | None = None, **extra) -> str:
    attributes = _attrs(x=float(x), y=float(y), width=float(max(width, 0)), height=float(height), fill=fill)
    more = _attrs(**extra)
    inner = f"<title>{_esc(tooltip)}</title>" if tooltip else ""
    return f"<rect {attributes}{' ' + more if more else ''}>{inner}</rect>"


def line(x1, y1, x2, y2, stroke, width=1, **extra) -> str:
    attributes = _attrs(x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), stroke=stroke)
    more = _attrs(stroke_width=width, **extra)
    return f"<line {attributes} {more}/>"


def text(x, y, content, anchor="start", size=FONT, fill=INK, **extra) -> str:
    attributes = _attrs(x=float(x), y=float(y), text_anchor=anchor, font_size=size, fill=fill, **extra)
    return f"<text {attributes}>{_esc(content)}</text>"


def svg(chart_id: str, title: str, width: int, height: int, body: Iterable[str]) -> str:
    """The outer element: a white card (readable in dark mode too) with an accessible name."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'aria-labelledby="{_esc(chart_id)}-title" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMinYMin meet" font-family="system-ui, sans-serif">'
        f'<title id="{_esc(chart_id)}-title">{_esc(title)}</title>'
    )
    background = rect(0, 0, width, height, "#ffffff")
    return head + background + "".join(body) + "</svg>"


def shorten(label: str, max_chars: int) -> str:
    """Cut a long name to fit a column; the full name stays in the table and tooltip."""
    return label if len(label) <= max_chars else label[: max_chars - 1].rstrip() + "…"


def fits(label: str, width: float) -> bool:
    return len(label) * CHAR_WIDTH + 8 <= width


def nice_ticks(top: int, most: int = 5) -> list[int]:
    """0 and evenly spaced round numbers (1, 2, 5 × 10^n apart) up to at least `top`."""
    top = max(top, 1)
    step = 1
    while True:
        for factor in (1, 2, 5):
            if top / (step * factor) <= most:
                step *= factor
                count = -(-top // step)
                return [i * step for i in range(count + 1)]
        step *= 10


LEGEND_ROW = 22
# A legend item: (words, colour) for a box, or (words, colour, "line" or "dash") for a line.
LegendItem = tuple[str, str] | tuple[str, str, str]


def legend_rows(items: Sequence[LegendItem], left: float, right: float) -> list[list[tuple]]:
    """Place legend items left to right, wrapping to a new row where `right` is reached."""
    rows, x = [[]], left
    for item in items:
        width = 20 + len(item[0]) * CHAR_WIDTH + 24
        if rows[-1] and x + width > right:
            rows.append([])
            x = left
        rows[-1].append((x, item))
        x += width
    return rows


def _swatch(x: float, y: float, colour: str, shape: str) -> str:
    if shape == "box":
        return rect(x, y, 14, 14, colour, stroke=INK, stroke_width="0.5")
    dashes = "4 3" if shape == "dash" else None
    return line(x, y + 7, x + 16, y + 7, colour, width=2, stroke_dasharray=dashes)


def legend(items: Sequence[LegendItem], left: float, top: float, right: float) -> list[str]:
    """Swatches with their words; height: LEGEND_ROW per row of legend_rows()."""
    parts = []
    for row_index, row in enumerate(legend_rows(items, left, right)):
        y = top + row_index * LEGEND_ROW
        for x, (label, colour, *shape) in row:
            parts.append(_swatch(x, y, colour, shape[0] if shape else "box"))
            parts.append(text(x + 20, y + 12, label))
    return parts


def legend_height(items: Sequence[LegendItem], left: float, right: float) -> float:
    return len(legend_rows(items, left, right)) * LEGEND_ROW


def legend_below(
    items: Sequence[LegendItem], left: float, top: float, right: float
) -> tuple[list[str], float]:
    """The legend from `top` down, and the height the picture needs to hold it with a small margin."""
    return legend(items, left, top, right), top + 4 + legend_height(items, left, right)
