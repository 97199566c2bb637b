"""Each step that uses words better: compounds, the field's vocabulary, typing errors,
background IDF and the Ward tree over micro-clusters; each can be switched off (Steps)."""

import numpy as np
import pytest

from brainstorm.clustering import cluster, lexicon
from brainstorm.clustering.features import _background_prior, _tfidf, build_features
from brainstorm.clustering.model import _ward_partitions, _weighted_ward
from brainstorm.clustering.spelling import _one_edit, corrections
from brainstorm.clustering.steps import ALL, Steps
from brainstorm.clustering.text import analyse, stem
from brainstorm.clustering.vocabulary import ENTRIES

needs_wordfreq = pytest.mark.skipif(not lexicon.available(), reason="wordfreq not installed")
NOTHING = Steps(parts=False, vocabulary=False, typos=False, background_idf=False)


# --- background word frequencies and compounds (lexicon.py) -----------------------------------


@needs_wordfreq
def test_lexicon_knows_how_common_dutch_words_are():
    assert lexicon.zipf("de") > 7 > lexicon.zipf("leraren") > 3
    assert lexicon.zipf("xqzwv") == 0.0
    assert list(lexicon.zipf_many(["de", "xqzwv"])) == [lexicon.zipf("de"), 0.0]


@needs_wordfreq
@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("lerarentekort", ("leraren", "tekort")),
        ("opleidingsschool", ("opleiding", "school")),  # a linking s
        ("startersbegeleiding", ("starters", "begeleiding")),
        ("pabostudenten", ("pabo", "studenten")),
    ],
)
def test_compounds_split_into_known_words(word, parts):
    assert lexicon.split_compound(word) == parts


@needs_wordfreq
@pytest.mark.parametrize(
    "word", ["aandacht", "leerkracht", "verplicht", "begeleiding", "xqzwvxqzwv"]
)
def test_common_words_and_unknown_strings_stay_whole(word):
    assert lexicon.split_compound(word) == (word,)


@needs_wordfreq
def test_compound_parts_are_features_but_never_labels():
    analysis = analyse(["Het lerarentekort groeit"])
    assert {stem("leraren"), stem("tekort")} <= set(analysis.parts[0])
    assert stem("tekort") not in analysis.stems[0]  # what was typed stays as typed
    assert analyse(["Het lerarentekort groeit"], Steps(parts=False)).parts[0] == ()


# --- the field's vocabulary (vocabulary.py) ---------------------------------------------------


def test_vocabulary_joins_abbreviations_spellings_and_phrases():
    analysis = analyse(
        [
            "Onze wpb'ers hebben geen uren",
            "Het tekort aan leraren in het po",
            "zij instromers haken af",
            "SO&P loopt af",
        ]
    )
    assert stem("werkplekbegeleider") in analysis.parts[0]
    assert {stem("lerarentekort"), "po"} <= set(analysis.parts[1]) | set(analysis.stems[1])
    assert stem("zijinstromer") in analysis.parts[2]
    assert stem("samenopleiden") in analysis.parts[3]
    # Shown as typed, not as the term.
    assert analysis.surface.word(stem("werkplekbegeleider")) == "wpb'ers"


def test_vocabulary_reads_field_english_as_its_dutch_term():
    analysis = analyse(["career switchers need a faster route"])
    assert stem("zijinstromer") in analysis.parts[0]


def test_vocabulary_adds_nothing_a_text_already_says():
    analysis = analyse(["Werkplekbegeleiders en wpb"])
    assert analysis.parts[0].count(stem("werkplekbegeleider")) == 0
    assert analyse(["Onze wpb'ers"], Steps(vocabulary=False)).parts[0] == ()


def test_vocabulary_lines_are_well_formed():
    for term, variants in ENTRIES:
        assert term and " " not in term, term
        assert variants and all(variant.strip() == variant for variant in variants), term


def test_texts_in_other_words_for_one_term_cluster_together():
    texts = [
        "Onze wpb'ers krijgen geen uren",
        "werkplekbegeleiders moeten uren krijgen",
        "De wpb heeft te weinig uren",
        "Subsidie voor het partnerschap stopt",
        "De subsidie loopt af, wat dan?",
        "Wie betaalt als de subsidie stopt?",
    ]
    labels = cluster(texts, 2).labels
    assert labels[0] == labels[1] == labels[2] != labels[3] == labels[4] == labels[5]


# --- typing errors (spelling.py) ----------------------------------------------------------------


def test_one_edit_covers_insertion_deletion_substitution_and_swap():
    assert _one_edit("werkdurk", "werkdruk")  # swap of neighbours
    assert _one_edit("samenwerkng", "samenwerking")  # a letter left out
    assert _one_edit("leerkachten", "leerkrachten")
    assert _one_edit("werkdruk", "werkdrukk")
    assert _one_edit("werkdrok", "werkdruk")
    assert not _one_edit("werkdruk", "werkdruk")
    assert not _one_edit("werkdruk", "werkdrukte")
    assert not _one_edit("werkdruk", "wrekdurk")


def test_a_word_typed_once_is_read_as_the_sessions_word():
    frequency = {"werkdruk": 3, "werkdurk": 1, "subsidie": 2}
    known = {"werkdruk": 3.3, "subsidie": 4.2}
    found = corrections(frequency, lambda word: known.get(word, 0.0))
    assert found == {"werkdurk": "werkdruk"}


def test_a_known_word_or_one_used_twice_is_never_corrected():
    frequency = {"werkdruk": 3, "werkdrukte": 1, "raad": 1}
    known = {"werkdruk": 3.3, "werkdrukte": 2.0, "raad": 4.5}
    assert corrections(frequency, lambda word: known.get(word, 0.0)) == {}
    assert corrections({"werkdruk": 3, "werkdurk": 2}, lambda word: 0.0) == {}


@needs_wordfreq
def test_analysis_corrects_typing_errors_only_with_the_step_on():
    texts = ["de werkdurk is hoog", "werkdruk in het po", "minder werkdruk"]
    assert analyse(texts).words[0] == ("werkdruk", "hoog")
    assert analyse(texts, Steps(typos=False)).words[0] == ("werkdurk", "hoog")


# --- background IDF (features.py) -------------------------------------------------------------


def test_background_prior_lowers_the_weight_of_common_words():
    counts = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    import scipy.sparse as sp

    plain = _tfidf(sp.csr_matrix(counts)).toarray()
    weighed = _tfidf(sp.csr_matrix(counts), np.array([0.9, 0.0])).toarray()
    # Column 0 is as common in the session as column 1, but common in the language too.
    assert plain[0, 0] == pytest.approx(plain[0, 1])
    assert weighed[0, 0] < weighed[0, 1]


@needs_wordfreq
def test_background_prior_knows_function_words_from_topic_words():
    texts = ["mensen willen subsidie", "subsidie voor mensen"]
    analysis = analyse(texts, NOTHING)
    terms = sorted({stem_ for stems in analysis.stems for stem_ in stems})
    prior = dict(zip(terms, _background_prior(analysis, terms), strict=True))
    assert prior[stem("mensen")] > prior[stem("subsidie")] > 0


def test_every_step_can_be_switched_off():
    texts = ["Onze wpb'ers hebben het lerarentekort", "werkdurk", "werkdruk in het po"]
    for steps in (ALL, NOTHING, Steps(parts=False), Steps(background_idf=True)):
        features = build_features(texts, steps=steps)
        assert features.n == 3


# --- automatic k on many texts: a Ward tree over micro-clusters (model.py) ---------------------


def test_weighted_ward_merges_the_nearest_heavy_groups_last():
    centres = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    groups = _weighted_ward(centres, np.array([10.0, 10.0, 1.0, 1.0]), range(1, 5))
    assert list(groups[2]) == [0, 0, 1, 1]
    assert len(set(groups[4])) == 4 and len(set(groups[1])) == 1


def test_ward_partitions_on_many_points_match_the_obvious_groups():
    rng = np.random.default_rng(0)
    centres = np.eye(3)
    points = np.vstack([c + 0.05 * rng.standard_normal((900, 3)) for c in centres])
    partitions = _ward_partitions(points, range(2, 5), seed=0)  # past the exact limit
    truth = np.repeat(np.arange(3), 900)
    found = partitions[3]
    # Each true group lies in exactly one found group.
    assert all(len(set(found[truth == g])) == 1 for g in range(3))
    assert set(partitions) == {2, 3, 4}


def test_without_wordfreq_the_steps_that_need_it_are_skipped(monkeypatch):
    empty = object.__new__(lexicon._Table)
    empty.keys = np.zeros(0, dtype=np.int64)
    empty.zipf_values = np.zeros(0)
    monkeypatch.setattr(lexicon, "_table", lambda: empty)
    monkeypatch.setattr(lexicon, "_ZIPF", {})
    monkeypatch.setattr(lexicon, "_SPLITS", {})
    assert not lexicon.available()
    analysis = analyse(["Het lerarentekort en de werkdurk", "werkdruk", "werkdruk in het po"])
    assert analysis.words[0] == ("lerarentekort", "werkdurk")  # no typo step
    assert stem("tekort") not in analysis.parts[0]  # no compound step
    result = cluster(["Onze wpb'ers hebben geen uren", "werkplekbegeleiders zonder uren"] * 3)
    assert result.k >= 1


def test_vocabulary_holds_field_terms_not_ordinary_english_words():
    # Everyday words that merely translate a Dutch one would steer towards one set's themes.
    variants = {variant for _, found in ENTRIES for variant in found}
    assert not variants & {"time", "money", "funding", "research", "skills", "digital", "training"}
    assert {"workload", "teacher educator", "professional development"} <= variants
