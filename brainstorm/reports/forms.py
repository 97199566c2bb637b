"""The facilitator's part of the report: the introduction and whether it is final."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length


class ReportSettingsForm(FlaskForm):
    """Introduction (free text) and the final mark; the poll choice comes as checkboxes."""

    introduction = TextAreaField(_l("Inleiding"), validators=[Length(max=20000)])
    final = BooleanField(_l("Definitief (geen conceptmarkering meer)"))
