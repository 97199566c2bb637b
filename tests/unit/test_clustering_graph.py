"""The neighbour graph, its spectral embedding, and modularity as the choice of k."""

import numpy as np
import scipy.sparse as sp

from brainstorm.clustering.graph import knn_graph, modularity, neighbours, spectral_embedding


def _two_groups() -> sp.csr_matrix:
    # Rows 0-3 point one way, rows 4-7 another: unit vectors in two separate dimensions.
    rows = np.array([[1, 0.1, 0], [1, 0.2, 0], [0.9, 0, 0.1], [1, 0, 0.2]])
    other = rows[:, ::-1]
    matrix = np.vstack([rows, other])
    return sp.csr_matrix(matrix / np.linalg.norm(matrix, axis=1, keepdims=True))


def test_neighbour_count_grows_with_the_square_root_and_is_bounded():
    assert neighbours(10) == 5
    assert neighbours(1000) == 32
    assert neighbours(100_000) == 50


def test_knn_graph_is_symmetric_without_self_links_and_links_within_groups():
    graph = knn_graph(_two_groups(), 2)
    dense = graph.toarray()
    assert np.allclose(dense, dense.T)
    assert np.all(np.diag(dense) == 0)
    assert np.all(dense[:4, :4].sum(axis=1) > 0)
    assert dense[:4, 4:].max() < dense[:4, :4].max()


def test_knn_graph_of_one_text_is_empty():
    assert knn_graph(sp.csr_matrix(np.ones((1, 3))), 5).nnz == 0


def test_spectral_embedding_separates_the_groups_and_is_repeatable():
    graph = knn_graph(_two_groups(), 3)
    first = spectral_embedding(graph, 2)
    second = spectral_embedding(graph, 2)
    assert np.array_equal(first, second)
    side = np.sign(first[:, 1])
    assert len(set(side[:4])) == 1 and len(set(side[4:])) == 1 and side[0] != side[4]


def test_modularity_prefers_the_true_split():
    graph = knn_graph(_two_groups(), 3)
    true = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    mixed = np.array([0, 1, 0, 1, 0, 1, 0, 1])
    assert modularity(graph, true) > 0.3 > modularity(graph, mixed)
    assert abs(modularity(graph, np.zeros(8, dtype=int))) < 1e-9  # one group: nothing gained
