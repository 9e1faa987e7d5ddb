"""The load runner's summary: medians per configuration over the runs, as a Markdown table for the README."""

from __future__ import annotations

import io
import statistics


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def summarise(reports: list) -> list[dict]:
    """Medians over the runs (`RunReport`s) of each (database, workers) configuration."""
    rows = []
    keys = sorted({(r.db, r.workers) for r in reports}, key=lambda k: (k[0] != "sqlite", k[1]))
    for kind, workers in keys:
        group = [r for r in reports if (r.db, r.workers) == (kind, workers)]
        med = statistics.median
        rows.append(
            {
                "db": kind,
                "workers": workers,
                "runs": len(group),
                "respondents": group[0].respondents,
                "responses_each": group[0].responses_each,
                "all_ok": all(r.ok for r in group),
                "responses_per_second": round(med(r.responses_per_second for r in group), 1),
                "requests_per_second": round(med(r.requests_per_second for r in group), 1),
                "p95_ms": round(med(r.p95_ms for r in group)),
                "healthz_requests_per_second": round(med(r.trivial_requests_per_second for r in group), 1),
                "healthz_p95_ms": round(med(r.trivial_p95_ms for r in group)),
                "throughput_ratio": round(med(r.requests_per_second / r.trivial_requests_per_second for r in group), 3),
                "p95_ratio": round(med(r.p95_ms / max(r.trivial_p95_ms, 0.001) for r in group), 1),
            }
        )
    return rows


def markdown(rows: list[dict]) -> str:
    out = io.StringIO()
    out.write(
        "| database | workers | respondents × responses | responses/s | requests/s | p95 ms | "
        "healthz req/s | healthz p95 ms | req/s ratio | p95 ratio | all checks |\n"
    )
    out.write("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
    for r in rows:
        out.write(
            f"| {r['db']} | {r['workers']} | {r['respondents']} × {r['responses_each']} | "
            f"{r['responses_per_second']} | {r['requests_per_second']} | {r['p95_ms']} | "
            f"{r['healthz_requests_per_second']} | {r['healthz_p95_ms']} | {r['throughput_ratio']} | "
            f"{r['p95_ratio']} | {'pass' if r['all_ok'] else 'FAIL'} |\n"
        )
    return out.getvalue()
