"""Feature vectors for short Dutch texts: stem and character n-gram TF-IDF, plus an LSA space."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize

from brainstorm.clustering import lexicon
from brainstorm.clustering.steps import ALL, Steps
from brainstorm.clustering.text import Analysis, SurfaceForms, analyse

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
# Background IDF: the session's texts are pooled with this many ordinary Dutch texts of
# TEXT_WORDS words each, whose document frequencies come from wordfreq (lexicon.py).
BACKGROUND_DOCS = 200
TEXT_WORDS = 12

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


def _counts(
    docs: Sequence[list[str]], vocabulary: dict[str, int] | None = None
) -> tuple[Matrix, dict[str, int]]:
    """Return a texts x features count matrix and the feature -> column map it used.

    Columns follow first use; a `vocabulary` passed in is extended, so two calls can share
    columns (the matrix has as many columns as the vocabulary has when it returns).
    """
    vocabulary = {} if vocabulary is None else vocabulary
    indices: list[int] = []
    indptr = [0]
    for doc in docs:
        indices.extend(vocabulary.setdefault(feature, len(vocabulary)) for feature in doc)
        indptr.append(len(indices))
    matrix = sp.csr_matrix(
        (np.ones(len(indices)), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
        shape=(len(docs), len(vocabulary)),
    )
    matrix.sum_duplicates()  # repeated features of one text add up
    return matrix, vocabulary


def _widen(matrix: Matrix, columns: int) -> Matrix:
    """Return matrix with empty columns added up to `columns`."""
    return sp.csr_matrix(
        (matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], columns)
    )


def _tfidf(counts: Matrix, prior: np.ndarray | None = None) -> Matrix:
    """Return sublinear tf x smooth idf with unit rows, as TfidfVectorizer(sublinear_tf=True).

    With `prior` (per column: the share of texts that would hold the feature in ordinary
    Dutch), the session's document frequencies are pooled with BACKGROUND_DOCS such texts, so a
    small session does not weigh a common word as a rare one.
    """
    n, columns = counts.shape
    if not columns:
        return sp.csr_matrix((n, 0))
    matrix = counts.copy()
    matrix.data = 1.0 + np.log(matrix.data)
    df = np.bincount(matrix.indices, minlength=columns)
    if prior is None:
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    else:
        idf = np.log((1.0 + n + BACKGROUND_DOCS) / (1.0 + df + BACKGROUND_DOCS * prior)) + 1.0
    matrix.data *= idf[matrix.indices]
    return _unit_rows(matrix)


def _background_prior(analysis: Analysis, terms: list[str]) -> np.ndarray:
    """Return, per word feature, the share of ordinary short Dutch texts expected to hold it."""
    share: dict[str, float] = {}
    forms = analysis.surface.forms
    for stem_, lower in forms:
        zipf = lexicon.zipf(lower) if " " not in lower else 0.0
        if zipf > 0:
            # A word with frequency p turns up in a text of TEXT_WORDS words with chance ~L*p.
            value = min(1.0, TEXT_WORDS * 10.0 ** (zipf - 9.0))
            share[stem_] = max(share.get(stem_, 0.0), value)
    prior = np.zeros(len(terms))
    for column, term in enumerate(terms):
        if " " in term:
            first, second = term.split(" ", 1)
            prior[column] = share.get(first, 0.0) * share.get(second, 0.0)
        else:
            prior[column] = share.get(term, 0.0)
    return prior


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


def _char_counts(docs: list[list[str]]) -> Matrix:
    """Return texts x character n-gram counts of the texts' words.

    Counted per distinct word and multiplied out (texts x words @ words x n-grams): a session
    repeats its words, so each word's n-grams are made once.
    """
    by_word, words = _counts(docs)
    grams, _ = _counts([_word_ngrams(word) for word in words])
    return sp.csr_matrix(by_word @ grams)


def _shared_only(matrix: Matrix) -> Matrix:
    """Return matrix without columns that occur in fewer than SHARED_MIN_DOCS rows."""
    document_frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
    return _unit_rows(matrix[:, np.flatnonzero(document_frequency >= SHARED_MIN_DOCS)])


def build_features(texts: Sequence[str], *, seed: int = 0, steps: Steps = ALL) -> Features:
    """Return word, character and reduced feature matrices for texts."""
    analysis = analyse(texts, steps)
    n = len(analysis.stems)

    # Typed stems and stem bigrams; then, in the same columns, the parts of compounds and the
    # vocabulary's terms. Labels come from what people typed only ("werkplekbegeleiders",
    # never its part "plek"); similarity from both.
    typed_counts, vocabulary = _counts(
        [[*stems, *(f"{a} {b}" for a, b in pairwise(stems))] for stems in analysis.stems]
    )
    part_counts, vocabulary = _counts(analysis.parts, vocabulary)
    terms = list(vocabulary)
    typed_counts = _widen(typed_counts, len(terms))
    prior = None
    if steps.background_idf and lexicon.available():
        prior = _background_prior(analysis, terms)
    word = _tfidf(typed_counts, prior)
    similar = _tfidf(typed_counts + part_counts, prior) if part_counts.nnz else word
    # Character n-grams are what lets compounds meet their parts (lerarentekort / tekort
    # aan leraren); built on content words so stop words add no shared n-grams.
    char_counts = _char_counts(
        [words + terms_ for words, terms_ in zip(analysis.words, analysis.terms, strict=True)]
    )
    char = _tfidf(char_counts)
    tfidf = _join(similar, char)

    # A feature seen in one text adds nothing to any similarity, only to that text's norm;
    # dropping it sharpens the contrast the neighbour graph sees (measured in
    # evaluate.py: NMI 0.078 -> 0.111 on SIB-200 nl). IDF is per column, so it is unchanged.
    shared = _join(_shared_only(similar), _shared_only(char))
    empty = np.diff(shared.indptr) == 0
    n_features = shared.shape[1]
    reduced = n_features > LSA_MIN_FEATURES and n > LSA_MIN_DOCS
    if reduced:
        components = min(LSA_MAX_COMPONENTS, n - 1, n_features - 1)
        svd = TruncatedSVD(n_components=components, n_iter=LSA_POWER_ITERATIONS, random_state=seed)
        # In single precision: half the time of double (0.035 s against 0.072 s for 1 000
        # texts) for directions that only place centroids, outliers and the map.
        single = shared.astype(np.float32)
        if n > LSA_FIT_SAMPLE:
            sample = np.random.default_rng(seed).choice(n, LSA_FIT_SAMPLE, replace=False)
            space = normalize(svd.fit(single[np.sort(sample)]).transform(single))
        else:
            space = normalize(svd.fit_transform(single))
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
