"""Dutch text handling: normalising, tokenising, stop words, stemming and readable labels."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import snowballstemmer

from brainstorm.clustering.stopwords import STOP_WORDS

# Snowball 3's "dutch" is the Kraaij-Pohlmann stemmer (leraren -> leraar). It also strips a
# "ge-" prefix, so begeleiding and beleid share the stem "beleid"; "dutch_porter" is the older,
# more conservative algorithm. One name here so the choice can be measured (evaluate.py).
STEMMER_ALGORITHM = "dutch"

MIN_TOKEN_LENGTH = 2

_PUNCTUATION = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "\u00ad": None,  # soft hyphens come from copy-pasted documents and split words invisibly
    }
)

# Letters only, allowing an inner apostrophe or hyphen: zij-instromers, rato's, zo'n.
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_SENTENCE_BREAK = re.compile(r"[.!?:;\n•]")


def unify(text: str) -> str:
    """Return text with Unicode compatibility forms, quotes and dashes made uniform."""
    return unicodedata.normalize("NFKC", text).translate(_PUNCTUATION)


def normalise(text: str) -> str:
    """Return text unified, lower-cased and with whitespace collapsed (diacritics kept)."""
    return " ".join(unify(text).lower().split())


def fold(text: str) -> str:
    """Return text without diacritics, for matching only (ideeën and ideeen must meet)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenise(text: str) -> list[str]:
    """Return the words of text as typed (case and diacritics kept, quotes and dashes unified)."""
    return _WORD.findall(unify(text))


@lru_cache(maxsize=200_000)
def match_key(word: str) -> str:
    """Return the form a word is matched on: lower-case, folded, no hyphens, no "'s" ending."""
    key = fold(word.lower())
    if key.endswith("'s"):
        key = key[:-2]
    # People write zij-instromer, zij instromer and zijinstromer; the joined form is one word.
    return key.replace("-", "")


def is_stop_word(word: str) -> bool:
    """Return whether a word carries no topic (function word or brainstorm filler)."""
    key = match_key(word)
    return len(key) < MIN_TOKEN_LENGTH or key in STOP_WORDS


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    # snowballstemmer hands back a PyStemmer object when that is installed (~200x faster).
    return snowballstemmer.stemmer(STEMMER_ALGORITHM)


def stem(word: str) -> str:
    """Return the Snowball Dutch stem of a word's match key."""
    return _stemmer().stemWord(match_key(word))


@dataclass
class SurfaceForms:
    """Map stems back to the words people actually typed, for labels."""

    # (stem, lower-case surface form) -> count; insertion order breaks ties
    forms: Counter[tuple[str, str]] = field(default_factory=Counter)
    # (lower-case surface form, spelling as typed) -> count, away from a sentence start
    spellings: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, stem_: str, word: str, sentence_start: bool) -> None:
        """Record one occurrence of word (as typed) under its stem."""
        lower = word.lower()
        self.forms[stem_, lower] += 1
        # A capital at a sentence start says nothing about how a word is spelt, but capitals
        # further in (OCW, PO-Raad) do.
        if not sentence_start or word[1:] != word[1:].lower():
            self.spellings[lower, word] += 1

    @cached_property
    def _by_stem(self) -> dict[str, dict[str, int]]:
        # Built once, when labels are asked for: counting pairs is what stays cheap per word.
        grouped: dict[str, dict[str, int]] = {}
        for (stem_, lower), count in self.forms.items():
            grouped.setdefault(stem_, {})[lower] = count
        return grouped

    @cached_property
    def _casing(self) -> dict[str, dict[str, int]]:
        grouped: dict[str, dict[str, int]] = {}
        for (lower, spelt), count in self.spellings.items():
            grouped.setdefault(lower, {})[spelt] = count
        return grouped

    def word(self, stem_: str) -> str:
        """Return the most frequent surface form of a stem, spelt as people write it."""
        forms = self._by_stem.get(stem_)
        if not forms:
            return stem_
        lower = max(forms, key=forms.__getitem__)
        spellings = self._casing.get(lower)
        if not spellings or spellings.get(lower, 0) > 0:
            return lower
        # Never written in lower case where case carries meaning: an acronym or a name.
        return max(spellings, key=spellings.__getitem__)

    def term(self, stem_ngram: str) -> str:
        """Return a stem n-gram ("a b") as readable words ("aanpak tekort")."""
        return " ".join(self.word(part) for part in stem_ngram.split())


@dataclass
class Analysis:
    """Per-text content words and stems, plus the stem -> surface map for the whole set."""

    stems: list[list[str]]  # content stems in text order
    heads: list[list[str]]  # stems of the last part of hyphenated words (zij-instromers)
    words: list[list[str]]  # folded content words in text order
    surface: SurfaceForms


def analyse(texts: Iterable[str]) -> Analysis:
    """Tokenise, drop stop words and stem every text, remembering surface forms for labels."""
    stemmer = _stemmer()
    cache: dict[str, str] = {}
    surface = SurfaceForms()
    all_stems: list[list[str]] = []
    all_heads: list[list[str]] = []
    all_words: list[list[str]] = []

    def stem_of(key: str) -> str:
        found = cache.get(key)
        if found is None:
            found = cache[key] = stemmer.stemWord(key)
        return found

    for text in texts:
        stems: list[str] = []
        heads: list[str] = []
        words: list[str] = []
        unified = unify(text)
        sentence_start = True
        position = 0
        for match in _WORD.finditer(unified):
            # Sentence punctuation in the gap before a word makes it a sentence start.
            gap = unified[position : match.start()]
            if _SENTENCE_BREAK.search(gap):
                sentence_start = True
            position = match.end()
            word = match.group()
            key = match_key(word)
            starts = sentence_start
            sentence_start = False
            if len(key) < MIN_TOKEN_LENGTH or key in STOP_WORDS:
                continue
            stem_ = stem_of(key)
            stems.append(stem_)
            words.append(key)
            surface.add(stem_, word, starts)
            if "-" in word:
                # The head of a Dutch compound is its last part: "zij-instromers" must also
                # meet "zij instromers", where "zij" is dropped as a stop word.
                head = word.rsplit("-", 1)[1]
                head_key = match_key(head)
                if len(head_key) >= MIN_TOKEN_LENGTH and head_key not in STOP_WORDS:
                    heads.append(stem_of(head_key))
                    # Shown as the whole compound, so a label never lists both "instromers"
                    # and "zij-instromers".
                    surface.add(heads[-1], word, starts)
        all_stems.append(stems)
        all_heads.append(heads)
        all_words.append(words)
    return Analysis(stems=all_stems, heads=all_heads, words=all_words, surface=surface)
