"""The Monte Carlo of methodology §8: its checks, the Sobol estimator on the Ishigami function (analytic values
and SALib), level probabilities, ranks from the same draws, and bad settings."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import qmc

from analysis import AnalysisError, compute_index, framework_spec, score_round
from analysis.synthetic import synthetic_round
from analysis.uncertainty import (
    INPUT_GROUPS,
    CityInputs,
    Settings,
    city_monte_carlo,
    rank_distribution,
    sobol_indices,
)
from instruments.frameworks import load_framework

SIZES = {"residents": 124, "business": 24, "academia": 14, "civil_society": 16, "government": 18, "international": 7}

# Ishigami function, a = 7, b = 0.1, inputs U(−π, π): analytic indices (methodology §8).
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def _ishigami_indices(n: int, seed: int = 1):
    """The indices from a scrambled Sobol' sequence of A and B (6 dimensions), as the Handbook recommends."""
    points = qmc.Sobol(d=6, scramble=True, seed=seed).random(n) * 2 * math.pi - math.pi
    a, b = points[:, :3], points[:, 3:]
    f_ab = {str(i): ishigami(np.where(np.arange(3) == i, b, a)) for i in range(3)}
    return sobol_indices(ishigami(a), ishigami(b), f_ab)


def test_the_sobol_estimator_reproduces_the_ishigami_indices():
    out = _ishigami_indices(2**13)
    for i in range(3):
        first, total = out[str(i)]
        assert first == pytest.approx(ISHIGAMI_S1[i], abs=0.02)
        assert total == pytest.approx(ISHIGAMI_ST[i], abs=0.02)


def test_the_sobol_estimator_agrees_with_salib():
    salib_sample = pytest.importorskip("SALib.sample.sobol")
    salib_analyze = pytest.importorskip("SALib.analyze.sobol")
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
    x = salib_sample.sample(problem, 2**13, calc_second_order=False, seed=3)
    y = ishigami(x)
    reference = salib_analyze.analyze(problem, y, calc_second_order=False, seed=3)
    # SALib's sample stacks A, AB_1..AB_k, B for each base row: the same design, read by our estimator.
    rows = y.reshape(-1, 5)
    ours = sobol_indices(rows[:, 0], rows[:, 4], {str(i): rows[:, 1 + i] for i in range(3)})
    for i in range(3):
        assert ours[str(i)][0] == pytest.approx(reference["S1"][i], abs=1e-9)
        assert ours[str(i)][1] == pytest.approx(reference["ST"][i], abs=1e-9)


def test_no_variance_gives_no_indices():
    flat = np.ones(100)
    assert sobol_indices(flat, flat, {"x": flat}) is None


@pytest.fixture(scope="module")
def framework():
    return load_framework()


@pytest.fixture(scope="module")
def frames():
    return synthetic_round(SIZES, readiness=0.5, seed=4)


def _score(frames, framework, **options):
    return score_round(framework=framework, **{**frames, **options})


def test_with_every_perturbation_off_the_range_collapses_to_the_nominal_score(frames, framework):
    out = _score(frames, framework, vary=(), n_draws=200, n_boot=50)
    u = out["uncertainty"]
    assert u["varied"] == [] and u["p05"] == u["p95"] == u["median"] == out["scri"]["score"]
    assert u["sobol"] == {} and u["levels"][out["scri"]["level"]] == 1.0


def test_with_aggregation_alone_the_range_spans_the_arithmetic_and_geometric_scores(frames, framework):
    out = _score(frames, framework, vary=("aggregation",), n_draws=400, n_boot=0)
    u, arithmetic, geometric = out["uncertainty"], out["scri"]["score"], out["sensitivity"]["geometric_score"]
    assert {u["p05"], u["p95"]} == {min(arithmetic, geometric), max(arithmetic, geometric)}
    assert u["sobol"]["aggregation"]["first"] == pytest.approx(1.0, abs=0.05) and u["driver"] == "aggregation"


def test_the_full_monte_carlo_brackets_the_geometric_score_and_names_a_driver(frames, framework):
    out = _score(frames, framework, n_draws=500, n_boot=100)
    u = out["uncertainty"]
    assert set(u["varied"]) == set(INPUT_GROUPS) - {"missing"}  # the synthetic city supplies every value
    assert u["p05"] <= out["sensitivity"]["geometric_score"] <= u["p95"]
    assert sum(v for v in u["levels"].values()) == pytest.approx(1.0, abs=0.002)
    assert out["scri"]["level_probability"] == u["levels"][out["scri"]["level"]]
    assert u["driver"] in u["varied"] and 0 <= u["driver_share"] <= 1
    assert out["sensitivity"]["score_p05"] == u["p05"] and u["replicates"] == 100


def test_the_monte_carlo_is_seeded(frames, framework):
    a = _score(frames, framework, n_draws=200, n_boot=40, seed=7)["uncertainty"]
    b = _score(frames, framework, n_draws=200, n_boot=40, seed=7)["uncertainty"]
    c = _score(frames, framework, n_draws=200, n_boot=40, seed=8)["uncertainty"]
    assert a == b and a != c


def test_missing_values_are_drawn_between_their_goalposts(frames, framework):
    indicators = frames["indicators"][~frames["indicators"]["indicator"].str.startswith("ppp_")]
    out = _score(frames, framework, indicators=indicators, n_draws=300, n_boot=0)
    u = out["uncertainty"]
    assert "missing" in u["varied"] and u["median"] > out["scri"]["score"]  # the headline counts them at 0
    assert out["scri"]["reweighted_score"] > out["scri"]["score"]


def test_a_borderline_city_is_called_so():
    spec = framework_spec(load_framework())
    raw = np.array([row["worst"] + 0.4 * (row["best"] - row["worst"]) for _, row in spec.indicators.iterrows()])
    city = CityInputs("edge", raw, np.zeros(len(raw), dtype=bool), "worst", "arithmetic")
    nominal = compute_index(spec, dict(zip(spec.indicators.index, raw, strict=True)))["score"]
    block = city_monte_carlo(spec, city, Settings(draws=400), nominal).block
    assert nominal == pytest.approx(40.0)
    assert block["borderline"] is not None and set(block["borderline"]) == {"low", "medium"}
    assert block["level_probability"] < 2 / 3


def test_ranks_come_from_unrounded_scores_and_the_same_draws():
    draws = {"a": np.full(100, 44.44), "b": np.full(100, 44.41), "c": np.full(100, np.nan)}
    ranks = rank_distribution({"a": 44.44, "b": 44.41, "c": None}, draws)
    assert ranks["a"]["rank"] == 1 and ranks["b"]["rank"] == 2 and ranks["b"]["rank_stability"] == 1.0
    assert ranks["c"]["rank"] is None and ranks["c"]["rank_probabilities"] == {}
    tied = rank_distribution({"a": 50.0, "b": 50.0}, {"a": np.full(10, 50.0), "b": np.full(10, 50.0)})
    assert tied["a"]["rank"] == tied["b"]["rank"] == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"draws": 0}, "at least 1"),
        ({"seed": -1}, "seed must be a whole number of 0 or more"),
        ({"weight_noise": 1.5}, "weight noise"),
        ({"vary": frozenset({"luck"})}, "unknown input group"),
    ],
)
def test_bad_monte_carlo_settings_are_named(options, message):
    with pytest.raises(AnalysisError, match=message):
        Settings(**options)


def test_score_round_refuses_a_monte_carlo_of_size_zero(frames, framework):
    with pytest.raises(AnalysisError, match="at least 1"):
        _score(frames, framework, n_draws=0)


@settings(deadline=None)
@given(
    removed=st.sets(st.sampled_from([i.code for i in load_framework().imported]), min_size=1, max_size=8),
    method=st.sampled_from(["arithmetic", "geometric"]),
    level=st.floats(0.05, 0.95),
)
def test_removing_city_data_never_raises_the_headline_score(removed, method, level):
    spec = framework_spec(load_framework())
    raw = {code: row["worst"] + level * (row["best"] - row["worst"]) for code, row in spec.indicators.iterrows()}
    full = compute_index(spec, raw, method=method)["score"]
    fewer = compute_index(spec, {k: (None if k in removed else v) for k, v in raw.items()}, method=method)["score"]
    assert fewer is not None and full is not None and fewer <= full + 1e-9
