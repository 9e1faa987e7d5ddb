"""Load test of `scri serve` on 127.0.0.1: many respondents completing the real questionnaire at once.

Each simulated respondent is a device with its own cookie jar that answers the residents' questionnaire
through the HTML forms (GET, read the CSRF field, POST each page, final submit), several times in a row with a
fresh device each time. Some final submits are sent twice (a retry after a lost answer, a double tap) and
must not make a second response. Afterwards every accepted submission must be a complete response in the
database and in the CSV export, with no 5xx on the way.

The same server's trivial endpoint (GET /healthz) is measured at the same concurrency, so the figures are also
given as ratios, which vary less than absolute numbers on a shared machine.

    python tests/load/run_load.py                      # 200 respondents x 1, SQLite and PostgreSQL, 2 and 4 workers
    python tests/load/run_load.py --db sqlite --workers 2 --respondents 20 --responses 2 --runs 1
    python tests/load/run_load.py --db sqlite --workers 2 --responses 1 --runs 1 --proxy nginx

Every respondent comes from 127.0.0.1, as a town behind one carrier address does, and the server runs with the
shipped rate limits: a 429 anywhere fails the run. More responses each (`--responses 5`) from one address go
past the address ceiling (`SCRI_ADDRESS_RATE_LIMIT`, 3,000 questionnaire POSTs a minute) once the server
completes more than about 7 responses a second, and are refused by design.

Bounded in count and time: `--time-limit` seconds per run (respondents stop starting new responses after it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from liveserver import LiveServer  # noqa: E402
from loaddb import DEFAULT_PG, ROUND_SLUG, Database, count_complete, export_rows, prepare_database  # noqa: E402
from loadreport import markdown, percentile, summarise  # noqa: E402
from nginx import NginxProxy  # noqa: E402
from respondent import Outcome, complete_one  # noqa: E402
from webclient import Browser  # noqa: E402

#: With --proxy nginx the app trusts the one hop in front of it, as the deployment notes in README.md say.
PROXY_ENV = {"SCRI_TRUSTED_PROXIES": "1"}


# ---------------------------------------------------------------------------------------------------------------
# Many respondents


@dataclass
class FlowResult:
    respondents: int
    responses_each: int
    seconds: float
    outcomes: list[Outcome]

    @property
    def accepted(self) -> int:
        return sum(o.accepted for o in self.outcomes)

    @property
    def errors(self) -> list[str]:
        return [o.error for o in self.outcomes if o.error]

    @property
    def statuses(self) -> list[int]:
        return [s for o in self.outcomes for s in o.statuses]

    @property
    def server_errors(self) -> int:
        return sum(1 for s in self.statuses if s >= 500)

    @property
    def refused(self) -> int:
        return sum(1 for s in self.statuses if s == 429)

    @property
    def requests(self) -> int:
        return len(self.statuses)

    @property
    def p95(self) -> float:
        return percentile([x for o in self.outcomes for x in o.latencies], 95)

    @property
    def responses_per_second(self) -> float:
        return self.accepted / self.seconds if self.seconds else 0.0

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_flow(
    base_url: str,
    start_path: str,
    respondents: int,
    responses_each: int,
    *,
    retry_every: int = 7,
    time_limit: float = 600.0,
    seed: int = 2025,
) -> FlowResult:
    """`respondents` threads at once, each completing `responses_each` questionnaires with a fresh device."""
    deadline = time.monotonic() + time_limit
    barrier = threading.Barrier(respondents)

    def respondent(index: int) -> list[Outcome]:
        rng = random.Random(seed * 100_003 + index)
        barrier.wait()
        results = []
        for k in range(responses_each):
            if time.monotonic() > deadline:
                results.append(Outcome(error="time limit reached before this response started"))
                continue
            n = index * responses_each + k
            retry = None if n % retry_every else ("again" if (n // retry_every) % 2 else "double")
            results.append(complete_one(base_url, start_path, rng, retry))
        return results

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=respondents) as pool:
        outcomes = [o for batch in pool.map(respondent, range(respondents)) for o in batch]
    return FlowResult(respondents, responses_each, time.perf_counter() - started, outcomes)


@dataclass
class TrivialResult:
    requests: int
    seconds: float
    server_errors: int
    p95: float

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_trivial(base_url: str, clients: int, requests_each: int, path: str = "/healthz") -> TrivialResult:
    """The same concurrency on the cheapest endpoint of the same server."""
    barrier = threading.Barrier(clients)

    def client(_index: int) -> list[tuple[int, float]]:
        browser = Browser(base_url)
        barrier.wait()
        try:
            for _ in range(requests_each):
                browser.get(path, follow=False)
        finally:
            browser.close()
        return [(entry[2], entry[3]) for entry in browser.log]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        rows = [row for batch in pool.map(client, range(clients)) for row in batch]
    seconds = time.perf_counter() - started
    return TrivialResult(len(rows), seconds, sum(1 for s, _ in rows if s >= 500), percentile([t for _, t in rows], 95))


@dataclass
class RunReport:
    db: str
    workers: int
    respondents: int
    responses_each: int
    accepted: int
    in_database: int
    distinct_in_database: int
    partial_in_database: int
    in_export: int | None
    retried: int
    server_errors: int
    refused: int
    flow_errors: list[str]
    seconds: float
    responses_per_second: float
    requests_per_second: float
    p95_ms: float
    trivial_requests_per_second: float
    trivial_p95_ms: float
    trivial_server_errors: int

    @property
    def ok(self) -> bool:
        return (
            not self.flow_errors
            and self.server_errors == 0
            and self.refused == 0
            and self.trivial_server_errors == 0
            and self.accepted == self.respondents * self.responses_each
            and self.in_database == self.accepted == self.distinct_in_database
            and self.partial_in_database == 0
            and (self.in_export is None or self.in_export == self.accepted)
        )

    def problems(self) -> list[str]:
        out = []
        expected = self.respondents * self.responses_each
        if self.accepted != expected:
            out.append(f"{self.accepted} of {expected} submissions accepted")
        if self.in_database != self.accepted:
            out.append(f"{self.accepted} accepted but {self.in_database} complete responses in the database")
        if self.distinct_in_database != self.in_database:
            out.append("duplicate client submission ids among complete responses")
        if self.partial_in_database:
            out.append(f"{self.partial_in_database} partial responses left behind by completed respondents")
        if self.in_export is not None and self.in_export != self.accepted:
            out.append(f"{self.accepted} accepted but {self.in_export} rows in the export")
        if self.refused:
            out.append(f"{self.refused} requests refused by the rate limits (429)")
        if self.server_errors or self.trivial_server_errors:
            out.append(f"{self.server_errors + self.trivial_server_errors} responses with a 5xx status")
        out.extend(sorted(set(self.flow_errors))[:10])
        return out


def one_run(
    kind: str,
    workers: int,
    respondents: int,
    responses_each: int,
    *,
    pg_url: str = DEFAULT_PG,
    time_limit: float = 600.0,
    retry_every: int = 7,
    trivial_each: int | None = None,
    database_url: str | None = None,
    seed: int = 2025,
    verbose: bool = True,
    proxy: bool = False,
) -> RunReport:
    """Fresh database, `scri serve --workers N` with the shipped rate limits (behind nginx with `proxy`), the
    trivial endpoint, then the questionnaire flow; every respondent comes from the same address."""
    with tempfile.TemporaryDirectory(prefix="scri-load-") as tmp:
        folder = Path(tmp)
        scratch = nullcontext(database_url) if database_url else Database(kind, folder, pg_url)
        with scratch as url:
            prepare_database(url, folder)
            env = PROXY_ENV if proxy else {}
            with (
                LiveServer(url, folder, workers=workers, log_path=folder / "server.log", env=env) as live,
                NginxProxy(live.port, folder) if proxy else nullcontext(live) as server,
            ):
                start_path = f"/s/{ROUND_SLUG}/residents"
                warm = complete_one(server.url, start_path, random.Random(seed))  # first requests, caches
                if warm.error:
                    raise RuntimeError(
                        f"the questionnaire cannot be completed even once: {warm.error}\n{live.log_tail()}"
                    )
                baseline = count_complete(url)
                pages = max(1, len(warm.statuses))
                trivial = run_trivial(server.url, respondents, trivial_each or pages * responses_each)
                flow = run_flow(
                    server.url,
                    start_path,
                    respondents,
                    responses_each,
                    retry_every=retry_every,
                    time_limit=time_limit,
                    seed=seed,
                )
            counts = count_complete(url)
            exported = export_rows(url, folder)
    report = RunReport(
        db=kind,
        workers=workers,
        respondents=respondents,
        responses_each=responses_each,
        accepted=flow.accepted,
        in_database=counts["complete"] - baseline["complete"],
        distinct_in_database=counts["complete_distinct"] - baseline["complete_distinct"],
        partial_in_database=counts["partial"] - baseline["partial"],
        in_export=None if exported is None else exported - baseline["complete"],
        retried=sum(o.retried for o in flow.outcomes),
        server_errors=flow.server_errors,
        refused=flow.refused,
        flow_errors=flow.errors,
        seconds=flow.seconds,
        responses_per_second=flow.responses_per_second,
        requests_per_second=flow.requests_per_second,
        p95_ms=flow.p95 * 1000,
        trivial_requests_per_second=trivial.requests_per_second,
        trivial_p95_ms=trivial.p95 * 1000,
        trivial_server_errors=trivial.server_errors,
    )
    if verbose:
        print(
            f"  {kind:<8} workers={workers} {respondents}x{responses_each}: {report.accepted} accepted, "
            f"{report.in_database} in db, export {report.in_export}, {report.retried} retried, "
            f"{report.server_errors} 5xx, {report.refused} refused, {report.responses_per_second:.1f} responses/s, "
            f"{report.requests_per_second:.0f} req/s (healthz {report.trivial_requests_per_second:.0f} req/s), "
            f"p95 {report.p95_ms:.0f} ms (healthz {report.trivial_p95_ms:.0f} ms)"
            + ("" if report.ok else "  FAILED: " + "; ".join(report.problems())),
            flush=True,
        )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--responses", type=int, default=1, help="complete responses per respondent")
    parser.add_argument("--runs", type=int, default=3, help="runs per configuration (medians are reported)")
    parser.add_argument("--retry-every", type=int, default=7, help="send every n-th final submit twice")
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--pg-url", default=os.environ.get("SCRI_TEST_DATABASE_URL") or DEFAULT_PG)
    parser.add_argument("--proxy", choices=["none", "nginx"], default="none", help="put Debian's nginx in front")
    parser.add_argument("--json", type=Path, help="also write the summary as JSON to this file")
    args = parser.parse_args(argv)
    if not 1 <= args.respondents <= 500 or not 1 <= args.responses <= 20:
        parser.error("respondents must be 1..500 and responses 1..20 (the test is bounded)")
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    reports = []
    for kind in kinds:
        for workers in args.workers:
            for run in range(args.runs):
                print(f"run {run + 1}/{args.runs}", flush=True)
                reports.append(
                    one_run(
                        kind,
                        workers,
                        args.respondents,
                        args.responses,
                        pg_url=args.pg_url,
                        time_limit=args.time_limit,
                        retry_every=args.retry_every,
                        seed=2025 + run,
                        proxy=args.proxy == "nginx",
                    )
                )
    rows = summarise(reports)
    print()
    print(markdown(rows))
    if args.json:
        args.json.write_text(
            json.dumps({"summary": rows, "runs": [r.__dict__ for r in reports]}, indent=2, default=str)
        )
    return 0 if all(r.ok for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
