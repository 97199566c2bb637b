"""The report's Dutch wording, shared by the DOCX and the Markdown (the HTML template has the
same words): dates, counts, how a vraagstuk is cited, the contents and the poll tables."""

from __future__ import annotations

from datetime import datetime

from brainstorm.reports.services import AdviceReport, ReportIdea, ReportPollQuestion

MONTHS = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]  # fmt: skip
WEEKDAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]

# Section headings, in the order of the document.
INTRODUCTION = "Inleiding"
PARTICIPATION = "Deelname"
THEMES = "Thema's"
UNCLUSTERED = "Niet ingedeelde vraagstukken"
POLLS = "Uitkomsten van de polls"
RAW_INPUT = "Bijlage: alle invoer"
AUDIT = "Bijlage: verloop van moderatie en clustering"
BASIS = "Gebaseerd op deze vraagstukken:"
NOT_CLUSTERED = "De vraagstukken zijn nog niet geclusterd. Het rapport bevat ze dan als één lijst."
NAMED = "Met naam (met hun toestemming)"
DRAFT_NOTE = "Dit rapport is een concept: de facilitator heeft het nog niet definitief gemaakt."


def dutch_date(moment: datetime) -> str:
    """14 december 2026"""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def dutch_day(moment: datetime) -> str:
    """maandag 14 december 2026, 15.30 uur (the time only when there is one)"""
    day = f"{WEEKDAYS[moment.weekday()]} {dutch_date(moment)}"
    return f"{day}, {moment:%H.%M} uur" if (moment.hour, moment.minute) != (0, 0) else day


def dutch_number(value: float | int | None) -> str:
    """3.45 -> "3,45"; None -> "–"."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".rstrip("0").replace(".", ",")
    return str(int(value))


def count(number: int, one: str, many: str) -> str:
    """count(1, "stem", "stemmen") -> "1 stem"."""
    return f"{number} {one if number == 1 else many}"


def votes(number: int) -> str:
    return count(number, "stem", "stemmen")


def answers(number: int) -> str:
    return count(number, "antwoord", "antwoorden")


def title_facts(report: AdviceReport) -> list[tuple[str, str]]:
    """The title page's lines: Aan, Sessie, Datum, Locatie, Meegedaan."""
    facts = [
        ("Aan", report.addressee),
        ("Sessie", report.session_title),
        ("Datum", dutch_day(report.event_start)),
    ]
    if report.location:
        facts.append(("Locatie", report.location))
    facts.append(
        (
            # "Meegedaan" as on the console: everyone who ever joined, not who is connected now.
            "Meegedaan",
            f"{count(report.participants, 'deelnemer', 'deelnemers')}, "
            f"{count(report.idea_count, 'vraagstuk', 'vraagstukken')}",
        )
    )
    return facts


def contents(report: AdviceReport) -> list[tuple[int, int | None, str]]:
    """The written contents list as (level, number, text): sections at level 0, the themes
    (numbered as in the report) at level 1."""
    entries: list[tuple[int, int | None, str]] = []
    if report.introduction.strip():
        entries.append((0, None, INTRODUCTION))
    entries += [(0, None, PARTICIPATION), (0, None, THEMES)]
    entries += [(1, n, c.title) for n, c in enumerate(report.clusters, start=1)]
    if report.unclustered:
        entries.append((1, None, UNCLUSTERED))
    if report.polls:
        entries.append((0, None, POLLS))
    entries += [(0, None, RAW_INPUT), (0, None, AUDIT)]
    return entries


def paragraphs(text: str) -> list[str]:
    """The facilitator's text split at blank lines."""
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def cluster_meta(cluster) -> str:
    """ "12 stemmen · 8 vraagstukken" (votes only when there are any)."""
    parts = [votes(cluster.votes)] if cluster.votes else []
    parts.append(count(len(cluster.ideas), "vraagstuk", "vraagstukken"))
    return " · ".join(parts)


def place(idea: ReportIdea) -> str:
    """Where in the event it was raised: "Regio Noord, groep Noord", "Groep 2" ("" for the
    plenary of a session's own report)."""
    group = idea.group
    if group and not group.lower().startswith("groep"):  # not "groep Groep 2"
        group = f"groep {group}"
    return ", ".join(note for note in (idea.session, group) if note)


def idea_notes(idea: ReportIdea) -> str:
    """Where a vraagstuk came from and how it was received:
    "groep Noord, uit de poll, 3 stemmen"."""
    notes = [origin(idea), votes(idea.votes) if idea.votes else ""]
    return ", ".join(note for note in notes if note)


def origin(idea: ReportIdea) -> str:
    """The appendix's origin column: "groep Noord, uit de poll" ("" for the plenary)."""
    notes = [place(idea), "uit de poll" if idea.source == "poll" else ""]
    return ", ".join(note for note in notes if note)


def status(idea: ReportIdea) -> str:
    """The appendix's status column: what became of a vraagstuk."""
    return idea.status or "op het bord"


def raw_input_table(report: AdviceReport) -> list[list[str]]:
    """The appendix of everything sent, with a header row (no origin column when everything
    came from the plenary)."""
    with_origin = any(origin(idea) for idea in report.raw_input)
    header = ["Nr.", "Vraagstuk"] + (["Herkomst"] if with_origin else []) + ["Stemmen", "Status"]
    return [header] + [
        [str(n), idea.text]
        + ([origin(idea)] if with_origin else [])
        + [str(idea.votes), status(idea)]
        for n, idea in enumerate(report.raw_input, start=1)
    ]


def audit_table(report: AdviceReport) -> list[list[str]]:
    """The audit trail with a header row: time, who, what."""
    return [["Tijd", "Wie", "Wat"]] + [
        [audit_time(entry.at), entry.who, entry.what] for entry in report.audit
    ]


def participation_tables(report: AdviceReport) -> list[tuple[str, list[list[str]]]]:
    """Participants (and registrations, when there are any) per sector and per partnership,
    as (caption, rows with a header row)."""
    tables = []
    for caption, kind, present, registered in (
        (
            "Deelnemers per sector",
            "Sector",
            report.participants_by_sector,
            report.registered_by_sector,
        ),
        (
            "Deelnemers per partnerschap",
            "Partnerschap",
            report.participants_by_partnership,
            report.registered_by_partnership,
        ),
    ):
        keys = list(present) + [key for key in registered if key not in present]
        if not keys:
            continue
        with_registered = bool(report.registered_by_sector or report.registered_by_partnership)
        header = [kind, "Deelnemers"] + (["Aangemeld"] if with_registered else [])
        rows = [
            [key, str(present.get(key, 0))]
            + ([str(registered.get(key, 0))] if with_registered else [])
            for key in keys
        ]
        tables.append((caption, [header, *rows]))
    return tables


def numeric_columns(rows: list[list[str]]) -> tuple[int, ...]:
    """The columns whose cells below the header are all numbers (aligned right)."""
    body = rows[1:]
    return tuple(
        column
        for column in range(len(rows[0]))
        if body and all(row[column].rstrip("%").replace(",", "").isdigit() for row in body)
    )


def poll_table(question: ReportPollQuestion) -> list[list[str]]:
    """A question's results as a table with a header row; [] for open answers (a list) and
    for questions without answers."""
    results = question.results or {}
    if not question.respondents:
        return []
    kind = question.type
    if kind in ("single", "multiple"):
        return [["Keuze", "Aantal", "Percentage"]] + [
            [o["label"], str(o["count"]), f"{o['percent']}%"] for o in results.get("options", [])
        ]
    if kind == "ranking":
        return [["Plaats", "Keuze", "Punten"]] + [
            [str(o["place"]), o["label"], str(o["points"])] for o in results.get("options", [])
        ]
    if kind == "scale":
        counts = [str(d["count"]) for d in results.get("distribution", [])]
        return [["Score", "Aantal"]] + [
            list(row) for row in zip(scale_labels(question), counts, strict=True)
        ]
    if kind == "words":
        return [["Woord", "Aantal"]] + [
            [w["text"], str(w["count"])] for w in results.get("words", [])
        ]
    if kind == "open" or not question.lines:
        return []
    # A type this module does not know: the shared result lines, one per row.
    return [["Uitkomst"]] + [[line] for line in question.lines]


def scale_labels(question: ReportPollQuestion) -> list[str]:
    """A scale's scores, its ends with their words: "1 (helemaal niet)", "2", … "5 (goed)"."""
    values = [str(d["value"]) for d in (question.results or {}).get("distribution", [])]
    if values and question.label_low:
        values[0] = f"{values[0]} ({question.label_low})"
    if values and question.label_high:
        values[-1] = f"{values[-1]} ({question.label_high})"
    return values


def poll_summary(question: ReportPollQuestion) -> str:
    """A line under a scale: "Gemiddelde 3,4 · mediaan 3"; "" for other types."""
    results = question.results or {}
    if question.type != "scale" or results.get("mean") is None:
        return ""
    return f"Gemiddelde {dutch_number(results['mean'])} · mediaan {dutch_number(results['median'])}"


def open_answers(question: ReportPollQuestion) -> list[str]:
    """The written answers of an open question, the same answers grouped with their count
    ("Meer tijd (3×)"), the most frequent first."""
    if question.type != "open":
        return []
    return list(question.lines)


def audit_time(moment: datetime) -> str:
    return f"{moment:%d-%m %H:%M}"


# --- the charts as bars in HTML (the PDF and the preview; the DOCX draws them as pictures) ---


def _bars(labels: list[str], values: list[float]) -> list[tuple[str, str, float]]:
    """(label, number as written, length of the bar in percent of the longest)."""
    top = max(values, default=0) or 1
    return [
        (label, dutch_number(value), round(100 * value / top, 1))
        for label, value in zip(labels, values, strict=True)
    ]


def votes_bars(report: AdviceReport) -> list[tuple[str, str, float]]:
    """Votes per theme in the report's order; [] when nobody voted."""
    if not any(cluster.votes for cluster in report.clusters):
        return []
    return _bars(
        [f"{n}. {c.title}" for n, c in enumerate(report.clusters, start=1)],
        [c.votes for c in report.clusters],
    )


def question_bars(question: ReportPollQuestion) -> tuple[str, list[tuple[str, str, float]]]:
    """(what the bars count, the bars) of a poll question, like the DOCX's chart; ("", [])
    for open answers and unanswered questions."""
    results = question.results or {}
    if not question.respondents:
        return "", []
    if question.type in ("single", "multiple"):
        options = results.get("options", [])
        bars = _bars([o["label"] for o in options], [o["count"] for o in options])
        return "Aantal keer gekozen", bars
    if question.type == "ranking":
        options = results.get("options", [])
        bars = _bars([o["label"] for o in options], [o["points"] for o in options])
        return "Punten (de eerste keuze telt het zwaarst)", bars
    if question.type == "scale":
        spread = results.get("distribution", [])
        return "Aantal per score", _bars(scale_labels(question), [d["count"] for d in spread])
    if question.type == "words":
        words = results.get("words", [])[:15]
        return "Aantal keer genoemd", _bars([w["text"] for w in words], [w["count"] for w in words])
    return "", []


def subject(report: AdviceReport) -> str:
    """The document's subject: "Adviesrapport voor alle betrokkenen"."""
    from brainstorm.reports.services import addressee_phrase

    return f"Adviesrapport voor {addressee_phrase(report.audience)}"


SECTION_IDS = {
    INTRODUCTION: "inleiding",
    PARTICIPATION: "deelname",
    THEMES: "themas",
    UNCLUSTERED: "niet-ingedeeld",
    POLLS: "peilingen",
    RAW_INPUT: "bijlage-invoer",
    AUDIT: "bijlage-verloop",
}


def anchor(number: int | None, text: str) -> str:
    """The id of a contents entry in the HTML: "thema-2", "deelname"."""
    return f"thema-{number}" if number else SECTION_IDS.get(text, "")
