"""The report's SVG charts: valid XML, one bar per row, numbers in text, nothing unsafe."""

import re
import xml.etree.ElementTree as ET

from outcomes.charts import bar_chart, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def test_bar_chart_has_a_bar_and_a_number_per_row():
    root = _tree(bar_chart([("Company / OEM", 6), ("Bank", 1)], ident="c", title="By kind"))
    assert root.find(f"{SVG}title").text == "By kind"
    assert root.find(f"{SVG}desc").text == "Company / OEM: 6; Bank: 1"
    bars = root.findall(f".//{SVG}rect[@class='bar']")
    assert len(bars) == 2
    # Proportional: 6 is the longest, 1 is a sixth of it.
    widths = [float(bar.get("width")) for bar in bars]
    assert widths[1] == round(widths[0] / 6, 1)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["Company / OEM", "6", "Bank", "1"]
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-title c-desc"


def test_labels_are_escaped_and_nothing_needs_the_csp_relaxed():
    svg = bar_chart([('<script>alert("x")</script>', 2)], ident="x", title="A & B")
    root = _tree(svg)
    assert "<script>" not in svg and root.find(f".//{SVG}script") is None
    assert root.find(f"{SVG}title").text == "A & B"
    assert not re.search(r"\bstyle=|<style|\bon\w+=", svg)
    assert "gradient" not in svg.lower()


def test_long_labels_are_clipped_with_the_full_label_in_the_tooltip():
    name = "MEMA, The Vehicle Suppliers Association of North America"
    root = _tree(bar_chart([(name, 1)], ident="l", title="t"))
    assert root.find(f"{SVG}g/{SVG}title").text == f"{name}: 1"
    shown = root.find(f"{SVG}g/{SVG}text").text
    assert shown.endswith("…") and len(shown) <= 30


def test_an_empty_chart_says_so():
    root = _tree(bar_chart([], ident="e", title="Nothing", empty="No data"))
    assert [t.text for t in root.iter(f"{SVG}text")] == ["No data"]


def test_stacked_bar_per_day_with_legend_and_patterns():
    svg = stacked_bar_chart(
        [("Tue 22 Apr", [2, 1, 0]), ("Wed 23 Apr", [7, 0, 0])],
        series=["Held", "Not held", "Not recorded"],
        ident="d",
        title="Meetings per day",
    )
    root = _tree(svg)
    segments = root.findall(f".//{SVG}rect[@class='segment']")
    # 2 + 1 on Tuesday, 7 on Wednesday (the longest); a zero draws nothing.
    assert len(segments) == 3
    widths = [float(s.get("width")) for s in segments]
    assert widths[0] == round(widths[2] * 2 / 7, 1) and widths[1] == round(widths[2] / 7, 1)
    # Told apart by pattern, not colour alone: the second series is hatched.
    assert segments[1].get("fill") == "url(#d-hatch)"
    assert root.find(f".//{SVG}pattern[@id='d-hatch']") is not None
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[:5] == ["Tue 22 Apr", "2", "1", "3", "Wed 23 Apr"]
    assert texts[5] == "7"  # Wednesday's total; its lone segment repeats no number
    assert texts[-3:] == ["Held", "Not held", "Not recorded"]
    assert root.find(f"{SVG}desc").text == (
        "Tue 22 Apr: Held 2, Not held 1, Not recorded 0; "
        "Wed 23 Apr: Held 7, Not held 0, Not recorded 0"
    )


def test_charts_fit_the_width_of_an_a4_page():
    wide = _tree(bar_chart([("a", 1)], ident="w", title="t"))
    narrow = _tree(bar_chart([("a", 1)], ident="n", title="t", narrow=True))
    assert wide.get("viewBox").split()[2] == "640"
    assert int(narrow.get("viewBox").split()[2]) < 320
