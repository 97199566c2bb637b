"""Unit tests for the report's Markdown, wording and charts: typed text stays text, no database."""

from datetime import datetime
from zoneinfo import ZoneInfo

from brainstorm.reports import charts, wording
from brainstorm.reports.markdown import render_markdown
from brainstorm.reports.services import (
    AdviceReport,
    ReportCluster,
    ReportIdea,
    ReportPoll,
    ReportPollQuestion,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def report(**changes) -> AdviceReport:
    values = dict(
        title="Adviesrapport: Brainstormsessie RATO",
        event_title="Brainstormsessie RATO",
        location="",
        session_title="Vraagstukken",
        audience="alles",
        addressee="Alle betrokkenen",
        event_start=datetime(2027, 3, 1, 9, 0, tzinfo=AMSTERDAM),
        generated_at=datetime(2027, 3, 2, 10, 0, tzinfo=AMSTERDAM),
        participants=1,
        idea_count=1,
        clusters=[],
        final=True,
    )
    return AdviceReport(**(values | changes))


def test_markdown_escapes_what_people_typed():
    tricky = [
        ReportIdea("*alle* scholen | [link](x) <b>vet</b> & co &amp;", votes=1, group="Noord"),
        ReportIdea("1. eerst dit"),
        ReportIdea("# geen kop"),
        ReportIdea("- geen lijst"),
    ]
    text = render_markdown(
        report(
            clusters=[ReportCluster("_Werkdruk_ #1", [], tricky, recommendation="Meer `tijd`")],
            introduction="Regel een\n=====\n\n> geen citaat",
        )
    )
    assert "### 1. \\_Werkdruk\\_ #1" in text
    assert (
        "- \\*alle\\* scholen \\| \\[link\\](x) \\<b\\>vet\\</b\\> & co \\&amp; "
        "(groep Noord, 1 stem)"
    ) in text
    assert "- 1\\. eerst dit" in text
    assert "- \\# geen kop" in text
    assert "- \\- geen lijst" in text
    assert "**Aanbeveling:** Meer \\`tijd\\`" in text
    assert "Regel een\\\n\\=====" in text  # a hard break, not a setext heading
    assert "\\> geen citaat" in text
    assert "  1. \\_Werkdruk\\_ #1" in text  # in the contents
    assert not text.startswith("> **Concept**")  # final


def test_markdown_of_a_draft_starts_with_concept_and_empty_parts_say_so():
    text = render_markdown(report(final=False))
    assert text.startswith("> **Concept**\n>\n> Dit rapport is een concept")
    assert wording.NOT_CLUSTERED in text
    assert "Er is geen invoer." in text and "Er zijn geen wijzigingen vastgelegd." in text
    assert text.endswith("\n") and "\n\n\n" not in text


def test_dutch_dates_numbers_and_counts():
    monday = datetime(2026, 12, 14, 15, 30, tzinfo=AMSTERDAM)
    assert wording.dutch_day(monday) == "maandag 14 december 2026, 15.30 uur"
    assert wording.dutch_day(monday.replace(hour=0, minute=0)) == "maandag 14 december 2026"
    assert wording.dutch_number(3.45) == "3,45" and wording.dutch_number(3.0) == "3"
    assert wording.votes(1) == "1 stem" and wording.votes(2) == "2 stemmen"


def test_charts_draw_typed_text_as_text_and_skip_what_has_no_numbers():
    money = ReportPollQuestion(
        "Wat kost $5 of $10 per uur?",
        2,
        [],
        type="single",
        results={
            "options": [
                {"label": "$5", "count": 1, "percent": 50},
                {"label": "$10 per uur", "count": 1, "percent": 50},
            ]
        },
    )
    png = charts.question_chart(money)
    assert png and png.startswith(b"\x89PNG")
    open_question = ReportPollQuestion(
        "Wat nog?", 1, ["iets"], type="open", results={"answers": ["iets"]}
    )
    assert charts.question_chart(open_question) is None
    assert charts.question_chart(ReportPollQuestion("Leeg?", 0, [], type="single")) is None
    nobody_voted = report(clusters=[ReportCluster("Werkdruk", [], [ReportIdea("x")])])
    assert charts.votes_chart(nobody_voted) is None
    voted = report(clusters=[ReportCluster("Werkdruk", [], [], votes=3)])
    assert charts.votes_chart(voted).startswith(b"\x89PNG")


def test_poll_tables_per_question_type():
    scale = ReportPollQuestion(
        "Hoe tevreden?",
        3,
        [],
        type="scale",
        results={"mean": 3.67, "median": 4, "distribution": [{"value": 4, "count": 2}]},
    )
    assert wording.poll_table(scale) == [["Score", "Aantal"], ["4", "2"]]
    assert wording.poll_summary(scale) == "Gemiddelde 3,67 · mediaan 4"
    ranking = ReportPollQuestion(
        "Volgorde?",
        1,
        [],
        type="ranking",
        results={"options": [{"label": "Werkdruk", "points": 2, "place": 1}]},
    )
    assert wording.poll_table(ranking) == [["Plaats", "Keuze", "Punten"], ["1", "Werkdruk", "2"]]
    text = render_markdown(report(polls=[ReportPoll(1, "Peiling", [scale, ranking])]))
    assert "| Score | Aantal |\n| ---: | ---: |\n| 4 | 2 |" in text
    assert "Gemiddelde 3,67 · mediaan 4" in text


def test_each_vraagstuk_says_where_in_the_event_it_was_raised():
    assert wording.idea_notes(ReportIdea("x", group="Noord", votes=2)) == "groep Noord, 2 stemmen"
    assert wording.idea_notes(ReportIdea("x", group="Groep 2")) == "Groep 2"  # not "groep Groep"
    in_event = ReportIdea("x", group="Groep 2", session="Regio Noord", source="poll")
    assert wording.origin(in_event) == "Regio Noord, Groep 2, uit de poll"
    assert wording.idea_notes(ReportIdea("x", session="Regio Zuid")) == "Regio Zuid"


def test_a_scale_says_what_its_ends_mean_in_the_table_and_the_bars():
    scale = ReportPollQuestion(
        "Hoe goed ben je op de hoogte?",
        4,
        [],
        type="scale",
        results={
            "mean": 2.5,
            "median": 2.5,
            "distribution": [
                {"value": 1, "count": 2},
                {"value": 2, "count": 0},
                {"value": 3, "count": 2},
            ],
        },
        label_low="helemaal niet",
        label_high="heel goed",
    )

    assert wording.poll_table(scale) == [
        ["Score", "Aantal"], ["1 (helemaal niet)", "2"], ["2", "0"], ["3 (heel goed)", "2"]
    ]  # fmt: skip
    assert [label for label, _n, _l in wording.question_bars(scale)[1]] == [
        "1 (helemaal niet)", "2", "3 (heel goed)"
    ]  # fmt: skip
