"""What each step of the clustering pipeline adds: an ablation on both Dutch development sets.

    python -m tests.benchmarks.clustering_quality [--seeds 5] [--set NAME]

Per data set and variant one JSON line: NMI and ARI as the mean over seeds 0..seeds-1 at the
gold number of themes, each step adding to the one before; then the engine with k chosen
automatically, and for comparison a short-text mixture model (GSDMM) and the first engine
(LSA + KMeans); last a facilitator's corrections (tests.benchmarks.clustering_guided): NMI over
the ideas left free, without -> with the guided re-run. At the end a Markdown table of the
NMIs, as in the README.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import normalize

from brainstorm.clustering import cluster
from brainstorm.clustering import features as steps_
from brainstorm.clustering.evaluate import baseline_labels, load_jsonl
from brainstorm.clustering.graph import knn_graph, neighbours, spectral_embedding
from brainstorm.clustering.model import N_INIT, _fit_labels
from brainstorm.clustering.steps import Steps
from brainstorm.clustering.text import analyse
from tests.benchmarks.clustering_guided import LOCKED, PLACED_PER_THEME, simulate

EVALDATA = Path(__file__).resolve().parents[3] / "shared/evaldata"
SETS = {
    "vraagstukken_po_vo_mbo": EVALDATA / "vraagstukken_po_vo_mbo/vraagstukken.jsonl",
    "sib200_nld": EVALDATA / "sib200_nld/sib200_nld.jsonl",
}
NOTHING = Steps(parts=False, vocabulary=False, typos=False, background_idf=False)
# The steps of issue 20, switched on one after the other.
CUMULATIVE = [
    ("+ compounds count as their parts (zij-instromers, lerarentekort)", Steps(
        vocabulary=False, typos=False, background_idf=False)),
    ("+ the field's vocabulary (wpb, po, tekort aan leraren, English)", Steps(
        typos=False, background_idf=False)),
    ("+ typing errors read as the session's word (werkdurk)", Steps(background_idf=False)),
    ("+ background IDF from wordfreq: **the engine**", Steps()),
]  # fmt: skip
Labels = Callable[[int], list[int]]


def _kmeans(points, k: int, seed: int) -> list[int]:
    return KMeans(k, n_init=N_INIT, random_state=seed).fit_predict(points)


def _engine(texts: list[str], k: int | None, steps: Steps) -> Labels:
    def run(seed: int) -> list[int]:
        features = steps_.build_features(texts, seed=seed, steps=steps)
        return [int(label) for label in _fit_labels(features, k, seed)[0]]

    return run


def gsdmm(
    docs: list[np.ndarray],
    vocabulary: int,
    k: int,
    seed: int,
    alpha: float = 0.1,
    beta: float = 0.1,
    iterations: int = 30,
) -> list[int]:
    """Return labels of a collapsed Gibbs sampler for the Dirichlet multinomial mixture
    (GSDMM, Yin & Wang 2014), each text a set of feature ids."""
    rng = np.random.default_rng(seed)
    z = rng.integers(k, size=len(docs))
    members = np.bincount(z, minlength=k).astype(float)
    word_counts = np.zeros((k, vocabulary))
    totals = np.zeros(k)
    for d, words in enumerate(docs):
        word_counts[z[d], words] += 1
        totals[z[d]] += len(words)
    for _ in range(iterations):
        for d in rng.permutation(len(docs)):
            words, old = docs[d], z[d]
            members[old] -= 1
            word_counts[old, words] -= 1
            totals[old] -= len(words)
            log_p = np.log(members + alpha) + np.log(word_counts[:, words] + beta).sum(axis=1)
            log_p -= np.log(
                totals[:, None] + vocabulary * beta + np.arange(len(words))[None, :]
            ).sum(axis=1)
            p = np.exp(log_p - log_p.max())
            new = rng.choice(k, p=p / p.sum())
            z[d] = new
            members[new] += 1
            word_counts[new, words] += 1
            totals[new] += len(words)
    return [int(label) for label in z]


def variants(texts: list[str], k: int) -> dict[str, Labels]:
    """Return the steps, each a function of the seed giving labels at k."""
    analysis = analyse(texts, NOTHING)
    counts, _ = steps_._counts(
        [[*stems, *(f"{a} {b}" for a, b in pairwise(stems))] for stems in analysis.stems]
    )
    word = steps_._tfidf(counts)
    char = steps_._tfidf(steps_._char_counts(analysis.words))
    joined = steps_._join(word, char)
    shared = steps_._join(steps_._shared_only(word), steps_._shared_only(char))

    def lsa(seed: int):
        return normalize(TruncatedSVD(100, random_state=seed).fit_transform(shared))

    def spectral(matrix, seed: int) -> list[int]:
        graph = knn_graph(sp.csr_matrix(matrix), neighbours(matrix.shape[0]))
        return _kmeans(normalize(spectral_embedding(graph, k)), k, seed)

    features = steps_.build_features(texts)
    kept = np.flatnonzero(np.bincount(features.shared.indices) > 0)
    binary = features.shared[:, kept].tocsr()
    docs = [binary.indices[binary.indptr[i] : binary.indptr[i + 1]] for i in range(len(texts))]

    return {
        "plain `TfidfVectorizer()` + KMeans (the baseline)": lambda s: baseline_labels(texts, k, s),
        "Dutch and English stop words, Snowball stems, bigrams, sublinear tf; KMeans": (
            lambda s: _kmeans(normalize(word), k, s)
        ),
        "+ character 4-grams of the content words": lambda s: _kmeans(joined, k, s),
        "+ only features two or more texts share": lambda s: _kmeans(shared, k, s),
        "+ LSA, KMeans (the first engine)": lambda s: _kmeans(lsa(s), k, s),
        "neighbour graph + spectral embedding + KMeans on the shared TF-IDF (before issue 20)": (
            lambda s: spectral(shared, s)
        ),
        **{name: _engine(texts, k, steps) for name, steps in CUMULATIVE},
        "for comparison: GSDMM short-text mixture model on the engine's features": (
            lambda s: gsdmm(docs, binary.shape[1], k, s)
        ),
    }


def _report(
    table: dict[str, dict[str, str]],
    name: str,
    gold: list[str],
    variant: str,
    labels: list[list[int]],
    seconds: float,
    chosen: list[int] | None = None,
) -> None:
    """Print one JSON line and note the NMI for the table."""
    nmi = [normalized_mutual_info_score(gold, found) for found in labels]
    ari = [adjusted_rand_score(gold, found) for found in labels]
    line = {"benchmark": "clustering_quality", "set": name, "variant": variant}
    line |= {"n": len(gold), "k": len(set(gold)) if chosen is None else chosen}
    line |= {"nmi": round(float(np.mean(nmi)), 4), "nmi_sd": round(float(np.std(nmi)), 4)}
    line |= {"ari": round(float(np.mean(ari)), 4), "seconds": round(seconds, 3)}
    print(json.dumps(line, ensure_ascii=False), flush=True)
    cell = f"{np.mean(nmi):.3f}"
    if chosen is not None:
        cell += f" (k = {', '.join(map(str, sorted(set(chosen))))})"
    table.setdefault(variant, {})[name] = cell


def main() -> None:
    """Print one JSON line per variant and data set, then the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--set", choices=sorted(SETS), action="append")
    args = parser.parse_args()
    seeds = range(args.seeds)
    table: dict[str, dict[str, str]] = {}
    names = args.set or list(SETS)
    gold_k: dict[str, int] = {}

    for name in names:
        texts, gold = load_jsonl(SETS[name])
        k = gold_k[name] = len(set(gold))
        for variant, labels_of in variants(texts, k).items():
            started = time.perf_counter()
            runs = [labels_of(seed) for seed in seeds]
            seconds = (time.perf_counter() - started) / len(seeds)
            _report(table, name, gold, variant, runs, seconds)
        started = time.perf_counter()
        automatic = [cluster(texts, seed=seed) for seed in seeds]
        seconds = (time.perf_counter() - started) / len(seeds)
        variant = "the engine with k chosen automatically"
        labels = [result.labels for result in automatic]
        _report(table, name, gold, variant, labels, seconds, [result.k for result in automatic])
        started = time.perf_counter()
        labels = [_engine(texts, None, Steps(background_idf=False))(seed) for seed in seeds]
        seconds = (time.perf_counter() - started) / len(seeds)
        variant = "the same without background IDF, k chosen automatically"
        _report(
            table, name, gold, variant, labels, seconds, [int(max(found)) + 1 for found in labels]
        )

        started = time.perf_counter()
        runs = [simulate(texts, gold, seed) for seed in seeds]
        seconds = (time.perf_counter() - started) / len(seeds)
        without = float(np.mean([run["nmi_free_without"] for run in runs]))
        with_ = float(np.mean([run["nmi_free_with"] for run in runs]))
        variant = (
            f"a facilitator places {PLACED_PER_THEME} ideas per theme and locks {LOCKED} clusters,"
            " then re-runs (`cluster_guided`): NMI over the free ideas, without → with"
        )
        line = {"benchmark": "clustering_quality", "set": name, "variant": variant}
        line |= {"nmi_free_without": round(without, 4), "nmi_free_with": round(with_, 4)}
        line |= {"intact": all(run["intact"] for run in runs), "seconds": round(seconds, 3)}
        print(json.dumps(line, ensure_ascii=False), flush=True)
        table.setdefault(variant, {})[name] = f"{without:.3f} → {with_:.3f}"

    header = " | ".join(f"{name} (k = {gold_k[name]})" for name in names)
    print(f"\n| step | {header} |\n|---|" + "---|" * len(names))
    for variant, cells in table.items():
        print(f"| {variant} | " + " | ".join(cells.get(name, "") for name in names) + " |")


if __name__ == "__main__":
    main()
