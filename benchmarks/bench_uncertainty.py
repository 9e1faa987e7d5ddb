"""Benchmark of the Monte Carlo of methodology §8 (respondents re-raked, weights, aggregation, goalposts,
missing values, Sobol indices).

Prints medians of:

- one round scored with the full Monte Carlo (N draws, ``--boot`` bootstrap replicates re-raked), a round
  the size of a demo city (about 200 respondents), and the same with ``--residents`` residents;
- the comparison of ``--cities`` cities (each scored with its Monte Carlo, then ranked from the same draws).

Targets: one round at N = 1000 with the bootstrap under 5 s; 20 cities under 20 s (2 cores).

    .venv/bin/python benchmarks/bench_uncertainty.py [--draws 1000] [--boot 200] [--cities 20] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import score_cities, score_round  # noqa: E402
from analysis.synthetic import synthetic_round  # noqa: E402
from instruments.frameworks import load_framework  # noqa: E402

DEMO_SIZES = {
    "residents": 124,
    "business": 24,
    "academia": 14,
    "civil_society": 16,
    "government": 18,
    "international": 7,
}


def _median(runs: int, job) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--boot", type=int, default=200)
    parser.add_argument("--cities", type=int, default=20)
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    framework = load_framework()
    options = {"n_draws": args.draws, "n_boot": args.boot}
    demo = synthetic_round(DEMO_SIZES, readiness=0.5, seed=1)
    large = synthetic_round({**DEMO_SIZES, "residents": args.residents}, readiness=0.5, seed=2)
    rounds = [
        {
            **synthetic_round(DEMO_SIZES, readiness=0.3 + 0.4 * i / max(args.cities - 1, 1), seed=10 + i),
            "round_slug": f"city{i}-2025",
            "city": f"City {i}",
        }
        for i in range(args.cities)
    ]
    print(f"python {sys.version.split()[0]}, {args.draws} draws, {args.boot} bootstrap replicates, {args.runs} runs")
    for label, frames in (("demo-sized round", demo), (f"round with {args.residents} residents", large)):
        med, low, high = _median(args.runs, lambda f=frames: score_round(framework=framework, **f, **options))
        print(f"{label}: median {med:.2f} s (min {low:.2f}, max {high:.2f})")
    med, low, high = _median(max(1, args.runs // 2), lambda: score_cities(rounds, framework, **options))
    print(f"comparison of {args.cities} cities: median {med:.2f} s (min {low:.2f}, max {high:.2f})")


if __name__ == "__main__":
    main()
