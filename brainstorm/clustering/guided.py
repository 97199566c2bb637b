"""Clustering that starts from the facilitator's work instead of working around it.

`fixed` groups are what the facilitator made: a locked cluster, a merge, ideas placed by hand.
The run happens where the engine itself clusters, on the texts' neighbour graph: a fixed
group's members are linked to each other there (a must-link), so the spectral embedding draws
them and the free texts around them together, and the engine partitions that embedding into k
groups. A group that holds fixed groups is theirs: its free texts join the nearest, unless some
of them clearly form a theme of their own (they grow from the text least like any fixed group
and must be at least MIN_REST while the fixed groups also pulled some). So a seed pulls its kind
from the group the engine found around it, a locked cluster still receives the new ideas the
engine puts beside its members, and free texts far from any fixed group keep the engine's
grouping.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from brainstorm.clustering.features import Features, build_features
from brainstorm.clustering.graph import knn_graph, neighbours, spectral_embedding
from brainstorm.clustering.model import (
    GRAPH_SAMPLE,
    N_INIT,
    Clustering,
    _kmeans,
    cluster,
    cluster_labelled,
)

Id = Hashable
MIN_REST = 4  # fewer free texts than this are not clustered on their own: they join the nearest
ROUNDS = 20
# Weight of a must-link edge; the graph's own edges are cosines of at most 1. Measured with
# tests.benchmarks.clustering_guided: 0.5 and 2.0 gained less on SIB-200 nl, 5.0 lost.
MUST_LINK = 1.0
# The free texts of an engine group that no fixed group pulled stay a theme of their own only
# when the fixed groups pulled some of them and they are at least MIN_REST: otherwise the split
# inside one of the engine's groups is noise and the group is the fixed groups' (benchmark,
# vraagstukken: 19 themes after the re-run instead of 28).


@dataclass
class Guided:
    """The outcome: free ids pulled into fixed groups, and the clustering of the rest."""

    joined: dict[Id, str] = field(default_factory=dict)  # free id -> key of the fixed group
    rest: Clustering | None = None  # the remaining free texts (None: nothing left to cluster)
    whole: Clustering | None = None  # every text clustered freely: the map, k and the hints


def _centroid(space: np.ndarray, rows: Sequence[int]) -> np.ndarray:
    centroid = space[list(rows)].mean(axis=0)
    norm = np.linalg.norm(centroid)
    return centroid / norm if norm > 0 else centroid


def _linked_embedding(features: Features, groups: list[list[int]], dims: int) -> np.ndarray:
    """Return the engine's spectral embedding (unit rows) of the graph with must-links added."""
    graph = knn_graph(features.shared, neighbours(features.n))
    pairs = [np.array(np.meshgrid(rows, rows)).reshape(2, -1) for rows in groups if len(rows) > 1]
    if pairs:
        a, b = np.concatenate(pairs, axis=1)
        links = sp.csr_matrix((np.full(len(a), MUST_LINK), (a, b)), shape=graph.shape).tolil()
        links.setdiag(0.0)
        graph = graph.maximum(links.tocsr()).tocsr()
    embedding = normalize(spectral_embedding(graph, dims))
    embedding[features.empty] = 0.0  # nothing in common with any text: no direction
    return embedding


def _compete(
    space: np.ndarray, members: list[int], anchors: dict[int, list[int]], own: int
) -> dict[int, int]:
    """Return, per free row of one engine group, the fixed group it joins or `own`.

    The group is its fixed groups' to begin with: every free text starts with the nearest.
    Then a theme of its own grows from the free text least like its fixed group (seeded
    spherical k-means, fixed members never move), so free texts only stay apart where they
    differ; starting from the free texts' own centroid, which each text helps to make, the
    free ideas of a seed's own theme stayed apart from it.
    """
    if not anchors:
        return dict.fromkeys(members, own)
    options = [*anchors, own]
    start = np.array([_centroid(space, rows) for rows in anchors.values()])
    similarity = space[members] @ start.T
    choice = {i: options[int(b)] for i, b in zip(members, similarity.argmax(axis=1), strict=True)}
    own_centroid = space[members[int(similarity.max(axis=1).argmin())]]
    for _ in range(ROUNDS):
        centroids = np.array(
            [_centroid(space, anchors[g] + [i for i in members if choice[i] == g]) for g in anchors]
            + [own_centroid]
        )
        best = np.argmax(space[members] @ centroids.T, axis=1)
        moved = {i: options[int(b)] for i, b in zip(members, best, strict=True)}
        staying = [i for i in members if moved[i] == own]
        if staying:
            own_centroid = _centroid(space, staying)
        if moved == choice:
            break
        choice = moved
    return choice


def cluster_guided(
    texts: Sequence[str],
    k: int | None = None,
    *,
    ids: Sequence[Id],
    fixed: Mapping[str, Sequence[Id]],
    aside: Sequence[Id] = (),
    seed: int = 0,
    previous: Mapping[str, Sequence[Id]] | None = None,
    references: Mapping[str, Sequence[str]] | None = None,
) -> Guided:
    """Cluster texts around the `fixed` groups (key -> member ids, all among `ids`).

    k counts the engine's groups of every text, the fixed groups' included; None lets the
    engine choose it for the whole set. `aside` are ids set apart by hand ("past nergens"): on
    the map, in no group. `previous` gives the free clusters their stable keys (see `cluster`).
    `references` (key -> texts) say what a fixed group is about beyond its members, such as a
    theme carried from an earlier session: they pull like members but are in no result, so a
    group with references and no members yet receives its kind too.
    """
    texts = list(texts)
    ids = list(ids)
    index = {id_: i for i, id_ in enumerate(ids)}
    groups = {key: [index[i] for i in members if i in index] for key, members in fixed.items()}
    extra: list[str] = []
    for key, about in (references or {}).items():
        rows = range(len(texts) + len(extra), len(texts) + len(extra) + len(about))
        groups[key] = [*groups.get(key, []), *rows]
        extra += about
    groups = {key: rows for key, rows in groups.items() if rows}
    held = {row for rows in groups.values() for row in rows} | {
        index[i] for i in aside if i in index
    }
    free = [i for i in range(len(ids)) if i not in held]
    whole = cluster(texts, k, ids=ids, seed=seed)
    result = Guided(whole=whole)
    if not free:
        return result
    if not groups:
        rest = [texts[i] for i in free]
        result.rest = cluster(rest, k, ids=[ids[i] for i in free], seed=seed, previous=previous)
        return result

    keys = list(groups)
    total = max(1, whole.k if k is None else k)
    features = build_features(texts + extra, seed=seed)
    if features.n > GRAPH_SAMPLE:
        # The graph costs O(n^2): past the engine's sample the free run's groups and the LSA
        # space stand in for the linked graph (references are in none of its groups).
        space = features.space
        base = np.concatenate([np.asarray(whole.labels), np.full(len(extra), -1)])
    else:
        space = _linked_embedding(features, list(groups.values()), total)
        # k counts the fixed groups too: at least one group beyond them is left to the free
        # texts (the benchmark's facilitator fixes 15 groups at k = 12).
        base = _kmeans(space, max(total, len(groups) + 1), seed, N_INIT)

    place: dict[int, int] = {}  # free row -> index of its fixed group, or len(keys) + own group
    for c in np.unique(base[free]):
        members = [i for i in free if base[i] == c and not features.empty[i]]
        own = len(keys) + int(c)
        place.update({i: own for i in free if base[i] == c and features.empty[i]})
        anchors = {g: rows for g, rows in enumerate(groups.values()) if np.any(base[rows] == c)}
        got = _compete(space, members, anchors, own) if members else {}
        staying = [i for i, choice in got.items() if choice == own]
        pulled = len(members) - len(staying)
        if anchors and (not pulled or len(staying) < MIN_REST):
            centroids = {
                g: _centroid(space, rows + [i for i in got if got[i] == g])
                for g, rows in anchors.items()
            }
            for i in staying:
                got[i] = max(centroids, key=lambda g: float(space[i] @ centroids[g]))
        place.update(got)
    left = [i for i in free if place[i] >= len(keys)]
    for i in free:
        if place[i] < len(keys):
            result.joined[ids[i]] = keys[place[i]]
    if not left:
        return result
    if len(left) < MIN_REST:
        anchors_ = [_centroid(space, rows) for rows in groups.values()]
        for i in left:  # too few to be themes of their own: the nearest fixed group
            result.joined[ids[i]] = keys[int(np.argmax([space[i] @ a for a in anchors_]))]
        return result
    result.rest = cluster_labelled(
        [texts[i] for i in left],
        [place[i] for i in left],
        ids=[ids[i] for i in left],
        seed=seed,
        previous=previous,
    )
    return result
