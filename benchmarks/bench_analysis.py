"""Benchmark of the analysis layer: one synthetic round of 100,000 complete responses × 40 items.

Times ``analysis.score_round`` from ready DataFrames (median of 5 runs; the framework and the frames are
built beforehand) and measures the peak memory the scoring allocates (tracemalloc, in a separate run, since
tracing slows allocation down) and the process's peak resident set size. Targets on 2 cores: < 3 s at
100,000 responses, < 10 s at 1,000,000 (``--responses 1000000 --runs 3``), < 1 GB either way.

Layouts:

- ``shared``: 40 items asked of every group (the frame is 100,000 × 40);
- ``per-group``: each of the six groups has its own 40 items, as the web side builds it (prefixed item codes,
  the frame is 100,000 × 240, mostly empty).

Run: ``python benchmarks/bench_analysis.py [--responses N] [--items K] [--runs R] [--layout shared|per-group|both]``
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import score_round  # noqa: E402
from analysis.synthetic import DEFAULT_CONSTRUCTS, synthetic_round  # noqa: E402
from instruments.frameworks import load_framework  # noqa: E402

SHARES = {
    "residents": 0.90,
    "business": 0.03,
    "academia": 0.015,
    "civil_society": 0.02,
    "government": 0.025,
    "international": 0.01,
}


def build(responses: int, items: int, layout: str, seed: int = 42) -> dict:
    """Synthetic frames: ``items`` items per response over the eleven constructs."""
    sizes = {g: max(1, int(round(responses * s))) for g, s in SHARES.items()}
    sizes["residents"] += responses - sum(sizes.values())
    constructs = DEFAULT_CONSTRUCTS[:10]
    per_construct = max(1, items // len(constructs))
    frames = synthetic_round(
        sizes,
        readiness=0.45,
        constructs=constructs,
        items_per_construct=per_construct,
        seed=seed,
        ties_per_response=0.02,
    )
    if layout == "shared":
        # One instrument for everybody: keep the residents' items, renamed, asked of every group.
        items_frame = frames["items"]
        mine = items_frame[items_frame["group"] == "residents"]
        answers = np.full((responses, len(mine)), np.nan)
        source = frames["answers"]
        for g in sizes:
            rows = (frames["responses"]["group"] == g).to_numpy()
            cols = items_frame.index[items_frame["group"] == g]
            answers[rows] = source.loc[rows, cols].to_numpy()
        codes = [c.split(".", 1)[1] for c in mine.index]
        frames["answers"] = pd.DataFrame(answers, index=source.index, columns=codes)
        frames["items"] = mine.set_axis(codes).assign(group=None)
    return frames


def run_once(frames: dict, framework) -> float:
    start = time.perf_counter()
    score_round(framework=framework, round_slug="bench", city="Bench", **frames)
    return time.perf_counter() - start


def bench(responses: int, items: int, runs: int, layout: str) -> dict:
    framework = load_framework()
    frames = build(responses, items, layout)
    shape = frames["answers"].shape
    run_once(frames, framework)  # warm-up (imports, caches)
    times = []
    for _ in range(runs):
        gc.collect()
        times.append(run_once(frames, framework))
    gc.collect()
    tracemalloc.start()
    run_once(frames, framework)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "layout": layout,
        "shape": shape,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "peak_mb": peak / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--layout", choices=("shared", "per-group", "both"), default="both")
    args = parser.parse_args()
    layouts = ("shared", "per-group") if args.layout == "both" else (args.layout,)
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"{os.cpu_count()} CPU(s) visible"
    )
    for layout in layouts:
        result = bench(args.responses, args.items, args.runs, layout)
        rows, cols = result["shape"]
        print(
            f"{layout:>9}: {rows:,} responses × {cols} item columns: median {result['median_s']:.2f} s "
            f"(min {result['min_s']:.2f}, max {result['max_s']:.2f}, {args.runs} runs); "
            f"peak traced memory {result['peak_mb']:.0f} MB"
        )
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"process peak RSS (inputs included): {maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
