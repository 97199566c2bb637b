"""Clustering speed and peak memory for 100 to 50 000 texts, automatic k included.

    python -m tests.benchmarks.clustering [--sizes 100,1000,10000,50000] [--seed 0]

Texts are sampled with replacement from the Dutch evaluation set and lightly perturbed (a
word dropped, two swapped, a filler added), so repeats are near-duplicates as in real input.
Each size runs in a fresh process so that its peak memory (max RSS) is its own: `seconds` is
that first run, `seconds_warm` a second one in the same process, as in a running server, and
`cpu_seconds_warm` the CPU time of that second run. One JSON line per size.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "shared/evaldata/sib200_nld/sib200_nld.jsonl"
FILLERS = ("eigenlijk", "echt", "volgens mij", "bij ons", "nu", "ook")


def perturbed_sample(n: int, seed: int) -> list[str]:
    """Return n texts drawn with replacement from the evaluation set, lightly changed."""
    from brainstorm.clustering.evaluate import load_jsonl

    texts, _ = load_jsonl(DATA)
    rng = random.Random(seed)
    sample = []
    for _ in range(n):
        words = rng.choice(texts).split()
        change = rng.random()
        if change < 0.25 and len(words) > 3:
            del words[rng.randrange(len(words))]
        elif change < 0.5 and len(words) > 3:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        elif change < 0.75:
            words.insert(rng.randrange(len(words) + 1), rng.choice(FILLERS))
        sample.append(" ".join(words))
    return sample


def measure(n: int, seed: int) -> dict:
    """Cluster n texts with automatic k and return the figures (run in its own process)."""
    from brainstorm.clustering import cluster

    texts = perturbed_sample(n, seed)
    started = time.perf_counter()
    result = cluster(texts, seed=seed)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # A running server has paid scikit-learn's one-off start-up costs: the second run shows it.
    started, cpu = time.perf_counter(), time.process_time()
    cluster(texts, seed=seed)
    warm, warm_cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "benchmark": "clustering",
        "n": n,
        "k": result.k,
        "seconds": round(seconds, 3),
        "seconds_warm": round(warm, 3),
        # CPU seconds of every thread: on a shared machine the wall clock also counts waiting.
        "cpu_seconds_warm": round(warm_cpu, 3),
        "peak_rss_mb": round(peak_kib / 1024, 1),
        "outliers": len(result.outliers),
        "duplicates": len(result.duplicates),
    }


def main() -> None:
    """Run every size in a child process and print one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000,50000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.seed)), flush=True)
        return
    for size in (int(s) for s in args.sizes.split(",")):
        child = [sys.executable, "-m", "tests.benchmarks.clustering", "--one", str(size)]
        subprocess.run([*child, "--seed", str(args.seed)], check=True)


if __name__ == "__main__":
    main()
