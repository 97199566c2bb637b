"""Poll pages: the builder for the event team, the public answer page, results and exports."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from brainstorm.accounts.access import allow
from brainstorm.errors import DomainError
from brainstorm.events import registrations
from brainstorm.events.models import Event
from brainstorm.exports import download
from brainstorm.extensions import db, limiter
from brainstorm.polls import services
from brainstorm.polls.forms import CopyPollForm, ImportForm, PollForm, QuestionForm
from brainstorm.polls.models import Poll, Question, QuestionType
from brainstorm.sessions import services as sessions
from brainstorm.sessions.models import BrainstormSession
from brainstorm.timeutil import local_to_utc, to_local, utcnow

bp = Blueprint("polls", __name__)


def _session_choices(event: Event) -> list[SelectChoice]:
    return [SelectChoice(bs.id, bs.title) for bs in sessions.sessions_of(event)]


def _closing(form: PollForm) -> datetime | None:
    if not form.closes_on.data:
        return None
    return local_to_utc(form.closes_on.data, form.closes_at.data or datetime.min.time())


@bp.route("/events/<int:event_id>/polls", methods=["GET", "POST"])
@allow("facilitator_of_event")
def index(event_id: int):
    """The event's polls; make a new one or copy one from an earlier event."""
    event = db.get_or_404(Event, event_id)
    form, copy = PollForm(), CopyPollForm()
    form.session_id.choices = [SelectChoice(0, "—"), *_session_choices(event)]
    copy.poll_id.choices = [
        SelectChoice(p.id, f"{p.title} ({p.event.title})") for p in services.other_polls(event)
    ]
    if form.validate_on_submit():
        bs = db.session.get(BrainstormSession, form.session_id.data or 0)
        try:
            poll = services.create_poll(
                event,
                current_user,
                form.title.data,
                form.kind.data,
                session=bs,
                closes_at=_closing(form),
                show_results=form.show_results.data,
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            return redirect(url_for("polls.edit", poll_id=poll.id))
    return render_template(
        "polls/index.html", event=event, polls=services.polls_of(event), form=form, copy=copy
    )


@bp.post("/events/<int:event_id>/polls/copy")
@allow("facilitator_of_event")
def copy(event_id: int):
    """Start from a poll of an earlier event."""
    event = db.get_or_404(Event, event_id)
    form = CopyPollForm()
    form.poll_id.choices = [SelectChoice(p.id, p.title) for p in services.other_polls(event)]
    if not form.validate_on_submit():
        flash(_("Kies een poll om te kopiëren."), "error")
        return redirect(url_for("polls.index", event_id=event.id))
    poll = services.copy_poll(db.get_or_404(Poll, form.poll_id.data), event, current_user)
    flash(_("De poll is gekopieerd. Pas hem aan waar nodig."), "success")
    return redirect(url_for("polls.edit", poll_id=poll.id))


def _question_data(form: QuestionForm) -> services.QuestionData:
    return services.QuestionData(
        type=form.type.data,
        text=form.text.data or "",
        options=(form.options.data or "").splitlines(),
        max_choices=form.max_choices.data,
        scale_high=form.scale_high.data or 5,
        label_low=form.label_low.data or "",
        label_high=form.label_high.data or "",
        required=form.required.data,
    )


@bp.route("/polls/<int:poll_id>", methods=["GET", "POST"])
@allow("facilitator_of_event")
def edit(poll_id: int):
    """A poll's settings and questions; add a question at the end."""
    poll = db.get_or_404(Poll, poll_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            services.add_question(poll, current_user, _question_data(form))
        except DomainError as error:
            form.text.errors.append(error.message)
        else:
            flash(_("Vraag toegevoegd."), "success")
            return redirect(url_for("polls.edit", poll_id=poll.id) + "#vragen")
    settings = PollForm(obj=poll)
    if request.method == "GET" and poll.closes_at:
        settings.closes_on.data = to_local(poll.closes_at).date()
        settings.closes_at.data = to_local(poll.closes_at).time()
    return render_template(
        "polls/edit.html",
        poll=poll,
        form=form,
        settings=settings,
        counts={q.id: services.answer_count(q) for q in poll.questions},
        public_url=url_for("polls.answer", slug=poll.slug, _external=True),
        import_form=_import_form(poll),
        action=FlaskForm(),
        type_labels={choice.value: choice.label for choice in form.type.choices},
    )


def _import_form(poll: Poll) -> ImportForm:
    form = ImportForm()
    form.session_id.choices = _session_choices(poll.event)
    return form


@bp.post("/polls/<int:poll_id>/settings")
@allow("facilitator_of_event")
def settings(poll_id: int):
    """Save title, closing date and whether respondents see the results."""
    poll = db.get_or_404(Poll, poll_id)
    form = PollForm()
    form.session_id.choices = [SelectChoice(0, "—"), *_session_choices(poll.event)]
    form.session_id.data = form.session_id.data or 0
    if form.validate_on_submit():
        try:
            services.update_poll(
                poll, current_user, form.title.data, _closing(form), form.show_results.data
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Opgeslagen."), "success")
    else:
        flash(_("Controleer de titel en de sluitingsdatum."), "error")
    return redirect(url_for("polls.edit", poll_id=poll.id))


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@allow("facilitator_of_event")
def edit_question(question_id: int):
    """Change a question while nobody has answered it."""
    question = db.get_or_404(Question, question_id)
    form = QuestionForm(obj=question)
    if not isinstance(form.options.data, str):  # from the question (also when a POST omits it)
        form.options.data = "\n".join(question.options)
    if form.validate_on_submit():
        try:
            services.update_question(question, current_user, _question_data(form))
        except DomainError as error:
            form.text.errors.append(error.message)
        else:
            flash(_("Vraag opgeslagen."), "success")
            return redirect(url_for("polls.edit", poll_id=question.poll_id) + "#vragen")
    return render_template("polls/question.html", question=question, form=form)


@bp.post("/questions/<int:question_id>/<any(delete, up, down, duplicate):action>")
@allow("facilitator_of_event")
def question_action(question_id: int, action: str):
    """Delete, move or duplicate a question."""
    question = db.get_or_404(Question, question_id)
    poll_id = question.poll_id
    if not FlaskForm().validate_on_submit():
        abort(400)
    if action == "delete":
        services.delete_question(question, current_user)
    elif action == "duplicate":
        services.duplicate_question(question, current_user)
    else:
        services.move_question(question, current_user, action)
    return redirect(url_for("polls.edit", poll_id=poll_id) + "#vragen")


@bp.post("/polls/<int:poll_id>/import")
@allow("facilitator_of_event")
def import_answers(poll_id: int):
    """The open answers become the first vraagstukken of a live session."""
    poll = db.get_or_404(Poll, poll_id)
    form = _import_form(poll)
    if form.validate_on_submit():
        bs = db.get_or_404(BrainstormSession, form.session_id.data)
        try:
            added = services.import_open_answers(poll, bs, current_user)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(
                _("%(n)d open antwoorden staan nu als vraagstuk in de sessie.", n=added), "success"
            )
    return redirect(url_for("polls.edit", poll_id=poll.id))


@bp.get("/polls/<int:poll_id>/results")
@allow("facilitator_of_event", "staff_of_event")
def results(poll_id: int):
    """Charts and tables of every question."""
    poll = db.get_or_404(Poll, poll_id)
    return render_template("polls/results.html", poll=poll, items=services.poll_results(poll))


@bp.get("/polls/<int:poll_id>/export.<any(csv, xlsx):fmt>")
@allow("facilitator_of_event", "staff_of_event")
def export(poll_id: int, fmt: str):
    """All answers as CSV, or answers and results as XLSX."""
    poll = db.get_or_404(Poll, poll_id)
    return download(services.export_tables(poll), fmt, f"poll-{poll.id}")


# --- the public side ------------------------------------------------------------------------


def _limit_key() -> str:
    return f"{get_remote_address()}/{session.get('poll_visitor', '')}"


def _respondent(poll: Poll) -> str:
    """Who answers: the registrant behind a personal link (?aanmelding=<token>), else this
    browser (a random id in the signed session cookie)."""
    token = request.args.get("aanmelding", "")
    if token:
        try:
            registration = registrations.find_registration(token)
        except DomainError:
            registration = None
        if registration is not None and registration.event_id == poll.event_id:
            return f"registration:{registration.id}"
    if "poll_visitor" not in session:
        session["poll_visitor"] = uuid4().hex
        session.permanent = True
    return f"visitor:{session['poll_visitor']}"


def _raw_answers(poll: Poll) -> dict[int, object]:
    """The answers as the form sent them, per question id (checked by the service)."""
    raw: dict[int, object] = {}
    for question in poll.questions:
        name = f"q{question.id}"
        if question.type == QuestionType.MULTIPLE:
            raw[question.id] = request.form.getlist(name)
        elif question.type == QuestionType.RANKING:
            # One select per option with its place (1 = most important): no script needed.
            ranks = [request.form.get(f"{name}_{i}", "") for i in range(len(question.options))]
            # Places 1 … 20; isdigit() would also pass "²", which int() refuses.
            places = [int(r) if r.isdecimal() and len(r) <= 2 else 0 for r in ranks]
            if sorted(places) == list(range(1, len(places) + 1)):
                raw[question.id] = sorted(range(len(places)), key=places.__getitem__)
            elif any(ranks):
                raw[question.id] = ["onvolledig"]  # refused by the service with a clear message
        else:
            raw[question.id] = request.form.get(name, "")
    return raw


@bp.route("/p/<slug>", methods=["GET", "POST"])
@allow("public")
# A whole school behind one NAT shares an address: a generous limit per address, and a tight
# one per browser (the respondent cookie), so one person cannot flood the poll.
@limiter.limit("300 per minute", methods=["POST"])
@limiter.limit("10 per minute", methods=["POST"], key_func=lambda: _limit_key())
def answer(slug: str):
    """The public poll before the session: no account, one response per person."""
    try:
        poll = services.find_public_poll(slug)
    except DomainError:
        abort(404)
    closed = poll.is_closed(utcnow())
    errors: dict[int, str] = {}
    if request.method == "POST" and not closed:  # CSRFProtect has checked the token
        try:
            services.submit_response(poll, _respondent(poll), _raw_answers(poll))
        except services.AnswersInvalid as error:
            errors = error.errors
            flash(error.message, "error")
        except DomainError as error:
            flash(error.message, "error")
        else:
            return redirect(url_for("polls.thanks", slug=slug))
    # The respondent cookie is set with the form, so the per-browser limit holds from the
    # first answer on.
    given = services.answers_of(poll, _respondent(poll))
    return render_template(
        "polls/answer.html",
        poll=poll,
        form=FlaskForm(),
        closed=closed,
        errors=errors,
        given=given,
        sent=request.form if request.method == "POST" else None,
    ), (422 if errors else 200)


@bp.get("/p/<slug>/bedankt")
@allow("public")
def thanks(slug: str):
    """What happens next, and the results when the organisers allow it."""
    try:
        poll = services.find_public_poll(slug)
    except DomainError:
        abort(404)
    items = services.poll_results(poll) if poll.show_results else []
    return render_template("polls/thanks.html", poll=poll, items=items)
