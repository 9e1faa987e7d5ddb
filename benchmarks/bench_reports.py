"""Benchmark of the governance assessment PDFs on the demo data (`scri demo`).

Times, as the median of several runs in one process (fonts and templates warm, as in a running server):

- ``city``: one city's report — `round_result` of the round (scoring from the database) + PDF;
- ``compare``: the comparative report of the three demo cities — `city_comparison` + PDF;

and, for each, the rendering alone (result dict → HTML with charts → PDF). Targets on 2 cores: a city
report under 3 s, the comparative report under 6 s.

The demo database is made in a temporary instance folder unless ``--instance`` names one that has it.

Run: ``python benchmarks/bench_reports.py [--runs R] [--lang kk|ru|en] [--instance PATH]``
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CITY_TARGET = 3.0
COMPARE_TARGET = 6.0
ROUNDS = ("shu-2025", "ayagoz-2025", "shalkar-2025")


def _median(func, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lang", choices=("kk", "ru", "en"), default="kk")
    parser.add_argument("--instance", default=None, help="instance folder holding the demo database")
    args = parser.parse_args()

    instance = args.instance or tempfile.mkdtemp(prefix="scri-bench-reports-")
    os.environ["SCRI_INSTANCE_PATH"] = instance
    os.environ.setdefault("SCRI_ENV", "development")
    from survey_app import create_app
    from survey_app.extensions import db
    from survey_app.reports import pdf
    from survey_app.services import results as services

    app = create_app()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=app.extensions["migrate"].directory)
        if services.find_round(ROUNDS[0]) is None:
            from survey_app.demo import load_demo

            load_demo()
            db.session.commit()
        rounds = [services.find_round(slug) for slug in ROUNDS]
        day = date(2025, 11, 14)
        # Warm up: the first report loads fonts, templates, the framework files and matplotlib.
        result = services.round_result(rounds[0])
        pdf.city_report_pdf(result, args.lang, generated=day)

        def city_full():
            pdf.city_report_pdf(services.round_result(rounds[0]), args.lang, generated=day)

        def city_render():
            pdf.city_report_pdf(result, args.lang, generated=day)

        compared = services.comparison(rounds)

        def compare_full():
            pdf.comparison_report_pdf(services.comparison(rounds), args.lang, generated=day)

        def compare_render():
            pdf.comparison_report_pdf(compared, args.lang, generated=day)

        figures = {
            "city report (scoring + PDF)": _median(city_full, args.runs),
            "city report (PDF from the result)": _median(city_render, args.runs),
            "comparative report, 3 cities (scoring + PDF)": _median(compare_full, args.runs),
            "comparative report, 3 cities (PDF from the results)": _median(compare_render, args.runs),
        }
        size = len(pdf.city_report_pdf(result, args.lang, generated=day))

    print(
        f"SCRI report benchmark — {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPU(s), language {args.lang}, median of {args.runs} runs"
    )
    for name, (median, times) in figures.items():
        print(f"  {name:<55} {median:6.2f} s   (runs: {', '.join(f'{t:.2f}' for t in times)})")
    print(f"  city report size: {size // 1024} KB")
    city = figures["city report (scoring + PDF)"][0]
    compare = figures["comparative report, 3 cities (scoring + PDF)"][0]
    ok = city < CITY_TARGET and compare < COMPARE_TARGET
    print(
        f"targets: city < {CITY_TARGET:.0f} s {'met' if city < CITY_TARGET else 'MISSED'}, "
        f"comparative < {COMPARE_TARGET:.0f} s {'met' if compare < COMPARE_TARGET else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
