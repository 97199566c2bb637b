"""Feature vectors for short Dutch texts: stem and character n-gram TF-IDF, plus an LSA space."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from brainstorm.clustering.text import SurfaceForms, analyse

# Relative weight of the two blocks (each L2-normalised before joining).
WORD_WEIGHT = 1.0
CHAR_WEIGHT = 1.0
CHAR_NGRAMS = (4, 4)

# LSA only pays off once there is a vocabulary to compress and enough documents to find
# directions in; below this the raw TF-IDF space is small enough to use densely.
LSA_MIN_FEATURES = 100
LSA_MIN_DOCS = 20
LSA_MAX_COMPONENTS = 64
# Two power iterations: the space only places centroids, outliers and the map (the clusters
# come from the neighbour graph), and five cost twice the time for no visible difference.
LSA_POWER_ITERATIONS = 2
# Past this many texts the directions are learnt from a sample and every text projected.
LSA_FIT_SAMPLE = 5000
SHARED_MIN_DOCS = 2

Matrix = sp.csr_matrix


@dataclass(frozen=True)
class Features:
    """Vectors for one set of texts; every row of every matrix is L2-normalised or zero."""

    word: Matrix  # stem uni+bigram TF-IDF, for labels
    terms: list[str]  # column names of `word`: "stem" or "stem stem"
    tfidf: Matrix  # word and character TF-IDF joined, for near-duplicates
    shared: Matrix  # the same, only features two or more texts have, for the neighbour graph
    space: np.ndarray  # dense space (shared features, LSA when large): centroids, outliers, map
    empty: np.ndarray  # bool per text: nothing in common with any other text
    surface: SurfaceForms  # stem -> readable word
    reduced: bool  # whether `space` is LSA

    @property
    def n(self) -> int:
        """Return the number of texts."""
        return self.space.shape[0]


def _tfidf(docs: Sequence[Any], vectorizer: TfidfVectorizer) -> tuple[Matrix, list[str]]:
    # An all-empty corpus makes scikit-learn raise "empty vocabulary"; a text set made only of
    # stop words is legal input, so it gets zero columns instead.
    try:
        matrix = vectorizer.fit_transform(docs)
    except ValueError:
        return sp.csr_matrix((len(docs), 0)), []
    return sp.csr_matrix(matrix), list(vectorizer.get_feature_names_out())


def _word_features(doc: tuple[list[str], list[str]]) -> list[str]:
    """Return the word features of one text: stems, stem bigrams and compound heads."""
    stems, heads = doc
    return stems + [f"{a} {b}" for a, b in pairwise(stems)] + heads


def _unit_rows(matrix: Matrix) -> Matrix:
    """Return matrix with L2-normalised rows; zero rows (and zero columns) stay as they are."""
    # scikit-learn refuses a matrix without columns, which a set of texts that share nothing
    # (one text, only stop words, unrelated first ideas) legitimately gives.
    return normalize(matrix) if matrix.shape[1] else sp.csr_matrix(matrix)


@lru_cache(maxsize=100_000)
def _word_ngrams(word: str) -> tuple[str, ...]:
    """Return the character n-grams of one word padded with spaces, as char_wb makes them."""
    padded = f" {word} "
    grams: list[str] = []
    for size in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1):
        if len(padded) <= size:
            grams.append(padded)  # a short word is one n-gram, whatever the size
            break
        grams.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return tuple(grams)


def _char_features(words: list[str]) -> list[str]:
    """Return the character n-grams of a text's content words (each word computed once)."""
    # The same words recur across a session's texts: caching per word is what makes this
    # cheaper than scikit-learn's char_wb analyser on the joined text.
    return [gram for word in words for gram in _word_ngrams(word)]


def _shared_only(matrix: Matrix) -> Matrix:
    """Return matrix without columns that occur in fewer than SHARED_MIN_DOCS rows."""
    document_frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
    return _unit_rows(matrix[:, np.flatnonzero(document_frequency >= SHARED_MIN_DOCS)])


def build_features(texts: Sequence[str], *, seed: int = 0) -> Features:
    """Return word, character and reduced feature matrices for texts."""
    analysis = analyse(texts)
    n = len(analysis.stems)

    word, terms = _tfidf(
        list(zip(analysis.stems, analysis.heads, strict=True)),
        TfidfVectorizer(analyzer=_word_features, sublinear_tf=True),
    )
    # Character n-grams are what lets compounds meet their parts (lerarentekort / tekort
    # aan leraren); built on content words so stop words add no shared n-grams.
    char, _ = _tfidf(analysis.words, TfidfVectorizer(analyzer=_char_features, sublinear_tf=True))
    tfidf = _join(word, char)

    # A feature seen in one text adds nothing to any similarity, only to that text's norm;
    # dropping it sharpens the contrast the neighbour graph sees (measured in
    # evaluate.py: NMI 0.078 -> 0.111 on SIB-200 nl). IDF is per column, so it is unchanged.
    shared = _join(_shared_only(word), _shared_only(char))
    empty = np.diff(shared.indptr) == 0
    n_features = shared.shape[1]
    reduced = n_features > LSA_MIN_FEATURES and n > LSA_MIN_DOCS
    if reduced:
        components = min(LSA_MAX_COMPONENTS, n - 1, n_features - 1)
        svd = TruncatedSVD(n_components=components, n_iter=LSA_POWER_ITERATIONS, random_state=seed)
        if n > LSA_FIT_SAMPLE:
            sample = np.random.default_rng(seed).choice(n, LSA_FIT_SAMPLE, replace=False)
            space = normalize(svd.fit(shared[np.sort(sample)]).transform(shared))
        else:
            space = normalize(svd.fit_transform(shared))
    else:
        space = shared.toarray()
    if space.shape[1] == 0:
        space = np.zeros((n, 1))
    return Features(
        word=word,
        terms=terms,
        tfidf=tfidf,
        shared=shared,
        space=np.ascontiguousarray(space, dtype=np.float64),
        empty=empty,
        surface=analysis.surface,
        reduced=reduced,
    )


def _join(word: Matrix, char: Matrix) -> Matrix:
    """Return the weighted, row-normalised join of the word and character blocks."""
    return _unit_rows(sp.hstack([WORD_WEIGHT * word, CHAR_WEIGHT * char], format="csr"))


def project_2d(space: np.ndarray) -> np.ndarray:
    """Return an n x 2 PCA projection of space, scaled into [-1, 1] with its aspect kept."""
    n = space.shape[0]
    coords = np.zeros((n, 2))
    if n < 2:
        return coords
    centred = space - space.mean(axis=0)
    # Eigen-decompose whichever Gram matrix is smaller: d x d for many texts (d <= 64 after
    # LSA), n x n for few texts with a wide raw vocabulary.
    if centred.shape[1] <= n:
        values, vectors = np.linalg.eigh(centred.T @ centred)
        order = np.argsort(values)[::-1][:2]
        axes = vectors[:, order]
        projected = centred @ axes
    else:
        values, vectors = np.linalg.eigh(centred @ centred.T)
        order = np.argsort(values)[::-1][:2]
        projected = vectors[:, order] * np.sqrt(np.clip(values[order], 0.0, None))
    # eigh's signs are arbitrary: fix them so the same input always draws the same map.
    for axis in range(projected.shape[1]):
        column = projected[:, axis]
        if column[np.argmax(np.abs(column))] < 0:
            projected[:, axis] = -column
    coords[:, : projected.shape[1]] = projected
    coords[np.abs(coords) < 1e-12] = 0.0
    scale = np.abs(coords).max()
    return coords / scale if scale > 0 else coords
