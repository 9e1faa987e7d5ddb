"""A small, bounded version of the load test in the normal suite: 20 respondents x 2 responses, 2 workers.

It runs `scri serve` on the session's database (SQLite, or the session's PostgreSQL schema), with some final
submits sent twice; the full matrix (200 x 5, SQLite and PostgreSQL, 2 and 4 workers) is
`python tests/load/run_load.py`.
"""

from __future__ import annotations

import pytest
from run_load import one_run

pytestmark = [pytest.mark.load, pytest.mark.slow]


def test_concurrent_respondents_lose_nothing_and_duplicate_nothing(app, database_url):
    report = one_run(
        "postgres" if database_url.startswith("postgresql") else "sqlite",
        workers=2,
        respondents=20,
        responses_each=2,
        retry_every=3,
        time_limit=120,
        trivial_each=10,
        database_url=database_url,
        verbose=False,
    )
    assert report.ok, "; ".join(report.problems())
    assert report.retried >= 10
    assert report.server_errors == 0 and report.trivial_server_errors == 0
    assert report.accepted == report.in_database == 40
