"""Event forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length


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
