"""Forms for joining a session."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class JoinForm(FlaskForm):
    """The join code, and optionally a name to show."""

    code = StringField(
        _l("Sessiecode"),
        validators=[DataRequired(_l("Vul de sessiecode in.")), Length(max=20)],
    )
    display_name = StringField(
        _l("Je naam (mag leeg blijven)"),
        validators=[Length(max=60, message=_l("Een naam mag hoogstens 60 tekens zijn."))],
    )
