"""Log in and out, a new password by mail; choose the interface language."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from brainstorm.accounts import services
from brainstorm.accounts.access import allow
from brainstorm.accounts.forms import LoginForm, NewPasswordForm, ResetRequestForm
from brainstorm.errors import DomainError
from brainstorm.extensions import limiter

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only follow a redirect target on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


@bp.route("/login", methods=["GET", "POST"])
@allow("public")
@limiter.limit("10 per minute", methods=["POST"])
def login():
    """Facilitators and staff log in with email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("events.index"))
        flash(_("Dit e-mailadres en wachtwoord horen niet bij elkaar."), "error")
    return render_template("accounts/login.html", form=form)


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@allow("public")
@limiter.limit("5 per minute", methods=["POST"])
def forgot_password():
    """Ask for a reset link by mail."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(
            _("Als er een account is met dit adres, staat er nu een mail met een link klaar."),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


@bp.route("/wachtwoord/<token>", methods=["GET", "POST"])
@allow("public")
@limiter.limit("10 per minute", methods=["POST"])
def reset_password(token: str):
    """Choose a new password through the link from the mail."""
    try:
        services.user_for_reset(token)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("accounts.forgot_password"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except DomainError as error:
            form.password.errors.append(error.message)
        else:
            login_user(user)
            flash(_("Je nieuwe wachtwoord is opgeslagen."), "success")
            return redirect(url_for("events.index"))
    return render_template("accounts/reset.html", form=form)


@bp.post("/logout")
@allow("user")
def logout():
    """End the login session."""
    logout_user()
    flash(_("Je bent uitgelogd."), "info")
    return redirect(url_for("events.index"))


@bp.post("/language/<lang>")
@allow("public")
def set_language(lang: str):
    """Switch the interface between Dutch and English."""
    if lang in ("nl", "en"):
        session["lang"] = lang
    return redirect(_safe_next(request.form.get("next")) or url_for("events.index"))
