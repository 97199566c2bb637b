"""Account forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(_l("E-mailadres"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(), Length(max=200)])


class ResetRequestForm(FlaskForm):
    """The address of the account that needs a new password."""

    email = EmailField(_l("E-mailadres"), validators=[DataRequired(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    """A new password, twice."""

    password = PasswordField(
        _l("Nieuw wachtwoord (minstens 10 tekens)"),
        validators=[DataRequired(), Length(min=10, max=200)],
    )
    again = PasswordField(
        _l("Nog een keer"),
        validators=[EqualTo("password", _l("De twee wachtwoorden zijn niet gelijk."))],
    )
