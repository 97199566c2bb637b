"""Unit tests for brainstorm.clustering: what a facilitator sees after pressing "cluster"."""

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from brainstorm.clustering import Clustering, assign, cluster
from brainstorm.clustering.evaluate import evaluate, load_jsonl

# Three themes a teacher-education partnership brings in, each clearly about one thing.
WERKDRUK = [
    "De werkdruk van werkplekbegeleiders is te hoog: ze hebben geen tijd voor begeleiding.",
    "Werkplekbegeleiders krijgen te weinig tijd voor de begeleiding van studenten.",
    "Hoe verminderen we de werkdruk van werkplekbegeleiders op school?",
    "Er is geen tijd in het rooster voor begeleiding door de werkplekbegeleider.",
    "Begeleiding van stagiairs kost werkplekbegeleiders veel tijd naast hun lesrooster.",
    "Werkdruk en tijdgebrek maken begeleiding door werkplekbegeleiders lastig.",
]
BEKOSTIGING = [
    "De bekostiging van samen opleiden is onzeker na afloop van de subsidie.",
    "Hoe regelen we structurele bekostiging in plaats van tijdelijke subsidie?",
    "De subsidie voor het partnerschap stopt volgend jaar; wie betaalt dan?",
    "Scholen krijgen te weinig geld van OCW voor de bekostiging van opleiden.",
    "Subsidie aanvragen kost scholen veel geld en administratie.",
    "Structureel geld en bekostiging van het opleiden in de school ontbreken.",
]
ZIJ_INSTROMERS = [
    "Zij-instromers hebben een kortere opleiding nodig naast hun baan.",
    "Hoe begeleiden we zij instromers die al voor de klas staan?",
    "Zijinstromers vallen vaak uit in het eerste jaar voor de klas.",
    "Zij-instromers combineren werk, opleiding en gezin.",
]
OFF_TOPIC = "De koffieautomaat in de teamkamer is weer kapot."

# Words that say nothing about a topic; a label made of them is useless on the wall.
OBVIOUS_STOP_WORDS = {
    "de", "het", "een", "van", "en", "is", "te", "in", "op", "voor", "we", "ze", "er",
    "hoe", "wie", "dan", "geen", "door", "naast", "hun", "die", "al", "vraag",
}  # fmt: skip

WORD = re.compile(r"[\w'-]+")


def theme_ids(prefix: str, texts: list[str]) -> list[str]:
    return [f"{prefix}{n}" for n in range(len(texts))]


def member_sets(result: Clustering) -> list[frozenset]:
    return [frozenset(info.members) for info in result.clusters]


def cluster_holding(result: Clustering, id_):
    (info,) = [info for info in result.clusters if id_ in info.members]
    return info


def assert_every_text_in_exactly_one_cluster(result: Clustering, ids: list) -> None:
    assert len(result.labels) == len(ids)
    assert result.k == len(result.clusters)
    all_members = [id_ for info in result.clusters for id_ in info.members]
    assert sorted(map(str, all_members)) == sorted(map(str, ids))
    for id_, label in zip(ids, result.labels, strict=True):
        assert id_ in result.clusters[label].members
    assert all(info.members for info in result.clusters), "a cluster without ideas"


# --- splitting themes -------------------------------------------------------------------------


def test_k2_splits_two_themes_exactly() -> None:
    texts = WERKDRUK + BEKOSTIGING
    result = cluster(texts, 2)

    assert result.k == 2
    assert set(member_sets(result)) == {frozenset(range(6)), frozenset(range(6, 12))}
    assert_every_text_in_exactly_one_cluster(result, list(range(len(texts))))


def test_automatic_k_finds_the_two_themes() -> None:
    result = cluster(WERKDRUK + BEKOSTIGING)

    assert result.k == 2
    assert set(member_sets(result)) == {frozenset(range(6)), frozenset(range(6, 12))}
    # The facilitator can see why: the chosen k has the best score of those tried.
    assert result.k_scores is not None
    assert max(result.k_scores, key=result.k_scores.get) == 2


def test_automatic_k_finds_three_themes() -> None:
    texts = WERKDRUK + BEKOSTIGING + ZIJ_INSTROMERS
    result = cluster(texts)

    assert result.k == 3
    assert set(member_sets(result)) == {
        frozenset(range(6)),
        frozenset(range(6, 12)),
        frozenset(range(12, 16)),
    }


# Eight themes with words of their own, each idea naming two of its theme's six: clearly
# separated groups, linked only through the themes' words (the frames are stop words).
SEPARATE_THEMES = [
    ("werkdruk", "rooster", "taakuren", "overuren", "vermoeidheid", "vervanging"),
    ("subsidie", "begroting", "bekostiging", "financiering", "geldstroom", "penningmeester"),
    ("zij-instromers", "omscholing", "carrièreswitch", "verkort traject", "tweede loopbaan",
     "bevoegdheid"),
    ("toetsing", "beoordeling", "rubrics", "cijfers", "examens", "feedback"),
    ("digitalisering", "laptops", "chatbots", "kunstmatige intelligentie", "software", "privacy"),
    ("schoolleiders", "directie", "leiderschap", "visie", "bestuurder", "koers"),
    ("ouders", "gezinnen", "thuissituatie", "oudergesprekken", "betrokkenheid", "opvoeding"),
    ("gebouw", "ventilatie", "lokalen", "huisvesting", "nieuwbouw", "schoolplein"),
]  # fmt: skip
FRAMES = (
    "Hoe zit het met {} en {}?",
    "{} en {}.",
    "Wat is er met {} bij {}?",
    "Het gaat om {} en ook {}.",
)


def separate_themes(count: int) -> tuple[list[str], list[frozenset[int]]]:
    """Return 8 ideas per theme for the first `count` themes, and the themes as index sets."""
    texts: list[str] = []
    themes = []
    for words in SEPARATE_THEMES[:count]:
        pairs = [(a, b) for i, a in enumerate(words) for b in words[i + 1 :]][:8]
        start = len(texts)
        texts += [FRAMES[n % len(FRAMES)].format(a, b) for n, (a, b) in enumerate(pairs)]
        themes.append(frozenset(range(start, len(texts))))
    return texts, themes


@pytest.mark.parametrize("count", [2, 4, 6, 8])
def test_automatic_k_is_the_number_of_clearly_separated_themes(count: int) -> None:
    # Before the candidate partitions were refined in the first k eigenvectors, one Ward
    # tree's cuts gave 4 -> 5, 6 -> 9 and 8 -> 7 themes here.
    texts, themes = separate_themes(count)
    result = cluster(texts)

    assert result.k == count
    assert set(member_sets(result)) == set(themes)


def test_k_given_by_the_facilitator_reports_no_k_scores() -> None:
    assert cluster(WERKDRUK + BEKOSTIGING, 2).k_scores is None


def test_clusters_are_listed_largest_first_with_members_representative_and_cohesion() -> None:
    texts = ZIJ_INSTROMERS + BEKOSTIGING[:5] + WERKDRUK
    result = cluster(texts, 3)

    sizes = [len(info.members) for info in result.clusters]
    assert sizes == sorted(sizes, reverse=True) == [6, 5, 4]
    for info in result.clusters:
        assert info.representative in info.members
        assert 0.0 <= info.cohesion <= 1.0
    assert len({info.key for info in result.clusters}) == 3


def test_numpy_integer_k_is_accepted() -> None:
    assert cluster(WERKDRUK + BEKOSTIGING, np.int64(2)).k == 2


# --- ids ----------------------------------------------------------------------------------------


def test_ids_name_members_representatives_and_coords() -> None:
    ids = theme_ids("werk-", WERKDRUK) + theme_ids("geld-", BEKOSTIGING)
    result = cluster(WERKDRUK + BEKOSTIGING, 2, ids=ids)

    assert set(member_sets(result)) == {frozenset(ids[:6]), frozenset(ids[6:])}
    for info in result.clusters:
        assert info.representative in info.members
    assert set(result.coords) == set(ids)
    assert_every_text_in_exactly_one_cluster(result, ids)


@pytest.mark.parametrize(
    "ids",
    [
        ["a", "b"],  # too few
        ["a", "b", "c", "d"],  # too many
        ["a", "b", "a"],  # not unique
        [],
    ],
)
def test_ids_must_name_every_text_once(ids: list[str]) -> None:
    with pytest.raises(ValueError):
        cluster(WERKDRUK[:3], ids=ids)


@pytest.mark.parametrize("k", [0, -1, True, False, 1.5, "2"])
def test_invalid_k_is_refused(k) -> None:
    with pytest.raises(ValueError):
        cluster(WERKDRUK + BEKOSTIGING, k)


# --- labels (terms) -----------------------------------------------------------------------------


def test_terms_name_the_theme_in_words_people_typed() -> None:
    texts = WERKDRUK + BEKOSTIGING + ZIJ_INSTROMERS
    ids = theme_ids("w", WERKDRUK) + theme_ids("g", BEKOSTIGING) + theme_ids("z", ZIJ_INSTROMERS)
    result = cluster(texts, 3, ids=ids)
    typed = {word.lower() for text in texts for word in WORD.findall(text)}

    for info in result.clusters:
        assert info.terms, f"cluster {info.members} has no label"
        for term in info.terms:
            for word in term.split():
                # A stem such as "bekost" or "werkplekbeleider" would not be a typed word.
                assert word.lower() in typed, f"{word!r} in {info.terms} is not a typed word"

    geld = cluster_holding(result, "g0")
    assert any("subsidie" in term for term in geld.terms)
    werk = cluster_holding(result, "w0")
    assert any("werkdruk" in term or "werkplekbegeleiders" in term for term in werk.terms)
    # A hyphenated compound is shown whole, not as its head "instromers".
    zij = cluster_holding(result, "z0")
    assert any("zij-instromers" in term for term in zij.terms)
    assert not any(word in {"instromers", "instromer"} for t in zij.terms for word in t.split())


def test_terms_contain_no_stop_words() -> None:
    result = cluster(WERKDRUK + BEKOSTIGING + ZIJ_INSTROMERS, 3)

    for info in result.clusters:
        words = {word.lower() for term in info.terms for word in term.split()}
        assert not words & OBVIOUS_STOP_WORDS, info.terms


# --- stable keys between runs -------------------------------------------------------------------


def test_previous_keys_follow_their_ideas_into_a_new_run() -> None:
    ids = theme_ids("w", WERKDRUK) + theme_ids("g", BEKOSTIGING)
    first = cluster(WERKDRUK + BEKOSTIGING, 2, ids=ids)
    previous = {info.key: list(info.members) for info in first.clusters}
    werk_key = cluster_holding(first, "w0").key
    geld_key = cluster_holding(first, "g0").key

    # Three new ideas about money make that cluster the largest, so it moves to the front;
    # its key must move with it.
    new = [
        "Meer subsidie voor opleidingsscholen, graag structureel.",
        "De bekostiging per student is te laag voor scholen.",
        "Waar blijft het geld van OCW voor samen opleiden?",
    ]
    second = cluster(
        WERKDRUK + BEKOSTIGING + new, 2, ids=[*ids, "n0", "n1", "n2"], previous=previous
    )

    assert {info.key for info in second.clusters} == {werk_key, geld_key}
    assert second.clusters[0].key == geld_key
    by_key = {info.key: set(info.members) for info in second.clusters}
    assert set(previous[werk_key]) <= by_key[werk_key]
    assert set(previous[geld_key]) | {"n0", "n1", "n2"} <= by_key[geld_key]


def test_keys_a_facilitator_chose_are_kept() -> None:
    ids = theme_ids("w", WERKDRUK) + theme_ids("g", BEKOSTIGING)
    previous = {"werkdruk": ids[:6], "geld": ids[6:]}
    new = ["Werkplekbegeleiders hebben meer tijd nodig voor begeleiding."]
    result = cluster(WERKDRUK + BEKOSTIGING + new, 2, ids=[*ids, "n0"], previous=previous)

    by_key = {info.key: set(info.members) for info in result.clusters}
    assert by_key == {"werkdruk": {*ids[:6], "n0"}, "geld": set(ids[6:])}


def test_a_new_cluster_never_gets_a_key_used_before() -> None:
    ids = theme_ids("w", WERKDRUK) + theme_ids("g", BEKOSTIGING) + theme_ids("z", ZIJ_INSTROMERS)
    # c3 named a cluster whose ideas were since deleted; its title may still be stored.
    previous = {"c1": ids[:6], "c2": ids[6:12], "c3": ["deleted-1", "deleted-2"]}
    result = cluster(WERKDRUK + BEKOSTIGING + ZIJ_INSTROMERS, 3, ids=ids, previous=previous)

    assert cluster_holding(result, "w0").key == "c1"
    assert cluster_holding(result, "g0").key == "c2"
    fresh = cluster_holding(result, "z0").key
    assert fresh not in previous


def test_a_key_does_not_follow_a_minority_of_its_ideas() -> None:
    ids = theme_ids("w", WERKDRUK) + theme_ids("g", BEKOSTIGING) + theme_ids("z", ZIJ_INSTROMERS)
    # "werkdruk" once held one idea about money and five since deleted: the money cluster that
    # now holds that one idea is another theme and must not inherit the facilitator's title.
    previous = {"werkdruk": [ids[6], "gone-1", "gone-2", "gone-3", "gone-4", "gone-5"]}
    result = cluster(WERKDRUK + BEKOSTIGING + ZIJ_INSTROMERS, 3, ids=ids, previous=previous)

    assert "werkdruk" not in {info.key for info in result.clusters}


def test_fresh_keys_do_not_collide_with_previous_numbered_keys() -> None:
    ids = theme_ids("w", WERKDRUK) + theme_ids("g", BEKOSTIGING) + theme_ids("z", ZIJ_INSTROMERS)
    previous = {"c5": ids[:6]}
    result = cluster(WERKDRUK + BEKOSTIGING + ZIJ_INSTROMERS, 3, ids=ids, previous=previous)

    keys = [info.key for info in result.clusters]
    assert cluster_holding(result, "w0").key == "c5"
    assert len(set(keys)) == 3


# --- determinism --------------------------------------------------------------------------------


def test_same_input_and_seed_give_the_same_result() -> None:
    texts = WERKDRUK + BEKOSTIGING + ZIJ_INSTROMERS + [OFF_TOPIC]
    first = cluster(texts, seed=7).to_dict()
    second = cluster(texts, seed=7).to_dict()

    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


# --- edge cases ---------------------------------------------------------------------------------


def test_empty_input_gives_no_clusters() -> None:
    result = cluster([])

    assert result.k == 0
    assert result.clusters == []
    assert result.labels == []
    assert result.coords == {}
    json.dumps(result.to_dict())


@pytest.mark.parametrize(
    ("texts", "k"),
    [
        pytest.param(["Inductie van startende leraren"], None, id="one-text"),
        pytest.param(["Inductie van startende leraren"], 3, id="one-text-k3"),
        pytest.param(
            ["Inductie van startende leraren", "Subsidie stopt volgend jaar"],
            None,
            id="two-unrelated-texts",
        ),
        pytest.param(
            ["Werkplekbegeleiders zijn overbelast", "Begeleiding ontbreekt op school"],
            None,
            id="shared-characters-but-no-shared-word",
        ),
        pytest.param(["Subsidie voor inductie"] * 5, None, id="all-identical"),
        pytest.param(["Subsidie voor inductie"] * 5, 3, id="all-identical-k3"),
        pytest.param(
            ["de het van", "!!!", "🙂🙂🙂", "...", "   ", ""],
            None,
            id="only-stop-words-punctuation-emoji",
        ),
        pytest.param(
            ["de het van", "!!!", "🙂🙂🙂", "", *BEKOSTIGING], None, id="stop-words-among-content"
        ),
        pytest.param(BEKOSTIGING[:2] * 2, 10, id="k-above-distinct-texts"),
    ],
)
def test_awkward_input_is_clustered_without_error(texts: list[str], k: int | None) -> None:
    result = cluster(texts, k)

    assert_every_text_in_exactly_one_cluster(result, list(range(len(texts))))
    assert result.k >= 1
    assert result.k <= len(set(texts))
    assert set(result.coords) == set(range(len(texts)))
    json.dumps(result.to_dict())


def test_identical_texts_form_one_cluster_and_are_all_flagged_as_duplicates() -> None:
    result = cluster(["Subsidie voor inductie"] * 4, 3)

    assert result.k == 1
    assert set(result.duplicates) == {(0, 1), (0, 2), (0, 3)}


def test_texts_without_content_are_outliers_not_a_cluster_of_nothing() -> None:
    texts = ["de het van", "!!!", "🙂🙂🙂", *BEKOSTIGING]
    result = cluster(texts)

    assert set(result.outliers) == {0, 1, 2}
    assert not any({0, 1, 2} >= set(info.members) for info in result.clusters)
    assert result.duplicates == []


# --- duplicates and outliers --------------------------------------------------------------------


def test_near_duplicates_are_reported_as_pairs_of_ids() -> None:
    ids = theme_ids("w", WERKDRUK) + theme_ids("g", BEKOSTIGING)
    clean = cluster(WERKDRUK + BEKOSTIGING, ids=ids)
    assert clean.duplicates == []

    near = [
        # the same sentence, one word and the punctuation changed
        "De werkdruk van werkplekbegeleiders is te hoog: ze hebben geen tijd voor de begeleiding!",
        # the same sentence in lower case without the full stop
        "de bekostiging van samen opleiden is onzeker na afloop van de subsidie",
    ]
    result = cluster(WERKDRUK + BEKOSTIGING + near, ids=[*ids, "dup-w", "dup-g"])

    assert set(result.duplicates) == {("w0", "dup-w"), ("g0", "dup-g")}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_off_topic_text_is_an_outlier(seed: int) -> None:
    ids = theme_ids("w", WERKDRUK) + theme_ids("g", BEKOSTIGING)
    assert cluster(WERKDRUK + BEKOSTIGING, ids=ids, seed=seed).outliers == []

    result = cluster(WERKDRUK + BEKOSTIGING + [OFF_TOPIC], ids=[*ids, "koffie"], seed=seed)

    assert result.outliers == ["koffie"]
    # Being an outlier does not cost the themes their split or their labels.
    assert {frozenset(m - {"koffie"}) for m in member_sets(result)} == {
        frozenset(ids[:6]),
        frozenset(ids[6:]),
    }
    for info in result.clusters:
        assert not any("koffieautomaat" in term for term in info.terms)


# --- to_dict and the map ------------------------------------------------------------------------


@pytest.mark.parametrize("with_ids", [False, True])
def test_to_dict_survives_json_with_coords_for_every_idea(with_ids: bool) -> None:
    texts = WERKDRUK + BEKOSTIGING + [OFF_TOPIC, WERKDRUK[0]]
    ids = [f"idea-{n}" for n in range(len(texts))] if with_ids else list(range(len(texts)))
    result = cluster(texts, ids=ids if with_ids else None)
    data = result.to_dict()

    restored = json.loads(json.dumps(data))
    assert restored == data
    assert set(restored["coords"]) == {str(id_) for id_ in ids}
    for x, y in restored["coords"].values():
        assert math.isfinite(x) and math.isfinite(y)
        assert -1.0 <= x <= 1.0 and -1.0 <= y <= 1.0
    assert restored["labels"] == result.labels
    assert [c["members"] for c in restored["clusters"]] == [c.members for c in result.clusters]
    assert restored["outliers"] and restored["duplicates"]


def test_ideas_of_one_theme_sit_together_on_the_map() -> None:
    result = cluster(WERKDRUK + BEKOSTIGING, 2)
    points = np.array([result.coords[i] for i in range(12)])
    werk, geld = points[:6].mean(axis=0), points[6:].mean(axis=0)

    for i, point in enumerate(points):
        own, other = (werk, geld) if i < 6 else (geld, werk)
        assert np.linalg.norm(point - own) < np.linalg.norm(point - other)


# --- assign -------------------------------------------------------------------------------------


def test_assign_puts_new_ideas_with_their_theme() -> None:
    groups = {"werk": WERKDRUK, "geld": BEKOSTIGING, "zij": ZIJ_INSTROMERS}
    new = [
        "Wanneer komt er eindelijk structurele subsidie?",
        "Werkplekbegeleiders hebben te weinig tijd.",
        "Zij instromers willen een verkorte route.",
    ]

    assert assign(groups, new) == ["geld", "werk", "zij"]


def test_assign_sends_an_idea_without_content_to_the_largest_group() -> None:
    groups = {"zij": ZIJ_INSTROMERS, "werk": WERKDRUK, "geld": BEKOSTIGING[:3]}

    assert assign(groups, ["de het van", "???"]) == ["werk", "werk"]


def test_assign_skips_empty_groups_and_accepts_no_new_texts() -> None:
    assert assign({"leeg": [], "geld": BEKOSTIGING}, ["Subsidie stopt"]) == ["geld"]
    assert assign({"geld": BEKOSTIGING}, []) == []


@pytest.mark.parametrize("groups", [{}, {"leeg": []}, {"a": [], "b": []}])
def test_assign_needs_a_group_with_texts(groups) -> None:
    with pytest.raises(ValueError):
        assign(groups, ["Subsidie stopt volgend jaar"])


def test_assign_with_small_groups_that_share_nothing_with_the_new_text() -> None:
    # Early in a session: one idea per group, and a new idea about something else.
    assert assign({"geld": ["Subsidie stopt"]}, ["Werkdruk hoog"]) == ["geld"]


# --- evaluation ---------------------------------------------------------------------------------


def test_load_jsonl_reads_texts_and_labels(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    rows = [
        {"id": 1, "text": "Subsidie stopt", "label": "geld"},
        {"id": 2, "text": "Werkdruk is hoog", "label": 3},
    ]
    path.write_text(
        json.dumps(rows[0]) + "\n\n" + json.dumps(rows[1], ensure_ascii=False) + "\n",
        encoding="utf-8",
    )

    assert load_jsonl(path) == (["Subsidie stopt", "Werkdruk is hoog"], ["geld", "3"])


def test_load_jsonl_uses_the_named_fields(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"zin": "Inductie ontbreekt", "thema": "inductie"}) + "\n")

    assert load_jsonl(path, text_field="zin", label_field="thema") == (
        ["Inductie ontbreekt"],
        ["inductie"],
    )


@pytest.mark.parametrize(
    "bad_line",
    ['{"text": "Subsidie stopt", "label": ', '{"text": "zonder label"}', '["text", "label"]'],
    ids=["broken-json", "missing-field", "not-an-object"],
)
def test_load_jsonl_names_the_bad_line(tmp_path: Path, bad_line: str) -> None:
    path = tmp_path / "gold.jsonl"
    good = json.dumps({"text": "Werkdruk is hoog", "label": "werk"})
    # Line 2 is blank; the bad line is line 4 of the file as an editor shows it.
    path.write_text(f"{good}\n\n{good}\n{bad_line}\n{good}\n", encoding="utf-8")

    with pytest.raises(ValueError, match=r"line 4\b"):
        load_jsonl(path)


def test_evaluate_refuses_mismatched_labels() -> None:
    with pytest.raises(ValueError):
        evaluate(WERKDRUK, ["werk"] * 5)
    with pytest.raises(ValueError):
        evaluate([], [])
