"""Two `scri serve` instances on one database behind Debian's nginx, which balances them round-robin: residents
lose and duplicate nothing whichever instance answers, a questionnaire started on one instance goes on on the
other (session, CSRF token, resume cookie), and the rate limits count across both (through Redis at
127.0.0.1:6379 when it runs, else through the database)."""

from __future__ import annotations

import random
import socket
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from liveserver import LiveServer
from loaddb import ROUND_SLUG, count_complete, export_rows, prepare_database
from nginx import NginxProxy, nginx_binary
from respondent import complete_one
from webclient import Browser, fill, forward_button

pytestmark = [
    pytest.mark.load,
    pytest.mark.slow,
    pytest.mark.skipif(nginx_binary() is None, reason="Debian's nginx package is not installed"),
]

RESIDENTS = 40
REDIS_URL = "redis://127.0.0.1:6379/14"


def _redis_env() -> dict[str, str]:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            pass
    except OSError:
        return {}
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # this test's own database number: counts of earlier runs gone
    return {"SCRI_REDIS_URL": REDIS_URL}


@pytest.fixture
def two_servers(app, database_url):
    env = {"SCRI_TRUSTED_PROXIES": "1", **_redis_env()}
    with tempfile.TemporaryDirectory(prefix="scri-two-") as tmp:
        folder = Path(tmp)
        prepare_database(database_url, folder)
        with (
            LiveServer(database_url, folder, workers=2, log_path=folder / "a.log", env=env) as a,
            LiveServer(database_url, folder, workers=2, log_path=folder / "b.log", env=env) as b,
            NginxProxy([a.port, b.port], folder) as proxy,
        ):
            yield a, b, proxy, folder


def _posts(server: LiveServer) -> int:
    return sum('"POST /s/' in line for line in server.log_path.read_text(errors="replace").splitlines())


def test_residents_through_nginx_and_two_app_servers_lose_and_duplicate_nothing(two_servers, database_url):
    a, b, proxy, folder = two_servers
    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(
            pool.map(
                lambda seed: complete_one(proxy.url, f"/s/{ROUND_SLUG}/residents", random.Random(seed)),
                range(RESIDENTS),
            )
        )
    errors = [o.error for o in outcomes if o.error]
    assert not errors, errors[:3]
    assert all(s < 400 for o in outcomes for s in o.statuses)
    assert count_complete(database_url)["complete"] == RESIDENTS
    assert export_rows(database_url, folder) == RESIDENTS
    assert _posts(a) > RESIDENTS and _posts(b) > RESIDENTS, "nginx sent each instance a share of the answers"
    assert "Traceback" not in a.log_tail(400) + b.log_tail(400)


def test_a_questionnaire_started_on_one_instance_goes_on_on_the_other(two_servers, database_url):
    a, b, _proxy, _folder = two_servers
    rng = random.Random(7)
    first = Browser(a.url, accept_language="kk")
    page = first.get(f"/s/{ROUND_SLUG}/residents")
    form = page.post_form()
    page = first.post(form.action or page.url, [*form.hidden(), ("consent", "yes")])
    assert page.status == 200 and "/p/" in page.url
    second = Browser(b.url, accept_language="kk")
    second.cookies = dict(first.cookies)  # the same phone; the balancer now picks the other instance
    page = second.get(page.url.replace(a.url, ""))
    form = page.post_form()  # its CSRF token was signed by instance B; the session cookie by instance A
    pairs = fill(form, rng) + [forward_button(form)]
    moved = second.post(form.action or page.url, pairs)
    assert moved.status == 200 and moved.url != page.url, (moved.status, moved.url)
    back = first.get(moved.url.replace(b.url, ""))  # and back on A, where the answers saved on B are found
    assert back.status == 200 and back.url.endswith(moved.url.rsplit("/", 1)[-1])
    first.close()
    second.close()


def test_the_rate_limits_count_across_both_instances(two_servers):
    _a, _b, proxy, _folder = two_servers
    statuses = []
    for _ in range(16):
        browser = Browser(proxy.url)  # no device cookie: one small bucket of new responses per address
        try:
            page = browser.get(f"/s/{ROUND_SLUG}/residents")
            form = page.post_form()
            browser.cookies.pop("scri_device", None)
            pairs = [*form.hidden(), ("consent", "yes")]
            statuses.append(browser.post(form.action or page.url, pairs, follow=False).status)
        finally:
            browser.close()
    # The shipped limit is 10 new responses a minute per address; alone each instance would allow 10 (20 in all).
    assert statuses.count(302) == 10 and set(statuses[10:]) == {429}, statuses
