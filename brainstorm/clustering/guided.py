"""Clustering that starts from the facilitator's work instead of working around it.

`fixed` groups are what the facilitator made: a locked cluster, a merge, ideas placed by hand.
Their members stay together (a must-link) and act as seeds: a free text whose nearest centroid
is a fixed group's (nearer than any group the free texts form among themselves) joins it. The
free texts left are clustered anew into what remains of k, so a re-run keeps the number of
themes instead of adding to it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from brainstorm.clustering.features import build_features
from brainstorm.clustering.model import Clustering, cluster

Id = Hashable
MIN_REST = 4  # fewer free texts than this are not clustered on their own: they join the nearest
ROUNDS = 20


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


def cluster_guided(
    texts: Sequence[str],
    k: int | None = None,
    *,
    ids: Sequence[Id],
    fixed: Mapping[str, Sequence[Id]],
    aside: Sequence[Id] = (),
    seed: int = 0,
    previous: Mapping[str, Sequence[Id]] | None = None,
) -> Guided:
    """Cluster texts around the `fixed` groups (key -> member ids, all among `ids`).

    k counts every theme, the fixed groups included; None lets the engine choose it for the
    whole set. `aside` are ids set apart by hand ("past nergens"): on the map, in no group.
    `previous` gives the free clusters their stable keys (see `cluster`).
    """
    ids = list(ids)
    index = {id_: i for i, id_ in enumerate(ids)}
    groups = {key: [index[i] for i in members if i in index] for key, members in fixed.items()}
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

    space = build_features(texts, seed=seed).space
    keys = list(groups)
    total = whole.k if k is None else k
    labels = np.asarray(whole.labels)
    # Seeded spherical k-means: the fixed groups are centroids whose members never move; the
    # themes still missing start from the free run's groups least like any fixed one.
    anchors = [_centroid(space, rows) for rows in groups.values()]
    candidates = []
    for label in np.unique(labels[free]):
        rows = [i for i in free if labels[i] == label]
        centroid = _centroid(space, rows)
        candidates.append((max(float(centroid @ a) for a in anchors), centroid))
    candidates.sort(key=lambda pair: pair[0])
    extra = [centroid for _, centroid in candidates[: max(0, total - len(groups))]]
    centroids = np.array(anchors + extra)
    place = np.zeros(len(free), dtype=int)
    for _ in range(ROUNDS):
        place = np.argmax(space[free] @ centroids.T, axis=1)
        moved = np.array(
            [
                _centroid(
                    space, list(groups[keys[c]]) + [free[j] for j in np.flatnonzero(place == c)]
                )
                if c < len(keys)
                else (
                    _centroid(space, [free[j] for j in np.flatnonzero(place == c)])
                    if np.any(place == c)
                    else centroids[c]
                )
                for c in range(len(centroids))
            ]
        )
        if np.allclose(moved, centroids):
            break
        centroids = moved
    left = []
    for j, i in enumerate(free):
        if place[j] < len(keys):
            result.joined[ids[i]] = keys[int(place[j])]
        else:
            left.append(i)
    if not left:
        return result
    if len(left) < MIN_REST:
        for i in left:  # too few to be themes of their own: the nearest fixed group
            result.joined[ids[i]] = keys[int(np.argmax([space[i] @ a for a in anchors]))]
        return result
    wanted = max(2, min(len({int(place[j]) for j, i in enumerate(free) if i in left}), len(left)))
    rest = [texts[i] for i in left]
    result.rest = cluster(rest, wanted, ids=[ids[i] for i in left], seed=seed, previous=previous)
    return result
