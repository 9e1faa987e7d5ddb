"""The analysis layer of SCRI: pure functions over pandas DataFrames and networkx graphs.

No Flask, no ORM, no file or network I/O: the web side builds the frames below
(``survey_app/services/frames.py``), the framework file is read by ``instruments.frameworks``, and
:func:`score_round` returns a plain dict in the shape of ``scri score --format json``, whose keys
:mod:`analysis.result` defines. Bad input raises
:class:`AnalysisError` (a ``ValueError``) naming the construct, indicator, item or row; a missing value is
never NaN in a result but None beside a reason (``missing``), or ``{"suppressed": true, "n": N}``.

Input frames (one city, one round)
----------------------------------
``responses``
    One row per **complete** response. ``response_id`` (column or index, unique), ``group`` (``residents``,
    ``business``, ``academia``, ``civil_society``, ``government``, ``international``), optional ``weight``
    (float ≥ 0, design weight), optional demographic columns used for raking (e.g. ``sex``, ``age_band``;
    the keys of the census margins).
``answers``
    Wide, indexed by ``response_id``, one column per scored item code, raw numbers: Likert 1..k, yes/no
    1 (yes) / 0 (no); NaN for unanswered, "don't know" or not relevant. Rows of ``responses`` missing here
    have no answers; a row here for a response not in ``responses`` is an error.
``items``
    Indexed by item code (opaque strings; the web side prefixes them per group, e.g. ``residents.tr_info``)
    with ``construct`` (str), ``kind`` (``likert`` | ``yesno``), ``k`` (scale points, 2 for yes/no),
    ``reverse`` (bool) and, recommended, ``group`` (the group whose questionnaire asks the item; empty:
    every group). Without ``group`` an item counts as asked of the groups in which someone answered it.
``ties``
    Long: ``response_id``, ``ego`` (actor code), ``alter`` (actor code), ``frequency`` (``rarely`` |
    ``monthly`` | ``weekly`` → 1 / 2 / 3).
``actors``
    ``code``, ``sector`` (one of the six groups): every actor that could appear, so that a sector without
    any tie shows as left out.
``indicators``
    ``indicator`` (code), ``value`` (float), ``year`` (int) for the city; codes the framework does not know
    are ignored (the table may also hold reference-standard indicators); the latest year of a code is used.
framework
    ``instruments.frameworks.load_framework()`` (or its ``to_plain()`` dict): dimensions, indicators with
    source, direction, goalposts and weights, levels, sub-scores and the network blend.

Modules
-------
``stats``        t quantile (no SciPy), t-interval of a weighted mean, Wilson interval, Cronbach's α, Kish
``weighting``    raking to census margins with trimming
``items``        item scores on 0–100 and the item table's checks
``prepare``      the survey frames aligned as arrays, respondent construct scores
``group_scores`` group construct and item scores with intervals and α
``suppression``  small cells, pooling over unsuppressed groups (secondary suppression)
``network``      the stakeholder network and its measures
``scri``         normalisation, aggregation, coverage, missing data, levels, ranks
``uncertainty``  the Monte Carlo of §8 (respondents, weights, aggregation, goalposts, missing data) and Sobol
                 indices
``round_weights`` the design weights and raking of one round
``subscores``    the network measures of a round, their blend and the sub-scores
``bootstrap``    respondents resampled within groups: intervals of constructs, sub-scores and the index
``round_blocks`` the blocks of a round's result
``round_score``  :func:`score_round` (one round) and :func:`score_cities` (several, ranked)
``ranking``      :func:`rank_cities`: ranks and their stability
``result``       the result schema (TypedDicts) and the plain-value helpers

Example
-------
>>> import pandas as pd
>>> from instruments.frameworks import load_framework
>>> responses = pd.DataFrame({"response_id": [1, 2, 3, 4, 5], "group": ["business"] * 5})
>>> items = pd.DataFrame({"construct": ["legal_clarity"], "kind": ["likert"], "k": [5], "reverse": [False]},
...                      index=["business.legal"])
>>> answers = pd.DataFrame({"business.legal": [2, 3, 4, 4, 5]}, index=[1, 2, 3, 4, 5])
>>> result = score_round(responses, answers, items, load_framework(), city="Shu", n_boot=0)
>>> result["constructs"]["legal_clarity"]["business"]["score"]
65.0
"""

from __future__ import annotations

from .errors import AnalysisError
from .group_scores import group_construct_scores, group_item_scores
from .items import item_scores, validate_items
from .network import FREQUENCY_WEIGHTS, build_network, network_measures
from .prepare import prepare_survey, respondent_construct_scores
from .round_score import rank_cities, score_cities, score_round, score_round_frames
from .scri import aggregate, compute_index, framework_spec, level_of, normalise, rank_scores
from .stats import (
    cronbach_alpha,
    effective_n,
    kish_deff,
    t_interval,
    t_quantile,
    weighted_mean_se,
    wilson_interval,
)
from .suppression import DEFAULT_K_MIN, item_cells_shown, mark_suppressed, pooled_scores
from .weighting import RakeResult, rake, trim_weights

__all__ = [
    "DEFAULT_K_MIN",
    "FREQUENCY_WEIGHTS",
    "AnalysisError",
    "RakeResult",
    "aggregate",
    "build_network",
    "compute_index",
    "cronbach_alpha",
    "effective_n",
    "framework_spec",
    "group_construct_scores",
    "group_item_scores",
    "item_cells_shown",
    "item_scores",
    "kish_deff",
    "level_of",
    "mark_suppressed",
    "network_measures",
    "normalise",
    "pooled_scores",
    "prepare_survey",
    "rake",
    "rank_cities",
    "rank_scores",
    "respondent_construct_scores",
    "score_cities",
    "score_round",
    "score_round_frames",
    "t_quantile",
    "weighted_mean_se",
    "trim_weights",
    "validate_items",
    "t_interval",
    "wilson_interval",
]
