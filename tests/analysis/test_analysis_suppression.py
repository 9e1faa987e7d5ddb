"""Small-cell suppression and secondary suppression: a withheld value cannot be recovered by subtraction."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisError, item_cells_shown, mark_suppressed, pooled_scores, score_round
from analysis.synthetic import synthetic_round
from instruments.frameworks import load_framework

SIZES = {"residents": 40, "business": 12, "academia": 3, "civil_society": 8, "government": 9, "international": 6}


@pytest.fixture(scope="module")
def framework():
    return load_framework()


@pytest.fixture(scope="module")
def frames():
    return synthetic_round(SIZES, readiness=0.5, seed=11)


def score(frames, framework, **options):
    options = {"n_draws": 200, "n_boot": 50, **options}
    return score_round(framework=framework, round_slug="shu-2025", city="Shu", **{**frames, **options})


def test_a_small_group_is_withheld_everywhere(frames, framework):
    result = score(frames, framework)
    assert result["groups"]["academia"]["suppressed"] is True
    for construct, cells in result["constructs"].items():
        assert cells["academia"] == {"suppressed": True, "n": cells["academia"]["n"]}, construct
        assert cells["academia"]["n"] <= 3
        assert "score" in cells["residents"]
    for cells in result["items"].values():
        if "academia" in cells:
            assert cells["academia"]["suppressed"] is True and "score" not in cells["academia"]
    for construct, pooled in result["pooled"].items():
        assert "academia" not in pooled["groups"]
        assert pooled["excluded"] == ["academia"], construct


def best_answers_for(frames, group):
    """The frames with every answer of ``group`` moved to the best end of its scale (missing stays missing)."""
    changed = {**frames, "answers": frames["answers"].copy()}
    ids = frames["responses"]["response_id"][frames["responses"]["group"] == group].to_numpy()
    items = frames["items"]
    for column in items.index[items["group"] == group]:
        best = 1.0 if items.at[column, "kind"] == "yesno" or items.at[column, "reverse"] else 5.0
        block = changed["answers"].loc[ids, column]
        changed["answers"].loc[ids, column] = block.where(block.isna(), best)
    return changed


def test_a_withheld_cell_cannot_be_recovered_by_subtraction(frames, framework):
    """With equal group weights, G·pooled − Σ shown cells would give a withheld cell away if it were pooled."""
    extreme = best_answers_for(frames, "academia")  # academia's true construct scores are all 100
    result = score(extreme, framework, k_min=5)
    truth = score(extreme, framework, k_min=1)  # the same round with nothing withheld
    for construct, cells in result["constructs"].items():
        assert truth["constructs"][construct]["academia"]["score"] == 100.0
        shown = [c["score"] for c in cells.values() if not c.get("suppressed")]
        pooled = result["pooled"][construct]["score"]
        recovered = pooled * len(cells) - sum(shown)
        assert abs(recovered - 100.0) > 20, construct
        # the pooled figure is exactly the mean of the shown cells: nothing else goes into it
        assert pooled == pytest.approx(np.mean(shown), abs=0.1)  # both sides rounded to 0.1
        # whereas pooling every group would have leaked it
        leaky = truth["pooled"][construct]["score"]
        assert leaky * len(cells) - sum(shown) == pytest.approx(100.0, abs=0.6)
    assert result["subscores"] != truth["subscores"]


def test_nothing_published_depends_on_a_suppressed_groups_answers(frames, framework):
    """Change every answer of the suppressed group: the whole published document stays the same."""
    before = score(frames, framework)
    after = score(best_answers_for(frames, "academia"), framework)
    assert json.dumps(before, sort_keys=True) == json.dumps(after, sort_keys=True)
    # whereas a shown group's answers do move it
    moved = score(best_answers_for(frames, "business"), framework)
    assert moved["subscores"] != before["subscores"]


def test_k_min_is_configurable(frames, framework):
    result = score(frames, framework, k_min=10)
    assert result["groups"]["civil_society"]["suppressed"] is True
    assert result["constructs"]["trust"]["civil_society"].get("suppressed") is True
    assert set(result["pooled"]["trust"]["excluded"]) == {"academia", "civil_society", "government", "international"}
    with pytest.raises(AnalysisError, match="k_min"):
        score(frames, framework, k_min=0)


def test_pooled_scores_use_unsuppressed_groups_with_their_weights():
    table = pd.DataFrame(
        {"score": [60.0, 20.0, 40.0], "n": [12, 3, 8]},
        index=pd.MultiIndex.from_tuples(
            [("trust", "residents"), ("trust", "academia"), ("trust", "business")], names=["construct", "group"]
        ),
    )
    marked = mark_suppressed(table, k_min=5)
    pooled = pooled_scores(marked)
    assert pooled.loc["trust", "score"] == 50.0
    assert pooled.loc["trust", "n"] == 20
    assert pooled_scores(marked, {"residents": 3})["score"]["trust"] == pytest.approx((3 * 60 + 40) / 4)
    everything_small = mark_suppressed(table, k_min=50)
    out = pooled_scores(everything_small)
    assert np.isnan(out.loc["trust", "score"]) and "suppressed" in out.loc["trust", "missing"]
    with pytest.raises(AnalysisError, match="unknown group"):
        pooled_scores(marked, {"students": 1})
    with pytest.raises(AnalysisError, match="0 or more"):
        pooled_scores(marked, {"business": -1})


def test_items_are_all_or_nothing_within_a_group_and_construct():
    items = pd.DataFrame(
        {"construct": ["trust", "trust", "trust", "legal_clarity"], "n": [9, 4, 9, 9]},
        index=pd.MultiIndex.from_tuples(
            [("r.a", "residents"), ("r.b", "residents"), ("b.a", "business"), ("r.c", "residents")],
            names=["item", "group"],
        ),
    )
    constructs = pd.DataFrame(
        {"suppressed": [False, False, False]},
        index=pd.MultiIndex.from_tuples(
            [("trust", "residents"), ("trust", "business"), ("legal_clarity", "residents")],
            names=["construct", "group"],
        ),
    )
    shown = item_cells_shown(items, constructs, k_min=5)
    # r.b has too few answers, so r.a (same group and construct) is withheld too; the others are shown
    assert shown.to_dict() == {
        ("r.a", "residents"): False,
        ("r.b", "residents"): False,
        ("b.a", "business"): True,
        ("r.c", "residents"): True,
    }
