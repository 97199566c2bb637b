"""Typing errors: a word typed once that is no Dutch word, one keystroke from one in the session.

People type on phones ("werkdurk", "leerkachten", "samenwerkng"); such a word shares nothing
with the correct word elsewhere in the session. It is read as that word when it is unknown to
the background word list, used in one text only, and exactly one insertion, deletion,
substitution or swap of neighbours away from a word the session uses more or the language
knows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

MIN_LENGTH = 5  # shorter words are too often another word one letter away (raad/rand)
KNOWN_ZIPF = 3.0  # a correction target the language knows this well, or the session uses twice


def _one_edit(a: str, b: str) -> bool:
    """Return whether a and b differ by one insertion, deletion, substitution or swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    # From the first difference on, the rest must match after the one edit; compared as
    # slices, without building every candidate string (this ran thousands of times a run).
    if not a:
        return True  # b is one letter
    i = 0
    while a[i] == b[i]:
        i += 1
        if i == len(a):
            return True  # b is a with one letter added at the end
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:
        return True  # one substitution
    j = i + 1  # else only a swap of neighbours i, j
    return j < len(a) and a[i] == b[j] and a[j] == b[i] and a[j + 1 :] == b[j + 1 :]


def corrections(
    document_frequency: Counter[str],
    zipf: Callable[[str], float],
    is_compound: Callable[[str], bool] = lambda word: False,
) -> dict[str, str]:
    """Return {typo: word} for the session's words, given how many texts use each word."""
    suspects = [
        word
        for word, count in document_frequency.items()
        if count == 1
        and len(word) >= MIN_LENGTH
        and word.isalpha()
        and zipf(word) == 0.0
        and not is_compound(word)
    ]
    if not suspects:
        return {}
    # The few suspects are compared with the session's words of the same first letter and
    # about the same length: no index of every word's deletions is built per run.
    groups: dict[tuple[str, int], list[str]] = {}
    for target in _targets(document_frequency, zipf):
        groups.setdefault((target[0], len(target)), []).append(target)
    result: dict[str, str] = {}
    for word in suspects:
        found = [
            target
            for size in (len(word) - 1, len(word), len(word) + 1)
            for target in groups.get((word[0], size), ())
            if target != word and _one_edit(word, target)
        ]
        if found:
            # The most used word in the session, then the most common in the language.
            result[word] = max(sorted(found), key=lambda t: (document_frequency[t], zipf(t)))
    return result


def _targets(document_frequency: Counter[str], zipf: Callable[[str], float]) -> Iterable[str]:
    for word, count in document_frequency.items():
        if len(word) >= MIN_LENGTH - 1 and (count >= 2 or zipf(word) >= KNOWN_ZIPF):
            yield word
