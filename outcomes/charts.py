"""Charts for the mission report, drawn by the server as SVG strings.

Pure functions: labels and numbers in, an `<svg>` element out, the same for the page and the
PDF (WeasyPrint draws inline SVG). What they promise:

- readable without colour: every bar carries its number in text, each series of a stacked bar
  has its own fill *and* pattern (solid, hatched, outlined) and a legend;
- print-friendly: flat fills, no gradients, near-black text, 640 units wide (the text width of
  an A4 page at the report's scale), scaled down by CSS on narrow screens;
- CSP-clean: presentation attributes only (`fill=`, `font-size=`), no `style` attribute, no
  `<style>` or `<script>` element, nothing fetched;
- accessible: `role="img"` with a `<title>` and `<desc>` naming every value, so a screen reader
  gets the chart as a sentence; labels and values are escaped.
"""

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

WIDTH = 640
LABEL_WIDTH = 210
VALUE_GAP = 6
VALUE_ROOM = 44
ROW = 26
BAR = 16
TEXT = "#111111"
INK = "#1f3f66"  # the bars: dark enough to print on a laser printer as a solid grey
LIGHT = "#d6deea"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


def _svg(
    ident: str, title: str, desc: str, height: int, body: list[str], width: int = WIDTH
) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family={quoteattr(FONT)} '
        f'font-size="12" fill="{TEXT}">'
        f'<title id="{ident}-title">{escape(_text(title))}</title>'
        f'<desc id="{ident}-desc">{escape(_text(desc))}</desc>' + "".join(body) + "</svg>"
    )


# Characters XML 1.0 does not allow: typed names and summaries may carry them (pasted text).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value) -> str:
    return NOT_XML.sub("", str(value))


def _clip(label: str, limit: int = 30) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def bar_chart(
    rows: Sequence[tuple[str, int]],
    *,
    ident: str,
    title: str,
    empty: str = "–",
    narrow: bool = False,
) -> str:
    """Horizontal bars, one per (label, value), in the order given; the value after each bar.

    `narrow`: half the width (two charts side by side) at the same text size."""
    width, label_width, clip = (WIDTH // 2 - 10, 152, 21) if narrow else (WIDTH, LABEL_WIDTH, 30)
    rows = [(_text(label), int(value)) for label, value in rows]
    desc = "; ".join(f"{label}: {value}" for label, value in rows) or empty
    if not rows:
        body = [f'<text x="0" y="18">{escape(empty)}</text>']
        return _svg(ident, title, desc, 28, body, width)
    top = max(value for _label, value in rows) or 1
    room = width - label_width - VALUE_ROOM
    body = []
    for n, (label, value) in enumerate(rows):
        y = n * ROW
        length = round(room * value / top, 1)
        middle = y + ROW / 2
        body.append(
            f"<g><title>{escape(label)}: {value}</title>"
            f'<text x="{label_width - 8}" y="{middle + 4}" text-anchor="end">'
            f"{escape(_clip(label, clip))}</text>"
            f'<rect class="bar" x="{label_width}" y="{middle - BAR / 2}" width="{length}" '
            f'height="{BAR}" fill="{INK}"/>'
            f'<text x="{label_width + length + VALUE_GAP}" y="{middle + 4}" font-weight="bold">'
            f"{_number(value)}</text></g>"
        )
    body.append(
        f'<line x1="{label_width}" y1="0" x2="{label_width}" y2="{len(rows) * ROW}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
    )
    return _svg(ident, title, desc, len(rows) * ROW + 2, body, width)


def _fills(ident: str) -> tuple[list[str], list[dict]]:
    """Three series told apart by pattern as well as colour: solid, hatched, outlined."""
    hatch = f"{ident}-hatch"
    defs = (
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<rect width="2.5" height="6" fill="{INK}"/></pattern></defs>'
    )
    styles = [
        {"fill": INK, "stroke": INK, "text": "#ffffff", "boxed": False},
        {"fill": f"url(#{hatch})", "stroke": INK, "text": TEXT, "boxed": True},
        {"fill": LIGHT, "stroke": INK, "text": TEXT, "boxed": False},
    ]
    return [defs], styles


def stacked_bar_chart(
    rows: Sequence[tuple[str, Sequence[int]]],
    *,
    series: Sequence[str],
    ident: str,
    title: str,
    empty: str = "–",
) -> str:
    """One horizontal bar per (label, values), split into up to three series, the total after
    it and a legend below. Used for the meetings of each day: held / not held / not recorded."""
    series = [_text(name) for name in series][:3]
    rows = [(_text(label), [int(v) for v in values][: len(series)]) for label, values in rows]
    desc = "; ".join(
        f"{label}: "
        + ", ".join(f"{name} {value}" for name, value in zip(series, values, strict=False))
        for label, values in rows
    )
    if not rows:
        return _svg(ident, title, empty, 28, [f'<text x="0" y="18">{escape(empty)}</text>'])
    body, styles = _fills(ident)
    top = max(sum(values) for _label, values in rows) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    height = ROW + 6
    for n, (label, values) in enumerate(rows):
        y = n * height
        middle = y + height / 2
        parts = [
            f"<g><title>{escape(label)}: "
            + escape(", ".join(f"{s} {v}" for s, v in zip(series, values, strict=False)))
            + "</title>",
            f'<text x="{LABEL_WIDTH - 8}" y="{middle + 4}" text-anchor="end">'
            f"{escape(_clip(label))}</text>",
        ]
        x = float(LABEL_WIDTH)
        for value, style in zip(values, styles, strict=False):
            if not value:
                continue
            length = round(room * value / top, 1)
            parts.append(
                f'<rect class="segment" x="{x}" y="{middle - (BAR + 4) / 2}" width="{length}" '
                f'height="{BAR + 4}" fill="{style["fill"]}" stroke="{style["stroke"]}" '
                f'stroke-width="1"/>'
            )
            # A lone segment's number would repeat the total printed after the bar.
            if length >= 16 and value != sum(values):
                centre = x + length / 2
                if style["boxed"]:
                    parts.append(
                        f'<rect x="{centre - 9}" y="{middle - 8}" width="18" height="15" '
                        f'rx="3" fill="#ffffff"/>'
                    )
                parts.append(
                    f'<text x="{centre}" y="{middle + 4}" text-anchor="middle" '
                    f'fill="{style["text"]}" font-weight="bold">{_number(value)}</text>'
                )
            x += length
        parts.append(
            f'<text x="{x + VALUE_GAP}" y="{middle + 4}" font-weight="bold">'
            f"{_number(sum(values))}</text></g>"
        )
        body.extend(parts)
    bottom = len(rows) * height
    body.append(
        f'<line x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{bottom}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
    )
    # The legend, left to right under the bars.
    x, y = float(LABEL_WIDTH), bottom + 14
    for name, style in zip(series, styles, strict=False):
        body.append(
            f'<rect x="{x}" y="{y - 10}" width="14" height="12" fill="{style["fill"]}" '
            f'stroke="{style["stroke"]}" stroke-width="1"/>'
            f'<text x="{x + 19}" y="{y}">{escape(name)}</text>'
        )
        x += 19 + 7.2 * len(name) + 18
    return _svg(ident, title, desc, bottom + 22, body)
