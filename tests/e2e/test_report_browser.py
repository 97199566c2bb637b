"""The advice report as PDF, downloaded in Chromium from the real gevent server: the PDF is
made in gevent's worker thread, which starts Typst in a child process beside the event loop."""

import io

from pypdf import PdfReader

from tests.e2e.test_session_browser import log_in


def test_staff_download_the_report_as_pdf(live_server, new_page):
    page = new_page()
    log_in(page, live_server)
    page.goto(f"{live_server['url']}/sessions/{live_server['session_id']}/report")
    with page.expect_download() as download:
        page.locator("#download-pdf").click()
    assert download.value.suggested_filename == (
        f"adviesrapport-brainstormsessie-rato-alles-{live_server['day']}.pdf"
    )
    with open(download.value.path(), "rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    text = " ".join(" ".join(sheet.extract_text() for sheet in reader.pages).split())
    assert "Adviesrapport: Brainstormsessie RATO" in text and "CONCEPT" in text
    assert not page.errors


def test_the_audience_chosen_under_voor_is_the_pdf_downloaded(live_server, new_page):
    """Choosing an audience and pressing PDF straight away (no "Voorbeeld tonen" first) gives
    that audience's report."""
    page = new_page()
    log_in(page, live_server)
    page.goto(f"{live_server['url']}/sessions/{live_server['session_id']}/report")
    page.get_by_label("Voor").select_option("ocw")
    with page.expect_download() as download:
        page.locator("#download-pdf").click()
    assert download.value.suggested_filename == (
        f"adviesrapport-brainstormsessie-rato-ocw-{live_server['day']}.pdf"
    )
    with open(download.value.path(), "rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    text = " ".join(" ".join(sheet.extract_text() for sheet in reader.pages).split())
    assert "Ministerie van Onderwijs, Cultuur en Wetenschap" in text
    assert not page.errors
