"""A facilitator's corrections as the start of the next run, measured on the development sets.

    python -m tests.benchmarks.clustering_guided [--seeds 5]

Per set: a free run at the gold k; then the facilitator places 2 ideas of every theme by hand
(seeds) and locks the 3 largest clusters of the free run, and the engine runs again around that
work (`cluster_guided`). Printed per set as JSON lines: NMI over the ideas the facilitator left
free, without and with the corrections (mean of seeds), and whether every locked cluster and
every hand placement stayed intact.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import normalized_mutual_info_score

from brainstorm.clustering import cluster
from brainstorm.clustering.evaluate import load_jsonl
from brainstorm.clustering.guided import cluster_guided

EVALDATA = Path(__file__).resolve().parents[3] / "shared/evaldata"
SETS = {
    "vraagstukken_po_vo_mbo": EVALDATA / "vraagstukken_po_vo_mbo/vraagstukken.jsonl",
    "sib200_nld": EVALDATA / "sib200_nld/sib200_nld.jsonl",
}
PLACED_PER_THEME = 2
LOCKED = 3


def simulate(texts: list[str], gold: list[str], seed: int) -> dict:
    """One facilitator session: free run, corrections, guided re-run."""
    ids = list(range(len(texts)))
    k = len(set(gold))
    free_run = cluster(texts, k, ids=ids, seed=seed)
    fixed: dict[str, list[int]] = {}
    for info in sorted(free_run.clusters, key=lambda c: -len(c.members))[:LOCKED]:
        fixed[f"locked:{info.key}"] = list(info.members)
    held = {i for members in fixed.values() for i in members}
    by_theme: dict[str, list[int]] = defaultdict(list)
    rng = np.random.default_rng(seed)
    for i in rng.permutation(len(texts)):
        theme = gold[int(i)]
        if int(i) not in held and len(by_theme[theme]) < PLACED_PER_THEME:
            by_theme[theme].append(int(i))
    for theme, members in by_theme.items():
        fixed[f"hand:{theme}"] = members
    held = {i for members in fixed.values() for i in members}
    guided = cluster_guided(texts, k, ids=ids, fixed=fixed, seed=seed)
    label = dict(guided.joined)
    if guided.rest:
        for info in guided.rest.clusters:
            label.update({i: f"new:{info.key}" for i in info.members})
    free = [i for i in ids if i not in held]
    before = {i: info.key for info in free_run.clusters for i in info.members}
    return {
        "nmi_free_without": normalized_mutual_info_score(
            [gold[i] for i in free], [before[i] for i in free]
        ),
        "nmi_free_with": normalized_mutual_info_score(
            [gold[i] for i in free], [label.get(i, "?") for i in free]
        ),
        "themes": len(fixed) + (guided.rest.k if guided.rest else 0),
        "intact": all(i not in label for i in held),  # fixed members never leave their group
    }


def main() -> None:
    """Print one JSON line per development set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    for name, path in SETS.items():
        texts, gold = load_jsonl(path)
        runs = [simulate(texts, gold, seed) for seed in range(args.seeds)]
        print(
            json.dumps(
                {
                    "set": name,
                    "k": len(set(gold)),
                    "nmi_free_without": round(
                        float(np.mean([r["nmi_free_without"] for r in runs])), 3
                    ),
                    "nmi_free_with": round(float(np.mean([r["nmi_free_with"] for r in runs])), 3),
                    "themes_after": round(float(np.mean([r["themes"] for r in runs])), 1),
                    "intact": all(r["intact"] for r in runs),
                }
            )
        )


if __name__ == "__main__":
    main()
