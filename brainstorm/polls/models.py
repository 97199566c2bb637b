"""Polls: questions of six types, answered before the session (public) or live in it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from brainstorm.events.models import Event
from brainstorm.extensions import db
from brainstorm.timeutil import UTCDateTime, utcnow

QUESTION_MAX = 300
OPTION_MAX = 120
OPTIONS_MAX = 20
ANSWER_MAX = 500  # open text
WORDS_MAX = 60  # a word-cloud answer: a few words


class QuestionType(StrEnum):
    """What kind of answer a question asks for."""

    SINGLE = "single"  # one option
    MULTIPLE = "multiple"  # several options, up to max_choices
    SCALE = "scale"  # a whole number from scale_low to scale_high
    RANKING = "ranking"  # every option, in order of preference
    OPEN = "open"  # free text
    WORDS = "words"  # a few words, shown as a word cloud


CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.RANKING)
TEXT_TYPES = (QuestionType.OPEN, QuestionType.WORDS)


class PollKind(StrEnum):
    """Before the session on the event page, or live in a session."""

    PRE = "pre"
    LIVE = "live"


class QuestionState(StrEnum):
    """A live question's moment; pre-session questions are open until the poll closes."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Poll(db.Model):
    """A set of questions for one event: public before it, or live in one of its sessions."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("brainstorm_sessions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10), default=PollKind.PRE)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(32), unique=True)  # the public URL's part
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    show_results: Mapped[bool] = mapped_column(default=False)  # on the thank-you page
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    questions: Mapped[list[Question]] = relationship(
        back_populates="poll", order_by="Question.position", cascade="all, delete-orphan"
    )

    def is_closed(self, now: datetime) -> bool:
        """Past its closing date (a live poll closes question by question instead)."""
        return self.closes_at is not None and now >= self.closes_at


class Question(db.Model):
    """One question; its settings depend on the type."""

    __tablename__ = "poll_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    type: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(default=False)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_choices: Mapped[int | None]  # multiple choice
    scale_low: Mapped[int] = mapped_column(default=1)
    scale_high: Mapped[int] = mapped_column(default=5)
    label_low: Mapped[str] = mapped_column(String(60), default="")
    label_high: Mapped[str] = mapped_column(String(60), default="")
    state: Mapped[str] = mapped_column(String(10), default=QuestionState.DRAFT)  # live only
    results_hidden: Mapped[bool] = mapped_column(default=False)  # live: until revealed

    poll: Mapped[Poll] = relationship(back_populates="questions")

    def settings(self) -> dict[str, Any]:
        """What a page needs to ask the question."""
        return {
            "id": self.id,
            "type": self.type,
            "text": self.text,
            "required": self.required,
            "options": self.options,
            "max_choices": self.max_choices,
            "scale_low": self.scale_low,
            "scale_high": self.scale_high,
            "label_low": self.label_low,
            "label_high": self.label_high,
            "state": self.state,
            "results_hidden": self.results_hidden,
        }


class Answer(db.Model):
    """One respondent's answer to one question; answering again replaces it."""

    __tablename__ = "poll_answers"
    __table_args__ = (UniqueConstraint("question_id", "respondent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("poll_questions.id", ondelete="CASCADE"), index=True
    )
    # "participant:12" live, "visitor:<uuid>" from the signed cookie, "registration:7" later.
    respondent: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
