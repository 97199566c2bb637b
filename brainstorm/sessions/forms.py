"""Forms for joining a session."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from brainstorm.sessions.models import DISPLAY_NAME_MAX


class JoinForm(FlaskForm):
    """The join code, and optionally a name to show."""

    code = StringField(
        _l("Sessiecode"),
        validators=[DataRequired(_l("Vul de sessiecode in.")), Length(max=20)],
    )
    display_name = StringField(
        _l("Je naam (mag leeg blijven)"),
        validators=[
            Length(
                max=DISPLAY_NAME_MAX,
                message=_l("Een naam mag hoogstens %(max)d tekens zijn."),
            )
        ],
    )
