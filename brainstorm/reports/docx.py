"""Render an AdviceReport as a Word document that can be forwarded as it is.

A4, in this order: a title page (with "CONCEPT" while the report is a draft, which every
page header repeats), a written contents list, the introduction, participation, each theme in
the facilitator's order with the vraagstukken it rests on, a chart of the votes, the poll
results as tables and charts, and the appendices (all input, the audit trail). The words are
those of templates/reports/_document.html, shared through reports.wording.
"""

from __future__ import annotations

import io
import re
from datetime import UTC
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from brainstorm.reports import wording
from brainstorm.reports.services import AdviceReport, ReportIdea

ACCENT_HEX = "154273"
ACCENT = RGBColor.from_string(ACCENT_HEX)
MUTED = RGBColor(0x59, 0x59, 0x59)
RULE_HEX = "BFBFBF"
TINT_HEX = "E8EEF5"
FONT = "Calibri"
ORGANISATION = "Samen Opleiden & Professionaliseren"
TEXT_WIDTH = Mm(160)  # A4 less two margins of 2.5 cm
# Column widths in mm by header; a column not named takes what is left of the text width.
NUMBER_WIDTH = 28  # "Percentage" in bold, also in a font wider than Calibri
APPENDIX_WIDTHS = {"Nr.": 11, "Herkomst": 24, "Stemmen": 23, "Status": 28}  # bold, any font
AUDIT_WIDTHS = {"Tijd": 24, "Wie": 36}

# Paragraph styles this module adds (Word users can restyle them by name).
CELL, META, CONTENTS, SUBCONTENTS, RECOMMENDATION, STAMP = (
    "Tabeltekst", "Toelichting", "Inhoud 1", "Inhoud 2", "Aanbeveling", "Concept",
)  # fmt: skip


def render_docx(report: AdviceReport) -> bytes:
    """The report as .docx bytes."""
    from brainstorm.reports import charts  # matplotlib: loaded with the first report only

    doc = Document()
    _page_setup(doc, report)
    _styles(doc)
    _properties(doc, report)
    _title_page(doc, report)
    _contents(doc, report)

    first = True
    if report.introduction.strip():
        _heading(doc, wording.INTRODUCTION, new_page=True)
        first = False
        for text in wording.paragraphs(report.introduction):
            _lines(doc.add_paragraph(), text)
    _participation(doc, report, new_page=first)

    _heading(doc, wording.THEMES, new_page=True)
    chart = charts.votes_chart(report)
    if chart:
        _picture(doc, chart, "Staafdiagram: stemmen per thema, in de volgorde van het rapport")
    if not report.clusters:
        doc.add_paragraph(wording.NOT_CLUSTERED)
    for number, cluster in enumerate(report.clusters, start=1):
        doc.add_heading(f"{number}. {cluster.title}", level=2)
        _add(doc, wording.cluster_meta(cluster), META)
        for label, text in (
            ("Samenvatting", cluster.summary),
            ("Onderliggende vraag", cluster.question),
        ):
            if text:
                _labelled(doc.add_paragraph(), label, text)
        if cluster.recommendation:
            _labelled(_add(doc, "", RECOMMENDATION), "Aanbeveling", cluster.recommendation)
        if report.audience == "alles":
            _labelled(_add(doc, "", META), "Voor", cluster.for_whom)
        basis = _add(doc, "", META)
        basis.add_run(wording.BASIS).bold = True
        basis.paragraph_format.keep_with_next = True
        _cited(doc, cluster.ideas)
    if report.unclustered:
        doc.add_heading(wording.UNCLUSTERED, level=2)
        _cited(doc, report.unclustered)

    if report.polls:
        _heading(doc, wording.POLLS, new_page=True)
    for poll in report.polls:
        doc.add_heading(poll.title, level=2)
        for question in poll.questions:
            asked = doc.add_paragraph()
            asked.paragraph_format.keep_with_next = True
            asked.paragraph_format.space_before = Pt(10)
            asked.add_run(question.text).bold = True
            _muted(asked, f" ({wording.answers(question.respondents)})")
            if not question.respondents:
                continue
            rows = wording.poll_table(question)
            if rows:
                numeric = wording.numeric_columns(rows)
                widths = {rows[0][i]: NUMBER_WIDTH for i in numeric}  # labels take the rest
                _table(doc, rows, widths=widths, numeric=numeric)
            summary = wording.poll_summary(question)
            if summary:
                _add(doc, summary, META)
            for answer in wording.open_answers(question):
                _add(doc, answer, "List Bullet")
            chart = charts.question_chart(question)
            if chart:
                _picture(doc, chart, f"Staafdiagram: uitkomst van de vraag “{question.text}”")

    _heading(doc, wording.RAW_INPUT, new_page=True)
    if report.raw_input:
        rows = wording.raw_input_table(report)
        _table(doc, rows, widths=APPENDIX_WIDTHS, numeric=wording.numeric_columns(rows))
    else:
        doc.add_paragraph("Er is geen invoer.")
    _heading(doc, wording.AUDIT, new_page=True)
    if report.audit:
        _table(doc, wording.audit_table(report), widths=AUDIT_WIDTHS)
    else:
        doc.add_paragraph("Er zijn geen wijzigingen vastgelegd.")

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- the parts ------------------------------------------------------------------------------


def _title_page(doc, report: AdviceReport) -> None:
    if not report.final:
        _add(doc, "CONCEPT", STAMP)
        _add(doc, wording.DRAFT_NOTE, META)
    title = _add(doc, report.title, "Title")
    title.paragraph_format.space_before = Pt(36 if not report.final else 120)
    for label, value in wording.title_facts(report):
        fact = doc.add_paragraph()
        fact.paragraph_format.space_after = Pt(4)
        _labelled(fact, label, value)
    made = _add(doc, "", META)
    made.paragraph_format.space_before = Pt(48)
    made.add_run(f"Gemaakt op {wording.dutch_date(report.generated_at)} met brainstorm")


def _contents(doc, report: AdviceReport) -> None:
    """A table-of-contents field (headings 1 and 2, with page numbers) that Word and
    LibreOffice update; until then it shows the contents written out, so a reader who never
    updates fields still sees every section and theme (without page numbers)."""
    # Word's own style for this heading: like Heading 1, but not listed in the contents.
    _heading(doc, "Inhoud", new_page=True).style = doc.styles["TOC Heading"]
    entries = wording.contents(report)
    first = _add(doc, "", CONTENTS)
    _complex_field_start(first, 'TOC \\o "1-2" \\h \\z \\u')
    last = first
    for n, (level, number, text) in enumerate(entries):
        line = f"{number}. {text}" if number else text
        paragraph = first if n == 0 else _add(doc, "", SUBCONTENTS if level else CONTENTS)
        if n == 0 and level:
            paragraph.style = doc.styles[SUBCONTENTS]
        paragraph.add_run(line)
        last = paragraph
    _complex_field_end(last)
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")  # Word offers to fill in the page numbers on opening
    update.set(qn("w:val"), "true")
    settings.append(update)


def _complex_field_start(paragraph, instruction: str) -> None:
    """begin, the instruction, separate: what follows is the field's current result."""
    for kind in ("begin", None, "separate"):
        run = OxmlElement("w:r")
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            if kind == "begin":
                char.set(qn("w:dirty"), "true")
            run.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run.append(instr)
        paragraph._p.append(run)


def _complex_field_end(paragraph) -> None:
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    run.append(char)
    paragraph._p.append(run)


def _participation(doc, report: AdviceReport, new_page: bool) -> None:
    _heading(doc, wording.PARTICIPATION, new_page=new_page)
    tables = wording.participation_tables(report)
    if not tables:
        doc.add_paragraph("Er deden (nog) geen deelnemers mee.")
    for caption, rows in tables:
        label = _add(doc, caption, "Caption")
        label.paragraph_format.keep_with_next = True
        _table(
            doc,
            rows,
            widths={rows[0][0]: 80, "Deelnemers": 30, "Aangemeld": 30},
            numeric=wording.numeric_columns(rows),
        )
    if report.named_participants:
        _labelled(doc.add_paragraph(), wording.NAMED, ", ".join(report.named_participants))


def _cited(doc, ideas: list[ReportIdea]) -> None:
    """Each vraagstuk with its breakout group, source and votes: where an advice comes from."""
    for idea in ideas:
        item = _add(doc, idea.text, "List Bullet")
        notes = wording.idea_notes(idea)
        if notes:
            _muted(item, f" ({notes})")


# --- building blocks ------------------------------------------------------------------------


def _add(container, text: str, style: str):
    """A paragraph in one of our styles. Its id is the name without spaces (true for every
    style used here); set directly, because by name python-docx searches all styles each time."""
    paragraph = container.add_paragraph(text)
    paragraph._p.style = style.replace(" ", "")
    return paragraph


def _heading(doc, text: str, *, new_page: bool = False):
    heading = doc.add_heading(text, level=1)
    heading.paragraph_format.page_break_before = new_page
    return heading


def _labelled(paragraph, label: str, text: str) -> None:
    paragraph.add_run(f"{label}: ").bold = True
    _lines(paragraph, text)


def _lines(paragraph, text: str) -> None:
    """Text whose single line breaks stay line breaks."""
    for number, line in enumerate(text.split("\n")):
        run = paragraph.add_run()
        if number:
            run.add_break()
        run.add_text(line.rstrip("\r"))


def _muted(paragraph, text: str) -> None:
    run = paragraph.add_run(text)
    run.font.color.rgb = MUTED
    run.font.size = Pt(9.5)


def _picture(doc, png: bytes, description: str) -> None:
    """A chart at text width, with alternative text for screen readers."""
    paragraph = doc.add_paragraph()  # kept: doc.paragraphs[-1] walks the whole document
    shape = paragraph.add_run().add_picture(io.BytesIO(png), width=TEXT_WIDTH)
    shape._inline.docPr.set("descr", description)
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.space_after = Pt(12)


def _table(doc, rows: list[list[str]], widths: dict | None = None, numeric=()) -> None:
    """A table with a shaded header row that repeats on every page, thin rules between rows,
    rows that do not break across pages. widths: mm per header; the columns not named share
    the rest of the text width. Written as one piece of XML and parsed once: cell by cell
    through python-docx's objects the appendix of 500 vraagstukken took a third of a second."""
    header = rows[0]
    if widths:
        free = [name for name in header if name not in widths]
        rest = max(160 - sum(widths.get(name, 0) for name in header), 0)
        twips = [Mm(widths[name] if name in widths else rest / len(free)).twips for name in header]
        layout = '<w:tblLayout w:type="fixed"/>'
    else:
        twips = [doc._block_width.twips // len(header)] * len(header)
        layout = ""
    edges = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{RULE_HEX}"/>'
        if side in ("top", "bottom", "insideH")
        else f'<w:{side} w:val="nil"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    aligns = ['<w:jc w:val="right"/>' if i in numeric else "" for i in range(len(header))]
    cell_style = CELL.replace(" ", "")  # the id, see _add
    head_cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/><w:noWrap/>'
        f'<w:shd w:val="clear" w:color="auto" w:fill="{ACCENT_HEX}"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{cell_style}"/>{align}</w:pPr>'
        f'<w:r><w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>{_xml_text(value)}</w:r></w:p></w:tc>'
        for value, width, align in zip(header, twips, aligns, strict=True)
    )  # noWrap: "Percentage" stays one word whatever font stands in for Calibri
    body = "".join(
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        + "".join(
            f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{cell_style}"/>{align}</w:pPr>'
            f"<w:r>{_xml_text(value)}</w:r></w:p></w:tc>"
            for value, width, align in zip(row, twips, aligns, strict=True)
        )
        + "</w:tr>"
        for row in rows[1:]
    )
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in twips)
    doc.element.body._insert_tbl(
        parse_xml(
            f"<w:tbl {nsdecls('w')}><w:tblPr>"
            f'<w:tblW w:type="auto" w:w="0"/><w:jc w:val="left"/>'
            f"<w:tblBorders>{edges}</w:tblBorders>{layout}"
            '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
            'w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
            f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{head_cells}</w:tr>"
            f"{body}</w:tbl>"
        )
    )
    _add(doc, "", CELL)  # room after the table


# Characters XML 1.0 cannot hold (python-docx would refuse the whole document over one).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    """A run's content as python-docx writes it: line breaks as w:br, tabs as w:tab."""
    text = _NOT_XML.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    parts = []
    for number, line in enumerate(text.split("\n")):
        if number:
            parts.append("<w:br/>")
        for index, piece in enumerate(line.split("\t")):
            if index:
                parts.append("<w:tab/>")
            if piece:
                space = ' xml:space="preserve"' if piece != piece.strip() else ""
                parts.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return "".join(parts)


def _field(paragraph, instruction: str) -> None:
    """A field Word and LibreOffice fill in when showing the page (PAGE, NUMPAGES)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# --- page, styles, properties ---------------------------------------------------------------


def _page_setup(doc, report: AdviceReport) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    section.header_distance = section.footer_distance = Mm(12)

    header = section.header.paragraphs[0]
    header.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    header.add_run(report.title)
    if not report.final:
        stamp = header.add_run("\tCONCEPT")
        stamp.bold = True
        stamp.font.color.rgb = ACCENT
        stamp.font.size = Pt(11)

    footer = section.footer.paragraphs[0]
    footer.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run(f"Gemaakt met brainstorm op {wording.dutch_date(report.generated_at)}\tpagina ")
    _field(footer, "PAGE")
    footer.add_run(" van ")
    _field(footer, "NUMPAGES")


def _styles(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "nl-NL")
    normal.element.get_or_add_rPr().append(language)
    for name, size, before, after in (
        ("Title", 26, 0, 18),
        ("Heading 1", 16, 18, 8),
        ("Heading 2", 13, 16, 4),
    ):
        style = styles[name]
        fonts = style.element.rPr.find(qn("w:rFonts"))
        if fonts is not None:  # theme fonts would win over the font name
            style.element.rPr.remove(fonts)
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = ACCENT
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
    rule = styles["Title"].element.pPr.find(qn("w:pBdr"))
    if rule is not None:
        for edge in rule:
            edge.attrib.pop(qn("w:themeColor"), None)
            edge.set(qn("w:color"), ACCENT_HEX)
    caption = styles["Caption"]
    caption.font.color.rgb = MUTED
    caption.font.size = Pt(9.5)
    caption.paragraph_format.space_before = Pt(8)
    caption.paragraph_format.space_after = Pt(3)
    for name in ("Header", "Footer"):
        tabs = styles[name].element.pPr.find(qn("w:tabs"))
        if tabs is not None:  # our own tab stop at the right margin, not Letter's
            styles[name].element.pPr.remove(tabs)
        styles[name].font.size = Pt(9)  # page numbers (fields) look like the rest
        styles[name].font.color.rgb = MUTED

    cell = _add_style(doc, CELL, size=10, after=0)
    cell.paragraph_format.line_spacing = 1.0
    _add_style(doc, META, size=9.5, after=4, color=MUTED)
    _add_style(doc, CONTENTS, after=3, before=6).font.bold = True
    _add_style(doc, SUBCONTENTS, after=2).paragraph_format.left_indent = Mm(8)
    recommendation = _add_style(doc, RECOMMENDATION, before=6, after=8, tint=True)
    recommendation.paragraph_format.left_indent = Mm(3)
    recommendation.paragraph_format.keep_together = True
    stamp = _add_style(doc, STAMP, size=28, after=4, box=True)
    stamp.font.bold = True
    stamp.font.color.rgb = ACCENT
    stamp.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    stamp.paragraph_format.left_indent = stamp.paragraph_format.right_indent = Mm(3)


def _add_style(doc, name, *, size=None, before=None, after=None, color=None, tint=False, box=False):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    if tint or box:  # borders and shading come first in a paragraph's properties
        p_pr = style.element.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        for side in ("top", "left", "bottom", "right") if box else ("left",):
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), "single")
            edge.set(qn("w:sz"), "18" if box else "24")
            edge.set(qn("w:space"), "6" if box else "8")
            edge.set(qn("w:color"), ACCENT_HEX)
            borders.append(edge)
        p_pr.append(borders)
        if tint:
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:color"), "auto")
            shading.set(qn("w:fill"), TINT_HEX)
            p_pr.append(shading)
    if size:
        style.font.size = Pt(size)
    if color:
        style.font.color.rgb = color
    if before is not None:
        style.paragraph_format.space_before = Pt(before)
    if after is not None:
        style.paragraph_format.space_after = Pt(after)
    return style


def _properties(doc, report: AdviceReport) -> None:
    properties = doc.core_properties
    properties.title = report.title
    properties.subject = wording.subject(report)
    properties.author = properties.last_modified_by = ORGANISATION
    properties.category = "Adviesrapport"
    properties.comments = f"{report.session_title}, {wording.dutch_date(report.event_start)}"
    properties.keywords = "adviesrapport; brainstorm; " + (
        "definitief" if report.final else "concept"
    )
    properties.language = "nl-NL"
    moment = report.generated_at
    if moment.tzinfo is not None:  # the file stores UTC
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    properties.created = properties.modified = moment
    properties.revision = 1
    _app_properties(doc)
    _dutch_defaults(doc)


def _dutch_defaults(doc) -> None:
    """The template's defaults say en-US (spelling, hyphenation): Dutch instead, and no
    thumbnail of the template's empty page."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    for language in doc.styles.element.iter(qn("w:lang")):
        language.set(qn("w:val"), "nl-NL")
        language.set(qn("w:eastAsia"), "nl-NL")
    for language in doc.settings.element.iter(qn("w:themeFontLang")):
        language.set(qn("w:val"), "nl-NL")
    package = doc.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(r_id)


def _app_properties(doc) -> None:
    """docProps/app.xml of python-docx's template says "Microsoft Macintosh Word": ours, with
    the organisation as company."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    for rel in doc.part.package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_XML.encode("utf-8")


APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Template>Normal.dotm</Template><Application>brainstorm</Application>"
    f"<Company>{'Samen Opleiden &amp; Professionaliseren'}</Company>"
    "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    "<HyperlinksChanged>false</HyperlinksChanged><AppVersion>1.0</AppVersion>"
    "</Properties>"
)
