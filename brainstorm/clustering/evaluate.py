"""Measure the pipeline against gold labels, next to a plain TF-IDF + KMeans baseline."""

from __future__ import annotations

import json
import time
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import (
    adjusted_rand_score,
    normalized_mutual_info_score,
    v_measure_score,
)

from brainstorm.clustering.model import N_INIT, cluster


def load_jsonl(
    path: str | Path, text_field: str = "text", label_field: str = "label"
) -> tuple[list[str], list[str]]:
    """Return (texts, gold labels) from a JSON-lines file, one object per line."""
    texts: list[str] = []
    labels: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, label = row[text_field], row[label_field]
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise ValueError(
                    f"{path}, line {number}: expected a JSON object with "
                    f"{text_field!r} and {label_field!r} ({error})"
                ) from error
            texts.append(str(text))
            labels.append(str(label))
    return texts, labels


def _scores(gold: Sequence[Hashable], predicted: Sequence[int], seconds: float) -> dict[str, Any]:
    return {
        "nmi": float(normalized_mutual_info_score(gold, predicted)),
        "ari": float(adjusted_rand_score(gold, predicted)),
        "v_measure": float(v_measure_score(gold, predicted)),
        "clusters": len(set(predicted)),
        "seconds": round(seconds, 3),
    }


def evaluate(
    texts: Sequence[str], gold_labels: Sequence[Hashable], k: int | None = None, seed: int = 0
) -> dict[str, Any]:
    """Return NMI, ARI, V-measure and timings of the pipeline and of the baseline, same k."""
    if len(texts) != len(gold_labels):
        raise ValueError(f"{len(texts)} texts but {len(gold_labels)} gold labels")
    if not texts:
        raise ValueError("evaluate() needs at least one text")
    k = k if k is not None else len(set(gold_labels))

    started = time.perf_counter()
    ours = cluster(texts, k, seed=seed)
    pipeline = _scores(gold_labels, ours.labels, time.perf_counter() - started)

    # The yardstick: what scikit-learn gives out of the box, so an improvement is visible.
    started = time.perf_counter()
    matrix = TfidfVectorizer().fit_transform(texts)
    predicted = KMeans(n_clusters=min(k, len(texts)), n_init=N_INIT, random_state=seed)
    baseline = _scores(gold_labels, predicted.fit_predict(matrix), time.perf_counter() - started)

    return {
        "n": len(texts),
        "gold_clusters": len(set(gold_labels)),
        "k": k,
        "seed": seed,
        "pipeline": pipeline,
        "baseline": baseline,
    }
