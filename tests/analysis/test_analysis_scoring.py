"""Item, respondent and group construct scores (methodology §2) and their input checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import (
    AnalysisError,
    group_construct_scores,
    group_item_scores,
    item_scores,
    prepare_survey,
    respondent_construct_scores,
    validate_items,
)


def items_table(rows):
    """rows: (code, construct, kind, k, reverse, group)"""
    frame = pd.DataFrame(rows, columns=["item", "construct", "kind", "k", "reverse", "group"]).set_index("item")
    return frame


LIKERT = items_table(
    [
        ("residents.a", "trust", "likert", 5, False, "residents"),
        ("residents.b", "trust", "likert", 5, True, "residents"),
        ("residents.c", "trust", "likert", 5, False, "residents"),
        ("residents.d", "legal_clarity", "yesno", 2, False, "residents"),
    ]
)


def test_likert_items_map_to_0_100_and_reverse_flips():
    answers = pd.DataFrame({"residents.a": [1, 4, 5, 3], "residents.b": [1, 4, 5, 3]})
    scores = item_scores(answers, LIKERT)
    assert scores["residents.a"].tolist() == [0.0, 75.0, 100.0, 50.0]
    assert scores["residents.b"].tolist() == [100.0, 25.0, 0.0, 50.0]  # midpoint stays 50 whatever the direction


def test_other_scale_lengths():
    items = items_table([("x", "trust", "likert", 7, False, None), ("y", "trust", "likert", 7, True, None)])
    scores = item_scores(pd.DataFrame({"x": [1, 4, 7], "y": [1, 4, 7]}), items)
    assert scores["x"].tolist() == [0.0, 50.0, 100.0]
    assert scores["y"].tolist() == [100.0, 50.0, 0.0]


def test_yes_no_and_dont_know():
    scores = item_scores(pd.DataFrame({"residents.d": [1, 0, np.nan]}), LIKERT)
    assert scores["residents.d"].tolist()[:2] == [100.0, 0.0]
    assert np.isnan(scores["residents.d"].iloc[2])  # don't know is missing, not 0


def test_respondent_score_needs_half_of_the_items():
    responses = pd.DataFrame({"group": ["residents"] * 4}, index=[1, 2, 3, 4])
    answers = pd.DataFrame(
        {
            "residents.a": [5, 5, 5, np.nan],
            "residents.b": [1, np.nan, np.nan, np.nan],
            "residents.c": [3, 3, np.nan, np.nan],
            "residents.d": [1, 1, 0, np.nan],
        },
        index=[1, 2, 3, 4],
    )
    scores = respondent_construct_scores(responses, answers, LIKERT)
    assert scores.loc[1, "trust"] == pytest.approx((100 + 100 + 50) / 3)
    assert scores.loc[2, "trust"] == pytest.approx(75.0)  # 2 of 3 answered
    assert np.isnan(scores.loc[3, "trust"])  # 1 of 3 answered: fewer than half
    assert np.isnan(scores.loc[4, "trust"])
    assert scores.loc[3, "legal_clarity"] == 0.0  # 1 of 1


def test_items_of_other_groups_do_not_count_against_a_respondent():
    items = items_table(
        [
            ("residents.a", "trust", "likert", 5, False, "residents"),
            ("business.a", "trust", "likert", 5, False, "business"),
            ("business.b", "trust", "likert", 5, False, "business"),
            ("business.c", "trust", "likert", 5, False, "business"),
        ]
    )
    responses = pd.DataFrame({"group": ["residents", "business"]}, index=[1, 2])
    answers = pd.DataFrame(
        {
            "residents.a": [4, np.nan],
            "business.a": [np.nan, 5],
            "business.b": [np.nan, 3],
            "business.c": [np.nan, np.nan],
        },
        index=[1, 2],
    )
    scores = respondent_construct_scores(responses, answers, items)
    assert scores["trust"].tolist() == [75.0, 75.0]


def test_group_column_optional_items_counted_where_answered():
    items = LIKERT.drop(columns="group")
    responses = pd.DataFrame({"group": ["residents", "business"]}, index=[1, 2])
    answers = pd.DataFrame(
        {"residents.a": [4, 2], "residents.b": [2, np.nan], "residents.c": [4, np.nan]}, index=[1, 2]
    )
    prepared = prepare_survey(responses, answers, items)
    assert prepared.asked.tolist() == [[True, True, True, False], [True, False, False, False]]
    assert prepared.construct_scores[:, 0].tolist() == [75.0, 25.0]


def group_round(n_res=6, n_acad=3, seed=0):
    rng = np.random.default_rng(seed)
    n = n_res + n_acad
    responses = pd.DataFrame(
        {"response_id": np.arange(1, n + 1), "group": ["residents"] * n_res + ["academia"] * n_acad}
    )
    items = items_table(
        [
            ("residents.t1", "trust", "likert", 5, False, "residents"),
            ("residents.t2", "trust", "likert", 5, False, "residents"),
            ("academia.t1", "trust", "likert", 5, False, "academia"),
        ]
    )
    answers = pd.DataFrame(np.nan, index=responses["response_id"], columns=items.index)
    answers.loc[1:n_res, "residents.t1"] = rng.integers(1, 6, n_res)
    answers.loc[1:n_res, "residents.t2"] = rng.integers(1, 6, n_res)
    answers.loc[n_res + 1 :, "academia.t1"] = rng.integers(1, 6, n_acad)
    return responses, answers, items


def test_group_scores_equal_the_mean_with_a_t_interval():
    responses, answers, items = group_round()
    table = group_construct_scores(prepare_survey(responses, answers, items))
    resp = respondent_construct_scores(responses.set_index("response_id"), answers, items)["trust"]
    residents = resp.iloc[:6].to_numpy()
    row = table.loc[("trust", "residents")]
    assert row["score"] == pytest.approx(residents.mean())
    assert row["n"] == 6 and row["n_effective"] == pytest.approx(6)
    half = 2.5706 * residents.std(ddof=1) / np.sqrt(6)
    assert row["ci_low"] == pytest.approx(max(0, residents.mean() - half), abs=1e-3)
    assert row["ci_high"] == pytest.approx(min(100, residents.mean() + half), abs=1e-3)
    assert table.loc[("trust", "academia"), "n"] == 3
    assert pd.isna(table.loc[("trust", "academia"), "alpha"])  # one item: undefined, with its reason
    assert table.loc[("trust", "academia"), "reasons"]["alpha"] == "fewer than 2 items"


def test_weights_change_the_group_mean():
    responses, answers, items = group_round()
    responses["weight"] = [1, 1, 1, 1, 1, 5, 1, 1, 1]
    plain = group_construct_scores(prepare_survey(responses.drop(columns="weight"), answers, items))
    weighted = group_construct_scores(prepare_survey(responses, answers, items))
    resp = respondent_construct_scores(responses.set_index("response_id"), answers, items)["trust"].iloc[:6]
    expected = np.average(resp, weights=[1, 1, 1, 1, 1, 5])
    assert weighted.loc[("trust", "residents"), "score"] == pytest.approx(expected)
    assert weighted.loc[("trust", "residents"), "n_effective"] < plain.loc[("trust", "residents"), "n_effective"]


def test_item_cells_use_wilson_for_yes_no():
    responses = pd.DataFrame({"group": ["residents"] * 10}, index=range(10))
    answers = pd.DataFrame({"residents.d": [1] * 5 + [0] * 5}, index=range(10))
    table = group_item_scores(prepare_survey(responses, answers, LIKERT))
    row = table.loc[("residents.d", "residents")]
    assert row["score"] == 50.0
    assert (round(row["ci_low"], 2), round(row["ci_high"], 2)) == (23.66, 76.34)


def test_input_order_does_not_matter():
    responses, answers, items = group_round(seed=4)
    a = group_construct_scores(prepare_survey(responses, answers, items))
    shuffled = responses.sample(frac=1, random_state=1)
    b = group_construct_scores(prepare_survey(shuffled, answers.sample(frac=1, random_state=2), items))
    pd.testing.assert_frame_equal(a, b)


# ------------------------------------------------------------------------------------------------ errors


def test_value_outside_the_scale_names_item_and_response():
    responses, answers, items = group_round()
    answers.loc[4, "residents.t2"] = 7
    with pytest.raises(
        AnalysisError, match=r"item 'residents.t2': response\(s\) 4 have value\(s\) '7', outside whole numbers 1..5"
    ):
        prepare_survey(responses, answers, items)


def test_non_whole_likert_and_bad_yes_no():
    responses = pd.DataFrame({"group": ["residents"] * 2}, index=[1, 2])
    with pytest.raises(AnalysisError, match="outside whole numbers"):
        prepare_survey(responses, pd.DataFrame({"residents.a": [2.5, 3]}, index=[1, 2]), LIKERT)
    with pytest.raises(AnalysisError, match=r"outside 1 \(yes\) or 0 \(no\)"):
        prepare_survey(responses, pd.DataFrame({"residents.d": [2, 1]}, index=[1, 2]), LIKERT)


def test_non_numeric_answers():
    responses = pd.DataFrame({"group": ["residents"] * 2}, index=[1, 2])
    with pytest.raises(AnalysisError, match=r"item 'residents.a'.*non-numeric.*'agree'"):
        prepare_survey(responses, pd.DataFrame({"residents.a": ["agree", 3]}, index=[1, 2]), LIKERT)


def test_unknown_construct_against_the_framework():
    with pytest.raises(AnalysisError, match=r"item 'residents.d' feeds construct 'legal_clarity'.*known: trust"):
        validate_items(LIKERT, known_constructs={"trust"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "text"}, "only 'likert' and 'yesno'"),
        ({"k": 1}, "needs 2 to"),
        ({"k": 4.5}, "whole number"),
        ({"construct": None}, "has no construct"),
        ({"group": "students"}, "not one of"),
    ],
)
def test_bad_item_tables(change, message):
    items = LIKERT.copy()
    for column, value in change.items():
        items[column] = items[column].astype(object)
        items.loc["residents.a", column] = value
    with pytest.raises(AnalysisError, match=message):
        validate_items(items)


def test_yes_no_item_with_more_points():
    items = LIKERT.copy()
    items.loc["residents.d", "k"] = 3
    with pytest.raises(AnalysisError, match="yes/no but has k=3"):
        validate_items(items)


def test_round_without_responses():
    with pytest.raises(AnalysisError, match="no complete responses"):
        prepare_survey(pd.DataFrame({"group": []}), pd.DataFrame(), LIKERT)


def test_unknown_group_and_duplicate_response():
    with pytest.raises(AnalysisError, match=r"response\(s\) 2 have group\(s\) 'students'"):
        prepare_survey(pd.DataFrame({"group": ["residents", "students"]}, index=[1, 2]), pd.DataFrame(), LIKERT)
    with pytest.raises(AnalysisError, match=r"response id\(s\) 1 twice"):
        prepare_survey(pd.DataFrame({"response_id": [1, 1], "group": ["residents"] * 2}), pd.DataFrame(), LIKERT)


def test_negative_or_missing_weights():
    responses = pd.DataFrame({"group": ["residents"] * 3, "weight": [1.0, -2.0, 1.0]}, index=[1, 2, 3])
    with pytest.raises(AnalysisError, match=r"response\(s\) 2 have negative"):
        prepare_survey(responses, pd.DataFrame(index=[1, 2, 3]), LIKERT)
    responses["weight"] = [1.0, np.nan, 1.0]
    with pytest.raises(AnalysisError, match=r"response\(s\) 2 have no weight"):
        prepare_survey(responses, pd.DataFrame(index=[1, 2, 3]), LIKERT)


def test_answers_for_unknown_responses_or_items():
    responses = pd.DataFrame({"group": ["residents"]}, index=[1])
    with pytest.raises(AnalysisError, match=r"response\(s\) 9 that are not complete"):
        prepare_survey(responses, pd.DataFrame({"residents.a": [3, 3]}, index=[1, 9]), LIKERT)
    with pytest.raises(AnalysisError, match="'residents.zz' that are not items"):
        prepare_survey(responses, pd.DataFrame({"residents.zz": [3]}, index=[1]), LIKERT)


def test_answer_to_an_item_of_another_group():
    responses = pd.DataFrame({"group": ["business"]}, index=[5])
    with pytest.raises(AnalysisError, match=r"asked of group 'residents' but response\(s\) 5 of group 'business'"):
        prepare_survey(responses, pd.DataFrame({"residents.a": [3]}, index=[5]), LIKERT)
