"""Benchmark of the submit path through the Flask test client (no network, no WSGI server).

Prints, as medians over many devices: the time to show the first questionnaire page, to save one page, and to
complete a whole response (every page to the thank-you page), and the ratio of each to a trivial request
(GET /healthz) of the same app, which varies less across machines than absolute times.

    python benchmarks/bench_submit.py [--responses 40] [--db sqlite|postgres] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "load"))

from webclient import fill, forward_button, parse_forms  # noqa: E402

ROUND_SLUG = "bench-2025"
START = f"/s/{ROUND_SLUG}/residents"


def make_app(database_url: str, instance: Path):
    os.environ["SCRI_INSTANCE_PATH"] = str(instance)
    os.environ.setdefault("SCRI_ENV", "testing")
    from flask_migrate import upgrade

    from survey_app import create_app
    from survey_app.extensions import db
    from survey_app.services import rounds
    from survey_app.services.cities import ensure_city

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "benchmark-secret-key-0123456789-0123456789",
        }
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        city = ensure_city("shu", {"kk": "Шу", "ru": "Шу", "en": "Shu"}, region="Zhambyl", population=37000)
        round_ = rounds.create_round(city, ROUND_SLUG, ["residents"], year=2025)
        rounds.open_round(round_)
        db.session.commit()
    return app


def _follow(client, response):
    for _ in range(10):
        if response.status_code not in (301, 302, 303, 307, 308):
            return response
        location = urlsplit(response.headers["Location"])
        response = client.get(location.path + (f"?{location.query}" if location.query else ""))
    return response


def _post_form(form, html_path: str) -> str:
    action = urlsplit(form.action or html_path)
    return action.path + (f"?{action.query}" if action.query else "")


def one_response(app, rng: random.Random) -> dict[str, float]:
    """A new device completes one questionnaire; server time of each step, in seconds.

    Only the requests are timed (the POST and the GET of the page it redirects to, as a phone does); reading
    and filling the HTML on the client side is not counted.
    """
    client = app.test_client()
    times: dict = {"page_saves": []}

    def timed(call, *args, **kwargs):
        t0 = time.perf_counter()
        response = _follow(client, call(*args, **kwargs))
        response.get_data()
        return response, time.perf_counter() - t0

    page, times["first_page"] = timed(client.get, START, headers={"Accept-Language": "ru"})
    path = START
    for _ in range(40):
        html = page.get_data(as_text=True)
        assert page.status_code == 200, f"{page.status_code} on {path}"
        forms = [f for f in parse_forms(html) if f.method == "post"]
        assert forms, f"no form on {path}"
        form = forms[0]
        pairs = fill(form, rng)
        button = forward_button(form)
        if button:
            pairs.append(button)
        page, seconds = timed(client.post, _post_form(form, path), data=_multidict(pairs))
        times["page_saves"].append(seconds)
        if page.request.path.endswith("/thanks"):
            break
        path = page.request.path
    else:
        raise RuntimeError("no thank-you page after 40 pages")
    times["complete"] = times["first_page"] + sum(times["page_saves"])
    return times


def _multidict(pairs):
    from werkzeug.datastructures import MultiDict

    return MultiDict(pairs)


def trivial(app, n: int) -> list[float]:
    client = app.test_client()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        response = client.get("/healthz")
        out.append(time.perf_counter() - t0)
        assert response.status_code == 200
    return out


def run(responses: int, database_url: str, instance: Path) -> dict:
    app = make_app(database_url, instance)
    rng = random.Random(2025)
    one_response(app, rng)  # warm-up: templates compiled, instrument cached
    trivial(app, 50)
    results = [one_response(app, rng) for _ in range(responses)]
    health = statistics.median(trivial(app, 500))
    first_page = statistics.median(r["first_page"] for r in results)
    page_save = statistics.median(t for r in results for t in r["page_saves"][:-1] or r["page_saves"])
    final_submit = statistics.median(r["page_saves"][-1] for r in results)
    complete = statistics.median(r["complete"] for r in results)
    pages = statistics.median(len(r["page_saves"]) for r in results)
    return {
        "responses": responses,
        "pages_per_response": pages,
        "healthz_ms": round(health * 1000, 3),
        "first_page_ms": round(first_page * 1000, 2),
        "page_save_ms": round(page_save * 1000, 2),
        "final_submit_ms": round(final_submit * 1000, 2),
        "complete_response_ms": round(complete * 1000, 1),
        "page_save_ratio": round(page_save / health, 1),
        "complete_response_ratio": round(complete / health, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=40, help="complete responses to time (default 40)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("SCRI_TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="scri-bench-") as tmp:
        schema = None
        if args.db == "sqlite":
            url = "sqlite:///" + str(Path(tmp) / "bench.sqlite3")
        else:
            from sqlalchemy import create_engine, text

            schema = f"scri_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
            engine = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            sep = "&" if "?" in args.pg_url else "?"
            url = f"{args.pg_url}{sep}options={quote(f'-csearch_path={schema}')}"
        try:
            figures = run(args.responses, url, Path(tmp))
        finally:
            if schema:
                with engine.connect() as conn:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                engine.dispose()
    figures["db"] = args.db
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
