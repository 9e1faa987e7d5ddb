"""Property tests: bounds, monotonicity, order invariance and suppression on random small rounds."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import item_scores, score_round
from analysis.synthetic import synthetic_indicators
from instruments.domain import GROUPS
from instruments.frameworks import load_framework
from instruments.model import CONSTRUCTS

FRAMEWORK = load_framework()
INDICATORS = synthetic_indicators(0.5, seed=1)
SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow])
K_MIN = 3


@st.composite
def rounds(draw):
    """A random small round: 1–3 groups, 2–4 constructs, 1–3 items each, random answers and weights."""
    groups = draw(st.lists(st.sampled_from(GROUPS), min_size=1, max_size=3, unique=True))
    constructs = draw(st.lists(st.sampled_from(CONSTRUCTS), min_size=2, max_size=4, unique=True))
    item_rows = []
    for group in groups:
        for construct in constructs:
            for i in range(draw(st.integers(1, 3))):
                kind = draw(st.sampled_from(["likert", "likert", "yesno"]))
                k = 2 if kind == "yesno" else draw(st.sampled_from([3, 5, 7]))
                item_rows.append(
                    {
                        "item": f"{group}.{construct}_{i}",
                        "construct": construct,
                        "kind": kind,
                        "k": k,
                        "reverse": draw(st.booleans()),
                        "group": group,
                    }
                )
    items = pd.DataFrame(item_rows).set_index("item")
    sizes = {g: draw(st.integers(1, 7)) for g in groups}
    group_col = [g for g in groups for _ in range(sizes[g])]
    ids = draw(st.permutations(list(range(100, 100 + len(group_col)))))
    responses = pd.DataFrame({"response_id": ids, "group": group_col})
    if draw(st.booleans()):
        responses["weight"] = draw(st.lists(st.floats(0.2, 5.0), min_size=len(ids), max_size=len(ids)))
    answers = pd.DataFrame(np.nan, index=pd.Index(ids, name="response_id"), columns=items.index)
    for rid, group in zip(ids, group_col, strict=True):
        for code in items.index[items["group"] == group]:
            k = int(items.at[code, "k"])
            low = 0 if items.at[code, "kind"] == "yesno" else 1
            high = 1 if items.at[code, "kind"] == "yesno" else k
            value = draw(st.one_of(st.none(), st.integers(low, high)))
            answers.at[rid, code] = np.nan if value is None else float(value)
    return {"responses": responses, "answers": answers, "items": items}


def score(frames, n_boot=0):
    return score_round(
        framework=FRAMEWORK,
        indicators=INDICATORS,
        k_min=K_MIN,
        n_draws=30,
        n_boot=n_boot,
        round_slug="r",
        city="c",
        **frames,
    )


def published_scores(result):
    """Every published score (name → value) that must lie on 0–100 and move up with a better answer."""
    out = {"scri": result["scri"]["score"]}
    out.update({f"dimension.{k}": v["score"] for k, v in result["dimensions"].items()})
    out.update({f"subscore.{k}": v for k, v in result["subscores"].items()})
    out.update({f"pooled.{k}": v["score"] for k, v in result["pooled"].items()})
    for construct, cells in result["constructs"].items():
        out.update({f"cell.{construct}.{g}": c.get("score") for g, c in cells.items()})
    return out


@SETTINGS
@given(rounds())
def test_scores_lie_on_0_100_and_the_output_is_json(frames):
    result = score(frames)
    json.dumps(result, allow_nan=False)
    for name, value in published_scores(result).items():
        assert value is None or 0 <= value <= 100, name
    for cells in result["constructs"].values():
        for cell in cells.values():
            if cell.get("ci95"):
                assert 0 <= cell["ci95"][0] <= cell["score"] <= cell["ci95"][1] <= 100
    for cells in result["items"].values():
        for cell in cells.values():
            assert cell.get("score") is None or 0 <= cell["score"] <= 100


@SETTINGS
@given(rounds())
def test_item_scores_lie_on_0_100(frames):
    scores = item_scores(frames["answers"], frames["items"]).to_numpy()
    present = scores[~np.isnan(scores)]
    assert ((present >= 0) & (present <= 100)).all()


@SETTINGS
@given(rounds(), st.data())
def test_a_better_answer_never_lowers_any_score(frames, data):
    answers = frames["answers"]
    items = frames["items"]
    candidates = []
    for code in items.index:
        best = 1 if items.at[code, "kind"] == "yesno" else int(items.at[code, "k"])
        if items.at[code, "reverse"]:
            best = 0 if items.at[code, "kind"] == "yesno" else 1
        column = answers[code]
        for rid in column.index[column.notna() & (column != best)]:
            candidates.append((rid, code, 1.0 if best > column[rid] else -1.0))
    if not candidates:
        return
    rid, code, step = data.draw(st.sampled_from(candidates))
    better = answers.copy()
    better.at[rid, code] = answers.at[rid, code] + step
    before = published_scores(score(frames))
    after = published_scores(score({**frames, "answers": better}))
    for name, old in before.items():
        new = after[name]
        assert (old is None) == (new is None), name
        if old is not None:
            assert new >= old, (name, old, new)


@SETTINGS
@given(rounds(), st.randoms(use_true_random=False))
def test_respondent_order_changes_nothing(frames, rnd):
    order = list(range(len(frames["responses"])))
    rnd.shuffle(order)
    columns = list(frames["answers"].columns)
    rnd.shuffle(columns)
    shuffled = {
        "responses": frames["responses"].iloc[order].reset_index(drop=True),
        "answers": frames["answers"].sample(frac=1, random_state=rnd.randint(0, 10_000))[columns],
        "items": frames["items"].sample(frac=1, random_state=rnd.randint(0, 10_000)),
    }
    assert score(shuffled, n_boot=20) == score(frames, n_boot=20)


@SETTINGS
@given(rounds())
def test_small_cells_are_withheld_and_left_out_of_every_pool(frames):
    result = score(frames)
    for construct, cells in result["constructs"].items():
        for group, cell in cells.items():
            if cell["n"] < K_MIN:
                assert cell == {"suppressed": True, "n": cell["n"]}
                assert group not in result["pooled"][construct]["groups"]
                assert group in result["pooled"][construct]["excluded"]
            else:
                assert "suppressed" not in cell and "score" in cell
    for cells in result["items"].values():
        for cell in cells.values():
            if cell.get("suppressed"):
                assert "score" not in cell
            else:
                assert cell["n"] >= K_MIN
