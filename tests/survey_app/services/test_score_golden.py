"""`scri score` on the demo gives the stored documents, and every document has the shape of the result schema.

The stored documents (golden/score-<round>.json) are what `scri score --round <round>` printed on the demo
before the code was restructured; any change to a score shows up here. After an intended change to a
method (methodology.md), refresh them with
    SCRI_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/survey_app/services/test_score_golden.py
and read the diff before committing.
"""

from __future__ import annotations

import json
import os
import types
import typing
from pathlib import Path

import pytest

from survey_app.services.scoring import ScoredRound

GOLDEN = Path(__file__).resolve().parent / "golden"
ROUNDS = ("shu-2025", "shu-2024", "ayagoz-2025", "shalkar-2025")


@pytest.fixture(scope="module")
def documents(demo_app):
    runner = demo_app.test_cli_runner()
    out = {}
    for slug in ROUNDS:
        result = runner.invoke(args=["score", "--round", slug])
        assert result.exit_code == 0, result.output
        out[slug] = result.output
    return out


@pytest.mark.parametrize("slug", ROUNDS)
def test_score_of_the_demo_is_unchanged(documents, slug):
    path = GOLDEN / f"score-{slug}.json"
    if os.environ.get("SCRI_UPDATE_GOLDEN"):
        path.write_text(documents[slug], encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(documents[slug]) == expected


def _check(value, hint, path: str) -> None:
    """`value` has the type `hint` (TypedDicts: exactly their keys, required ones present; recursively)."""
    origin = typing.get_origin(hint)
    if typing.is_typeddict(hint):
        assert isinstance(value, dict), f"{path}: {type(value).__name__}, not a {hint.__name__}"
        hints = typing.get_type_hints(hint)
        unknown = set(value) - set(hints)
        assert not unknown, f"{path}: keys {sorted(unknown)} are not in {hint.__name__}"
        missing = hint.__required_keys__ - set(value)
        assert not missing, f"{path}: {hint.__name__} needs {sorted(missing)}"
        for key, item in value.items():
            _check(item, hints[key], f"{path}.{key}")
    elif hint is typing.Any:
        return
    elif origin in (typing.Union, types.UnionType):
        errors = []
        for option in typing.get_args(hint):
            try:
                _check(value, option, path)
                return
            except AssertionError as exc:
                errors.append(str(exc))
        raise AssertionError(f"{path}: none of {hint} fits: {errors}")
    elif origin is dict:
        key_type, item_type = typing.get_args(hint)
        assert isinstance(value, dict), f"{path}: not a dict"
        for key, item in value.items():
            _check(key, key_type, f"{path}[key]")
            _check(item, item_type, f"{path}.{key}")
    elif origin is list:
        (item_type,) = typing.get_args(hint)
        assert isinstance(value, list), f"{path}: not a list"
        for i, item in enumerate(value):
            _check(item, item_type, f"{path}[{i}]")
    elif hint is type(None):
        assert value is None, f"{path}: {value!r} is not None"
    elif hint is float:
        assert isinstance(value, int | float) and not isinstance(value, bool), f"{path}: {value!r} is not a number"
    else:
        assert isinstance(value, hint), f"{path}: {value!r} is not a {hint.__name__}"


@pytest.mark.parametrize("slug", ROUNDS)
def test_every_document_has_the_shape_of_the_schema(documents, slug):
    _check(json.loads(documents[slug]), ScoredRound, slug)


def test_the_shape_check_finds_a_stray_or_missing_key(documents):
    doc = json.loads(documents["shu-2025"])
    doc["scri"]["p05"] = 1.0
    with pytest.raises(AssertionError, match="p05"):
        _check(doc, ScoredRound, "doc")
    doc = json.loads(documents["shu-2025"])
    del doc["sensitivity"]["score_p05"]
    with pytest.raises(AssertionError, match="score_p05"):
        _check(doc, ScoredRound, "doc")


def test_the_demo_shows_an_honest_band_for_shu_and_reliable_constructs(documents):
    shu = json.loads(documents["shu-2025"])
    u = shu["uncertainty"]
    # the band of the full Monte Carlo contains the geometric variant of the index (methodology §8)
    assert u["p05"] <= shu["sensitivity"]["geometric_score"] <= u["p95"]
    assert set(u["levels"]) == {"low", "medium", "high"} and sum(u["levels"].values()) == pytest.approx(1, abs=0.002)
    assert shu["scri"]["level_probability"] == u["levels"][shu["scri"]["level"]]
    assert u["driver"] == "aggregation" and set(u["sobol"]) >= {"respondents", "weights", "goalposts"}
    # everyone is raked, the "prefer not to say" residents in a cell of their own (methodology §2)
    assert shu["weighting"]["raked"] == shu["groups"]["residents"]["n"] and shu["weighting"]["not_stated"] > 0
    # the demo's latent-trait answers give constructs the reliability of a real questionnaire
    alphas = sorted(
        cell["alpha"]
        for slug in ROUNDS
        for cells in json.loads(documents[slug])["constructs"].values()
        for cell in cells.values()
        if cell.get("alpha") is not None
    )
    assert 0.6 <= alphas[len(alphas) // 2] <= 0.9
    assert sum(0.6 <= a <= 0.9 for a in alphas) / len(alphas) > 0.6
