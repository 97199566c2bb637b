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


def _scores(gold: Sequence[Hashable], predicted: Sequence[int]) -> dict[str, float]:
    return {
        "nmi": round(float(normalized_mutual_info_score(gold, predicted)), 4),
        "ari": round(float(adjusted_rand_score(gold, predicted)), 4),
        "v_measure": round(float(v_measure_score(gold, predicted)), 4),
    }


def baseline_labels(texts: Sequence[str], k: int, seed: int = 0) -> list[int]:
    """Return plain TfidfVectorizer() + KMeans labels: the yardstick an improvement must beat."""
    matrix = TfidfVectorizer().fit_transform(texts)
    model = KMeans(n_clusters=min(k, len(texts)), n_init=N_INIT, random_state=seed)
    return [int(label) for label in model.fit_predict(matrix)]


def evaluate(
    texts: Sequence[str], gold_labels: Sequence[Hashable], k: int | None = None, seed: int = 0
) -> dict[str, Any]:
    """Return NMI, ARI, V-measure and time of the pipeline, and the baseline's at the same k.

    Without k the pipeline chooses it, as it does for a facilitator; the gold number of
    labels is reported beside it.
    """
    if len(texts) != len(gold_labels):
        raise ValueError(f"{len(texts)} texts but {len(gold_labels)} gold labels")
    if not texts:
        raise ValueError("evaluate() needs at least one text")
    started = time.perf_counter()
    ours = cluster(texts, k, seed=seed)
    seconds = time.perf_counter() - started
    return {
        "n": len(texts),
        "k": ours.k,
        "k_automatic": k is None,
        "gold_labels": len(set(gold_labels)),
        "seed": seed,
        **_scores(gold_labels, ours.labels),
        "seconds": round(seconds, 3),
        "baseline": _scores(gold_labels, baseline_labels(texts, ours.k, seed)),
    }
