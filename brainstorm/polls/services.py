"""Polls: build them, answer them (public before the session, live in it), read the results."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from brainstorm.accounts.models import User
from brainstorm.errors import InputError, NotFound, PhaseClosed
from brainstorm.events.models import Event
from brainstorm.extensions import db
from brainstorm.polls import aggregate
from brainstorm.polls.models import (
    ANSWER_MAX,
    CHOICE_TYPES,
    OPTION_MAX,
    OPTIONS_MAX,
    QUESTION_MAX,
    WORDS_MAX,
    Answer,
    Poll,
    PollKind,
    Question,
    QuestionState,
    QuestionType,
)
from brainstorm.realtime import services as realtime
from brainstorm.realtime.models import EVERYONE, FACILITATORS, SessionEvent
from brainstorm.sessions import board
from brainstorm.sessions.models import BrainstormSession, Participant
from brainstorm.timeutil import utcnow

TITLE_MAX = 200
SCALES = ((1, 5), (1, 10))


# --- building -----------------------------------------------------------------------------


def create_poll(
    event: Event,
    actor: User,
    title: str,
    kind: str = PollKind.PRE,
    *,
    session: BrainstormSession | None = None,
    closes_at: datetime | None = None,
    show_results: bool = False,
) -> Poll:
    """A new, empty poll for an event (live polls belong to one of its sessions)."""
    title = " ".join((title or "").split())
    if not title or len(title) > TITLE_MAX:
        raise InputError(_("Geef de poll een titel van hoogstens %(max)d tekens.", max=TITLE_MAX))
    if kind not in set(PollKind):
        raise InputError(_("Kies een poll vooraf of een live poll."))
    if kind == PollKind.LIVE and (session is None or session.event_id != event.id):
        raise InputError(_("Kies de sessie waarin de live poll komt."))
    poll = Poll(
        event_id=event.id,
        session_id=session.id if kind == PollKind.LIVE else None,
        kind=kind,
        title=title,
        slug=secrets.token_urlsafe(12),
        closes_at=closes_at,
        show_results=show_results,
    )
    db.session.add(poll)
    db.session.commit()
    return poll


def update_poll(
    poll: Poll, actor: User, title: str, closes_at: datetime | None, show_results: bool
) -> Poll:
    """Change a poll's title, closing date and whether respondents see the results."""
    title = " ".join((title or "").split())
    if not title or len(title) > TITLE_MAX:
        raise InputError(_("Geef de poll een titel van hoogstens %(max)d tekens.", max=TITLE_MAX))
    poll.title, poll.closes_at, poll.show_results = title, closes_at, show_results
    db.session.commit()
    return poll


@dataclass
class QuestionData:
    """A question as the builder form gives it."""

    type: str
    text: str
    options: list[str] = field(default_factory=list)
    max_choices: int | None = None
    scale_high: int = 5
    label_low: str = ""
    label_high: str = ""
    required: bool = False


def _checked(data: QuestionData) -> QuestionData:
    if data.type not in set(QuestionType):
        raise InputError(_("Kies een soort vraag."))
    text = " ".join((data.text or "").split())
    if not text or len(text) > QUESTION_MAX:
        raise InputError(_("Een vraag heeft tekst, hoogstens %(max)d tekens.", max=QUESTION_MAX))
    options = [" ".join(o.split()) for o in data.options if o and o.strip()]
    if data.type in CHOICE_TYPES:
        if not 2 <= len(options) <= OPTIONS_MAX:
            raise InputError(_("Geef tussen 2 en %(max)d keuzes.", max=OPTIONS_MAX))
        if any(len(o) > OPTION_MAX for o in options):
            raise InputError(_("Een keuze mag hoogstens %(max)d tekens zijn.", max=OPTION_MAX))
        if len({o.casefold() for o in options}) != len(options):
            raise InputError(_("Elke keuze mag maar één keer voorkomen."))
    else:
        options = []
    max_choices = None
    if data.type == QuestionType.MULTIPLE and data.max_choices:
        if not 1 <= data.max_choices <= len(options):
            raise InputError(_("Het maximum aantal keuzes ligt tussen 1 en het aantal keuzes."))
        max_choices = data.max_choices
    if data.type == QuestionType.SCALE and (1, data.scale_high) not in SCALES:
        raise InputError(_("Kies een schaal van 1 tot 5 of van 1 tot 10."))
    return QuestionData(
        type=data.type,
        text=text,
        options=options,
        max_choices=max_choices,
        scale_high=data.scale_high if data.type == QuestionType.SCALE else 5,
        label_low=" ".join(data.label_low.split())[:60],
        label_high=" ".join(data.label_high.split())[:60],
        required=bool(data.required),
    )


def _fill(question: Question, data: QuestionData) -> None:
    question.type, question.text, question.options = data.type, data.text, data.options
    question.max_choices, question.required = data.max_choices, data.required
    question.scale_low, question.scale_high = 1, data.scale_high
    question.label_low, question.label_high = data.label_low, data.label_high


def add_question(poll: Poll, actor: User, data: QuestionData) -> Question:
    """Add a question at the end of the poll."""
    data = _checked(data)
    question = Question(poll=poll, position=len(poll.questions))
    _fill(question, data)
    db.session.add(question)
    db.session.commit()
    return question


def answer_count(question: Question) -> int:
    """How many people answered this question."""
    query = select(func.count()).select_from(Answer).filter_by(question_id=question.id)
    return db.session.scalar(query)


def _editable(question: Question) -> None:
    if answer_count(question):
        raise InputError(
            _("Deze vraag is al beantwoord en kan niet meer veranderen. Maak een kopie.")
        )


def update_question(question: Question, actor: User, data: QuestionData) -> Question:
    """Change a question, as long as nobody answered it."""
    data = _checked(data)
    _editable(question)
    _fill(question, data)
    db.session.commit()
    return question


def delete_question(question: Question, actor: User) -> None:
    """Remove a question (with its answers) and close the gap in the order."""
    poll = question.poll
    poll.questions.remove(question)
    for position, each in enumerate(poll.questions):
        each.position = position
    db.session.commit()


def move_question(question: Question, actor: User, direction: str) -> Question:
    """One place up or down."""
    order = list(question.poll.questions)
    index = order.index(question)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down"):
        raise InputError(_("Verplaatsen kan alleen omhoog of omlaag."))
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    for position, each in enumerate(order):
        each.position = position
    db.session.commit()
    return question


def _copy_question(source: Question, poll: Poll, position: int) -> Question:
    copy = Question(poll=poll, position=position)
    for name in ("type", "text", "options", "max_choices", "required"):
        setattr(copy, name, getattr(source, name))
    for name in ("scale_low", "scale_high", "label_low", "label_high"):
        setattr(copy, name, getattr(source, name))
    db.session.add(copy)
    return copy


def duplicate_question(question: Question, actor: User) -> Question:
    """A copy right after the question, unanswered and editable."""
    poll = question.poll
    copy = _copy_question(question, poll, question.position + 1)
    for each in poll.questions:
        if each is not copy and each.position > question.position:
            each.position += 1
    db.session.commit()
    return copy


def copy_poll(source: Poll, event: Event, actor: User) -> Poll:
    """A poll from an earlier event, with its questions, for this event (as a pre-session poll)."""
    poll = create_poll(event, actor, source.title, PollKind.PRE, show_results=source.show_results)
    for question in source.questions:
        _copy_question(question, poll, question.position)
    db.session.commit()
    return poll


def polls_of(event: Event) -> list[Poll]:
    """The event's polls, newest first."""
    query = select(Poll).filter_by(event_id=event.id).order_by(Poll.id.desc())
    return list(db.session.scalars(query))


def other_polls(event: Event) -> list[Poll]:
    """Polls of other events, to copy from (newest first)."""
    query = select(Poll).where(Poll.event_id != event.id).order_by(Poll.id.desc()).limit(100)
    return list(db.session.scalars(query))


def find_public_poll(slug: str) -> Poll:
    """The pre-session poll behind a public URL."""
    poll = db.session.scalar(select(Poll).filter_by(slug=slug, kind=PollKind.PRE))
    if poll is None:
        raise NotFound(_("Deze poll bestaat niet (meer)."))
    return poll


# --- answering ----------------------------------------------------------------------------


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        try:
            return int(value)
        except ValueError:  # "²" is a digit to isdigit(), "--5" passes lstrip, "9" * 5000 too long
            return None
    return None


def parse_answer(question: Question, raw: Any) -> Any:
    """The value to store for a raw answer, or an InputError saying what is wrong."""
    kind = question.type
    n = len(question.options)
    if kind == QuestionType.SINGLE:
        index = _whole(raw[0] if isinstance(raw, list) and len(raw) == 1 else raw)
        if index is None or not 0 <= index < n:
            raise InputError(_("Kies één van de keuzes."))
        return [index]
    if kind == QuestionType.MULTIPLE:
        picked = [_whole(v) for v in raw] if isinstance(raw, list) else [None]
        if not picked or any(p is None or not 0 <= p < n for p in picked):
            raise InputError(_("Kies uit de keuzes."))
        if len(set(picked)) != len(picked):
            raise InputError(_("Kies elke keuze hoogstens één keer."))
        if question.max_choices and len(picked) > question.max_choices:
            raise InputError(_("Kies hoogstens %(max)d keuzes.", max=question.max_choices))
        return sorted(picked)
    if kind == QuestionType.SCALE:
        value = _whole(raw)
        if value is None or not question.scale_low <= value <= question.scale_high:
            raise InputError(
                _(
                    "Kies een getal van %(low)d tot %(high)d.",
                    low=question.scale_low,
                    high=question.scale_high,
                )
            )
        return value
    if kind == QuestionType.RANKING:
        order = [_whole(v) for v in raw] if isinstance(raw, list) else []
        if sorted(o for o in order if o is not None) != list(range(n)) or len(order) != n:
            raise InputError(_("Zet alle keuzes in een volgorde, elke keuze één keer."))
        return order
    limit = ANSWER_MAX if kind == QuestionType.OPEN else WORDS_MAX
    text = " ".join(raw.split()) if isinstance(raw, str) else None
    if not text:
        raise InputError(_("Vul een antwoord in."))
    if len(text) > limit:
        raise InputError(_("Een antwoord mag hoogstens %(max)d tekens zijn.", max=limit))
    return text


def _store(question: Question, respondent: str, value: Any) -> Answer:
    answer = db.session.scalar(
        select(Answer).filter_by(question_id=question.id, respondent=respondent)
    )
    if answer is None:
        answer = Answer(question_id=question.id, respondent=respondent, value=value)
        db.session.add(answer)
    else:
        answer.value = value
        answer.updated_at = utcnow()
    return answer


def submit_response(poll: Poll, respondent: str, raw: dict[int, Any]) -> list[Answer]:
    """Store one person's answers to a pre-session poll (all or nothing; again: replaces)."""
    if poll.kind != PollKind.PRE:
        raise NotFound(_("Deze poll bestaat niet (meer)."))
    if poll.is_closed(utcnow()):
        raise PhaseClosed(_("Deze poll is gesloten. Antwoorden kan niet meer."))
    values: dict[int, Any] = {}
    errors: dict[int, str] = {}
    for question in poll.questions:
        given = raw.get(question.id)
        if given in (None, "", []):
            if question.required:
                errors[question.id] = _("Deze vraag moet je beantwoorden.")
            continue
        try:
            values[question.id] = parse_answer(question, given)
        except InputError as error:
            errors[question.id] = error.message
    if errors:
        raise AnswersInvalid(errors)
    if not values:
        raise InputError(_("Beantwoord minstens één vraag."))
    by_id = {q.id: q for q in poll.questions}
    answers = [_store(by_id[qid], respondent, value) for qid, value in values.items()]
    try:
        db.session.commit()
    except IntegrityError:  # the same person sent twice at once: the other one counts
        db.session.rollback()
    return answers


class AnswersInvalid(InputError):
    """Several answers of one form are wrong: per question id, what to fix."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(_("Niet alle antwoorden kloppen. Kijk de gemarkeerde vragen na."))
        self.errors = errors


def answers_of(poll: Poll, respondent: str) -> dict[int, Any]:
    """A respondent's stored answers, per question id (to show the form filled in again)."""
    ids = [q.id for q in poll.questions]
    rows = db.session.execute(
        select(Answer.question_id, Answer.value).where(
            Answer.question_id.in_(ids), Answer.respondent == respondent
        )
    )
    return dict(rows.all())


# --- results ------------------------------------------------------------------------------


def question_results(question: Question) -> dict[str, Any]:
    """The aggregated results of one question, by its type."""
    values = list(db.session.scalars(select(Answer.value).filter_by(question_id=question.id)))
    kind = question.type
    if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        data = aggregate.choices(question.options, values)
    elif kind == QuestionType.SCALE:
        data = aggregate.scale(question.scale_low, question.scale_high, values)
    elif kind == QuestionType.RANKING:
        data = aggregate.ranking(question.options, values)
    elif kind == QuestionType.OPEN:
        data = aggregate.open_text(values)
    else:
        data = aggregate.word_cloud(values)
    return {"question_id": question.id, "type": kind, **data}


def poll_results(poll: Poll) -> list[dict[str, Any]]:
    """Every question with its results, in order (for the results page and the report)."""
    return [{"question": q.settings(), "results": question_results(q)} for q in poll.questions]


def export_rows(poll: Poll) -> list[list[Any]]:
    """One row per answer: respondent number, question, answer as readable text."""
    rows: list[list[Any]] = [[_("Respondent"), _("Nr."), _("Vraag"), _("Antwoord")]]
    numbers: dict[str, int] = {}
    by_id = {question.id: question for question in poll.questions}
    query = select(Answer).where(Answer.question_id.in_(by_id)).order_by(Answer.id)
    # Question by question in the poll's order, each question's answers as they came.
    for answer in sorted(db.session.scalars(query), key=lambda a: by_id[a.question_id].position):
        question = by_id[answer.question_id]
        number = numbers.setdefault(answer.respondent, len(numbers) + 1)
        rows.append(
            [number, question.position + 1, question.text, _readable(question, answer.value)]
        )
    return rows


def _readable(question: Question, value: Any) -> str:
    if question.type in CHOICE_TYPES:
        return "; ".join(question.options[i] for i in value)
    return str(value)


def result_rows(poll: Poll) -> list[list[Any]]:
    """One row per result line: question, choice or word, count or points."""
    rows: list[list[Any]] = [[_("Vraag"), _("Keuze of woord"), _("Aantal of punten")]]
    for item in poll_results(poll):
        text = item["question"]["text"]
        rows += [[text, label, number] for label, number in result_lines(item["results"])]
    return rows


def export_tables(poll: Poll) -> dict[str, list[list[Any]]]:
    """The answers and the results, as tables for CSV (answers) and XLSX (both)."""
    return {_("Antwoorden"): export_rows(poll), _("Resultaten"): result_rows(poll)}


def result_lines(results: dict[str, Any]) -> list[tuple[str, Any]]:
    """A question's results as (label, number) rows: for a table, a sheet or the report."""
    kind = results["type"]
    if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return [(o["label"], o["count"]) for o in results["options"]]
    if kind == QuestionType.RANKING:
        return [(o["label"], o["points"]) for o in results["options"]]
    if kind == QuestionType.SCALE:
        return [(_("gemiddelde"), results["mean"])] + [
            (str(d["value"]), d["count"]) for d in results["distribution"]
        ]
    if kind == QuestionType.WORDS:
        return [(w["text"], w["count"]) for w in results["words"]]
    return [(answer, "") for answer in results["answers"]]


# --- poll input feeds the brainstorm ------------------------------------------------------


def import_open_answers(poll: Poll, bs: BrainstormSession, actor: User) -> int:
    """Open answers of a pre-session poll become vraagstukken of a live session (once each)."""
    if bs.event_id != poll.event_id:
        raise InputError(_("Kies een sessie van hetzelfde evenement."))
    open_ids = [q.id for q in poll.questions if q.type == QuestionType.OPEN]
    query = select(Answer).where(Answer.question_id.in_(open_ids)).order_by(Answer.id)
    answers = list(db.session.scalars(query))
    added = board.add_ideas_from_elsewhere(
        bs,
        actor,
        [(str(uuid.uuid5(uuid.NAMESPACE_URL, f"poll-answer:{a.id}")), a.value) for a in answers],
        source="poll",
    )
    return added


# --- live ---------------------------------------------------------------------------------


def live_questions(bs: BrainstormSession) -> list[Question]:
    """The session's live poll questions, in order."""
    query = (
        select(Question)
        .join(Poll)
        .where(Poll.session_id == bs.id, Poll.kind == PollKind.LIVE)
        .order_by(Poll.id, Question.position)
    )
    return list(db.session.scalars(query))


def _live_question(bs: BrainstormSession, question_id: object) -> Question:
    question = db.session.get(Question, question_id) if type(question_id) is int else None
    if question is None or question.poll.session_id != bs.id:
        raise NotFound(_("Deze vraag bestaat niet (meer)."))
    return question


def _results_events(bs: BrainstormSession, question: Question, actor: str) -> list[SessionEvent]:
    """Results to everyone, or (hidden until revealed) the count to everyone and all to us."""
    results = question_results(question)
    if question.results_hidden:
        count = {"question_id": question.id, "hidden": True, "respondents": results["respondents"]}
        return [
            realtime.log_event(bs.id, "poll_results", count, actor=actor),
            realtime.log_event(
                bs.id,
                "poll_results",
                {**results, "hidden": True},
                audience=FACILITATORS,
                actor=actor,
            ),
        ]
    return [realtime.log_event(bs.id, "poll_results", {**results, "hidden": False}, actor=actor)]


def _announce(bs: BrainstormSession, question: Question, user: User) -> None:
    """Commit a change of a live question, then tell every screen its state and results."""
    actor = f"user:{user.id}"
    changed = realtime.log_event(
        bs.id, "poll_question", {"question": question.settings()}, audience=EVERYONE, actor=actor
    )
    realtime.commit_and_emit([changed, *_results_events(bs, question, actor)])


def set_question_state(
    bs: BrainstormSession, user: User, question_id: object, state: object
) -> Question:
    """Open a live question (others stay as they are), or close it."""
    question = _live_question(bs, question_id)
    if state not in (QuestionState.OPEN, QuestionState.CLOSED):
        raise InputError(_("Een vraag kan open of dicht."))
    question.state = state
    _announce(bs, question, user)
    return question


def set_results_hidden(
    bs: BrainstormSession, user: User, question_id: object, hidden: object
) -> Question:
    """Hide the results of a live question until revealed (avoids groupthink), or reveal them."""
    question = _live_question(bs, question_id)
    if not isinstance(hidden, bool):
        raise InputError(_("Kies verbergen of tonen."))
    question.results_hidden = hidden
    _announce(bs, question, user)
    return question


def answer_live(
    bs: BrainstormSession, participant: Participant, question_id: object, raw: Any
) -> Answer:
    """A participant answers an open live question (again: replaces their answer)."""
    question = _live_question(bs, question_id)
    if question.state != QuestionState.OPEN:
        raise PhaseClosed(_("Deze vraag is gesloten. Antwoorden kan niet meer."))
    value = parse_answer(question, raw)
    answer = _store(question, f"participant:{participant.id}", value)
    db.session.flush()
    realtime.commit_and_emit(_results_events(bs, question, f"participant:{participant.id}"))
    return answer


def live_state(
    bs: BrainstormSession, participant: Participant | None, *, facilitator: bool
) -> dict:
    """The live questions for a snapshot: settings, results as this viewer may see them, and
    the participant's own answers."""
    questions = []
    for question in live_questions(bs):
        if question.state == QuestionState.DRAFT and not facilitator:
            continue
        results = question_results(question)
        if question.results_hidden and not facilitator:
            results = {"question_id": question.id, "respondents": results["respondents"]}
        questions.append(
            {
                "question": question.settings(),
                "results": {**results, "hidden": question.results_hidden},
            }
        )
    mine = {}
    if participant is not None:
        rows = db.session.execute(
            select(Answer.question_id, Answer.value).where(
                Answer.respondent == f"participant:{participant.id}"
            )
        )
        mine = {str(qid): value for qid, value in rows}
    return {"questions": questions, "my_answers": mine}
