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
