"""Poll results per question type, ties and empty polls included."""

from brainstorm.polls import aggregate


def test_choices_count_each_person_once_per_option_and_give_percentages():
    result = aggregate.choices(["po", "vo", "mbo"], [[0], [0, 2], [2, 2], [1]])
    assert result["respondents"] == 4
    assert [(o["label"], o["count"], o["percent"]) for o in result["options"]] == [
        ("po", 2, 50),
        ("vo", 1, 25),
        ("mbo", 2, 50),
    ]


def test_an_empty_poll_has_zeros_not_errors():
    assert aggregate.choices(["a", "b"], [])["options"][0] == {
        "label": "a",
        "count": 0,
        "percent": 0,
    }
    empty = aggregate.scale(1, 5, [])
    assert empty["mean"] is None and [d["count"] for d in empty["distribution"]] == [0] * 5
    assert aggregate.ranking(["a", "b"], [])["options"][0]["place"] == 1
    assert aggregate.word_cloud([])["words"] == []


def test_scale_mean_median_and_distribution():
    result = aggregate.scale(1, 5, [1, 4, 4, 5])
    assert result["mean"] == 3.5 and result["median"] == 4.0
    assert [d["count"] for d in result["distribution"]] == [1, 0, 0, 2, 1]


def test_ranking_borda_totals_with_a_shared_place():
    options = ["werkdruk", "stage", "bekostiging"]
    # werkdruk: 2+0 = 2; stage: 1+2 = 3; bekostiging: 0+1 = 1
    result = aggregate.ranking(options, [[0, 1, 2], [1, 2, 0]])
    assert [(o["label"], o["points"], o["place"]) for o in result["options"]] == [
        ("stage", 3, 1),
        ("werkdruk", 2, 2),
        ("bekostiging", 1, 3),
    ]
    tie = aggregate.ranking(["a", "b"], [[0, 1], [1, 0]])
    assert [o["place"] for o in tie["options"]] == [1, 1]
    assert tie["max_points"] == 2


def test_word_cloud_merges_case_and_drops_stop_words():
    result = aggregate.word_cloud(["Werkdruk en stage", "werkdruk", "de Werkdruk werkdruk"])
    assert result["words"][0] == {"text": "werkdruk", "count": 3}  # once per person
    assert {w["text"] for w in result["words"]} == {"werkdruk", "stage"}
    assert aggregate.word_cloud(["OCW", "Ocw betaalt"])["words"][0]["text"] == "OCW"


def test_open_answers_are_kept_in_order():
    assert aggregate.open_text(["eerste", "tweede"]) == {
        "respondents": 2,
        "answers": ["eerste", "tweede"],
    }
