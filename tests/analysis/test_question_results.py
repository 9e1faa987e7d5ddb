"""Per-question results: shares of those who answered, don't-know and no answer apart, weights, k_min."""

from analysis.question_results import question_table


def test_shares_are_of_those_who_answered_with_dont_know_and_no_answer_apart():
    answers = {1: "yes", 2: "yes", 3: "no", 4: "dont_know", 5: "yes", 6: "no"}
    table = question_table("yesno", ["yes", "no"], answers, range(1, 9), None, k_min=5)
    assert (table["n"], table["answered"], table["dont_know"], table["no_answer"]) == (8, 5, 1, 2)
    assert [(r["code"], r["count"], r["pct"]) for r in table["rows"]] == [("yes", 3, 60.0), ("no", 2, 40.0)]
    assert table["weighted"] is False and table["rows"][0]["weighted_pct"] == 60.0


def test_weights_move_the_weighted_share_only():
    answers = {1: "a", 2: "b", 3: "b", 4: "b", 5: "b"}
    table = question_table("single", ["a", "b"], answers, range(1, 6), {1: 4.0, 2: 1.0, 3: 1.0, 4: 1.0, 5: 1.0}, 5)
    assert table["rows"][0]["pct"] == 20.0 and table["rows"][0]["weighted_pct"] == 50.0 and table["weighted"]


def test_priorities_are_ranked_by_the_share_that_chose_them():
    answers = {1: ["roads", "heating"], 2: ["heating"], 3: ["heating", "water"], 4: ["roads"], 5: ["heating"]}
    table = question_table("multiple", ["roads", "water", "heating"], answers, range(1, 6), None, 5)
    ranks = {r["code"]: (r["rank"], r["pct"]) for r in table["rows"]}
    assert ranks == {"heating": (1, 80.0), "roads": (2, 40.0), "water": (3, 20.0)}


def test_a_group_under_k_min_is_withheld():
    table = question_table("single", ["a"], {1: "a", 2: "a"}, range(1, 4), None, 5)
    assert table["withheld"] and "rows" not in table and table["answered"] == 2
