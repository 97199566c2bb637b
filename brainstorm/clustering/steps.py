"""Which steps of the clustering pipeline run: the engine runs them all; benchmarks switch them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Steps:
    """One switch per step that can be left out to measure what it adds (an ablation)."""

    parts: bool = True  # hyphenated words and compounds also count as their parts
    vocabulary: bool = True  # abbreviations and spellings of the field meet (vocabulary.py)
    typos: bool = True  # a word typed once, one keystroke from a known word, is that word
    # Word weights from the language as well as the session (wordfreq): about even for NMI at
    # a given k; the automatic k lands one theme nearer with it on both development sets.
    background_idf: bool = True


ALL = Steps()
