"""Spectral clustering on a k-nearest-neighbour graph of the texts, and modularity to pick k.

Short texts share few words, so two texts about the same topic often have a cosine of zero.
Their neighbours still overlap: a graph of each text's nearest neighbours connects a topic
through chains of partial overlaps, and its leading eigenvectors separate what KMeans on the
raw vectors cannot (SIB-200 nl, k=7: NMI 0.12 with LSA + KMeans, 0.24 on this graph).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import eigsh

# Rows of similarities computed at once; bounds memory at BLOCK_ROWS x n floats.
BLOCK_ROWS = 1000
# Below this size a dense eigendecomposition is faster and exact.
DENSE_EIGEN_LIMIT = 600


def neighbours(n: int) -> int:
    """Return how many neighbours each text links to: about sqrt(n), within 5..50."""
    return int(np.clip(round(np.sqrt(n)), 5, 50))


def knn_graph(matrix: sp.csr_matrix, m: int) -> sp.csr_matrix:
    """Return the symmetric graph linking each row to its m most cosine-similar rows."""
    n = matrix.shape[0]
    m = min(m, n - 1)
    if m < 1:
        return sp.csr_matrix((n, n))
    rows, cols, weights = [], [], []
    # Single precision halves the memory the dense blocks are sorted in; the neighbours found
    # are the same but for near ties.
    matrix = sp.csr_matrix(matrix, dtype=np.float32)
    transposed = matrix.T.tocsc()
    for start in range(0, n, BLOCK_ROWS):
        block = (matrix[start : start + BLOCK_ROWS] @ transposed).toarray()
        local = np.arange(block.shape[0])
        block[local, start + local] = -1.0  # a text is not its own neighbour
        nearest = np.argpartition(-block, m - 1, axis=1)[:, :m]
        rows.append(np.repeat(local + start, m))
        cols.append(nearest.ravel())
        weights.append(np.take_along_axis(block, nearest, axis=1).ravel())
    graph = sp.csr_matrix(
        (
            np.clip(np.concatenate(weights), 0.0, None).astype(np.float64),
            (np.concatenate(rows), np.concatenate(cols)),
        ),
        shape=(n, n),
    )
    graph.eliminate_zeros()
    return graph.maximum(graph.T).tocsr()


def spectral_embedding(graph: sp.csr_matrix, dims: int) -> np.ndarray:
    """Return the leading `dims` eigenvectors of the normalised adjacency, strongest first."""
    n = graph.shape[0]
    dims = min(dims, n)
    degree = np.asarray(graph.sum(axis=1)).ravel()
    scale = sp.diags(1.0 / np.sqrt(np.where(degree > 0, degree, 1.0)))
    adjacency = scale @ graph @ scale
    if n <= DENSE_EIGEN_LIMIT or dims >= n - 1:
        values, vectors = np.linalg.eigh(adjacency.toarray())
    else:
        # A fixed start vector makes ARPACK, and so the whole run, repeatable.
        values, vectors = eigsh(adjacency, k=dims, which="LA", v0=np.ones(n) / np.sqrt(n))
    order = np.argsort(-values, kind="stable")[:dims]
    vectors = vectors[:, order]
    # Eigenvector signs are arbitrary; fix them so equal input gives equal output.
    signs = np.sign(vectors[np.abs(vectors).argmax(axis=0), np.arange(vectors.shape[1])])
    return vectors * np.where(signs == 0, 1.0, signs)


def modularity(graph: sp.csr_matrix, labels: np.ndarray) -> float:
    """Return the Newman modularity of a partition of the graph (higher: tighter groups)."""
    total = graph.sum()
    if total <= 0:
        return 0.0
    coo = graph.tocoo()
    inside = np.bincount(labels[coo.row], weights=coo.data * (labels[coo.row] == labels[coo.col]))
    degree = np.bincount(labels, weights=np.asarray(graph.sum(axis=1)).ravel())
    return float(inside.sum() / total - np.sum((degree / total) ** 2))
