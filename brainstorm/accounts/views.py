"""Log in and out; choose the interface language."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from brainstorm.accounts import services
from brainstorm.accounts.access import allow
from brainstorm.accounts.forms import LoginForm
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
