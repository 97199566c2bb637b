"""Dutch text handling: normalising, tokenising, stop words, stemming and readable labels."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

import snowballstemmer

from brainstorm.clustering import lexicon, spelling
from brainstorm.clustering.steps import ALL, Steps
from brainstorm.clustering.stopwords import STOP_WORDS
from brainstorm.clustering.vocabulary import Vocabulary, build_vocabulary

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

    def add_many(self, stems: list[str], words: list[str], starts: list[bool]) -> None:
        """Record many occurrences at once (stem, word as typed, at a sentence start)."""
        lowers = [word.lower() for word in words]
        self.forms.update(zip(stems, lowers, strict=True))
        self.spellings.update(
            (lower, word)
            for lower, word, start in zip(lowers, words, starts, strict=True)
            if not start or word[1:] != word[1:].lower()
        )

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

    stems: list[tuple[str, ...]]  # content stems in text order
    parts: list[tuple[str, ...]]  # more stems: parts of compounds, the vocabulary's terms
    words: list[tuple[str, ...]]  # folded content words in text order (typing errors corrected)
    terms: list[tuple[str, ...]]  # vocabulary terms found (wpb -> werkplekbegeleider), as words
    surface: SurfaceForms


@lru_cache(maxsize=200_000)
def _word_key(word: str) -> tuple[str, bool]:
    """Return a typed word's match key and whether it is a content word."""
    key = match_key(word)
    return key, len(key) >= MIN_TOKEN_LENGTH and key not in STOP_WORDS


@lru_cache(maxsize=200_000)
def _stem_key(key: str) -> str:
    return _stemmer().stemWord(key)


class _Text(NamedTuple):
    """One text's tokens as parallel tuples (tuples of strings are not garbage-collected)."""

    typed: tuple[str, ...]  # as typed
    keys: tuple[str, ...]  # match keys
    starts: tuple[bool, ...]  # at a sentence start
    content: tuple[bool, ...]  # not a stop word


def _tokens(text: str) -> _Text:
    typed: list[str] = []
    starts: list[bool] = []
    for sentence in _SENTENCE_BREAK.split(unify(text)):
        words = _WORD.findall(sentence)
        if words:
            typed += words
            starts += [True] + [False] * (len(words) - 1)
    found = [_word_key(word) for word in typed]
    return _Text(
        tuple(typed),
        tuple(key for key, _ in found),
        tuple(starts),
        tuple(content for _, content in found),
    )


def analyse(texts: Iterable[str], steps: Steps = ALL) -> Analysis:
    """Tokenise, drop stop words and stem every text, remembering surface forms for labels.

    With the steps on, compounds also count as their parts (zij-instromers: instromers,
    lerarentekort: leraren, tekort), the field's abbreviations and spellings meet
    (vocabulary.py) and a word typed once with a typing error counts as the session's word.
    """
    tokenised = [_tokens(text) for text in texts]
    background = lexicon.available() and (steps.typos or steps.parts)
    if background:
        lexicon.prepare({key for tokens in tokenised for key in tokens.keys})
    if steps.typos and background:
        frequency: Counter[str] = Counter()
        for tokens in tokenised:
            frequency.update({key for key, c in zip(tokens.keys, tokens.content, strict=True) if c})
        corrections = spelling.corrections(
            frequency, lexicon.zipf, lambda word: len(lexicon.split_compound(word)) > 1
        )
        for number, tokens in enumerate(tokenised):
            if any(key in corrections for key in tokens.keys):
                keys = tuple(corrections.get(key, key) for key in tokens.keys)
                tokenised[number] = tokens._replace(keys=keys)
    compounds = steps.parts and background
    vocabulary = _vocabulary() if steps.vocabulary else None

    surface = SurfaceForms()
    analysis = Analysis(stems=[], parts=[], words=[], terms=[], surface=surface)
    for tokens in tokenised:
        indices = [i for i, content in enumerate(tokens.content) if content]
        words = [tokens.keys[i] for i in indices]
        stems = [_stem_key(key) for key in words]
        surface.add_many(
            stems, [tokens.typed[i] for i in indices], [tokens.starts[i] for i in indices]
        )
        parts: list[str] = []
        if steps.parts:
            for i, key in zip(indices, words, strict=True):
                word = tokens.typed[i]
                pieces = _hyphen_parts(word) if "-" in word else []
                for number, piece in enumerate(pieces, start=1):
                    parts.append(_stem_key(piece))
                    if number == len(pieces):
                        # Shown as the whole compound, so a label never lists both
                        # "instromers" and "zij-instromers".
                        surface.add(parts[-1], word, tokens.starts[i])
                if compounds:
                    for whole in pieces or [key]:
                        split = lexicon.split_compound(whole)
                        if len(split) > 1:
                            for piece in split:
                                parts.append(_stem_key(piece))
                                surface.add(parts[-1], piece, True)
        terms: list[str] = []
        if vocabulary is not None:
            all_stems = [_stem_key(key) for key in tokens.keys]
            for term, first, end in vocabulary.terms(all_stems):
                term_key = match_key(term)
                term_stem = _stem_key(term_key)
                if term_stem in stems:
                    continue  # written as the term itself
                parts.append(term_stem)
                terms.append(term_key)
                typed = " ".join(tokens.typed[first:end])
                surface.add(term_stem, typed, tokens.starts[first])
        # Tuples: millions of small lists kept alive through a run made Python's collector
        # sweep the whole process (0.1 s) every other run.
        analysis.stems.append(tuple(stems))
        analysis.parts.append(tuple(parts))
        analysis.words.append(tuple(words))
        analysis.terms.append(tuple(terms))
    return analysis


def _hyphen_parts(word: str) -> list[str]:
    """Return the match keys of the content parts of a hyphenated word (po-vo-mbo: po, vo, mbo).

    "zij-instromers" must also meet "zij instromers", where "zij" is dropped as a stop word,
    and "mbo-docenten" meets both "mbo" and "docenten".
    """
    keys = [_word_key(part) for part in word.split("-")]
    return [key for key, content in keys if content]


@lru_cache(maxsize=1)
def _vocabulary() -> Vocabulary:
    return build_vocabulary(lambda text: [match_key(word) for word in tokenise(text)], stem)
