"""Behind Debian's nginx with `SCRI_TRUSTED_PROXIES=1` and the shipped rate limits: a town's residents behind one
address all get through, while one client flooding without cookies is throttled whatever X-Forwarded-For it
forges."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from liveserver import LiveServer
from loaddb import prepare_database
from nginx import NginxProxy, nginx_binary
from run_load import PROXY_ENV, one_run
from webclient import Browser

pytestmark = [
    pytest.mark.load,
    pytest.mark.slow,
    pytest.mark.skipif(nginx_binary() is None, reason="Debian's nginx package is not installed"),
]


def test_200_respondents_behind_one_address_and_a_proxy_are_all_accepted(app, database_url):
    report = one_run(
        "postgres" if database_url.startswith("postgresql") else "sqlite",
        workers=2,
        respondents=200,
        responses_each=1,
        retry_every=10,
        time_limit=600,
        trivial_each=2,
        database_url=database_url,
        verbose=False,
        proxy=True,
    )
    assert report.ok, "; ".join(report.problems())
    assert report.refused == 0 and report.server_errors == 0
    assert report.accepted == report.in_database == report.in_export == 200
    assert report.seconds < 600


def test_a_flood_without_cookies_is_throttled_through_the_proxy(app, database_url):
    with tempfile.TemporaryDirectory(prefix="scri-proxy-") as tmp:
        folder = Path(tmp)
        prepare_database(database_url, folder, slug="flood-2025")
        with LiveServer(database_url, folder, workers=1, env=PROXY_ENV) as live, NginxProxy(live.port, folder) as proxy:
            statuses = []
            for n in range(16):
                browser = Browser(proxy.url)  # a fresh cookie jar every time: no device cookie, no session
                try:
                    page = browser.get("/s/flood-2025/residents")
                    form = page.post_form()
                    browser.cookies.pop("scri_device", None)
                    forged = {"X-Forwarded-For": f"10.{n}.{n}.{n}"}  # a client cannot choose its address
                    pairs = [*form.hidden(), ("consent", "yes")]
                    statuses.append(browser.post(form.action or page.url, pairs, follow=False, headers=forged).status)
                finally:
                    browser.close()
    assert statuses[:10] == [302] * 10
    assert set(statuses[10:]) == {429}
