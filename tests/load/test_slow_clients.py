"""Slow and stalled clients cannot take `scri serve` down: 50 connections that send their request one header
line every two seconds stay open while residents answer the questionnaire, with the shipped rate limits, and no
resident is refused or waits more than a few seconds.

With gunicorn's sync workers (`scri serve --worker-class sync`) two such connections stop the site; the gevent
workers that `scri serve` runs by default keep a stalled request in a greenlet of its own.
"""

from __future__ import annotations

import random
import socket
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from liveserver import LiveServer
from loaddb import ROUND_SLUG, count_complete, prepare_database
from respondent import complete_one

pytestmark = [pytest.mark.load, pytest.mark.slow]

SLOW = 50
RESIDENTS = 12


class Slowloris:
    """`n` connections that each send a request line and then one header line every `interval` seconds."""

    def __init__(self, port: int, n: int, interval: float = 2.0):
        self.port, self.n, self.interval = port, n, interval
        self.sockets: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drip, daemon=True)

    def __enter__(self):
        for _ in range(self.n):
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            sock.sendall(b"POST /s/" + ROUND_SLUG.encode() + b"/residents HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.sockets.append(sock)
        self._thread.start()
        return self

    def _drip(self):
        while not self._stop.wait(self.interval):
            for sock in self.sockets:
                try:
                    sock.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    pass

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)
        for sock in self.sockets:
            sock.close()


def test_fifty_slow_connections_do_not_hold_up_residents(app, database_url):
    with tempfile.TemporaryDirectory(prefix="scri-slow-") as tmp:
        folder = Path(tmp)
        prepare_database(database_url, folder)
        with LiveServer(database_url, folder, workers=2) as live:
            with Slowloris(live.port, SLOW):
                time.sleep(3)  # every slow connection has been accepted and is dripping
                started = time.monotonic()
                with ThreadPoolExecutor(max_workers=RESIDENTS) as pool:
                    outcomes = list(
                        pool.map(
                            lambda seed: complete_one(live.url, f"/s/{ROUND_SLUG}/residents", random.Random(seed)),
                            range(RESIDENTS),
                        )
                    )
                seconds = time.monotonic() - started
            log = live.log_tail(200)
        complete = count_complete(database_url)["complete"]
    errors = [o.error for o in outcomes if o.error]
    assert not errors, errors
    statuses = [s for o in outcomes for s in o.statuses]
    assert all(s < 400 for s in statuses), sorted(set(statuses))
    slowest = max(latency for o in outcomes for latency in o.latencies)
    assert slowest < 3.0, f"a resident waited {slowest:.1f} s with {SLOW} slow connections open"
    assert complete == RESIDENTS and all(o.accepted for o in outcomes)
    assert "Traceback" not in log, log
    assert seconds < 60
