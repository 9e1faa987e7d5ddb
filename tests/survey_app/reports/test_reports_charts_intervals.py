"""The interval panels of a report: escaping, determinism, notes instead of bars, clipping, sizes."""

import xml.etree.ElementTree as ET

from survey_app.reports import charts
from survey_app.reports.charts import common


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def _panels(count: int, rows: int = 6) -> list:
    groups = [
        "Тұрғындар",
        "Бизнес",
        "Академиялық қауымдастық",
        "Азаматтық қоғам",
        "Жергілікті әкімшілік",
        "Халықаралық серіктестер",
    ]
    return [
        charts.IntervalPanel(
            f"Құрылым {p + 1}: Жергілікті органдардың әкімшілік әлеуеті",
            [charts.IntervalRow(groups[r % len(groups)], 40.0 + p + r, 35.0 + p, 48.0 + r) for r in range(rows)],
        )
        for p in range(count)
    ]


def test_interval_chart_escapes_labels_titles_and_notes():
    panels = [
        charts.IntervalPanel(
            "<script>alert(1)</script> & Co",
            [
                charts.IntervalRow('A & <script>"x"', 50.0, 45.0, 55.0),
                charts.IntervalRow("C", note="<b>withheld</b> & 'n < 5'"),
            ],
        ),
        charts.IntervalPanel("Second & <i>", [charts.IntervalRow("A & B", 20.0, 10.0, 30.0)]),
    ]
    for mode in charts.TEXT_MODES:
        svg = charts.interval_chart(panels, axis_label="score <0–100> & 95 %", text=mode)
        root = _parse(svg)  # well-formed despite the markup in the labels
        assert "<script" not in svg and "<b>" not in svg and "<i>" not in svg
        if mode == "none":
            texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
            assert "<script>alert(1)</script> & Co" in texts
            assert 'A & <script>"x"' in texts
            assert "<b>withheld</b> & 'n < 5'" in texts
            assert "score <0–100> & 95 %" in texts
            assert "&lt;script&gt;" in svg and "&amp;" in svg


def test_interval_chart_is_deterministic():
    for mode in charts.TEXT_MODES:
        first = charts.interval_chart(_panels(3), axis_label="балл", text=mode)
        second = charts.interval_chart(_panels(3), axis_label="балл", text=mode)
        assert first == second
        assert "nan" not in first.lower() and "inf" not in first.lower()


def test_interval_row_without_score_shows_note_and_no_dot():
    with_note = charts.interval_chart(
        [charts.IntervalPanel("P", [charts.IntervalRow("Group", note="withheld (fewer than 5)")])], text="none"
    )
    assert "withheld (fewer than 5)" in with_note and 'font-style="italic"' in with_note
    assert f'fill="{common.ACCENT}"' not in with_note  # no dot
    assert f'stroke="{common.ACCENT}"' not in with_note  # no bar
    assert ">0.0<" not in with_note and ">0<" not in with_note.replace(">0</text>", "", 1)  # only the tick 0
    scored = charts.interval_chart(
        [charts.IntervalPanel("P", [charts.IntervalRow("Group", 61.25, 50.0, 70.0)])],
        text="none",
        number=lambda v: f"[{v:.2f}]",
    )
    assert f'fill="{common.ACCENT}"' in scored and ">[61.25]<" in scored
    assert (
        charts.interval_chart(
            [charts.IntervalPanel("P", [charts.IntervalRow("Group", float("nan"), note="x")])], text="none"
        ).count(f'fill="{common.ACCENT}"')
        == 0
    )


def _interval_path(svg: str) -> list[tuple[float, float]]:
    root = _parse(svg)
    for element in root.iter("{http://www.w3.org/2000/svg}path"):
        if element.get("stroke") == common.ACCENT:
            segments = element.get("d").split("M")[1:]
            out = []
            for segment in segments:
                start, end = segment.split("H")
                out.append((float(start.split()[0]), float(end)))
            return out
    return []


def test_interval_outside_0_100_is_clipped():
    def chart(low, high):
        return charts.interval_chart(
            [charts.IntervalPanel("P", [charts.IntervalRow("G", 50.0, low, high)])], text="none"
        )

    ((clipped_low, clipped_high),) = _interval_path(chart(-30.0, 140.0))
    ((zero, hundred),) = _interval_path(chart(0.0, 100.0))
    assert (clipped_low, clipped_high) == (zero, hundred)
    # the score number sits right of the clipped end, inside the chart
    root = _parse(chart(-30.0, 140.0))
    width = float(root.get("viewBox").split()[2])
    for t in root.iter("{http://www.w3.org/2000/svg}text"):
        assert 0 <= float(t.get("x") or 0) <= width


def test_one_panel_and_several_panels():
    one = _parse(charts.interval_chart(_panels(1), axis_label="балл", text="none"))
    five = _parse(charts.interval_chart(_panels(5), axis_label="балл", text="none"))
    assert one.get("width") == five.get("width") == "489.6pt"
    assert float(five.get("height")[:-2]) > 2.5 * float(one.get("height")[:-2])  # three rows of panels
    ns = "{http://www.w3.org/2000/svg}"

    def texts(root):
        return ["".join(t.itertext()) for t in root.iter(f"{ns}text")]

    assert texts(one).count("Құрылым 1: Жергілікті органдардың әкімшілік әлеуеті") == 1  # one column: not wrapped
    assert texts(one).count("балл") == 1 and texts(five).count("балл") == 2  # under the lowest panel of each column
    assert texts(five).count("Тұрғындар") == 3  # the group names once per row of panels
    assert texts(five).count("100") == 2
    # two columns: titles wrapped at 34 characters (a line each), the second column starts right of the middle
    titles = [t for t in five.iter(f"{ns}text") if t.get("font-weight") == "bold"]
    assert len(titles) == 10 and "Құрылым 1: Жергілікті органдардың" in texts(five)
    xs = sorted({float(t.get("x")) for t in titles})
    assert len(xs) == 2 and xs[1] > 489.6 / 2


def test_interval_chart_as_text_is_small():
    svg = charts.interval_chart(_panels(8), axis_label="балл (0–100) және 95 % аралығы", text="none")
    assert svg.count("<") < 350
    assert "DejaVu Sans" in svg and "<text" in svg
    as_paths = charts.interval_chart(_panels(8), axis_label="балл", text="path")
    assert "<text" not in as_paths and "DejaVuSans-" in as_paths
    _parse(as_paths)


# ------------------------------------------------------------------------------------- radar and network
