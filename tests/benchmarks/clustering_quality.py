"""What each step of the clustering pipeline adds: an ablation on the Dutch evaluation set.

    python -m tests.benchmarks.clustering_quality [--file FILE.jsonl] [--k 7] [--seeds 5]

Each line is one variant, NMI/ARI as the mean over seeds 0..seeds-1 at the gold k (or --k),
each step adding to the one before; the last lines are the engine itself (k given, then k
automatic). JSON lines.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import normalize

from brainstorm.clustering import cluster
from brainstorm.clustering import features as steps
from brainstorm.clustering.evaluate import baseline_labels, load_jsonl
from brainstorm.clustering.graph import knn_graph, neighbours, spectral_embedding
from brainstorm.clustering.model import N_INIT
from brainstorm.clustering.text import analyse

DATA = Path(__file__).resolve().parents[3] / "shared/evaldata/sib200_nld/sib200_nld.jsonl"


def _kmeans(points, k: int, seed: int) -> list[int]:
    return KMeans(k, n_init=N_INIT, random_state=seed).fit_predict(points)


def _spectral(matrix, k: int, seed: int) -> list[int]:
    graph = knn_graph(sp_csr(matrix), neighbours(matrix.shape[0]))
    return _kmeans(normalize(spectral_embedding(graph, k)), k, seed)


def sp_csr(matrix):
    """Return matrix as sparse CSR (dense LSA output included)."""
    import scipy.sparse as sp

    return sp.csr_matrix(matrix)


def variants(texts: list[str], k: int) -> dict[str, Callable[[int], list[int]]]:
    """Return the steps, each a function of the seed giving labels."""
    analysis = analyse(texts)
    word, _ = steps._tfidf(
        list(zip(analysis.stems, analysis.heads, strict=True)),
        TfidfVectorizer(analyzer=steps._word_features, sublinear_tf=True),
    )
    char, _ = steps._tfidf(
        [" ".join(w) for w in analysis.words],
        TfidfVectorizer(analyzer="char_wb", ngram_range=steps.CHAR_NGRAMS, sublinear_tf=True),
    )
    joined = steps._join(word, char)
    shared = steps._join(steps._shared_only(word), steps._shared_only(char))

    def lsa(seed: int):
        return normalize(TruncatedSVD(100, random_state=seed).fit_transform(shared))

    return {
        "baseline: TfidfVectorizer() + KMeans": lambda s: baseline_labels(texts, k, s),
        "+ Dutch stop words, stems, bigrams, sublinear tf": lambda s: _kmeans(
            normalize(word), k, s
        ),
        "+ character 4-grams (compounds)": lambda s: _kmeans(joined, k, s),
        "+ only features shared by 2+ texts": lambda s: _kmeans(shared, k, s),
        "+ LSA 100 (the first engine)": lambda s: _kmeans(lsa(s), k, s),
        "neighbour graph + spectral, on LSA": lambda s: _spectral(lsa(s), k, s),
        "neighbour graph + spectral, on shared TF-IDF": lambda s: _spectral(shared, k, s),
        "engine: cluster(texts, k)": lambda s: cluster(texts, k, seed=s).labels,
    }


def main() -> None:
    """Print one JSON line per variant."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", default=str(DATA))
    parser.add_argument("--k", type=int)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    texts, gold = load_jsonl(args.file)
    k = args.k or len(set(gold))
    seeds = range(args.seeds)

    def report(name: str, runs: list[tuple[list[int], float]], **extra) -> None:
        nmi = [normalized_mutual_info_score(gold, labels) for labels, _ in runs]
        ari = [adjusted_rand_score(gold, labels) for labels, _ in runs]
        line = {"benchmark": "clustering_quality", "variant": name, "n": len(texts), **extra}
        line |= {"nmi": round(float(np.mean(nmi)), 4), "nmi_sd": round(float(np.std(nmi)), 4)}
        line |= {"ari": round(float(np.mean(ari)), 4)}
        line["seconds"] = round(float(np.mean([seconds for _, seconds in runs])), 3)
        print(json.dumps(line, ensure_ascii=False), flush=True)

    def timed(fn, seed):
        started = time.perf_counter()
        labels = fn(seed)
        return labels, time.perf_counter() - started

    for name, fn in variants(texts, k).items():
        report(name, [timed(fn, seed) for seed in seeds], k=k)
    automatic = [cluster(texts, seed=seed) for seed in seeds]
    report(
        "engine: cluster(texts), k automatic",
        [timed(lambda s: cluster(texts, seed=s).labels, seed) for seed in seeds],
        k=[result.k for result in automatic],
    )


if __name__ == "__main__":
    main()
