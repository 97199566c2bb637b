"""The report page and its downloads, for the event's staff."""

import re

from flask import Blueprint, Response, render_template, request

from brainstorm.accounts.access import allow
from brainstorm.background import run_blocking
from brainstorm.extensions import db
from brainstorm.reports.docx import render_docx
from brainstorm.reports.services import AUDIENCES, build_report
from brainstorm.sessions.models import BrainstormSession

bp = Blueprint("reports", __name__)

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.get("/sessions/<int:session_id>/report")
@allow("staff_of_event")
def show(session_id: int):
    """What the report will hold, with the download links."""
    bs = db.get_or_404(BrainstormSession, session_id)
    report = build_report(bs, request.args.get("audience", "alles"))
    return render_template("reports/show.html", bs=bs, report=report, audiences=AUDIENCES)


@bp.get("/sessions/<int:session_id>/report.docx")
@allow("staff_of_event")
def download_docx(session_id: int):
    """The advice report as a Word document."""
    bs = db.get_or_404(BrainstormSession, session_id)
    data = run_blocking(render_docx, build_report(bs, request.args.get("audience", "alles")))
    slug = re.sub(r"[^a-z0-9]+", "-", bs.event.title.lower()).strip("-") or "sessie"
    return Response(
        data,
        mimetype=DOCX_MIME,
        headers={"Content-Disposition": f'attachment; filename="adviesrapport-{slug}.docx"'},
    )
