"""SCRI's submit path against a bare Flask + SQLAlchemy app that stores the same rows (`bare_app.py`), side by
side in one run on the same gunicorn command line (`scri serve`'s), with SCRI's shipped rate limits on.

For each database and number of concurrent respondents, each app gets a fresh database and server; every
respondent (its own cookie jar) answers the whole residents' questionnaire once through the HTML forms. Printed
per app: complete responses a second, p95 latency of a request, and server CPU per request (user + system time
of gunicorn's master and workers over the run, divided by the requests served); then SCRI's throughput as a
share of the bare app's and its CPU per request as a multiple of the bare app's.

    python benchmarks/bench_versus_bare.py [--db sqlite postgres] [--respondents 50 200] [--runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "load"))

from liveserver import LiveServer, free_port, wait_healthy  # noqa: E402
from loaddb import DEFAULT_PG, ROUND_SLUG, Database, count_complete, prepare_database  # noqa: E402
from respondent import complete_one  # noqa: E402

from survey_app.cli.core import gunicorn_arguments  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def session_cpu(leader: int) -> float:
    """CPU seconds (user + system) of every live process in the session `leader` started."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == leader:  # field 6 of stat: the session id
            total += int(fields[11]) + int(fields[12])  # fields 14 and 15: utime, stime
    return total / TICKS


class BareServer:
    """gunicorn running `bare_app` with exactly the options `scri serve` gives gunicorn."""

    def __init__(self, database_url: str, folder: Path, workers: int):
        self.database_url, self.folder, self.workers = database_url, folder, workers
        self.port = 0
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        env = {**os.environ, "BARE_DATABASE_URL": self.database_url, "PYTHONPATH": str(ROOT)}
        subprocess.run(  # noqa: S603 - the tables, once, before the workers start
            [sys.executable, "-c", "from benchmarks.bare_app import create_app; create_app()"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        self.port = free_port()
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable))
        options = gunicorn_arguments("127.0.0.1", self.port, self.workers, 60, "gevent", 500, str(self.folder))
        self.log = open(self.folder / "bare.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [gunicorn, *options, "benchmarks.bare_app:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_healthy(self.port, 60, self.process, "bare app")
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def drive(base_url: str, respondents: int, seed: int) -> dict:
    """`respondents` devices at once, one complete response each; throughput and latency."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=respondents) as pool:
        outcomes = list(
            pool.map(
                lambda n: complete_one(base_url, f"/s/{ROUND_SLUG}/residents", random.Random(seed + n)),
                range(respondents),
            )
        )
    seconds = time.perf_counter() - start
    latencies = sorted(x for o in outcomes for x in o.latencies)
    statuses = [s for o in outcomes for s in o.statuses]
    return {
        "seconds": seconds,
        "accepted": sum(o.accepted for o in outcomes),
        "errors": [o.error for o in outcomes if o.error][:3],
        "refused": sum(s == 429 for s in statuses),
        "requests": len(statuses),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else 0.0,
    }


def one_app(kind: str, db_kind: str, respondents: int, workers: int, pg_url: str, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"scri-vs-{kind}-") as tmp:
        folder = Path(tmp)
        with Database(db_kind, folder, pg_url) as url:
            if kind == "scri":
                prepare_database(url, folder)
                server = LiveServer(url, folder, workers=workers)
            else:
                server = BareServer(url, folder, workers)
            with server:
                complete_one(server.url, f"/s/{ROUND_SLUG}/residents", random.Random(seed - 1))  # warm-up
                leader = server.process.pid
                cpu0 = session_cpu(leader)
                result = drive(server.url, respondents, seed)
                result["cpu_s"] = session_cpu(leader) - cpu0
            if kind == "scri":
                result["in_database"] = count_complete(url)["complete"] - 1
    result["throughput"] = result["accepted"] / result["seconds"]
    result["cpu_ms_per_request"] = 1000 * result["cpu_s"] / max(result["requests"], 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"])
    parser.add_argument("--respondents", nargs="+", type=int, default=[50, 200])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3, help="runs of each pair; medians are printed")
    parser.add_argument("--pg-url", default=os.environ.get("SCRI_TEST_DATABASE_URL") or DEFAULT_PG)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if any(n > 300 for n in args.respondents):
        parser.error("at most 300 respondents at once (every one of them comes from 127.0.0.1)")
    table = []
    for db_kind in args.db:
        for respondents in args.respondents:
            pairs = []
            for run in range(args.runs):  # bare and SCRI alternate, so both see the same machine
                seed = 1000 * run + respondents
                pairs.append(
                    {k: one_app(k, db_kind, respondents, args.workers, args.pg_url, seed) for k in ("bare", "scri")}
                )

            def med(k, f, pairs=pairs):
                return statistics.median(p[k][f] for p in pairs)

            row = {
                "db": db_kind,
                "respondents": respondents,
                "bare_responses_per_s": round(med("bare", "throughput"), 2),
                "scri_responses_per_s": round(med("scri", "throughput"), 2),
                "bare_p95_ms": round(med("bare", "p95_ms")),
                "scri_p95_ms": round(med("scri", "p95_ms")),
                "bare_cpu_ms_per_request": round(med("bare", "cpu_ms_per_request"), 2),
                "scri_cpu_ms_per_request": round(med("scri", "cpu_ms_per_request"), 2),
                "throughput_share": round(
                    statistics.median(p["scri"]["throughput"] / p["bare"]["throughput"] for p in pairs), 2
                ),
                "cpu_ratio": round(
                    statistics.median(p["scri"]["cpu_ms_per_request"] / p["bare"]["cpu_ms_per_request"] for p in pairs),
                    2,
                ),
                "scri_refused": sum(p["scri"]["refused"] for p in pairs),
                "scri_lost": sum(p["scri"]["accepted"] - p["scri"]["in_database"] for p in pairs),
                "errors": [e for p in pairs for k in p for e in p[k]["errors"]][:3],
            }
            table.append(row)
            print(
                f"{db_kind:8} {respondents:4} respondents: bare {row['bare_responses_per_s']:.1f} resp/s, "
                f"SCRI {row['scri_responses_per_s']:.1f} resp/s ({row['throughput_share']:.0%} of bare); "
                f"CPU/request bare {row['bare_cpu_ms_per_request']:.1f} ms, "
                f"SCRI {row['scri_cpu_ms_per_request']:.1f} ms "
                f"({row['cpu_ratio']:.2f}x); p95 bare {row['bare_p95_ms']} ms, SCRI {row['scri_p95_ms']} ms; "
                f"refused {row['scri_refused']}, lost {row['scri_lost']}",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(table, indent=2))
    return 0 if all(not r["errors"] and r["scri_refused"] == 0 and r["scri_lost"] == 0 for r in table) else 1


if __name__ == "__main__":
    sys.exit(main())
