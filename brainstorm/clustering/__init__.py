"""Clustering of short Dutch texts (brainstorm input): pure Python and scikit-learn.

    cluster(texts, k=None, *, ids=None, seed=0, previous=None) -> Clustering
    assign(groups, new_texts) -> list[key]
    similar_groups(groups, threshold) -> [(key, key, similarity)]
    theme_titles(themes, session) -> [title]

Nothing here imports Flask or the database: ``workspace/`` stores ``Clustering.to_dict()``.
"""

from brainstorm.clustering.model import ClusterInfo, Clustering, assign, cluster, similar_groups
from brainstorm.clustering.titles import theme_titles

__all__ = ["ClusterInfo", "Clustering", "assign", "cluster", "similar_groups", "theme_titles"]
