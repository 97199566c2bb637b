"""Forms for joining a session and for resetting one."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from brainstorm.sessions.models import DISPLAY_NAME_MAX, PARTNERSHIP_MAX, Sector


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
    sector = RadioField(
        _l("Je sector (mag leeg blijven)"),
        choices=[
            SelectChoice(Sector.PO.value, _l("po")),
            SelectChoice(Sector.VO.value, _l("vo")),
            SelectChoice(Sector.MBO.value, _l("mbo")),
            SelectChoice(Sector.OTHER.value, _l("anders")),
        ],
        validate_choice=False,  # empty is fine; join_session refuses anything else
    )
    may_be_named = BooleanField(_l("Mijn naam mag in het adviesrapport staan"))
    partnership = StringField(
        _l("Je partnerschap of regio (mag leeg blijven)"),
        validators=[
            Length(
                max=PARTNERSHIP_MAX,
                message=_l("Een partnerschap of regio mag hoogstens %(max)d tekens zijn."),
            )
        ],
    )


class ResetForm(FlaskForm):
    """Resetting after a rehearsal removes all input: the facilitator ticks that they know."""

    confirm = BooleanField(
        _l("Ik weet dat alle deelnemers en invoer verdwijnen"),
        validators=[DataRequired(_l("Vink aan dat je alle invoer wilt weggooien."))],
    )
