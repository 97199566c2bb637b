"""Background knowledge of Dutch words: how common each word is, and compound splitting.

The frequencies are wordfreq's Dutch list (shipped in its wheel, read offline). Only a hash and
a frequency bucket per word are kept: 311 000 words in 3 MB instead of 35 MB of strings. The
hash is Python's own, so the table is built in the process that uses it (~0.15 s, once).
"""

from __future__ import annotations

import gzip
import importlib.util
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np

from brainstorm.clustering.stopwords import STOP_WORDS

WORDFREQ_LIST = "large_nl.msgpack.gz"

# Compound splitting (Koehn & Knight style, on known words): a word at least this common is
# left whole (aandacht is not aan + dacht); each part is a known content word at least this
# common, of at least MIN_PART letters, or of SHORT_PART letters and at least SHORT_ZIPF
# (vak, ict, mbo, les). Between parts a linking s, en or e may stand (opleiding-s-school).
WHOLE_ZIPF = 3.0
PART_ZIPF = 3.0
MIN_PART = 4
SHORT_PART = 3
SHORT_ZIPF = 4.0
MAX_PARTS = 3
_LINKS = ("s", "en", "e")


class _Table:
    """Sorted word hashes with their wordfreq bucket (centibels below 1: zipf = 9 - cB/100)."""

    def __init__(self) -> None:
        hashes: list[np.ndarray] = []
        buckets: list[np.ndarray] = []
        for bucket, words in enumerate(_read_buckets()):
            if words:
                hashes.append(np.fromiter(map(hash, words), dtype=np.int64, count=len(words)))
                buckets.append(np.full(len(words), bucket, dtype=np.uint16))
        if hashes:
            keys, values = np.concatenate(hashes), np.concatenate(buckets)
        else:
            keys, values = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint16)
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.zipf_values = 9.0 - values[order] / 100.0

    def zipf(self, words: list[str]) -> np.ndarray:
        """Return the zipf frequency of each word (0.0 for a word not in the list)."""
        result = np.zeros(len(words))
        if not words or not self.keys.size:
            return result
        query = np.fromiter(map(hash, words), dtype=np.int64, count=len(words))
        index = np.searchsorted(self.keys, query)
        index[index >= self.keys.size] = 0
        found = self.keys[index] == query
        result[found] = self.zipf_values[index[found]]
        return result


def _read_buckets():
    """Yield wordfreq's Dutch words bucket by bucket, one bucket in memory at a time."""
    spec = importlib.util.find_spec("wordfreq")  # located, not imported: no regex, no ftfy
    if spec is None or not spec.submodule_search_locations:
        return
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / WORDFREQ_LIST
    if not path.exists():
        return
    import msgpack

    with gzip.open(path, "rb") as handle:
        unpacker = msgpack.Unpacker(handle, raw=False)
        count = unpacker.read_array_header()
        unpacker.unpack()  # header: {"format": "cB", "version": 1}
        for _ in range(count - 1):
            yield unpacker.unpack()


@lru_cache(maxsize=1)
def _table() -> _Table:
    return _Table()


def available() -> bool:
    """Return whether background frequencies could be read (wordfreq is installed)."""
    return bool(_table().keys.size)


# Per word met so far: its zipf frequency and its compound parts. Bounded: cleared past
# CACHE_LIMIT words (a few tens of MB at most); the pieces tried while splitting are not kept.
_ZIPF: dict[str, float] = {}
_SPLITS: dict[str, tuple[str, ...]] = {}
CACHE_LIMIT = 200_000


def zipf(word: str) -> float:
    """Return the zipf frequency of a lower-case word in Dutch (0.0: unknown; 'de' is 7.7)."""
    value = _ZIPF.get(word)
    if value is None:
        if len(_ZIPF) > CACHE_LIMIT:
            _ZIPF.clear()
        value = _ZIPF[word] = float(_table().zipf([word])[0])
    return value


def zipf_many(words: list[str]) -> np.ndarray:
    """Return zipf frequencies for many words at once."""
    return _table().zipf(words)


def prepare(words: set[str]) -> None:
    """Look up, in batches, the frequency and the compound parts of every word not met yet."""
    if len(_ZIPF) > CACHE_LIMIT or len(_SPLITS) > CACHE_LIMIT:
        _ZIPF.clear()
        _SPLITS.clear()
    new = [word for word in words if word not in _ZIPF]
    if new:
        _ZIPF.update(zip(new, _table().zipf(new).tolist(), strict=True))
    todo = [word for word in words if word not in _SPLITS]
    candidates = [word for word in todo if _splittable(word)]
    # Every piece a split may try, looked up at once and forgotten afterwards.
    pieces = {
        word[start:end]
        for word in candidates
        for start in range(len(word) - SHORT_PART + 1)
        for end in range(start + SHORT_PART, len(word) + 1)
    }
    ordered = list(pieces)
    frequency = dict(zip(ordered, _table().zipf(ordered).tolist(), strict=True))
    for word in todo:
        parts = _split(word, MAX_PARTS, frequency.__getitem__) if _splittable(word) else None
        _SPLITS[word] = parts or (word,)


def _splittable(word: str) -> bool:
    return len(word) >= 2 * SHORT_PART and _ZIPF[word] < WHOLE_ZIPF


def split_compound(word: str) -> tuple[str, ...]:
    """Return the parts of a Dutch compound (lerarentekort -> leraren, tekort), or (word,).

    Only words rarer than WHOLE_ZIPF are split, into known words: the split into the fewest
    parts wins, then the one whose rarest part is most common.
    """
    parts = _SPLITS.get(word)
    if parts is None:
        prepare({word})
        parts = _SPLITS[word]
    return parts


def _known(part: str, frequency: Callable[[str], float]) -> float:
    """Return the zipf frequency of a part if it may stand in a compound, else 0."""
    if len(part) < SHORT_PART or part in STOP_WORDS:
        return 0.0
    value = frequency(part)
    needed = PART_ZIPF if len(part) >= MIN_PART else SHORT_ZIPF
    return value if value >= needed else 0.0


def _split(word: str, max_parts: int, frequency: Callable[[str], float]) -> tuple[str, ...] | None:
    best: tuple[tuple[int, float], tuple[str, ...]] | None = None
    for cut in range(SHORT_PART, len(word) - SHORT_PART + 1):
        left, right = word[:cut], word[cut:]
        left_score = _known(left, frequency)
        if not left_score:
            for link in _LINKS:
                if left.endswith(link) and (score := _known(left[: -len(link)], frequency)):
                    left, left_score = left[: -len(link)], score
                    break
        if not left_score:
            continue
        right_score = _known(right, frequency)
        right_parts: tuple[str, ...] | None = (right,)
        if not right_score:
            right_parts = _split(right, max_parts - 1, frequency) if max_parts > 2 else None
            if not right_parts:
                continue
            right_score = min(frequency(part) for part in right_parts)
        # Fewer parts first (starters + begeleiding, not start + ers + begeleiding), then the
        # split whose rarest part is most common.
        score = (-len(right_parts), min(left_score, right_score))
        if best is None or score > best[0]:
            best = (score, (left, *right_parts))
    return best[1] if best else None
