"""The report's charts as PNG bytes: votes per theme, and one per poll question.

matplotlib's object API on the Agg canvas, never pyplot: reports render in worker threads
(background.run_blocking) and pyplot keeps global state. One figure at a time, dropped as
soon as its PNG is written. Drawn for A4 text width (16 cm) at 150 dpi, Dutch labels.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from brainstorm.reports.services import AdviceReport, ReportPollQuestion
from brainstorm.reports.wording import dutch_number

ACCENT = "#154273"
TEXT = "#333333"
MUTED = "#6b6b6b"
GRID = "#dddddd"
WIDTH_IN = 6.3  # 16 cm: the text width of an A4 page with 2.5 cm margins
DPI = 150
LABEL_CHARS = 44  # per line of a bar label
WRAP_UP_TO = 12  # bars whose labels may take two lines; more bars: one shortened line each
WORDS_SHOWN = 15
_MEASURE = TextToPath()


def _label(text: str, lines: int) -> str:
    if lines == 1:
        return textwrap.shorten(text, LABEL_CHARS, placeholder=" …")
    wrapped = textwrap.wrap(text, LABEL_CHARS, break_on_hyphens=False) or [""]
    if len(wrapped) > 2:
        rest = " ".join(wrapped[1:])
        wrapped = [wrapped[0], textwrap.shorten(rest, LABEL_CHARS, placeholder=" …")]
    return "\n".join(wrapped)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    figure.clear()
    return buffer.getvalue()


def _width_in(texts: list[str], size: float) -> float:
    """The widest line of these texts in inches, measured with the font the chart draws in."""
    font = FontProperties(size=size)
    widest = max(
        (
            _MEASURE.get_text_width_height_descent(line, font, ismath=False)[0]
            for text in texts
            for line in text.split("\n")
        ),
        default=0.0,
    )
    return widest / 72


def _figure(title: str, height: float, left: float, bottom: float = 0.55) -> tuple:
    """A figure with its margins in inches (measured, not found by a layout engine: that
    measures every artist twice and took half the time of a chart)."""
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    title_in = 0.1 + 0.2 * (title.count("\n") + 1)
    figure.suptitle(
        title, x=0.08 / WIDTH_IN, y=1 - 0.06 / height, ha="left", va="top",
        fontsize=11, color=ACCENT, fontweight="bold", parse_math=False,
    )  # fmt: skip
    figure.subplots_adjust(
        left=min(left, 0.6 * WIDTH_IN) / WIDTH_IN,
        right=1 - 0.25 / WIDTH_IN,
        top=1 - (title_in + 0.12) / height,
        bottom=bottom / height,
    )
    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(GRID)
    axes.tick_params(colors=TEXT, labelsize=9, length=0)
    axes.set_axisbelow(True)
    return figure, axes


def _plain(texts) -> None:
    """Typed text stays text: "$5 of $10" is no formula."""
    for text in texts:
        text.set_parse_math(False)


def _memo(draw):
    """Keep the last CHARTS_KEPT pictures by what they show: the same poll appears in every
    audience's report and every download, and drawing one takes ~0.1 s."""

    kept: dict[tuple, bytes] = {}

    def cached(title: str, labels: list[str], values: list, xlabel: str) -> bytes:
        key = (title, tuple(labels), tuple(values), xlabel)
        if key not in kept:
            if len(kept) >= CHARTS_KEPT:
                kept.pop(next(iter(kept)))
            kept[key] = draw(title, labels, values, xlabel)
        return kept[key]

    cached.__doc__ = draw.__doc__
    return cached


CHARTS_KEPT = 256


def _bars(title: str, labels: list[str], values: list[float], xlabel: str) -> bytes:
    """Horizontal bars, the first at the top, each with its number at the end."""
    labels = [_label(label, 2 if len(labels) <= WRAP_UP_TO else 1) for label in labels]
    lines = sum(label.count("\n") + 1 for label in labels)
    rows = 0.17 * lines + 0.08 * len(labels)
    height = min(9.0, 0.6 + 0.2 * (title.count("\n") + 1) + 0.55 + rows)
    figure, axes = _figure(title, height, left=_width_in(labels, 9) + 0.15)
    positions = range(len(labels))
    bars = axes.barh(positions, values, color=ACCENT, height=0.62)
    axes.set_yticks(positions, labels)
    _plain(axes.get_yticklabels())
    axes.set_ylim(len(labels) - 0.5, -0.5)  # the first at the top, no empty band
    axes.bar_label(
        bars, labels=[dutch_number(v) for v in values], padding=3, fontsize=8.5, color=TEXT
    )
    axes.xaxis.grid(True, color=GRID, linewidth=0.8)
    axes.set_xlabel(xlabel, fontsize=9, color=MUTED)
    axes.set_xlim(0, max(max(values, default=0), 1) * 1.12)
    axes.xaxis.get_major_locator().set_params(integer=True)
    return _png(figure)


def _columns(title: str, labels: list[str], values: list[int], xlabel: str) -> bytes:
    """Upright bars for a scale (1 to 5 or 1 to 10)."""
    height = 2.4 + 0.2 * (title.count("\n") + 1)
    figure, axes = _figure(title, height, left=0.6)
    bars = axes.bar(labels, values, color=ACCENT, width=0.62)
    axes.bar_label(bars, padding=2, fontsize=8.5, color=TEXT)
    axes.yaxis.grid(True, color=GRID, linewidth=0.8)
    axes.set_xlabel(xlabel, fontsize=9, color=MUTED)
    axes.set_ylabel("Aantal antwoorden", fontsize=9, color=MUTED)
    axes.set_ylim(0, max(max(values, default=0), 1) * 1.15)
    axes.yaxis.get_major_locator().set_params(integer=True)
    return _png(figure)


_bars = _memo(_bars)
_columns = _memo(_columns)


def votes_chart(report: AdviceReport) -> bytes | None:
    """Votes per theme in the facilitator's order; None when nobody voted."""
    if not any(cluster.votes for cluster in report.clusters):
        return None
    labels = [f"{n}. {c.title}" for n, c in enumerate(report.clusters, start=1)]
    return _bars("Stemmen per thema", labels, [c.votes for c in report.clusters], "Aantal stemmen")


def question_chart(question: ReportPollQuestion) -> bytes | None:
    """The results of one poll question; None for open answers and unanswered questions."""
    results = question.results or {}
    if not question.respondents:
        return None
    title = "\n".join(textwrap.wrap(textwrap.shorten(question.text, 150, placeholder=" …"), 75))
    if question.type in ("single", "multiple"):
        options = results.get("options", [])
        return _bars(
            title,
            [o["label"] for o in options],
            [o["count"] for o in options],
            "Aantal keer gekozen",
        )
    if question.type == "ranking":
        options = results.get("options", [])
        return _bars(
            title,
            [o["label"] for o in options],
            [o["points"] for o in options],
            "Punten (de eerste keuze telt het zwaarst)",
        )
    if question.type == "scale":
        spread = results.get("distribution", [])
        mean = results.get("mean")
        # The ends' words under the axis, where a tick has no room for them.
        ends = []
        if spread and question.label_low:
            ends.append(f"{spread[0]['value']} = {question.label_low}")
        if spread and question.label_high:
            ends.append(f"{spread[-1]['value']} = {question.label_high}")
        notes = ends + ([f"gemiddeld {dutch_number(mean)}"] if mean is not None else [])
        xlabel = "Score" + (f" ({', '.join(notes)})" if notes else "")
        return _columns(
            title, [str(d["value"]) for d in spread], [d["count"] for d in spread], xlabel
        )
    if question.type == "words":
        words = results.get("words", [])[:WORDS_SHOWN]
        if not words:
            return None
        return _bars(
            title, [w["text"] for w in words], [w["count"] for w in words], "Aantal keer genoemd"
        )
    return None
