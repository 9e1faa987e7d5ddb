"""The examples in the analysis docstrings (and the framework loader's) run and hold."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import analysis

#: Modules whose docstrings must carry examples (every module of the analysis package is run).
WITH_EXAMPLES = {
    "analysis",
    "analysis.stats",
    "analysis.weighting",
    "analysis.items",
    "analysis.prepare",
    "analysis.suppression",
    "analysis.network",
    "analysis.scri",
    "analysis.scri.aggregate",
    "analysis.round_score",
    "analysis.ranking",
    "analysis.synthetic",
    "analysis.refstd",
    "survey_app.reports.recommendations",
    "instruments.frameworks",
}


def _modules() -> list[str]:
    names = ["analysis", "instruments.frameworks", "survey_app.reports.recommendations"]
    names += [m.name for m in pkgutil.walk_packages(analysis.__path__, "analysis.")]
    return sorted(set(names))


def test_docstring_examples():
    failed, without = [], []
    for name in _modules():
        module = importlib.import_module(name)
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
        if result.failed:
            failed.append(name)
        if name in WITH_EXAMPLES and result.attempted == 0:
            without.append(name)
    assert not failed, f"doctest failures in {failed}"
    assert not without, f"no examples in {without}"
    assert WITH_EXAMPLES <= set(_modules())
