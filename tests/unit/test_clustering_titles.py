"""A cluster's default title reads as a theme: a phrase its members carry, never a question
word, a verb or filler, and its first word is one that (nearly) most of the members use.

Checked for every cluster the engine makes on both development sets, and on small cases."""

import json
from collections import Counter
from pathlib import Path

import pytest

from brainstorm.clustering import cluster, theme_titles
from brainstorm.clustering.text import is_stop_word, match_key, stem, tokenise

EVALDATA = Path(__file__).resolve().parents[3] / "shared/evaldata"
SETS = {
    "vraagstukken_po_vo_mbo": (EVALDATA / "vraagstukken_po_vo_mbo/vraagstukken.jsonl", 12),
    "sib200_nld": (EVALDATA / "sib200_nld/sib200_nld.jsonl", 7),
}
# Words a theme's title must not start or end with: question words, verbs, fillers (seen:
# "straks", "hoeveel", "nemen, samen opleiden, dienst").
_NEVER = """
    hoe wat waarom wie welke welk waar wanneer hoeveel waarmee kunnen kan moeten moet willen
    wil gaan gaat nemen neemt krijgen maken zijn is worden wordt hebben heeft doen geven
    staan zetten houden straks nu samen eigenlijk echt goed beter meer veel nog ook dus
"""
NEVER = set(_NEVER.split())


def _stems(text: str) -> set[str]:
    return {stem(word) for word in tokenise(text) if not is_stop_word(word)}


def _load(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as rows:
        return [json.loads(line)["text"] for line in rows if line.strip()]


@pytest.mark.parametrize("name", list(SETS))
def test_every_title_on_the_development_sets_reads_as_a_theme(name):
    path, k = SETS[name]
    texts = _load(path)
    result = cluster(texts, k)
    themes = [[texts[i] for i in info.members] for info in result.clusters]
    for members, title in zip(themes, theme_titles(themes, texts), strict=True):
        words = tokenise(title)
        assert words, members[:3]
        assert "," not in title and len(title) <= 60, title
        for edge in (words[0], words[-1]):
            assert match_key(edge) not in NEVER, title
        carried = Counter(s for text in members for s in _stems(text))
        first = sum(stem(words[0]) in _stems(text) for text in members)
        # The first word is among the words most members use (never a rare one).
        assert first >= 0.5 * carried.most_common(1)[0][1], (title, carried.most_common(3))


def test_the_title_holds_the_words_most_members_share():
    members = [
        "De werkdruk van werkplekbegeleiders is te hoog",
        "Werkdruk werkplekbegeleiders: geen uren voor begeleiding",
        "Hoe verlagen we de werkdruk van werkplekbegeleiders?",
        "Werkplekbegeleiders hebben te weinig tijd",
    ]
    session = [*members, "Stageplekken in de regio", "Zij-instromers en inductie"]
    (title,) = theme_titles([members], session)
    assert {"werkdruk", "werkplekbegeleiders"} <= set(title.lower().split()), title


def test_abbreviations_keep_the_field_s_spelling_and_empty_themes_have_no_title():
    members = ["mbo en vo samen opleiden", "samenwerking mbo en vo", "mbo-scholen en vo-scholen"]
    titles = theme_titles([members, []], members)
    assert titles[0].startswith("mbo")
    assert titles[1] == ""
