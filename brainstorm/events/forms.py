"""Event forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import CheckboxInput, ListWidget

from brainstorm.validation import not_huge


class EventForm(FlaskForm):
    """A new event: what, when (Amsterdam time) and where."""

    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    day = DateField(_l("Datum"), validators=[InputRequired()])
    start = TimeField(_l("Begintijd"), validators=[InputRequired()])
    end = TimeField(_l("Eindtijd"), validators=[InputRequired()])
    location = StringField(_l("Plaats"), validators=[Length(max=200)])
    description = TextAreaField(_l("Beschrijving"), validators=[Length(max=10000)])


class SessionForm(FlaskForm):
    """A new live session for an event."""

    title = StringField(_l("Titel van de sessie"), validators=[DataRequired(), Length(max=200)])


class EventPageForm(EventForm):
    """Everything on an event's public page, its places and deadline, and its programme."""

    online_url = StringField(
        _l("Link naar de online bijeenkomst (alleen zichtbaar voor wie is aangemeld)"),
        validators=[Length(max=500)],
    )
    audience = TextAreaField(_l("Doelgroep"), validators=[Length(max=2000)])
    sectors = SelectMultipleField(
        _l("Sectoren"),
        choices=[SelectChoice("po", "po"), SelectChoice("vo", "vo"), SelectChoice("mbo", "mbo")],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validate_choice=False,  # update_event refuses anything else
    )
    costs = StringField(_l("Kosten"), validators=[Length(max=200)])
    organisers = StringField(_l("Organisatie"), validators=[Length(max=300)])
    agenda = TextAreaField(
        _l("Programma (één onderdeel per regel: 15.40 - 16.20 Deelsessies)"),
        validators=[Length(max=5000)],
    )
    deadline_day = DateField(
        _l("Aanmelden kan tot (datum, leeg: tot de start)"), validators=[Optional()]
    )
    deadline_time = TimeField(_l("om"), validators=[Optional()])
    capacity = IntegerField(
        _l("Aantal plaatsen (leeg: geen maximum)"),
        validators=[Optional(), not_huge, NumberRange(min=1)],
    )
    questions = TextAreaField(
        _l("Extra vragen bij het aanmelden (per regel; „Vraag | keuze; keuze”, * = verplicht)"),
        validators=[Length(max=5000)],
    )
    published = BooleanField(_l("Zichtbaar in de openbare agenda"))


class RegistrationForm(FlaskForm):
    """Signing up for an event (extra questions are added per event in the view)."""

    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul je naam in.")), Length(max=120)]
    )
    email = EmailField(
        _l("E-mailadres"), validators=[DataRequired(_l("Vul je e-mailadres in.")), Length(max=254)]
    )
    organisation = StringField(_l("Organisatie"), validators=[Length(max=200)])
    role = StringField(_l("Functie"), validators=[Length(max=200)])
    sector = RadioField(
        _l("Sector"),
        choices=[
            SelectChoice("po", _l("po")),
            SelectChoice("vo", _l("vo")),
            SelectChoice("mbo", _l("mbo")),
            SelectChoice("anders", _l("anders")),
        ],
        validate_choice=False,
    )
    partnership = StringField(_l("Partnerschap of regio"), validators=[Length(max=120)])
    remarks = TextAreaField(_l("Opmerkingen"), validators=[Length(max=2000)])
    consent = BooleanField(
        _l("Ik geef toestemming om mijn gegevens voor deze bijeenkomst te gebruiken")
    )


class DuplicateEventForm(FlaskForm):
    """The day of the copy."""

    day = DateField(_l("Datum van de kopie"), validators=[InputRequired()])


class TeamForm(FlaskForm):
    """Put an account on the event's team."""

    email = EmailField(
        _l("E-mailadres van het account"), validators=[DataRequired(), Length(max=254)]
    )
    role = SelectField(
        _l("Rol"),
        choices=[
            SelectChoice("facilitator", _l("Facilitator")),
            SelectChoice("staff", _l("Staf (rapporten en gegevens)")),
        ],
    )
