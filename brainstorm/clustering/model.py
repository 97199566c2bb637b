"""KMeans clustering of brainstorm input: k choice, labels, stable keys, outliers, duplicates."""

from __future__ import annotations

import os
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.preprocessing import normalize
from threadpoolctl import ThreadpoolController

from brainstorm.clustering.features import Features, build_features, project_2d
from brainstorm.clustering.graph import knn_graph, modularity, neighbours, spectral_embedding

Id = Hashable

# Several k-means++ starts: a single start was measured to cost a lot of quality (STACK-NOTES);
# five score as ten on SIB-200 nl (NMI 0.246, seeds 0-4) and save 10 % of a 1 000-text run.
N_INIT = 5
# Automatic k: the most modular partition of the neighbour graph for k in this range, capped
# at a third of the texts; the chosen k is then fitted with KMeans and N_INIT starts.
K_RANGE = (2, 20)
K_TOLERANCE = 0.01
MIN_TEXTS_FOR_AUTO_K = 4
MIN_AUTO_CLUSTER_SIZE = 3
GRAPH_SAMPLE = 4000
# Automatic k on more texts than this cuts its candidate partitions from a Ward tree over
# micro-clusters rather than over every text.
WARD_EXACT_LIMIT = 2000
WARD_MICRO_CLUSTERS = 100
# A cut of the Ward tree is moved to the k-means partition of the first k eigenvectors it
# leads to; Lloyd's steps stop when no text moves, or after this many (a guard only).
REFINE_MAX_STEPS = 50

MAX_TERMS = 5
MIN_TERMS = 3
# Terms much weaker than the cluster's best term say little; cut them once MIN_TERMS are in.
TERM_RELATIVE_FLOOR = 0.25

# An outlier sits far below its cluster's typical similarity and is not close to any centroid.
OUTLIER_RELATIVE = 0.5
OUTLIER_FLOOR = 0.25
OUTLIER_MIN_CLUSTER = 3

DUPLICATE_THRESHOLD = 0.9
# Up to this many texts all pairs are compared (in blocks); above it, exact duplicates are
# found by hashing and near-duplicates only for a sample, to keep the cost O(n * sample).
DUPLICATE_ALL_PAIRS_LIMIT = 3000
DUPLICATE_SAMPLE = 1000
BLOCK_ROWS = 512
BLOCK_CELLS = 4_000_000

COORD_DECIMALS = 4
_KEY_NUMBER = re.compile(r"^c(\d+)$")


@dataclass(frozen=True)
class ClusterInfo:
    """One cluster: stable key, member ids, label terms, representative and cohesion."""

    key: str
    members: list[Id]
    terms: list[str]
    representative: Id
    cohesion: float

    def to_dict(self) -> dict[str, Any]:
        """Return the cluster as plain JSON-able data."""
        return {
            "key": self.key,
            "members": list(self.members),
            "terms": list(self.terms),
            "representative": self.representative,
            "cohesion": self.cohesion,
        }


@dataclass(frozen=True)
class Clustering:
    """The result of one clustering run; plain data, stored as JSON via to_dict()."""

    labels: list[int]  # index into `clusters` per text, in input order
    clusters: list[ClusterInfo]  # largest first
    outliers: list[Id]
    duplicates: list[tuple[Id, Id]]  # (earlier id, later id), ordered by the later one
    k: int
    k_scores: dict[int, float] | None  # modularity per candidate k when k was chosen here
    coords: dict[Id, tuple[float, float]]

    def to_dict(self) -> dict[str, Any]:
        """Return the run as plain JSON-able data (ids as given, dict keys as strings)."""
        return {
            "k": self.k,
            "labels": list(self.labels),
            "clusters": [info.to_dict() for info in self.clusters],
            "outliers": list(self.outliers),
            "duplicates": [[a, b] for a, b in self.duplicates],
            "k_scores": (
                None
                if self.k_scores is None
                else {str(k): score for k, score in self.k_scores.items()}
            ),
            "coords": {str(id_): [x, y] for id_, (x, y) in self.coords.items()},
        }


def cluster(
    texts: Sequence[str],
    k: int | None = None,
    *,
    ids: Sequence[Id] | None = None,
    seed: int = 0,
    previous: Mapping[str, Sequence[Id]] | None = None,
) -> Clustering:
    """Cluster texts into k groups (k chosen by modularity when None) with stable keys."""
    if k is not None and (isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1):
        raise ValueError(f"k must be a whole number of at least 1, or None to choose it; got {k!r}")
    texts = list(texts)
    ids = _check_ids(ids, len(texts))
    _one_thread()
    if not texts:
        return Clustering(
            labels=[], clusters=[], outliers=[], duplicates=[], k=0, k_scores=None, coords={}
        )

    features = build_features(texts, seed=seed)
    raw_labels, k_scores = _fit_labels(features, None if k is None else int(k), seed)
    return _describe(features, ids, raw_labels, k_scores, seed, previous)


def _describe(
    features: Features,
    ids: list[Id],
    raw_labels: np.ndarray,
    k_scores: dict[int, float] | None,
    seed: int,
    previous: Mapping[str, Sequence[Id]] | None,
) -> Clustering:
    """Return the run for labels found: keys, terms, representatives, outliers and the map."""
    labels = _order_by_size(np.unique(raw_labels, return_inverse=True)[1])
    n_clusters = int(labels.max()) + 1
    centroids = _unit_centroids(features.space, labels)

    outliers = _outliers(features, labels, centroids)
    is_outlier = np.zeros(features.n, dtype=bool)
    is_outlier[outliers] = True

    members_of = [np.flatnonzero(labels == c) for c in range(n_clusters)]
    keys = _stable_keys([[ids[i] for i in rows] for rows in members_of], previous)
    infos = []
    for c, rows in enumerate(members_of):
        similarity = features.space[rows] @ centroids[c]
        # Outliers are members, but the label should name what the others share.
        core = rows[~is_outlier[rows]]
        infos.append(
            ClusterInfo(
                key=keys[c],
                members=[ids[i] for i in rows],
                terms=_terms(features, core if core.size else rows),
                # argmax keeps the earliest text on ties, so the choice is stable
                representative=ids[rows[int(np.argmax(similarity))]],
                cohesion=float(np.clip(similarity.mean(), 0.0, 1.0)),
            )
        )

    coords = project_2d(features.space).round(COORD_DECIMALS)
    return Clustering(
        labels=[int(label) for label in labels],
        clusters=infos,
        outliers=[ids[i] for i in outliers],
        duplicates=[(ids[i], ids[j]) for i, j in _duplicates(features, seed)],
        k=n_clusters,
        k_scores=k_scores,
        coords={ids[i]: (float(x), float(y)) for i, (x, y) in enumerate(coords)},
    )


def cluster_labelled(
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    ids: Sequence[Id] | None = None,
    seed: int = 0,
    previous: Mapping[str, Sequence[Id]] | None = None,
) -> Clustering:
    """Describe a grouping found elsewhere (a guided run) as a run: keys, terms, outliers, map."""
    texts = list(texts)
    ids = _check_ids(ids, len(texts))
    if len(labels) != len(texts):
        raise ValueError(f"labels must name every text: got {len(labels)} for {len(texts)}")
    _one_thread()
    if not texts:
        return Clustering(
            labels=[], clusters=[], outliers=[], duplicates=[], k=0, k_scores=None, coords={}
        )
    features = build_features(texts, seed=seed)
    return _describe(features, ids, np.asarray(labels, dtype=int), None, seed, previous)


@lru_cache(maxsize=1)
def _one_thread() -> None:
    """Run BLAS and OpenMP on one thread in this process (set once, at the first run).

    The engine runs in an OS thread beside the gevent loop on a 2-core machine shared with
    other work. Measured on that machine under load (warm run, automatic k, best of 3, twice):
    1 000 texts 0.58 s wall / 0.37-0.41 s CPU on one thread against 4.4-4.7 s / 1.4-1.6 s with
    two; 10 000 texts 4.7-5.6 s / 2.4-2.8 s against 6.9-9.6 s / 3.7-6.1 s. The engine's matrices
    are too small for a second thread to pay for its synchronisation, and OpenMP's spinning
    threads burn CPU the loop and the other core's work need.
    """
    ThreadpoolController().limit(limits=1)
    # Otherwise joblib counts physical cores by starting `lscpu`, which fails (with a traceback
    # in the log) from a thread beside the gevent loop.
    os.environ.setdefault("LOKY_MAX_CPU_COUNT", "1")


def assign(groups: Mapping[str, Sequence[str]], new_texts: Sequence[str]) -> list[str]:
    """Return, per new text, the key of the existing group whose centroid is nearest (cosine)."""
    if not groups:
        raise ValueError("assign() needs at least one group to assign to")
    keys = list(groups)
    group_texts = [list(groups[key]) for key in keys]
    if not any(group_texts):
        raise ValueError("assign() needs at least one group with texts; every group is empty")
    new_texts = list(new_texts)
    if not new_texts:
        return []

    features = build_features([text for texts in group_texts for text in texts] + new_texts)
    space = features.space
    centroids = np.zeros((len(keys), space.shape[1]))
    start = 0
    for g, texts in enumerate(group_texts):
        if texts:
            centroid = space[start : start + len(texts)].mean(axis=0)
            norm = np.linalg.norm(centroid)
            if norm > 0:
                centroids[g] = centroid / norm
        start += len(texts)

    similarity = space[start:] @ centroids.T
    similarity[:, [g for g, texts in enumerate(group_texts) if not texts]] = -np.inf
    # A text with nothing to compare (only stop words) goes where most texts already are.
    largest = int(np.argmax([len(texts) for texts in group_texts]))
    result = []
    for row in similarity:
        best = int(np.argmax(row))
        result.append(keys[best] if row[best] > 0 else keys[largest])
    return result


def similar_groups(
    groups: Mapping[str, Sequence[str]], threshold: float = 0.3
) -> list[tuple[str, str, float]]:
    """Pairs of groups whose centroids are at least `threshold` alike (cosine), most alike first."""
    keys = [key for key in groups if groups[key]]
    if len(keys) < 2:
        return []
    texts = [list(groups[key]) for key in keys]
    features = build_features([text for group in texts for text in group])
    centroids = np.zeros((len(keys), features.space.shape[1]))
    start = 0
    for g, group in enumerate(texts):
        centroid = features.space[start : start + len(group)].mean(axis=0)
        norm = np.linalg.norm(centroid)
        centroids[g] = centroid / norm if norm > 0 else centroid
        start += len(group)
    similarity = centroids @ centroids.T
    pairs = [
        (keys[a], keys[b], round(float(similarity[a, b]), 3))
        for a in range(len(keys))
        for b in range(a + 1, len(keys))
        if similarity[a, b] >= threshold
    ]
    return sorted(pairs, key=lambda pair: -pair[2])


def _check_ids(ids: Sequence[Id] | None, n: int) -> list[Id]:
    if ids is None:
        return list(range(n))
    ids = list(ids)
    if len(ids) != n:
        raise ValueError(f"ids must name every text: got {len(ids)} ids for {n} texts")
    if len(set(ids)) != n:
        raise ValueError("ids must be unique")
    return ids


def _fit_labels(
    features: Features, k: int | None, seed: int
) -> tuple[np.ndarray, dict[int, float] | None]:
    """Return a cluster index per text (unordered) and the modularity per candidate k."""
    n = features.n
    k_scores: dict[int, float] | None = None if k is not None else {}
    rows = np.flatnonzero(~features.empty)
    # Texts without features (empty, only stop words) have no direction: they are kept out
    # of the fit so they cannot pull a centroid or form a cluster of "nothing".
    if rows.size == 0:
        return np.zeros(n, dtype=int), k_scores
    distinct = len(np.unique(features.space[rows].round(8), axis=0))
    if k is None and distinct < MIN_TEXTS_FOR_AUTO_K:
        fitted = np.zeros(rows.size, dtype=int)
    else:
        fitted, k_scores = _spectral_labels(features, rows, k, distinct, seed)

    _, fitted = np.unique(fitted, return_inverse=True)  # KMeans may leave a cluster empty
    labels = np.empty(n, dtype=int)
    labels[rows] = fitted
    labels[features.empty] = int(np.argmax(np.bincount(fitted)))
    return labels, k_scores


def _spectral_labels(
    features: Features, rows: np.ndarray, k: int | None, distinct: int, seed: int
) -> tuple[np.ndarray, dict[int, float] | None]:
    """Cluster the rows on their neighbour graph; k given, or the most modular of K_RANGE."""
    rng = np.random.default_rng(seed)
    # Past GRAPH_SAMPLE texts the graph is built on a sample and everyone else joins the
    # nearest centroid: the graph costs O(n^2), the assignment O(n * k).
    fit = rows
    if rows.size > GRAPH_SAMPLE:
        fit = np.sort(rng.choice(rows, GRAPH_SAMPLE, replace=False))
    graph = knn_graph(features.shared[fit], neighbours(fit.size))
    if k is not None:
        k = min(k, distinct)
        labels, scores = _kmeans(spectral_embedding(graph, k), k, seed, N_INIT), None
    else:
        high = min(K_RANGE[1], distinct - 1, max(K_RANGE[0], fit.size // 3))
        embedding = spectral_embedding(graph, high)
        # One Ward tree on the embedding gives a starting partition for every candidate k at
        # once (k-means++ per candidate cost several times as much). A cut of that tree, made
        # in all `high` dimensions, is not what k groups look like in the first k: on clearly
        # separated themes it scored far below the themes themselves and k came out wrong
        # (6 themes -> 9). Lloyd's steps from each cut reach the spectral clustering at k,
        # which is what the chosen k is fitted with below (tests/benchmarks/clustering_k.py).
        partitions = _ward_partitions(normalize(embedding), range(K_RANGE[0], high + 1), seed)
        scores = {}
        candidates = []
        for candidate in range(K_RANGE[0], high + 1):
            labels = _refine(embedding[:, :candidate], partitions[candidate])
            scores[candidate] = round(modularity(graph, labels), 6)
            sizes = np.bincount(labels, minlength=candidate)
            balanced = int(sizes.min()) >= MIN_AUTO_CLUSTER_SIZE
            candidates.append((scores[candidate], balanced, candidate))
        # Modularity, not the silhouette: on the graph's own terms it rises steeply up to about
        # the number of topics and then stays flat, where the silhouette of the spectral
        # embedding always preferred 2 and that of the TF-IDF space always the largest k. On
        # the flat part fewer themes read better: the smallest k within K_TOLERANCE of the best
        # (SIB-200 nl: 7 for 7 topics; the vraagstukken: 10 for 12; the demo's 60 ideas in 5
        # themes: 4). Partitions that split off pairs of stragglers come last: such texts show
        # up as outliers instead.
        eligible = [c for c in candidates if c[1]] or candidates
        best = max(score for score, _, _ in eligible)
        chosen = min(k for score, _, k in eligible if score >= best - K_TOLERANCE)
        labels = _kmeans(embedding, chosen, seed, N_INIT)
    if fit.size == rows.size:
        return labels, scores
    centroids = _unit_centroids(features.space[fit], np.unique(labels, return_inverse=True)[1])
    return np.argmax(features.space[rows] @ centroids.T, axis=1), scores


def _refine(embedding: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Return the k-means partition Lloyd's steps reach from labels, on the unit rows given.

    Deterministic (the start is given), and a group that loses all its texts stays empty, so
    the partition may have fewer groups than it started with.
    """
    points = normalize(embedding)
    labels = np.unique(labels, return_inverse=True)[1]
    k = int(labels.max()) + 1
    for _ in range(REFINE_MAX_STEPS):
        members = np.zeros((k, len(points)))
        members[labels, np.arange(len(points))] = 1.0
        counts = members.sum(axis=1)
        centres = (members @ points) / np.maximum(counts, 1.0)[:, None]
        # Nearest centre by squared distance, dropping the |point|^2 every centre shares.
        closeness = 2.0 * points @ centres.T - (centres**2).sum(axis=1)
        closeness[:, counts == 0] = -np.inf
        moved = np.argmax(closeness, axis=1)
        if np.array_equal(moved, labels):
            break
        labels = moved
    return labels


def _ward_partitions(points: np.ndarray, ks: range, seed: int) -> dict[int, np.ndarray]:
    """Return a partition of the points for each k in ks, all cut from one Ward tree.

    Past WARD_EXACT_LIMIT points the tree is built over WARD_MICRO_CLUSTERS k-means
    micro-clusters (weighted by size) instead of the points: Ward's O(n^2) was 0.45 s of a
    10 000-text run, the micro-clusters take a few hundredths.
    """
    if len(points) <= WARD_EXACT_LIMIT:
        tree = linkage(points, "ward")
        return {k: fcluster(tree, k, "maxclust") - 1 for k in ks}
    micro = KMeans(n_clusters=WARD_MICRO_CLUSTERS, n_init=1, random_state=seed).fit(points)
    sizes = np.bincount(micro.labels_, minlength=WARD_MICRO_CLUSTERS).astype(float)
    keep = sizes > 0
    centres, sizes = micro.cluster_centers_[keep], sizes[keep]
    renumber = np.cumsum(keep) - 1
    merged = _weighted_ward(centres, sizes, ks)
    return {k: merged[k][renumber[micro.labels_]] for k in ks}


def _weighted_ward(centres: np.ndarray, sizes: np.ndarray, ks: range) -> dict[int, np.ndarray]:
    """Agglomerate weighted points by Ward's criterion; return the grouping at each k in ks."""
    m = len(centres)
    group = np.arange(m)  # current group of each point
    centres = centres.astype(float).copy()
    sizes = sizes.astype(float).copy()
    active = np.ones(m, dtype=bool)
    result: dict[int, np.ndarray] = {}
    wanted = set(ks)
    for count in range(m, 0, -1):
        if count in wanted:
            result[count] = np.unique(group, return_inverse=True)[1]
        if count == 1 or count <= min(wanted, default=1):
            break
        live = np.flatnonzero(active)
        c, w = centres[live], sizes[live]
        # Ward's merge cost: the rise in within-group squared distance.
        squared = ((c[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        cost = squared * (w[:, None] * w[None, :]) / (w[:, None] + w[None, :])
        np.fill_diagonal(cost, np.inf)
        a, b = np.unravel_index(int(np.argmin(cost)), cost.shape)
        keep, gone = live[min(a, b)], live[max(a, b)]
        total = sizes[keep] + sizes[gone]
        centres[keep] = (centres[keep] * sizes[keep] + centres[gone] * sizes[gone]) / total
        sizes[keep] = total
        active[gone] = False
        group[group == gone] = keep
    for k in ks:
        result.setdefault(k, np.unique(group, return_inverse=True)[1])
    return result


def _kmeans(embedding: np.ndarray, k: int, seed: int, n_init: int) -> np.ndarray:
    if k <= 1 or len(embedding) <= 1:
        return np.zeros(len(embedding), dtype=int)
    # Rows on the unit sphere: the direction in the embedding is what places a text.
    points = normalize(embedding[:, :k])
    model = KMeans(n_clusters=k, init="k-means++", n_init=n_init, random_state=seed)
    return model.fit_predict(points)


def _order_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters largest first; equal sizes by their earliest text."""
    sizes = np.bincount(labels)
    first = np.full(len(sizes), len(labels))
    for index, label in enumerate(labels):
        first[label] = min(first[label], index)
    order = sorted(range(len(sizes)), key=lambda c: (-sizes[c], first[c]))
    renumber = np.empty(len(sizes), dtype=int)
    renumber[order] = np.arange(len(sizes))
    return renumber[labels]


def _unit_centroids(space: np.ndarray, labels: np.ndarray) -> np.ndarray:
    centroids = np.zeros((int(labels.max()) + 1, space.shape[1]))
    np.add.at(centroids, labels, space)
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    return np.divide(centroids, norms, out=np.zeros_like(centroids), where=norms > 0)


def _stable_keys(members: list[list[Id]], previous: Mapping[str, Sequence[Id]] | None) -> list[str]:
    """Return a key per cluster (given largest first), reusing previous keys by overlap."""
    keys: list[str | None] = [None] * len(members)
    previous = previous or {}
    previous_keys = list(previous)
    if previous_keys and members:
        owners: dict[Id, list[int]] = {}
        for p, key in enumerate(previous_keys):
            for id_ in previous[key]:
                owners.setdefault(id_, []).append(p)
        overlap = np.zeros((len(members), len(previous_keys)), dtype=int)
        for c, ids in enumerate(members):
            for id_ in ids:
                for p in owners.get(id_, ()):
                    overlap[c, p] += 1
        # Hungarian assignment: the one-to-one matching with the largest total overlap, so a
        # cluster the facilitator renamed keeps its name when most of its ideas stay together.
        # "Most": over half of the smaller side, or a title would move to another theme.
        sizes = [len(previous[key]) for key in previous_keys]
        for c, p in zip(*linear_sum_assignment(overlap, maximize=True), strict=True):
            if overlap[c, p] * 2 > min(len(members[c]), sizes[p]):
                keys[c] = previous_keys[p]
    # Fresh keys continue after the highest previous number: a key that disappeared may still
    # name a cluster row (title, notes) in the database and must not come back as another one.
    taken = set(previous_keys)
    numbers = [int(m.group(1)) for key in previous_keys if (m := _KEY_NUMBER.match(key))]
    counter = max(numbers, default=0)
    for c in range(len(members)):
        if keys[c] is None:
            counter += 1
            while f"c{counter}" in taken:
                counter += 1
            keys[c] = f"c{counter}"
            taken.add(keys[c])
    return [key for key in keys if key is not None]


def _terms(features: Features, rows: np.ndarray) -> list[str]:
    """Return up to MAX_TERMS readable label terms from the cluster's word TF-IDF centroid."""
    if not features.terms:
        return []
    block = features.word[rows]
    weights = np.asarray(block.mean(axis=0)).ravel()
    # Stable sort keeps equal weights in vocabulary order, so labels do not flicker.
    order = np.argsort(-weights, kind="stable")
    ranked = order[weights[order] > 0].tolist()
    shared = np.ones(len(weights), dtype=bool)
    if len(rows) > 1:
        # A word only one member uses describes that member, not the cluster: those come
        # last, only to reach MIN_TERMS.
        shared = np.bincount(block.indices, minlength=block.shape[1]) >= 2
        ranked = [i for i in ranked if shared[i]] + [i for i in ranked if not shared[i]]
    chosen: list[str] = []
    covered: set[str] = set()
    top = 0.0
    for index in ranked:
        weight = float(weights[index])
        enough = len(chosen) >= MIN_TERMS
        if len(chosen) >= MAX_TERMS or (enough and not shared[index]):
            break
        if enough and weight < TERM_RELATIVE_FLOOR * top:
            break
        words = features.surface.term(features.terms[index]).split()
        # A term whose words are already shown adds nothing ("bekostiging" after
        # "bekostiging werkplekbegeleiding").
        if covered.issuperset(words):
            continue
        top = max(top, weight)
        chosen.append(" ".join(words))
        covered.update(words)
    return chosen


def _outliers(features: Features, labels: np.ndarray, centroids: np.ndarray) -> list[int]:
    """Return indices of texts far from their own cluster's other members and every centroid."""
    space = features.space
    n_clusters = len(centroids)
    sums = np.zeros_like(centroids)
    np.add.at(sums, labels, space)
    # Leave-one-out: a text always resembles a centroid it helped to make, and a small group
    # of off-topic texts (a repeated question about the coffee machine) would hide that way.
    rest = sums[labels] - space
    rest_norm = np.linalg.norm(rest, axis=1)
    own = np.divide(
        np.einsum("ij,ij->i", space, rest), rest_norm, out=np.zeros(len(space)), where=rest_norm > 0
    )
    other = space @ centroids.T
    other[np.arange(len(space)), labels] = -np.inf
    nearest_other = other.max(axis=1) if n_clusters > 1 else np.full(len(space), -np.inf)
    result = []
    has_content = not features.empty.all()
    for c in range(n_clusters):
        rows = np.flatnonzero(labels == c)
        filled = rows[~features.empty[rows]]
        typical = float(np.median(own[filled])) if filled.size else 0.0
        for i in rows:
            if features.empty[i]:
                # Nothing to compare: an empty text fits nowhere, unless nothing has content.
                if has_content:
                    result.append(int(i))
            elif (
                len(rows) >= OUTLIER_MIN_CLUSTER
                and own[i] < OUTLIER_RELATIVE * typical
                and own[i] < OUTLIER_FLOOR
                and nearest_other[i] < OUTLIER_FLOOR
            ):
                result.append(int(i))
    return sorted(result)


def _duplicates(features: Features, seed: int) -> list[tuple[int, int]]:
    """Return (earlier, later) index pairs of near-identical texts, one per later text."""
    matrix = features.tfidf
    n = matrix.shape[0]
    if n < 2 or matrix.shape[1] == 0:
        return []
    # Each later text points to its most similar earlier one: every duplicate is flagged and
    # the output stays O(n) even when hundreds of people send the same sentence.
    best: dict[int, int] = {}
    if n <= DUPLICATE_ALL_PAIRS_LIMIT:
        queries = np.arange(n)
    else:
        queries = np.sort(np.random.default_rng(seed).choice(n, DUPLICATE_SAMPLE, replace=False))
        # Identical vectors are caught for every text by hashing; only near-identical ones
        # rely on the sample.
        matrix = matrix.sorted_indices()
        first_seen: dict[bytes, int] = {}
        for j in range(n):
            lo, hi = matrix.indptr[j], matrix.indptr[j + 1]
            if lo == hi:
                continue
            key = matrix.indices[lo:hi].tobytes() + matrix.data[lo:hi].round(6).tobytes()
            best[j] = first_seen.setdefault(key, j)
        best = {j: i for j, i in best.items() if i != j}
    transposed = matrix.T.tocsc()
    # Bound the dense block (rows x n) to a few million cells whatever n is.
    block_rows = max(1, min(BLOCK_ROWS, BLOCK_CELLS // n))
    for start in range(0, len(queries), block_rows):
        block = queries[start : start + block_rows]
        similarity = (matrix[block] @ transposed).toarray()
        # Only earlier texts count, so each pair is reported once, from its later text.
        similarity[np.arange(n)[None, :] >= block[:, None]] = -1.0
        nearest = similarity.argmax(axis=1)
        values = similarity[np.arange(len(block)), nearest]
        for j, i, value in zip(block, nearest, values, strict=True):
            if value >= DUPLICATE_THRESHOLD:
                best[int(j)] = int(i)
    return sorted(((i, j) for j, i in best.items()), key=lambda pair: pair[1])
