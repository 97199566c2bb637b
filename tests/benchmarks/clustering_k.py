"""How far the automatic number of themes lands from the truth, on sets the rule was not made on.

    python -m tests.benchmarks.clustering_k [--draws 3] [--seed 20]

Both development sets whole, the demo's 60 ideas, and sessions cut from them: a few themes
drawn at random (4, 6, 8 and 10 of the vraagstukken' 12; 3 to 6 of SIB-200's 7), all their
texts and 60 % of them, and each whole set at 60 %. Per case one JSON line with the k chosen
by today's rule and by the rule before it (candidate partitions cut from one Ward tree, not
refined in the first k eigenvectors); then per family the mean distance to the number of
themes, its sign (bias), the share of cases within 2 and the mean NMI at the k chosen.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sklearn.metrics import normalized_mutual_info_score

from brainstorm.clustering import cluster, model
from brainstorm.clustering.evaluate import load_jsonl
from brainstorm.demo_data import DEMO_IDEA_THEMES, DEMO_IDEAS

EVALDATA = Path(__file__).resolve().parents[3] / "shared/evaldata"
VRAAGSTUKKEN = EVALDATA / "vraagstukken_po_vo_mbo/vraagstukken.jsonl"
SETS = {
    "vraagstukken_po_vo_mbo": (VRAAGSTUKKEN, (4, 6, 8, 10)),
    "sib200_nld": (EVALDATA / "sib200_nld/sib200_nld.jsonl", (3, 4, 5, 6)),
}
FRACTION = 0.6
Case = tuple[str, str, list[str], list[str]]


@contextmanager
def ward_cuts_only() -> Iterator[None]:
    """Run the rule as before: each candidate k scored on the Ward tree's cut as it is."""
    refine = model._refine
    model._refine = lambda _embedding, labels: np.unique(labels, return_inverse=True)[1]
    try:
        yield
    finally:
        model._refine = refine


def cases(draws: int, seed: int) -> Iterator[Case]:
    """Yield (family, name, texts, gold labels) for every case, the same for the same seed."""
    rng = np.random.default_rng(seed)
    yield "demo", "demo", list(DEMO_IDEAS), list(DEMO_IDEA_THEMES)
    for family, (path, sizes) in SETS.items():
        texts, gold = load_jsonl(path)
        yield family, "whole", texts, gold
        themes = sorted(set(gold))
        for size in sizes:
            for _ in range(draws):
                picked = set(rng.choice(themes, size, replace=False))
                rows = [i for i, label in enumerate(gold) if label in picked]
                part = np.sort(rng.choice(rows, int(FRACTION * len(rows)), replace=False))
                for name, chosen in ((f"{size} themes", rows), (f"{size} themes, 60 %", part)):
                    yield family, name, [texts[i] for i in chosen], [gold[i] for i in chosen]
        for _ in range(draws):
            part = np.sort(rng.choice(len(texts), int(FRACTION * len(texts)), replace=False))
            yield family, "whole, 60 %", [texts[i] for i in part], [gold[i] for i in part]


def main() -> None:
    """Print one JSON line per case, then one per family and rule."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    errors: dict[tuple[str, str], list[int]] = {}
    nmis: dict[tuple[str, str], list[float]] = {}
    for family, name, texts, gold in cases(args.draws, args.seed):
        themes = len(set(gold))
        today = cluster(texts)
        with ward_cuts_only():
            before = cluster(texts)
        line = {"benchmark": "clustering_k", "set": family, "case": name, "n": len(texts)}
        line |= {"themes": themes, "k": today.k, "k_before": before.k}
        for rule, run in (("today", today), ("before", before)):
            nmi = float(normalized_mutual_info_score(gold, run.labels))
            line[f"nmi_{rule}"] = round(nmi, 3)
            errors.setdefault((family, rule), []).append(run.k - themes)
            nmis.setdefault((family, rule), []).append(nmi)
        print(json.dumps(line, ensure_ascii=False), flush=True)
    for (family, rule), found in errors.items():
        distance = np.abs(found)
        line = {"benchmark": "clustering_k", "set": family, "rule": rule, "cases": len(found)}
        line |= {"mean_distance": round(float(distance.mean()), 2)}
        line |= {"bias": round(float(np.mean(found)), 2), "max_distance": int(distance.max())}
        line |= {"within_2": round(float(np.mean(distance <= 2)), 2)}
        line |= {"mean_nmi": round(float(np.mean(nmis[family, rule])), 3)}
        print(json.dumps(line, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
