"""The report page (preview, audience, the facilitator's introduction) and its downloads."""

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from brainstorm.accounts.access import allow
from brainstorm.accounts.services import can_facilitate
from brainstorm.background import run_blocking
from brainstorm.extensions import db
from brainstorm.reports import cache, services, wording
from brainstorm.reports.docx import render_docx
from brainstorm.reports.forms import ReportSettingsForm
from brainstorm.reports.markdown import render_markdown_file
from brainstorm.reports.pdf import render_pdf
from brainstorm.reports.tables import render_csv_zip, render_xlsx
from brainstorm.sessions.models import BrainstormSession

bp = Blueprint("reports", __name__)

# format -> (label, mimetype, renderer); renderers take the AdviceReport and return the file.
FORMATS = {
    "docx": (
        "Word (DOCX)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        render_docx,
    ),
    "pdf": ("PDF", "application/pdf", render_pdf),
    "xlsx": (
        "Excel (XLSX)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        render_xlsx,
    ),
    "zip": ("CSV (zip)", "application/zip", render_csv_zip),
    "md": ("Markdown", "text/markdown", render_markdown_file),  # Werkzeug adds "; charset=utf-8"
}


@bp.get("/sessions/<int:session_id>/report")
@allow("staff_of_event")
def show(session_id: int):
    """The report as it will read, with the downloads; the facilitator writes the introduction."""
    bs = db.get_or_404(BrainstormSession, session_id)
    report = services.build_report(bs, request.args.get("audience", "alles"))
    facilitator = can_facilitate(current_user, bs.event_id)
    form = ReportSettingsForm(introduction=bs.report_introduction, final=bs.report_final)
    return render_template(
        "reports/show.html",
        bs=bs,
        report=report,
        audiences=services.AUDIENCES,
        formats=[(fmt, label) for fmt, (label, _mime, _render) in FORMATS.items()],
        settings_form=form if facilitator else None,
        poll_choices=services.report_polls(bs) if facilitator else [],
        wording=wording,
        versions=services.audience_versions(bs),
        unfinished=services.unfinished_clusters(bs) if not bs.report_final else [],
    )


@bp.post("/sessions/<int:session_id>/report")
@allow("facilitator_of_event")
def settings(session_id: int):
    """Save the introduction, the chosen polls and the final mark."""
    bs = db.get_or_404(BrainstormSession, session_id)
    form = ReportSettingsForm()
    if form.validate_on_submit():
        polls = request.form.getlist("polls")
        chosen = [int(i) for i in polls if i.isdecimal() and len(i) <= 18]  # ids, not "²"
        services.save_report_settings(bs, form.introduction.data, chosen, form.final.data)
    audience = request.args.get("audience", "alles")
    return redirect(url_for("reports.show", session_id=bs.id, audience=audience))


@bp.get("/sessions/<int:session_id>/report.<fmt>")
@allow("staff_of_event")
def download(session_id: int, fmt: str):
    """The advice report in one format, for one audience."""
    if fmt not in FORMATS:
        abort(404)
    bs = db.get_or_404(BrainstormSession, session_id)
    report = services.build_report(bs, request.args.get("audience", "alles"))
    _label, mimetype, render = FORMATS[fmt]
    data = cache.rendered(report, fmt, lambda: run_blocking(render, report))
    name = services.report_filename(report, fmt)
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
