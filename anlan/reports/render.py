"""Rendering a bulletin: one document model (sections of sentences, tables, charts and
commentary) built from the figures snapshot, shown as HTML (on screen with ECharts, in print with
server-side SVG charts), printed to PDF by WeasyPrint and written to Word by python-docx.

Charts: the PDF draws bar and pie charts as inline SVG made here (no plotting library); the Word
file carries each chart as a PNG drawn with Pillow (already a WeasyPrint dependency) next to the
table of the same numbers.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import figures as F
from .bulletins import period_label
from .choices import BulletinState
from .models import Bulletin

PALETTE = ("#c0392b", "#2c7fb8", "#e67e22", "#27ae60", "#8e44ad", "#7f8c8d", "#f1c40f", "#16a085")
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
        if self.kind == "pie":
            return pie_svg(self.title, self.categories, self.series[0][1])
        return bar_svg(self.title, self.categories, self.series)

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


# ---------------------------------------------------------------- SVG charts


def _nice_max(value: float) -> float:
    """The top of the value axis: a round number, a multiple of 4 (so the 4 gridlines fall on
    whole numbers) at or above ``value``."""
    if value <= 4:
        return 4
    exp = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * exp:
            return math.ceil(m * exp / 4) * 4
    return 10 * exp


def bar_svg(title: str, categories: list[str], series, width=640, height=260) -> str:
    """A grouped bar chart as an SVG string: axes, gridlines, values above the bars, legend."""
    left, right, top, bottom = 48, 12, 34, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max([max(v) if v else 0 for _n, v in series] + [0]))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="chart" role="img" aria-label="{escape(title)}">',
        f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="13" '
        f'font-weight="bold">{escape(title)}</text>',
    ]
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        value = top_value * i / 4
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">'
            f"{value:g}</text>"
        )
    n = max(1, len(categories))
    group_w = plot_w / n
    bar_w = group_w * 0.7 / max(1, len(series))
    for ci, cat in enumerate(categories):
        x0 = left + ci * group_w + group_w * 0.15
        for si, (_name, values) in enumerate(series):
            value = values[ci] if ci < len(values) else 0
            bh = plot_h * value / top_value
            x = x0 + si * bar_w
            y = top + plot_h - bh
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.92:.1f}" height="{bh:.1f}" '
                f'fill="{PALETTE[si % len(PALETTE)]}"/>'
            )
            out.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 2:.1f}" text-anchor="middle" '
                f'font-size="9">{value:g}</text>'
            )
        out.append(
            f'<text x="{left + ci * group_w + group_w / 2:.1f}" y="{top + plot_h + 14}" '
            f'text-anchor="middle" font-size="10">{escape(str(cat)[:8])}</text>'
        )
    lx = left
    for si, (name, _values) in enumerate(series):
        out.append(
            f'<rect x="{lx}" y="{height - 14}" width="10" height="10" '
            f'fill="{PALETTE[si % len(PALETTE)]}"/>'
        )
        out.append(f'<text x="{lx + 14}" y="{height - 5}" font-size="10">{escape(name)}</text>')
        lx += 24 + 12 * len(name)
    out.append("</svg>")
    return "".join(out)


def pie_svg(title: str, labels: list[str], values: list[float], width=640, height=260) -> str:
    total = sum(values) or 1
    cx, cy, r = 150, 145, 95
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="chart" role="img" aria-label="{escape(title)}">',
        f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="13" '
        f'font-weight="bold">{escape(title)}</text>',
    ]
    angle = -math.pi / 2
    for i, value in enumerate(values):
        colour = PALETTE[i % len(PALETTE)]
        share = value / total
        if share >= 0.9999:
            out.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{colour}"/>')
        elif share > 0:
            end = angle + 2 * math.pi * share
            x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
            x2, y2 = cx + r * math.cos(end), cy + r * math.sin(end)
            large = 1 if share > 0.5 else 0
            out.append(
                f'<path d="M{cx},{cy} L{x1:.1f},{y1:.1f} A{r},{r} 0 {large} 1 {x2:.1f},{y2:.1f} Z" '
                f'fill="{colour}" stroke="#fff"/>'
            )
            angle = end
        y = 50 + i * 20
        out.append(f'<rect x="300" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(
            f'<text x="318" y="{y}" font-size="11">{escape(str(labels[i]))} '
            f"{value:g}（{100 * share:.1f}%）</text>"
        )
    out.append("</svg>")
    return "".join(out)


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


def chart_png(chart: Chart, width=1200, height=480) -> bytes:
    """The chart for the Word file, drawn with Pillow in a CJK font; a grouped bar chart (a pie
    is drawn as bars of its shares too, which reads as well in print)."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.truetype("NotoSansCJK-Regular.ttc", 22)
        small = ImageFont.truetype("NotoSansCJK-Regular.ttc", 18)
    except OSError:
        try:
            font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 22)
            small = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 18)
        except OSError:
            font = small = ImageFont.load_default()
    left, right, top, bottom = 90, 20, 50, 80
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max([max(v) if v else 0 for _n, v in chart.series] + [0]))
    draw.text((width / 2, 10), chart.title, fill="black", font=font, anchor="mt")
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        draw.line((left, y, width - right, y), fill="#dddddd")
        draw.text((left - 8, y), f"{top_value * i / 4:g}", fill="black", font=small, anchor="rm")
    n = max(1, len(chart.categories))
    group_w = plot_w / n
    bar_w = group_w * 0.7 / max(1, len(chart.series))
    for ci, cat in enumerate(chart.categories):
        x0 = left + ci * group_w + group_w * 0.15
        for si, (_name, values) in enumerate(chart.series):
            value = values[ci] if ci < len(values) else 0
            bh = plot_h * value / top_value
            x = x0 + si * bar_w
            colour = PALETTE[(ci if chart.kind == "pie" else si) % len(PALETTE)]
            draw.rectangle((x, top + plot_h - bh, x + bar_w * 0.92, top + plot_h), fill=colour)
            draw.text(
                (x + bar_w / 2, top + plot_h - bh - 4),
                f"{value:g}",
                fill="black",
                font=small,
                anchor="mb",
            )
        draw.text(
            (left + ci * group_w + group_w / 2, top + plot_h + 8),
            str(cat)[:8],
            fill="black",
            font=small,
            anchor="mt",
        )
    if chart.kind != "pie":
        lx = left
        for si, (name, _values) in enumerate(chart.series):
            draw.rectangle((lx, height - 30, lx + 16, height - 14), fill=PALETTE[si % len(PALETTE)])
            draw.text((lx + 22, height - 22), name, fill="black", font=small, anchor="lm")
            lx += 60 + 20 * len(name)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


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
            word.add_picture(io.BytesIO(chart_png(chart)), width=Cm(15))
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
