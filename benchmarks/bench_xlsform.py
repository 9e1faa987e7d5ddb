"""Benchmark of reading XLSForms: a 300-question form in five languages (kk, ru, en, fr, de) with groups,
choices, relevants and constraints, imported and exported; and every hostile workbook of the tests refused.

Prints the median of several runs in one process (the first run warms imports). Targets on 2 cores: import
under 2 s; a hostile workbook refused under 5 s.

Run: ``python benchmarks/bench_xlsform.py [--runs R] [--questions N]``
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "instruments"))

LANGS = (
    ("Kazakh (kk)", "kk"),
    ("Russian (ru)", "ru"),
    ("English (en)", "en"),
    ("Français (fr)", "fr"),
    ("Deutsch (de)", "de"),
)


def big_form(questions: int) -> bytes:
    """A form of `questions` questions in groups of 10, each with a label and a hint in five languages."""
    import openpyxl

    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", *(f"label::{n}" for n, _c in LANGS), *(f"hint::{n}" for n, _c in LANGS),
                   "relevant", "constraint", "required"])  # fmt: skip
    kinds = ("select_one yn", "integer", "text", "select_multiple services", "decimal", "date")
    for n in range(questions):
        if n % 10 == 0:
            survey.append(["begin_group", f"g{n // 10}", *(f"Part {n // 10} {c}" for _n, c in LANGS)])
        kind = kinds[n % len(kinds)]
        relevant = f"${{q{n - 1}}} = 'yes'" if n % 6 == 1 and n > 0 else None
        constraint = ". >= 0 and . <= 120" if kind == "integer" else None
        labels = [f"Question {n} in {c}" for _n, c in LANGS] + [f"Hint {n} in {c}" for _n, c in LANGS]
        survey.append([kind, f"q{n}", *labels, relevant, constraint, "yes" if n % 3 == 0 else None])
        if n % 10 == 9 or n == questions - 1:
            survey.append(["end_group"])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *(f"label::{n}" for n, _c in LANGS)])
    for code in ("yes", "no"):
        choices.append(["yn", code, *(f"{code} {c}" for _n, c in LANGS)])
    for code in ("egov", "post", "bank", "clinic", "school", "transport"):
        choices.append(["services", code, *(f"{code} {c}" for _n, c in LANGS)])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "version", *(f"form_title::{n}" for n, _c in LANGS)])
    settings.append(["big_form", "2025050101", *(f"Big form {c}" for _n, c in LANGS)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def median_seconds(func, runs: int) -> float:
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--questions", type=int, default=300)
    args = parser.parse_args()
    from test_xlsform_hostile import HOSTILE

    from instruments.loader import InstrumentError
    from instruments.xlsform import load_xlsform_bytes
    from instruments.xlsform.export import export_xlsform

    data = big_form(args.questions)
    instrument = load_xlsform_bytes(data, "big.xlsx", "residents")
    print(f"{args.questions} questions, {len(instrument.sections)} pages, languages {', '.join(instrument.languages)}")
    seconds = median_seconds(lambda: load_xlsform_bytes(data, "big.xlsx", "residents"), args.runs)
    print(f"import: {seconds:.2f} s (target < 2 s)")
    print(f"export: {median_seconds(lambda: export_xlsform(instrument), args.runs):.2f} s")
    for name, (build, _expected) in sorted(HOSTILE.items()):
        hostile = build()

        def refuse(hostile=hostile, name=name):
            try:
                load_xlsform_bytes(hostile, f"{name}.xlsx", "residents")
            except InstrumentError:
                return
            raise SystemExit(f"{name} was not refused")

        seconds = median_seconds(refuse, args.runs)
        print(f"hostile {name} ({len(hostile) // 1024} KB): refused in {seconds:.2f} s (target < 5 s)")


if __name__ == "__main__":
    main()
