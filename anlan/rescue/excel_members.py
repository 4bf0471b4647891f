"""Excel exports: a team's members (ID numbers masked) and the certificates due."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from anlan.core.excel import Column, style_header

MEMBER_COLUMNS = (
    Column("seq", gettext_lazy("No."), 6),
    Column("name", gettext_lazy("name"), 14),
    Column("id_number", gettext_lazy("citizen ID number"), 22),
    Column("age", gettext_lazy("Age"), 6),
    Column("post", gettext_lazy("post"), 18),
    Column("unit", gettext_lazy("squad or squadron"), 16),
    Column("status", gettext_lazy("status"), 10),
    Column("joined_on", gettext_lazy("joined the team on"), 14),
    Column("experience_since", gettext_lazy("qualifying experience since"), 14),
    Column("mobile", gettext_lazy("mobile"), 14),
)
CERTIFICATE_COLUMNS = (
    Column("seq", gettext_lazy("No."), 6),
    Column("team", gettext_lazy("team"), 26),
    Column("member", gettext_lazy("member"), 14),
    Column("name", gettext_lazy("certificate"), 24),
    Column("number", gettext_lazy("number"), 18),
    Column("issuer", gettext_lazy("issued by"), 20),
    Column("expires_on", gettext_lazy("expires on"), 12),
    Column("state", gettext_lazy("State"), 10),
)


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet(title, columns):
    wb = Workbook()
    ws = wb.active
    ws.title = str(title)[:31]
    ws.append([str(c.header) for c in columns])
    style_header(ws, list(columns))
    return wb, ws


def export_members(members) -> bytes:
    wb, ws = _sheet(_("Team members"), MEMBER_COLUMNS)
    n = 0
    for n, m in enumerate(members, start=1):
        ws.append(
            [
                n,
                m.name,
                m.id_number_masked,
                m.age,
                str(m.get_post_display()),
                m.unit.name if m.unit_id else "",
                str(m.get_status_display()),
                m.joined_on.isoformat(),
                m.experience_since.isoformat(),
                m.mobile,
            ]
        )
    ws.auto_filter.ref = f"A1:J{n + 1}"
    return _save(wb)


def export_certificates(rows) -> bytes:
    """``rows``: (certificate, state label)."""
    wb, ws = _sheet(_("Certificates due"), CERTIFICATE_COLUMNS)
    n = 0
    for n, (c, state) in enumerate(rows, start=1):
        ws.append(
            [
                n,
                c.member.team.name,
                c.member.name,
                c.name,
                c.number,
                c.issuer,
                c.expires_on.isoformat(),
                str(state),
            ]
        )
    ws.auto_filter.ref = f"A1:H{n + 1}"
    return _save(wb)
