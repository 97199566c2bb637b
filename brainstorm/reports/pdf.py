"""Render an AdviceReport as PDF: the preview's own HTML (templates/reports/document.html with
its print stylesheet), laid out by WeasyPrint. Needs Debian's Pango (see the Makefile)."""

import gc

from flask import render_template
from flask_babel import force_locale
from weasyprint import HTML

from brainstorm.reports import wording
from brainstorm.reports.services import AdviceReport


def report_html(report: AdviceReport) -> str:
    """The standalone print page. Dutch whatever the visitor's language, like the DOCX."""
    with force_locale("nl"):
        return render_template("reports/document.html", report=report, wording=wording)


def html_to_pdf(html: str) -> bytes:
    """Lay out the page as tagged PDF/UA-1 (headings, lists and tables readable by a screen
    reader, as government documents must be). No Flask here; the page names no external
    file, so nothing is fetched."""
    # WeasyPrint makes millions of short-lived objects; with the collector off while it runs,
    # a 60-page report is laid out ~0.2 s (8 %) faster (tests/benchmarks/reports.py). Any
    # cycles left are collected as usual afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return HTML(string=html, base_url=None).write_pdf(pdf_variant="pdf/ua-1")
    finally:
        if collecting:
            gc.enable()


def render_pdf(report: AdviceReport) -> bytes:
    """The report as PDF bytes. Needs the app context for the template: the view calls it via
    run_blocking, which carries the caller's context into gevent's worker thread."""
    return html_to_pdf(report_html(report))
