"""Charts: deterministic SVG, Kazakh labels drawn (as paths for browsers, as text for the PDF), no NaN."""

import base64
import xml.etree.ElementTree as ET

from survey_app.reports import charts

LABELS = ["Цифрлық инфрақұрылым", "Экономикалық әлеует", "Экологиялық тұрақтылық", "Мемлекеттік-жекешелік әріптестік",
          "Басқару", "Мүдделі тараптардың қатысуы"]
VALUES = [58.4, 51.2, None, 24.6, 44.3, 52.0]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def test_svg_is_deterministic_and_well_formed():
    first = charts.radar_chart(LABELS, VALUES, previous=[55, 50, 28, 20, 41, 49.5], current_label="2025",
                               previous_label="2024", missing_label="деректер жоқ")
    second = charts.radar_chart(LABELS, VALUES, previous=[55, 50, 28, 20, 41, 49.5], current_label="2025",
                                previous_label="2024", missing_label="деректер жоқ")
    assert first == second
    root = _parse(first)
    assert root.tag.endswith("svg")
    assert "<dc:date>" not in first and "nan" not in first.lower().replace("nanos", "")


def test_path_text_draws_glyphs_and_none_text_keeps_kazakh_letters():
    as_paths = charts.interval_chart([charts.IntervalPanel("Сенімді нығайту тетіктері", [
        charts.IntervalRow("Тұрғындар", 48.0, 44.1, 51.9),
        charts.IntervalRow("Халықаралық серіктестер", note="көрсетілмейді (респонденттер 5-тен аз)"),
    ])], axis_label="балл")
    assert "<text" not in as_paths  # every glyph is a path: no font needed in the browser
    assert 'id="DejaVuSans-4d9"' in as_paths or "DejaVuSans-" in as_paths
    as_text = charts.interval_chart([charts.IntervalPanel("Сенімді нығайту тетіктері", [
        charts.IntervalRow("Тұрғындар", 48.0, 44.1, 51.9),
        charts.IntervalRow("Халықаралық серіктестер", note="көрсетілмейді (респонденттер 5-тен аз)"),
    ])], axis_label="балл", text="none")
    assert "Халықаралық" in as_text and "серіктестер" in as_text and "көрсетілмейді" in as_text
    assert "DejaVu Sans" in as_text


def test_network_layout_is_fixed_and_lone_nodes_are_drawn():
    nodes = [{"code": c, "label": c.title(), "sector": s, "degree": d} for c, s, d in (
        ("akimat", "government", 0.6), ("chamber", "business", 0.2), ("college", "academia", 0.2),
        ("undp", "international", 0.0))]
    edges = [{"source": "akimat", "target": "chamber", "weight": 2}, {"source": "akimat", "target": "college"}]
    one = charts.network_chart(nodes, edges, sector_labels={"government": "Әкімдік"}, sector_colours={
        "government": "#0072B2", "business": "#E69F00", "academia": "#009E73", "international": "#56B4E9"}, text="none")
    two = charts.network_chart(list(reversed(nodes)), list(reversed(edges)), sector_labels={"government": "Әкімдік"},
                               sector_colours={"government": "#0072B2", "business": "#E69F00", "academia": "#009E73",
                                               "international": "#56B4E9"}, text="none")
    assert one == two  # the input order changes nothing
    assert "Undp" in one and "Әкімдік" in one
    positions = charts._network_layout(__import__("networkx").Graph([("a", "b")]))
    assert set(positions) == {"a", "b"}


def test_data_uri_round_trip():
    svg = charts.comparison_chart(["Басқару"], [("Шу", [44.3]), ("Аягөз", [None])], missing_label="жоқ")
    uri = charts.data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode("utf-8") == svg


def _panels(count: int, rows: int = 6) -> list:
    groups = ["Тұрғындар", "Бизнес", "Академиялық қауымдастық", "Азаматтық қоғам", "Жергілікті әкімшілік",
              "Халықаралық серіктестер"]
    return [charts.IntervalPanel(f"Құрылым {p + 1}: Жергілікті органдардың әкімшілік әлеуеті", [
        charts.IntervalRow(groups[r % len(groups)], 40.0 + p + r, 35.0 + p, 48.0 + r) for r in range(rows)])
        for p in range(count)]


def test_interval_chart_escapes_labels_titles_and_notes():
    panels = [charts.IntervalPanel("<script>alert(1)</script> & Co", [
        charts.IntervalRow('A & <script>"x"', 50.0, 45.0, 55.0),
        charts.IntervalRow("C", note="<b>withheld</b> & 'n < 5'"),
    ]), charts.IntervalPanel("Second & <i>", [charts.IntervalRow("A & B", 20.0, 10.0, 30.0)])]
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
    with_note = charts.interval_chart([charts.IntervalPanel("P", [
        charts.IntervalRow("Group", note="withheld (fewer than 5)")])], text="none")
    assert "withheld (fewer than 5)" in with_note and 'font-style="italic"' in with_note
    assert f'fill="{charts.ACCENT}"' not in with_note  # no dot
    assert f'stroke="{charts.ACCENT}"' not in with_note  # no bar
    assert ">0.0<" not in with_note and ">0<" not in with_note.replace(">0</text>", "", 1)  # only the tick 0
    scored = charts.interval_chart([charts.IntervalPanel("P", [charts.IntervalRow("Group", 61.25, 50.0, 70.0)])],
                                   text="none", number=lambda v: f"[{v:.2f}]")
    assert f'fill="{charts.ACCENT}"' in scored and ">[61.25]<" in scored
    assert charts.interval_chart([charts.IntervalPanel("P", [charts.IntervalRow("Group", float("nan"), note="x")])],
                                 text="none").count(f'fill="{charts.ACCENT}"') == 0


def _interval_path(svg: str) -> list[tuple[float, float]]:
    root = _parse(svg)
    for element in root.iter("{http://www.w3.org/2000/svg}path"):
        if element.get("stroke") == charts.ACCENT:
            segments = element.get("d").split("M")[1:]
            out = []
            for segment in segments:
                start, end = segment.split("H")
                out.append((float(start.split()[0]), float(end)))
            return out
    return []


def test_interval_outside_0_100_is_clipped():
    def chart(low, high):
        return charts.interval_chart([charts.IntervalPanel("P", [charts.IntervalRow("G", 50.0, low, high)])],
                                     text="none")

    (clipped_low, clipped_high), = _interval_path(chart(-30.0, 140.0))
    (zero, hundred), = _interval_path(chart(0.0, 100.0))
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
