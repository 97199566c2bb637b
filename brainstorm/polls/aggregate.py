"""Poll results from answers, per question type: plain data every screen and export draws from.

Pure Python: no Flask, no database. Each function takes the question's settings and the answers
as stored (one value per respondent) and returns JSON-able data.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

from brainstorm.clustering.text import is_stop_word, match_key, tokenise

WORDS_SHOWN = 50
OPEN_SHOWN = 200


def choices(options: Sequence[str], answers: Sequence[Sequence[int]]) -> dict[str, Any]:
    """Single and multiple choice: how many picked each option (a person counts once each)."""
    counts = Counter(index for answer in answers for index in set(answer))
    respondents = len(answers)
    return {
        "respondents": respondents,
        "options": [
            {
                "label": label,
                "count": counts[i],
                "percent": round(100 * counts[i] / respondents) if respondents else 0,
            }
            for i, label in enumerate(options)
        ],
    }


def scale(low: int, high: int, answers: Sequence[int]) -> dict[str, Any]:
    """A scale: mean, median and how many chose each point."""
    counts = Counter(answers)
    return {
        "respondents": len(answers),
        "mean": round(statistics.fmean(answers), 2) if answers else None,
        "median": statistics.median(answers) if answers else None,
        "distribution": [{"value": v, "count": counts[v]} for v in range(low, high + 1)],
    }


def ranking(options: Sequence[str], answers: Sequence[Sequence[int]]) -> dict[str, Any]:
    """Borda totals: first of n gets n-1 points, last 0; ties share a place, best first."""
    n = len(options)
    points = [0] * n
    firsts = [0] * n
    for order in answers:
        for place, index in enumerate(order):
            points[index] += n - 1 - place
        if order:
            firsts[order[0]] += 1
    rows = sorted(
        ({"label": options[i], "points": points[i], "first": firsts[i]} for i in range(n)),
        key=lambda row: (-row["points"], -row["first"]),
    )
    place = 0
    for index, row in enumerate(rows):
        if index == 0 or row["points"] != rows[index - 1]["points"]:
            place = index + 1
        row["place"] = place
    return {"respondents": len(answers), "max_points": (n - 1) * len(answers), "options": rows}


def open_text(answers: Sequence[str]) -> dict[str, Any]:
    """Open answers as written (newest last), capped for the screen; the export has them all."""
    return {"respondents": len(answers), "answers": list(answers)[-OPEN_SHOWN:]}


def word_cloud(answers: Sequence[str]) -> dict[str, Any]:
    """How often each word was given (case and stop words ignored; the common spelling shown)."""
    counts: Counter[str] = Counter()
    spelling: dict[str, Counter[str]] = {}
    for answer in answers:
        seen = set()
        for word in tokenise(answer):
            key = match_key(word)
            if key in seen or is_stop_word(word):
                continue
            seen.add(key)
            counts[key] += 1
            spelling.setdefault(key, Counter())[word] += 1
    return {
        "respondents": len(answers),
        "words": [
            {"text": _usual(spelling[key]), "count": count}
            for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:WORDS_SHOWN]
        ],
    }


def _usual(spellings: Counter[str]) -> str:
    """Lower case when anyone wrote it so (a capital is mostly a sentence start), else as most
    wrote it ("OCW", "RATO")."""
    lower = [word for word in spellings if word == word.lower()]
    return max(lower or spellings, key=lambda word: spellings[word])
