"""Each step of the Dutch text handling: normalising, stop words, stems, compounds, labels."""

from brainstorm.clustering import cluster
from brainstorm.clustering.text import (
    analyse,
    fold,
    is_stop_word,
    match_key,
    normalise,
    stem,
    tokenise,
)


def test_normalise_unifies_quotes_dashes_case_and_spaces_but_keeps_diacritics():
    assert normalise("  De “RATO’s”  –  ideeën\u00adlijst ") == 'de "rato\'s" - ideeënlijst'


def test_fold_strips_diacritics_for_matching_only():
    assert fold("ideeën, café, coördinatie") == "ideeen, cafe, coordinatie"


def test_tokenise_keeps_hyphenated_and_apostrophe_words_whole():
    assert tokenise("Zij-instromers in de RATO's, zo'n 30%!") == [
        "Zij-instromers",
        "in",
        "de",
        "RATO's",
        "zo'n",
    ]


def test_match_key_joins_spellings_people_use_for_one_word():
    assert match_key("Zij-instromers") == match_key("zijinstromers") == "zijinstromers"
    assert match_key("RATO's") == "rato"
    assert match_key("Ideeën") == "ideeen"


def test_stop_words_cover_function_words_fillers_and_english():
    for word in ("de", "het", "van", "Hoe", "vraag", "eigenlijk", "the", "of"):
        assert is_stop_word(word), word
    for word in ("werkdruk", "subsidie", "inductie", "leraren"):
        assert not is_stop_word(word), word


def test_stemming_brings_inflections_together():
    assert stem("leraren") == stem("leraar")
    assert stem("begeleiders") == stem("begeleider")
    assert stem("opleidingen") == stem("opleiding")


def test_hyphenated_compound_also_counts_as_its_parts():
    analysis = analyse(
        ["Zij-instromers haken af", "Instromers hebben begeleiding nodig", "mbo-docenten"]
    )
    assert stem("instromers") in analysis.parts[0]
    assert stem("instromers") in analysis.stems[1]
    assert {stem("mbo"), stem("docenten")} <= set(analysis.parts[2])


def test_labels_show_words_as_typed_not_stems():
    analysis = analyse(["De leraren van OCW", "Leraren en OCW", "leraren"])
    assert analysis.surface.word(stem("leraren")) == "leraren"
    assert analysis.surface.word(stem("ocw")) == "OCW"  # an acronym keeps its capitals


def test_compounds_meet_their_parts_through_character_ngrams():
    texts = [
        "Het lerarentekort in het po wordt groter",
        "Tekort aan leraren in het po",
        "Lerarentekort raakt vooral het po",
        "Subsidie voor werkplekbegeleiding stopt",
        "De subsidie werkplekbegeleiding is te laag",
        "Werkplekbegeleiding zonder subsidie lukt niet",
    ]
    result = cluster(texts, 2)
    assert result.labels[0] == result.labels[1] == result.labels[2]
    assert result.labels[3] == result.labels[4] == result.labels[5] != result.labels[0]


def test_english_input_clusters_on_content_words():
    texts = [
        "How do we fund the mentors at school?",
        "The funding of mentors is too low",
        "Funding for mentors stops next year",
        "Induction of new teachers takes time",
        "New teachers need an induction programme",
        "Induction for starting teachers in the region",
    ]
    result = cluster(texts, 2)
    assert result.labels[0] == result.labels[1] == result.labels[2] != result.labels[3]
    assert all(term not in {"the", "of", "how"} for c in result.clusters for term in c.terms)
