"""Clustering of short Dutch texts (brainstorm input): pure Python and scikit-learn.

    cluster(texts, k=None, *, ids=None, seed=0, previous=None) -> Clustering
    assign(groups, new_texts) -> list[key]
    similar_groups(groups, threshold) -> [(key, key, similarity)]
    cluster_guided(texts, k, *, ids, fixed, aside=(), seed=0, previous=None) -> Guided
    theme_titles(themes, session) -> [title]
    reads_as_title(phrase) -> bool

Nothing here imports Flask or the database: ``workspace/`` stores ``Clustering.to_dict()``.
"""

from brainstorm.clustering.guided import Guided, cluster_guided
from brainstorm.clustering.model import ClusterInfo, Clustering, assign, cluster, similar_groups
from brainstorm.clustering.titles import reads_as_title, theme_titles

__all__ = [
    "ClusterInfo",
    "Clustering",
    "Guided",
    "assign",
    "cluster",
    "cluster_guided",
    "reads_as_title",
    "similar_groups",
    "theme_titles",
]
