"""Charts: deterministic SVG, Kazakh labels drawn (as paths for browsers, as text for the PDF), no NaN."""

import base64
import math
import xml.etree.ElementTree as ET

from survey_app.reports import charts
from survey_app.reports.charts import common, network

LABELS = [
    "Цифрлық инфрақұрылым",
    "Экономикалық әлеует",
    "Экологиялық тұрақтылық",
    "Мемлекеттік-жекешелік әріптестік",
    "Басқару",
    "Мүдделі тараптардың қатысуы",
]
VALUES = [58.4, 51.2, None, 24.6, 44.3, 52.0]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def test_svg_is_deterministic_and_well_formed():
    first = charts.radar_chart(
        LABELS,
        VALUES,
        previous=[55, 50, 28, 20, 41, 49.5],
        current_label="2025",
        previous_label="2024",
        missing_label="деректер жоқ",
    )
    second = charts.radar_chart(
        LABELS,
        VALUES,
        previous=[55, 50, 28, 20, 41, 49.5],
        current_label="2025",
        previous_label="2024",
        missing_label="деректер жоқ",
    )
    assert first == second
    root = _parse(first)
    assert root.tag.endswith("svg")
    assert "<dc:date>" not in first and "nan" not in first.lower().replace("nanos", "")


def test_path_text_draws_glyphs_and_none_text_keeps_kazakh_letters():
    as_paths = charts.interval_chart(
        [
            charts.IntervalPanel(
                "Сенімді нығайту тетіктері",
                [
                    charts.IntervalRow("Тұрғындар", 48.0, 44.1, 51.9),
                    charts.IntervalRow("Халықаралық серіктестер", note="көрсетілмейді (респонденттер 5-тен аз)"),
                ],
            )
        ],
        axis_label="балл",
    )
    assert "<text" not in as_paths  # every glyph is a path: no font needed in the browser
    assert 'id="DejaVuSans-4d9"' in as_paths or "DejaVuSans-" in as_paths
    as_text = charts.interval_chart(
        [
            charts.IntervalPanel(
                "Сенімді нығайту тетіктері",
                [
                    charts.IntervalRow("Тұрғындар", 48.0, 44.1, 51.9),
                    charts.IntervalRow("Халықаралық серіктестер", note="көрсетілмейді (респонденттер 5-тен аз)"),
                ],
            )
        ],
        axis_label="балл",
        text="none",
    )
    assert "Халықаралық" in as_text and "серіктестер" in as_text and "көрсетілмейді" in as_text
    assert "DejaVu Sans" in as_text


def test_network_layout_is_fixed_and_lone_nodes_are_drawn():
    nodes = [
        {"code": c, "label": c.title(), "sector": s, "degree": d}
        for c, s, d in (
            ("akimat", "government", 0.6),
            ("chamber", "business", 0.2),
            ("college", "academia", 0.2),
            ("undp", "international", 0.0),
        )
    ]
    edges = [{"source": "akimat", "target": "chamber", "weight": 2}, {"source": "akimat", "target": "college"}]
    one = charts.network_chart(
        nodes,
        edges,
        sector_labels={"government": "Әкімдік"},
        sector_colours={
            "government": "#0072B2",
            "business": "#E69F00",
            "academia": "#009E73",
            "international": "#56B4E9",
        },
        text="none",
    )
    two = charts.network_chart(
        list(reversed(nodes)),
        list(reversed(edges)),
        sector_labels={"government": "Әкімдік"},
        sector_colours={
            "government": "#0072B2",
            "business": "#E69F00",
            "academia": "#009E73",
            "international": "#56B4E9",
        },
        text="none",
    )
    assert one == two  # the input order changes nothing
    assert "Undp" in one and "Әкімдік" in one
    positions = network._network_layout(__import__("networkx").Graph([("a", "b")]))
    assert set(positions) == {"a", "b"}


def test_data_uri_round_trip():
    svg = charts.comparison_chart(["Басқару"], [("Шу", [44.3]), ("Аягөз", [None])], missing_label="жоқ")
    uri = charts.data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode("utf-8") == svg


NS = "{http://www.w3.org/2000/svg}"
SECTORS = {"government": "#0072B2", "business": "#E69F00", "academia": "#009E73", "international": "#56B4E9"}


def _texts(svg: str) -> list[str]:
    """The lines of text of a chart drawn with text="none" (a <text>, or each <tspan> of a wrapped label)."""
    out = []
    for element in _parse(svg).iter(f"{NS}text"):
        spans = list(element.iter(f"{NS}tspan"))
        out.extend("".join(t.itertext()) for t in spans or [element])
    return out


def _words(svg: str) -> str:
    return " ".join(_texts(svg))


def _radar(text="none", **kwargs):
    options = {
        "previous": [55, 50, 28, 20, 41, 49.5],
        "current_label": "2025",
        "previous_label": "2024",
        "missing_label": "деректер жоқ",
        "text": text,
    }
    return charts.radar_chart(LABELS, VALUES, **{**options, **kwargs})


def _network_nodes(keys: bool = True) -> tuple[list[dict], list[dict]]:
    nodes = [
        {"code": c, "label": label, "sector": s, "degree": d}
        for c, label, s, d in (
            ("akimat", "Шу ауданының әкімдігі", "government", 0.6),
            ("chamber", "Chamber & <Co>", "business", 0.4),
            ("college", "Шу колледжі", "academia", 0.2),
            ("uni", "Университет", "academia", 0.2),
            ("undp", "UNDP", "international", 0.0),
            ("ngo", "Жастар ұйымы", "civil", 0.2),
        )
    ]
    if keys:
        for key, node in enumerate(nodes, start=1):
            node["key"] = key
    edges = [
        {"source": "akimat", "target": "chamber", "weight": 3},
        {"source": "akimat", "target": "college"},
        {"source": "chamber", "target": "uni", "weight": 2},
        {"source": "college", "target": "uni"},
        {"source": "ngo", "target": "akimat", "weight": 1},
    ]
    return nodes, edges


def _network(text="none", keys=True, **kwargs):
    nodes, edges = _network_nodes(keys)
    options = {
        "sector_labels": {"government": "Әкімдік", "business": "Бизнес"},
        "sector_colours": SECTORS,
        "legend_title": "Секторлар",
        "text": text,
    }
    return charts.network_chart(nodes, edges, **{**options, **kwargs})


def test_radar_escapes_labels_and_legend():
    labels = ["<script>alert(1)</script>", "A & B", "C", 'D "quoted"']
    for mode in charts.TEXT_MODES:
        svg = charts.radar_chart(
            labels,
            [50.0, None, 30.0, 70.0],
            previous=[40.0, 40.0, 40.0, 40.0],
            current_label="2025 <b>now</b>",
            previous_label="2024 & before",
            missing_label="<i>n/a</i> & none",
            text=mode,
        )
        _parse(svg)
        assert "<script" not in svg and "<b>" not in svg and "<i>" not in svg
        if mode == "none":
            texts = _texts(svg)
            assert "<script>alert(1)</script>" in texts
            assert "2025 <b>now</b>" in texts and "2024 & before" in texts
            assert "(<i>n/a</i> & none)" in texts
            assert "&lt;script&gt;" in svg and "&amp;" in svg


def test_network_escapes_labels_and_legend():
    for keys in (True, False):
        for mode in charts.TEXT_MODES:
            svg = _network(
                mode,
                keys,
                sector_labels={"government": "<script>x</script>", "business": "B & C"},
                legend_title="Sectors & <others>",
            )
            _parse(svg)
            assert "<script" not in svg and "<Co>" not in svg and "<others>" not in svg
            if mode == "none":
                texts = _texts(svg)
                assert "<script>x</script>" in texts and "B & C" in texts and "Sectors & <others>" in texts
                assert ("Chamber & <Co>" in texts) is not keys


def test_radar_and_network_are_deterministic():
    for mode in charts.TEXT_MODES:
        assert _radar(mode) == _radar(mode)
        assert _network(mode) == _network(mode)
        assert _network(mode, keys=False) == _network(mode, keys=False)
        for svg in (_radar(mode), _network(mode)):
            assert "nan" not in svg.lower() and "inf" not in svg.lower()
            assert ("<text" in svg) is (mode == "none")


def test_radar_missing_dimension_keeps_its_axis_and_is_skipped_by_the_polygon():
    svg = _radar(previous=None, number=lambda v: f"[{v:.2f}]")
    texts = _texts(svg)
    assert "(деректер жоқ)" in texts  # under the label of the missing dimension, which is still drawn
    assert "Экологиялық" in _words(svg)
    assert "[58.40]" in texts and "[24.60]" in texts and sum(t.startswith("[") for t in texts) == 5
    polygon = next(
        p for p in _parse(svg).iter(f"{NS}path") if p.get("fill") == common.ACCENT and p.get("stroke") == common.ACCENT
    )
    assert polygon.get("d").count("L") == 4  # five points: the missing one is left out
    spokes = next(p for p in _parse(svg).iter(f"{NS}path") if p.get("stroke-width") == "0.6")
    assert spokes.get("d").count("L") == 6  # every dimension keeps its axis
    for value in ("20", "40", "60", "80", "100"):
        assert value in texts


def test_radar_previous_polygon_and_legend_only_with_previous():
    with_previous = _radar()
    assert f'stroke="{common.PREVIOUS}"' in with_previous and "stroke-dasharray" in with_previous
    assert "2025" in _texts(with_previous) and "2024" in _texts(with_previous)
    without = _radar(previous=None)
    assert f'stroke="{common.PREVIOUS}"' not in without and "stroke-dasharray" not in without
    assert "2025" not in _texts(without) and "2024" not in _texts(without)
    all_missing = _radar(previous=[None] * len(LABELS))
    assert f'stroke="{common.PREVIOUS}"' not in all_missing and "2024" not in _texts(all_missing)


def test_radar_labels_stay_outside_the_circle_and_inside_the_picture():
    for count in (3, 5, 6, 8, 11):
        labels = [f"Өлшем {i + 1}: {LABELS[i % len(LABELS)]}" for i in range(count)]
        svg = charts.radar_chart(
            labels, [100.0] * count, previous=[0.0] * count, current_label="2025", previous_label="2024", text="none"
        )
        root = _parse(svg)
        width, height = (float(v) for v in root.get("viewBox").split()[2:])
        ring = next(p for p in root.iter(f"{NS}path") if p.get("stroke-width") == "0.8").get("d")
        left, middle = (float(v) for v in ring[1:].split("a")[0].split())
        radius = float(ring.split("a")[1].split()[0])
        centre = (left + radius, middle)
        assert 0 < centre[0] - radius and centre[0] + radius < width and 0 < middle - radius < middle + radius < height
        for element in root.iter(f"{NS}text"):
            spans = list(element.iter(f"{NS}tspan")) or [element]
            for span in spans:
                x, y = float(span.get("x")), float(span.get("y"))
                assert 0 <= x <= width and 0 <= y <= height
                if element.get("font-size") == "8":  # an axis label: outside the circle
                    assert math.hypot(x - centre[0], y - centre[1]) > radius


def test_network_keys_inside_circles_or_labels_under_nodes():
    with_keys = _texts(_network())
    assert [t for t in with_keys if t.isdigit()] == ["1", "2", "3", "6", "5", "4"]  # by code
    assert "Шу колледжі" not in with_keys and "Секторлар" in with_keys
    with_labels = _texts(_network(keys=False))
    assert not [t for t in with_labels if t.isdigit()]
    assert "Шу колледжі" in with_labels and "UNDP" in with_labels
    assert "Шу ауданының" in _words(_network(keys=False))
    # the legend: the sectors present, in the order of the colours, the unknown one last with its own code
    legend = [t for t in with_keys if not t.isdigit() and t != "Секторлар"]
    assert legend == ["Әкімдік", "Бизнес", "academia", "international", "civil"]
    assert 'fill="#999999"' in _network()  # the sector without a colour


def test_radar_and_network_as_text_are_small():
    assert _radar().count("<") < 120  # the matplotlib figure had about 240 elements
    assert _network().count("<") < 90  # about 210
    assert _network(keys=False).count("<") < 90
    assert "DejaVu Sans" in _radar() and "DejaVu Sans" in _network()
    assert "DejaVuSans-" in _radar("path") and "DejaVuSans-" in _network("path")


def test_empty_network_and_radar():
    svg = charts.network_chart([], [], sector_labels={}, sector_colours=SECTORS, legend_title="x", text="none")
    _parse(svg)
    assert "<text" not in svg
    _parse(charts.radar_chart([], [], text="none"))
