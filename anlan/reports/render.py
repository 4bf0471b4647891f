"""Rendering a bulletin: one document model (sections of sentences, tables, charts and
commentary) built from the figures snapshot, shown as HTML (on screen with ECharts, in print with
server-side SVG charts), printed to PDF by WeasyPrint and written to Word by python-docx.

Charts (``charts.py``, matplotlib): the PDF carries them as SVG images, the Word file as PNG,
each next to the table of the same numbers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import charts
from . import figures as F
from .bulletins import period_label
from .choices import BulletinState
from .models import Bulletin

DOCUMENT_LANGUAGE = "zh-hans"


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list]
    total: list | None = None


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # "bar" or "pie"
    categories: list[str]
    series: list[tuple[str, list[float]]]

    def svg(self) -> str:
        return charts.svg_img(self, title=self.title)

    def png(self) -> bytes:
        return charts.draw(self, "png")

    def echarts(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "categories": self.categories,
            "series": [{"name": n, "data": v} for n, v in self.series],
        }


@dataclass
class Section:
    key: str
    title: str
    sentences: list[str]
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    commentary: str = ""


def _rate(value) -> str:
    return "—" if value is None else f"{value}%"


def issuer(bulletin: Bulletin) -> str:
    return settings.ANLAN_BULLETIN_ISSUER or f"{bulletin.region.name}安全生产委员会办公室"


def document(bulletin: Bulletin) -> dict:
    """Everything the HTML, PDF and Word renderings print, in the active language."""
    fig = bulletin.figures or {}
    label = period_label(bulletin.period_start, bulletin.period_end)
    sentences = F.sentences(fig, label) if fig else {k: [] for k in F.SECTIONS}
    titles = F.section_titles()
    comments = bulletin.commentary or {}
    sections = {
        k: Section(k, titles[k], sentences[k], commentary=comments.get(k, "")) for k in F.SECTIONS
    }
    if fig:
        _fill(sections, fig)
    day = timezone.localtime(bulletin.published_at).date() if bulletin.published_at else None
    return {
        "bulletin": bulletin,
        "title": bulletin.title,
        "kind_title": bulletin.title.rsplit(" ", 1)[0],
        "number_line": f"{bulletin.period_start.year}年第{bulletin.number}期",
        "issuer": issuer(bulletin),
        "date_line": f"{day.year}年{day.month}月{day.day}日" if day else _("Draft, not published"),
        "period_label": label,
        "sections": list(sections.values()),
        "is_draft": bulletin.state == BulletinState.DRAFT,
    }


def _fill(sections: dict[str, Section], fig: dict) -> None:
    h = fig["hazards"]
    rows = [
        [
            r["name"],
            r["found"],
            r["closed"],
            _rate(r["rate"]),
            r["open"],
            r["overdue"],
            r["open_major"],
        ]
        for r in h["by_region"]
    ]
    sections["hazards"].tables.append(
        Table(
            _("Hazards by area"),
            [
                _("Area"),
                _("Found"),
                _("Rectified"),
                _("Rate"),
                _("Open at end"),
                _("Overdue"),
                _("Major open"),
            ],
            rows,
            [
                _("Total"),
                h["found"],
                h["closed"],
                _rate(h["rate"]),
                h["open"],
                h["overdue"],
                h["open_major"],
            ],
        )
    )
    if h["by_region"]:
        sections["hazards"].charts.append(
            Chart(
                "hazards_by_area",
                _("Hazards found and rectified by area"),
                "bar",
                [r["name"] for r in h["by_region"]],
                [
                    (_("Found"), [r["found"] for r in h["by_region"]]),
                    (_("Rectified"), [r["closed"] for r in h["by_region"]]),
                ],
            )
        )
    sections["hazards"].tables.append(
        Table(
            _("Hazards found by category"),
            [_("Category"), _("Found")],
            [[r["name"], r["found"]] for r in h["by_category"]],
        )
    )
    if h["by_category"]:
        sections["hazards"].charts.append(
            Chart(
                "hazards_by_category",
                _("Hazards found by category"),
                "pie",
                [r["name"] for r in h["by_category"]],
                [(_("Found"), [r["found"] for r in h["by_category"]])],
            )
        )
    a = fig["alarms"]
    sections["alarms"].tables.append(
        Table(
            _("Alarms by level"),
            [_("Level"), _("Alarms raised"), _("Handled in time")],
            [[r["name"], r["raised"], r["in_time"]] for r in a["by_level"]],
            [_("Total"), a["raised"], a["in_time"]],
        )
    )
    if a["raised"]:
        sections["alarms"].charts.append(
            Chart(
                "alarms_by_level",
                _("Alarms by level"),
                "bar",
                [r["name"] for r in a["by_level"]],
                [
                    (_("Alarms raised"), [r["raised"] for r in a["by_level"]]),
                    (_("Handled in time"), [r["in_time"] for r in a["by_level"]]),
                ],
            )
        )
    c = fig["commitments"]
    sections["commitments"].tables.append(
        Table(
            _("Commitments and strict supervision"),
            [_("Item"), _("Value")],
            [
                [_("Enterprises that must commit"), c["enterprises"]],
                [_("Commitments expected"), c["expected"]],
                [_("Commitments made"), c["made"]],
                [_("Commitment rate"), _rate(c["rate"])],
                [_("On the strict-supervision list"), c["strict_list"]],
            ],
        )
    )
    t = fig["tasks"]
    sections["tasks"].tables.append(
        Table(
            _("Supervision tasks"),
            [_("Item"), _("Value")],
            [
                [_("Tasks issued"), t["issued"]],
                [_("Assignments due"), t["due"]],
                [_("Done on time"), t["on_time"]],
                [_("Done late"), t["late"]],
                [_("Overdue"), t["overdue"]],
                [_("On-time rate"), _rate(t["on_time_rate"])],
            ],
        )
    )
    tr = fig["trainings"]
    sections["trainings"].tables.append(
        Table(
            _("Training by kind"),
            [_("Kind"), _("Records"), _("Sessions"), _("Person-times")],
            [[r["name"], r["records"], r["sessions"], r["participants"]] for r in tr["by_kind"]],
            [
                _("Total"),
                sum(r["records"] for r in tr["by_kind"]),
                tr["sessions"],
                tr["participants"],
            ],
        )
    )
    if tr["by_kind"]:
        sections["trainings"].charts.append(
            Chart(
                "trainings_by_kind",
                _("Training person-times by kind"),
                "bar",
                [r["name"] for r in tr["by_kind"]],
                [(_("Person-times"), [r["participants"] for r in tr["by_kind"]])],
            )
        )
    v = fig["visits"]
    sections["visits"].tables.append(
        Table(
            _("Expert visits by domain"),
            [_("Domain"), _("Visits"), _("Problems found")],
            [[r["name"], r["records"], r["problems"]] for r in v["by_domain"]],
            [_("Total"), v["visits"], v["problems"]],
        )
    )
    cp = fig["campaigns"]
    sections["campaigns"].tables.append(
        Table(
            _("Campaign activities by kind"),
            [_("Kind"), _("Events"), _("Person-times")],
            [[r["name"], r["events"], r["participants"]] for r in cp["by_kind"]],
            [_("Total"), cp["events"], cp["participants"]],
        )
    )
    d = fig["drills"]
    sections["drills"].tables.append(
        Table(
            _("Drills held by kind"),
            [_("Kind"), _("Held"), _("Participants")],
            [[r["name"], r["records"], r["participants"]] for r in d["by_kind"]],
            [_("Total"), d["held"], d["participants"]],
        )
    )
    w = fig["warnings"]
    sections["warnings"].tables.append(
        Table(
            _("Warnings in force"),
            [_("Warning"), _("Level"), _("Effective")],
            [[x["headline"], x["colour"], x["effective"]] for x in w["latest"]],
        )
    )


# ---------------------------------------------------------------- HTML and PDF


def html(bulletin: Bulletin, *, for_print: bool = True) -> str:
    context = document(bulletin)
    for section in context["sections"]:
        section.svgs = [mark_safe(chart.svg()) for chart in section.charts]  # noqa: S308
    context["for_print"] = for_print
    return render_to_string("reports/bulletins/print.html", context)


def pdf_bytes(bulletin: Bulletin) -> bytes:
    import weasyprint

    with translation.override(DOCUMENT_LANGUAGE):
        page = html(bulletin)
    return weasyprint.HTML(string=page, base_url=str(settings.BASE_DIR)).write_pdf()


# ---------------------------------------------------------------- Word


BODY_FONT = "宋体"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"


def _font(run, name: str, size=None, bold=None, colour=None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)


def docx_bytes(bulletin: Bulletin) -> bytes:
    with translation.override(DOCUMENT_LANGUAGE):
        return _docx(document(bulletin))


def _docx(doc: dict) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    word = Document()
    for s in word.sections:
        s.left_margin = s.right_margin = Cm(2.6)
        s.top_margin, s.bottom_margin = Cm(3.7), Cm(3.5)
    p = word.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(doc["kind_title"]), TITLE_FONT, 26, True, "C00000")
    p = word.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(doc["number_line"]), BODY_FONT, 16)
    p = word.add_paragraph()
    _font(p.add_run(doc["issuer"]), BODY_FONT, 14)
    p.add_run("\t\t\t")
    _font(p.add_run(doc["date_line"]), BODY_FONT, 14)
    p = word.add_paragraph()
    _font(p.add_run("━" * 24), BODY_FONT, 12, None, "C00000")
    p = word.add_paragraph()
    _font(p.add_run(doc["title"]), HEADING_FONT, 12, True)
    for number, section in enumerate(doc["sections"], start=1):
        if not (section.sentences or section.tables or section.commentary):
            continue
        p = word.add_paragraph()
        _font(p.add_run(f"{_cn_number(number)}、{section.title}"), HEADING_FONT, 16, True)
        for sentence in section.sentences:
            _font(word.add_paragraph().add_run(sentence), BODY_FONT, 14)
        if section.commentary:
            for line in section.commentary.splitlines():
                if line.strip():
                    _font(word.add_paragraph().add_run(line.strip()), BODY_FONT, 14)
        for table in section.tables:
            if not table.rows:
                continue
            cap = word.add_paragraph()
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(cap.add_run(table.caption), HEADING_FONT, 11, True)
            rows = table.rows + ([table.total] if table.total else [])
            t = word.add_table(rows=1 + len(rows), cols=len(table.headers))
            t.style = "Table Grid"
            t.alignment = WD_TABLE_ALIGNMENT.CENTER
            for i, head in enumerate(table.headers):
                cell = t.rows[0].cells[i]
                cell.text = ""
                _font(cell.paragraphs[0].add_run(str(head)), HEADING_FONT, 10.5, True)
            for r, row in enumerate(rows, start=1):
                for i, value in enumerate(row):
                    cell = t.rows[r].cells[i]
                    cell.text = ""
                    _font(cell.paragraphs[0].add_run(str(value)), BODY_FONT, 10.5)
        for chart in section.charts:
            word.add_picture(io.BytesIO(chart.png()), width=Cm(15))
            word.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = word.add_paragraph()
    _font(p.add_run("━" * 24), BODY_FONT, 12, None, "C00000")
    p = word.add_paragraph()
    _font(p.add_run(f"{doc['issuer']}　　{doc['date_line']}"), BODY_FONT, 12)
    buf = io.BytesIO()
    word.save(buf)
    return buf.getvalue()


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九十"
    if n <= 10:
        return digits[n]
    return "十" + digits[n - 10] if n < 20 else str(n)
