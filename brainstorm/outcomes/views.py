"""The outcome page (public, by secret link, or the team's draft preview), the organiser's
settings and feedback mail, starting a session from an earlier session's themes, and the
event's synthesis of its sessions with its report."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from brainstorm import mail as outbox
from brainstorm.accounts.access import allow
from brainstorm.accounts.services import can_facilitate, can_read_reports
from brainstorm.background import run_blocking
from brainstorm.errors import DomainError
from brainstorm.events.models import Event
from brainstorm.events.views import flash_undelivered
from brainstorm.extensions import db
from brainstorm.outcomes import mails, services, synthesis
from brainstorm.outcomes.models import Outcome, Visibility
from brainstorm.outcomes.synthesis_report import build_event_report
from brainstorm.reports import cache as report_cache
from brainstorm.reports import views as report_views
from brainstorm.reports.services import AUDIENCES, report_filename
from brainstorm.reports.wording import question_bars
from brainstorm.sessions.models import BrainstormSession
from brainstorm.validation import INT_MAX
from brainstorm.workspace import carry

bp = Blueprint("outcomes", __name__)


def _team(event: Event) -> bool:
    return current_user.is_authenticated and can_read_reports(current_user, event.id)


def _render(event: Event, row: Outcome | None, *, token: str = "", theme_id: int | None = None):
    outcome = services.build_outcome(event)
    if theme_id is not None and theme_id not in {t.id for t in outcome.themes}:
        abort(404)
    if row is not None:
        services.note_changes(row, outcome)
    choice = {name: request.args.get(name, "")[:120] for name in ("sessie", "sector", "groep")}
    return render_template(
        "outcomes/page.html",
        event=event,
        row=row,
        outcome=outcome,
        shown=services.filtered(outcome, choice["sessie"], choice["sector"], choice["groep"]),
        choice=choice,
        token=token,
        open_theme=theme_id,
        preview=row is None or not row.published,
        team=_team(event),
        sector_labels=services.SECTOR_LABELS,
        question_bars=question_bars,
    )


def _public(event_id: int) -> tuple[Event, Outcome | None]:
    """The event and its outcome, when this visitor may see it here (else a 404: a draft or a
    secret-link page does not exist for outsiders)."""
    event = db.get_or_404(Event, event_id)
    row = services.outcome_of(event)
    if (row is None or row.visibility != Visibility.PUBLIC) and not _team(event):
        abort(404)
    return event, row


@bp.get("/events/<int:event_id>/uitkomst")
@allow("public")
def page(event_id: int):
    """The outcome page at its public address."""
    event, row = _public(event_id)
    return _render(event, row)


@bp.get("/events/<int:event_id>/uitkomst/thema/<int:cluster_id>")
@allow("public")
def theme(event_id: int, cluster_id: int):
    """The permanent link to one theme: the page with that theme open."""
    event, row = _public(event_id)
    return _render(event, row, theme_id=cluster_id)


@bp.get("/uitkomst/<token>")
@allow("public")
def secret(token: str):
    """The outcome page by its secret link."""
    row = services.by_token(token) or abort(404)
    return _render(row.event, row, token=token)


@bp.get("/uitkomst/<token>/thema/<int:cluster_id>")
@allow("public")
def secret_theme(token: str, cluster_id: int):
    """One theme by the secret link."""
    row = services.by_token(token) or abort(404)
    return _render(row.event, row, token=token, theme_id=cluster_id)


@bp.get("/events/<int:event_id>/uitkomst/beheer")
@allow("facilitator_of_event", "staff_of_event")
def manage(event_id: int):
    """Publishing the outcome page and sending the terugkoppeling."""
    event = db.get_or_404(Event, event_id)
    row = services.outcome_of(event)
    states = dict(
        db.session.execute(
            select(outbox.OutboxMail.status, func.count())
            .where(outbox.OutboxMail.key.like(f"{mails.KIND}:{event.id}:%"))
            .group_by(outbox.OutboxMail.status)
        ).all()
    )
    return render_template(
        "outcomes/manage.html",
        event=event,
        row=row,
        link=mails.outcome_link(row) if row is not None and row.published else "",
        themes=len(services.build_outcome(event).themes),
        drafts=[bs.title for bs in services.drafts_of(event)],
        recipients=len(mails.recipients(event)),
        states=states,
        can_facilitate=can_facilitate(current_user, event.id),
        form=FlaskForm(),
    )


@bp.post("/events/<int:event_id>/uitkomst/beheer")
@allow("facilitator_of_event")
def publish(event_id: int):
    """Draft, public, or by a secret link; or a new secret link."""
    event = db.get_or_404(Event, event_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        if request.form.get("action") == "new_link":
            services.new_token(event, current_user)
            flash(_("Er is een nieuwe geheime link; de oude werkt niet meer."), "success")
        else:
            row = services.set_visibility(event, current_user, request.form.get("visibility", ""))
            flash(
                _("De uitkomstpagina is gepubliceerd.")
                if row.published
                else _("De uitkomstpagina is weer een concept."),
                "success",
            )
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("outcomes.manage", event_id=event.id))


@bp.post("/events/<int:event_id>/uitkomst/terugkoppeling")
@allow("facilitator_of_event")
def send_feedback(event_id: int):
    """Mail the outcome to everyone registered who has not had it yet."""
    event = db.get_or_404(Event, event_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        queued, sent, failed = mails.send_feedback(
            event, current_user, attach_report=request.form.get("report") == "yes"
        )
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("outcomes.manage", event_id=event.id))
    flash_undelivered(failed)
    flash(
        ngettext(
            "%(num)d terugkoppeling klaargezet, %(sent)d verstuurd.",
            "%(num)d terugkoppelingen klaargezet, %(sent)d verstuurd.",
            queued,
            sent=sent,
        ),
        "success",
    )
    return redirect(url_for("outcomes.manage", event_id=event.id))


@bp.route("/sessions/<int:session_id>/thema-overnemen", methods=["GET", "POST"])
@allow("facilitator_of_event")
def carry_forward(session_id: int):
    """Start this session from the themes of an earlier one."""
    bs = db.get_or_404(BrainstormSession, session_id)
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        source_id = request.form.get("source", type=int) or 0
        source = db.session.get(BrainstormSession, source_id) if 0 < source_id <= INT_MAX else None
        try:
            if source is None:
                raise DomainError(_("Kies een eerdere sessie waarvan je de thema's mag gebruiken."))
            rows = carry.carry_themes(bs, source, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(
                ngettext(
                    "%(num)d thema overgenomen en vastgezet.",
                    "%(num)d thema's overgenomen en vastgezet.",
                    len(rows),
                ),
                "success",
            )
            return redirect(url_for("sessions.facilitate", session_id=bs.id))
    return render_template(
        "outcomes/carry.html",
        bs=bs,
        sources=carry.sources_for(current_user, bs),
        has_clusters=bool(services.ordered_clusters(bs)),
        form=form,
    )


# --- one advice from several sessions ---------------------------------------------------------


def _as_id(value: str) -> int | None:
    return int(value) if value.isdecimal() and 0 < int(value) <= INT_MAX else None


def _id(name: str) -> int | None:
    """A form field that names a row: a positive id, else None (the service refuses it)."""
    return _as_id(request.form.get(name, ""))


def _ids(name: str) -> list[int | None]:
    """A field given several times (the themes of a proposal), at most a screenful."""
    return [_as_id(value) for value in request.form.getlist(name)[:50]]


@bp.get("/events/<int:event_id>/synthese")
@allow("staff_of_event")
def synthesis_page(event_id: int):
    """The engine's proposals, the themes the team merged, and the event's report."""
    event = db.get_or_404(Event, event_id)
    result = synthesis.build_synthesis(event)
    return render_template(
        "outcomes/synthesis.html",
        event=event,
        synthesis=result,
        introduction=services.report_introduction(event),
        formats=[(fmt, label) for fmt, (label, _mime, _render) in report_views.FORMATS.items()],
        audiences=AUDIENCES,
        form=FlaskForm(),
    )


@bp.post("/events/<int:event_id>/synthese")
@allow("staff_of_event")
def synthesis_action(event_id: int):
    """Merge two themes, keep them apart, rename a merged theme, take one out, split, or write
    the report's introduction."""
    event = db.get_or_404(Event, event_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    anchor = "voorstellen"
    try:
        if action == "merge":
            synthesis.merge(event, current_user, _ids("themes"))
            flash(_("Samengevoegd."), "success")
        elif action == "apart":
            synthesis.keep_apart(event, current_user, _ids("themes"))
            flash(_("Apart gehouden; dit voorstel komt niet terug."), "success")
        elif action == "rename":
            synthesis.rename(event, current_user, _id("theme"), request.form.get("title", ""))
            flash(_("De titel is opgeslagen."), "success")
            anchor = "samengevoegd"
        elif action == "take_out":
            synthesis.take_out(event, current_user, _id("cluster"))
            flash(_("Het thema staat weer op zichzelf."), "success")
            anchor = "samengevoegd"
        elif action == "introduction":
            services.set_report_introduction(event, current_user, request.form.get("introduction"))
            flash(_("De inleiding is opgeslagen."), "success")
            anchor = "rapport"
        elif action == "split":
            synthesis.split(event, current_user, _id("theme"))
            flash(_("Gesplitst: elk thema staat weer op zichzelf."), "success")
            anchor = "samengevoegd"
        else:
            raise DomainError(_("Onbekende handeling."))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("outcomes.synthesis_page", event_id=event.id, _anchor=anchor))


@bp.get("/events/<int:event_id>/synthese/rapport.<fmt>")
@allow("staff_of_event")
def synthesis_report(event_id: int, fmt: str):
    """The event's advice report from its synthesis, in one of the report's formats."""
    if fmt not in report_views.FORMATS:
        abort(404)
    event = db.get_or_404(Event, event_id)
    report = build_event_report(event, request.args.get("audience", "alles"))
    _label, mimetype, render = report_views.FORMATS[fmt]
    data = report_cache.rendered(report, fmt, lambda: run_blocking(render, report))
    name = report_filename(report, fmt)
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
