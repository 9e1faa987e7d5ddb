"""The browser's evaluator (static/js/xpath.js) gives every expression of the shared table the value the
server gives it (tests/instruments/test_xpath.py runs the same table in Python)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "instruments"))

from xpath_table import CASES, TABLE, expected  # noqa: E402

from instruments import xpath  # noqa: E402

SCRIPT = Path(__file__).resolve().parents[2] / "survey_app" / "static" / "js" / "xpath.js"
COMPARABLE = """([trees, env]) => trees.map((tree) => {
  const v = SCRIXPath.evaluate(tree, env);
  if (typeof v === "number" && !isFinite(v)) { return isNaN(v) ? "NaN" : (v > 0 ? "Infinity" : "-Infinity"); }
  return v;
})"""


def test_browser_evaluates_the_table_as_the_server_does(browser):
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><title>xpath</title>")
        page.add_script_tag(content=SCRIPT.read_text(encoding="utf-8"))
        trees = [xpath.check(c["expr"], columns=True) for c in CASES]
        env = {k: TABLE[k] for k in ("answers", "current", "columns", "labels", "today")}
        results = page.evaluate(COMPARABLE, [trees, env])
    finally:
        page.close()
    wrong = [
        (case["expr"], got, expected(case))
        for case, got in zip(CASES, results, strict=True)
        if (float(got) if isinstance(got, int | float) and not isinstance(got, bool) else got) != expected(case)
    ]
    assert wrong == []
    assert len(results) == len(CASES) > 100
