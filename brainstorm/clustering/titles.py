"""A theme's default title: a short phrase its members carry, not a list of keywords.

The phrase is taken from the members' own words (one to three in a row), so it reads as they
wrote it ("Werkdruk werkplekbegeleiders", "Zij-instroom en begeleiding"). A phrase wins over a
single word when nearly as many members carry it; stop words, question words and fillers never
start or end a title.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from brainstorm.clustering.text import is_stop_word, match_key, stem, tokenise

# Words that may sit inside a phrase ("tekort aan leraren", "begeleiding van starters").
_JOINERS = frozenset({"aan", "van", "voor", "in", "op", "met", "bij", "en", "en/of"})
# Words that read as filler at the edge of a title even though they carry some topic.
_FILLERS = """
    hoeveel welke waarom wanneer straks samen steeds vaak soms altijd nieuwe nieuw grote groot
    grootste kleine klein eerste tweede andere zelf genoeg extra sterker sterk minder meer
    nemen neemt geven geeft staan staat zetten kijken laten brengen gebruik gebruiken bieden
    biedt lijkt lijken willen hele goed beter snel vooral echt
"""
_EDGE_FILLERS = frozenset(_FILLERS.split())
PHRASE_SHARE = 0.6  # a phrase must be carried by this share of the best single word's members
PAIR_SHARE = 0.35  # a second word joins the title with "en" when this share of members has it
# The first word is carried by nearly as many members as the most common word: a title says
# what most of them are about, weighed towards what sets the theme apart from the session.
MIN_SHARE = 0.75
MAX_TITLE = 60


def _topic(word: str) -> bool:
    return not is_stop_word(word) and match_key(word) not in _EDGE_FILLERS


def reads_as_title(phrase: str) -> bool:
    """True when a phrase neither starts nor ends with a stop word, question word or filler."""
    words = tokenise(phrase)
    return bool(words) and _topic(words[0]) and _topic(words[-1])


def _phrases(text: str) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Every run of 1–3 words in text that starts and ends with a topic word, by stem key."""
    words = tokenise(text)
    found: dict[tuple[str, ...], tuple[str, ...]] = {}
    for start, first in enumerate(words):
        if not _topic(first):
            continue
        for length in (1, 2, 3):
            run = words[start : start + length]
            if len(run) < length or not _topic(run[-1]):
                continue
            if any(not _topic(w) and match_key(w) not in _JOINERS for w in run[1:-1]):
                continue
            key = tuple(stem(w) for w in run)
            found.setdefault(key, tuple(run))
    return found


def _document_counts(texts: Sequence[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({stem(w) for w in tokenise(text) if _topic(w)})
    return counts


def theme_titles(themes: Sequence[Sequence[str]], session: Sequence[str]) -> list[str]:
    """A title per theme (its members' texts); `session` holds every text on the board.

    A word the whole session uses ("leraren") says less about one theme than a word only its
    members use ("subsidie"), so words are weighed against the session.
    """
    everywhere = _document_counts(session)
    return [_title(texts, everywhere, max(len(session), len(texts))) for texts in themes]


def _title(texts: Sequence[str], everywhere: Counter[str], n: int) -> str:

    def weight(key: tuple[str, ...]) -> float:
        return carried[key] * (math.log((1 + n) / (1 + everywhere.get(key[0], 0))) + 1)

    carried: Counter[tuple[str, ...]] = Counter()
    surfaces: dict[tuple[str, ...], Counter[tuple[str, ...]]] = {}
    for text in texts:
        for key, surface in _phrases(text).items():
            carried[key] += 1  # once per member: a word repeated in one text counts once
            surfaces.setdefault(key, Counter())[surface] += 1
    if not carried:
        return ""
    common = max(carried[key] for key in carried if len(key) == 1)
    singles = sorted(
        (key for key in carried if len(key) == 1 and carried[key] >= MIN_SHARE * common),
        key=lambda k: (-weight(k), -carried[k], k),
    )
    best = singles[0]
    # The longest phrase (with the best word in it) that nearly as many members carry.
    phrases = [
        key
        for key in carried
        if len(key) > 1 and best[0] in key and carried[key] >= max(2, PHRASE_SHARE * carried[best])
    ]
    if phrases:
        best = max(phrases, key=lambda k: (carried[k], len(k)))
    words = list(surfaces[best].most_common(1)[0][0])
    if len(best) == 1 and len(singles) > 1:
        second = singles[1]
        if carried[second] >= max(2, PAIR_SHARE * len(texts)):
            words += ["en", *surfaces[second].most_common(1)[0][0]]
    title = " ".join(words)
    if len(words[0]) > 3:  # "mbo en vo" stays as the field writes it, "Werkdruk" is capitalised
        title = title[:1].upper() + title[1:]
    return title if len(title) <= MAX_TITLE else title[:MAX_TITLE].rsplit(" ", 1)[0]
