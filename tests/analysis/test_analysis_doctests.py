"""The examples in the analysis docstrings (and the framework loader's) run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "analysis",
    "analysis.stats",
    "analysis.weighting",
    "analysis.scoring",
    "analysis.suppression",
    "analysis.network",
    "analysis.scri",
    "analysis.round_score",
    "analysis.synthetic",
    "instruments.frameworks",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
