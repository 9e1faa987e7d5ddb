"""The stakeholder network (methodology §4) against the check values."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import AnalysisError, build_network, network_measures
from analysis.network import ei_expected
from instruments.loader import builtin_instruments

ACTORS = pd.DataFrame(
    {
        "code": list("ABCDEF"),
        "sector": ["government", "government", "business", "academia", "civil_society", "international"],
    }
)
EDGES = [("A", "B"), ("A", "C"), ("A", "D"), ("A", "E"), ("C", "D"), ("E", "F")]


def ties(edges=EDGES, frequency="monthly"):
    return pd.DataFrame(
        {
            "response_id": range(len(edges)),
            "ego": [e[0] for e in edges],
            "alter": [e[1] for e in edges],
            "frequency": frequency,
        }
    )


def test_check_values():
    m = network_measures(build_network(ties(), ACTORS))
    assert (m["nodes"], m["edges"]) == (6, 6)
    assert m["density"] == pytest.approx(0.4)
    assert m["degree"]["A"] == pytest.approx(0.8)
    assert m["betweenness"]["A"] == pytest.approx(0.8)
    assert m["betweenness"]["E"] == pytest.approx(0.4)
    assert round(m["ei_index"], 3) == 0.667
    assert (m["external_ties"], m["internal_ties"]) == (5, 1)
    assert m["sectors_without_ties"] == [] and m["isolates"] == []


def test_edge_weights_sum_over_reports_in_either_direction_and_self_ties_drop():
    t = pd.DataFrame(
        {
            "response_id": [1, 2, 3, 4],
            "ego": ["A", "B", "A", "C"],
            "alter": ["B", "A", "B", "C"],
            "frequency": ["weekly", "rarely", "monthly", "weekly"],
        }
    )
    graph = build_network(t, ACTORS)
    assert graph["A"]["B"]["weight"] == 6 and graph["A"]["B"]["reports"] == 3
    assert graph.number_of_edges() == 1
    assert graph.graph["ties_reported"] == 3


def test_sectors_without_ties_and_isolates():
    m = network_measures(build_network(ties([("A", "B"), ("C", "D")]), ACTORS))
    assert m["sectors_without_ties"] == ["civil_society", "international"]
    assert m["isolates"] == ["E", "F"]
    assert m["ei_index"] == pytest.approx(0.0)  # one internal, one external


def test_no_ties_gives_missing_e_i():
    m = network_measures(build_network(None, ACTORS))
    assert m["edges"] == 0 and m["density"] == 0.0
    assert m["ei_index"] is None and m["missing"]["ei_index"] == "no ties"


def test_one_actor_has_no_density():
    m = network_measures(build_network(None, ACTORS.iloc[:1]))
    assert m["density"] is None and "fewer than 2" in m["missing"]["density"]


def test_unknown_actor_and_frequency():
    with pytest.raises(AnalysisError, match=r"alter 'Z'.*row\(s\) 1.*not an actor"):
        build_network(ties([("A", "B"), ("A", "Z")]), ACTORS)
    with pytest.raises(AnalysisError, match=r"frequency 'daily'.*not one of rarely, monthly, weekly"):
        build_network(ties([("A", "B")], frequency="daily"), ACTORS)


def test_bad_actor_tables():
    with pytest.raises(AnalysisError, match=r"actor\(s\) 'A' twice"):
        build_network(None, pd.concat([ACTORS, ACTORS.iloc[:1]]))
    with pytest.raises(AnalysisError, match="no sector"):
        build_network(None, pd.DataFrame({"code": ["A"], "sector": [None]}))
    with pytest.raises(AnalysisError, match="lacks the column"):
        build_network(None, pd.DataFrame({"code": ["A"]}))


def test_ei_read_against_random_mixing_check_value():
    # methodology §4: EI_rand = 13/15, E-I score 44.64, every sector with a cross tie, network part 72.32
    m = network_measures(build_network(ties(), ACTORS))
    assert m["ei_expected"] == pytest.approx(13 / 15)
    assert round(m["ei_score"], 2) == 44.64 and m["sector_reach"] == 100.0
    assert round((m["ei_score"] + m["sector_reach"]) / 2, 2) == 72.32


def test_a_sector_nobody_works_with_lowers_the_reach():
    actors = pd.concat([ACTORS, pd.DataFrame({"code": ["G"], "sector": ["lonely"]})], ignore_index=True)
    m = network_measures(build_network(ties(), actors))
    assert m["sector_reach"] == pytest.approx(500 / 6) and "lonely" not in m["sectors_crossing"]


def test_the_built_in_actors_saturate_the_raw_ei_index():
    ties_question = next(q for q in builtin_instruments()["government"].questions if q.type == "ties")
    sectors = [choice.sector for choice in ties_question.choices]
    assert len(sectors) == 13 and ei_expected(sectors) == pytest.approx(0.72, abs=0.01)
