"""Forms of the poll builder (the public answer form is built from the questions)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from brainstorm.polls.models import OPTION_MAX, QUESTION_MAX, QuestionType
from brainstorm.validation import not_huge


class PollForm(FlaskForm):
    """A poll's title, when it closes and whether respondents see the results."""

    title = StringField(_l("Titel van de poll"), validators=[DataRequired(), Length(max=200)])
    kind = RadioField(
        _l("Soort poll"),
        choices=[
            SelectChoice("pre", _l("Vooraf, op een openbare pagina")),
            SelectChoice("live", _l("Live, in een sessie")),
        ],
        default="pre",
    )
    session_id = SelectField(_l("Sessie (voor een live poll)"), coerce=int, choices=[])
    closes_on = DateField(_l("Sluit op (datum, leeg: blijft open)"), validators=[Optional()])
    closes_at = TimeField(_l("om (tijd)"), validators=[Optional()])
    show_results = BooleanField(_l("Na het invullen de resultaten tonen"))


class QuestionForm(FlaskForm):
    """One question; which fields count depends on the type."""

    type = SelectField(
        _l("Soort vraag"),
        choices=[
            SelectChoice(QuestionType.SINGLE.value, _l("Eén keuze")),
            SelectChoice(QuestionType.MULTIPLE.value, _l("Meerdere keuzes")),
            SelectChoice(QuestionType.SCALE.value, _l("Schaal")),
            SelectChoice(QuestionType.RANKING.value, _l("Rangorde")),
            SelectChoice(QuestionType.OPEN.value, _l("Open vraag")),
            SelectChoice(QuestionType.WORDS.value, _l("Woordwolk (een paar woorden)")),
        ],
    )
    text = TextAreaField(_l("Vraag"), validators=[DataRequired(), Length(max=QUESTION_MAX)])
    options = TextAreaField(_l("Keuzes (één per regel)"), validators=[Length(max=OPTION_MAX * 25)])
    max_choices = IntegerField(
        _l("Hoogstens zoveel keuzes (leeg: geen maximum)"),
        validators=[Optional(), not_huge, NumberRange(min=1, max=20)],
    )
    scale_high = SelectField(
        _l("Schaal"),
        coerce=int,
        choices=[SelectChoice(5, _l("1 tot 5")), SelectChoice(10, _l("1 tot 10"))],
        default=5,
    )
    label_low = StringField(_l("Woord bij de laagste waarde"), validators=[Length(max=60)])
    label_high = StringField(_l("Woord bij de hoogste waarde"), validators=[Length(max=60)])
    required = BooleanField(_l("Verplicht"))


class CopyPollForm(FlaskForm):
    """Take a poll of an earlier event as the start of a new one."""

    poll_id = SelectField(_l("Poll van een eerder evenement"), coerce=int, choices=[])


class ImportForm(FlaskForm):
    """Put the open answers into a live session as vraagstukken."""

    session_id = SelectField(_l("Naar sessie"), coerce=int, choices=[])
