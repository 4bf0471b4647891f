"""Excel: member units with their duty lists, and 督办 tasks with each unit's status; import of
member units and duty lists (one row per duty; the unit's columns repeat or are left blank)."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from anlan.core.excel import Column, style_header
from anlan.core.models import Region, User

from . import office
from .choices import AssignmentState, TaskState, UnitKind
from .models import MemberUnit

UNIT_COLUMNS = [
    Column("committee", gettext_lazy("Committee (region code)"), 16, required=True),
    Column("name", gettext_lazy("name"), 24, required=True),
    Column("kind", gettext_lazy("kind"), 14, required=True),
    Column("township", gettext_lazy("Township code"), 14),
    Column("short_name", gettext_lazy("short name"), 12),
    Column("sectors", gettext_lazy("sectors supervised"), 24),
    Column("party_chair", gettext_lazy("party secretary"), 12),
    Column("admin_chair", gettext_lazy("head (government chair)"), 12),
    Column("liaison_name", gettext_lazy("liaison"), 12),
    Column("liaison_phone", gettext_lazy("liaison phone"), 14),
    Column("liaison_accounts", gettext_lazy("liaison accounts"), 16),
    Column("duty", gettext_lazy("duty"), 50),
    Column("basis", gettext_lazy("basis"), 30),
]

TASK_COLUMNS = [
    Column("number", gettext_lazy("number"), 22),
    Column("title", gettext_lazy("title"), 30),
    Column("committee", gettext_lazy("issued by the committee of"), 14),
    Column("priority", gettext_lazy("priority"), 8),
    Column("issued_at", gettext_lazy("issued at"), 16),
    Column("deadline", gettext_lazy("deadline"), 12),
    Column("task_state", gettext_lazy("state"), 10),
    Column("unit", gettext_lazy("member unit"), 20),
    Column("state", gettext_lazy("Unit status"), 14),
    Column("overdue", gettext_lazy("Past the deadline"), 8),
    Column("submitted_at", gettext_lazy("submitted at"), 16),
    Column("on_time", gettext_lazy("done on time"), 10),
    Column("feedback", gettext_lazy("feedback"), 40),
    Column("review_comment", gettext_lazy("review comment"), 24),
]


def _t(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _book(title: str, columns) -> tuple[Workbook, object]:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([str(c.header) for c in columns])
    style_header(ws, columns)
    return wb, ws


def _bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_units(units) -> bytes:
    wb, ws = _book(_("Member units"), UNIT_COLUMNS)
    units = units.select_related("committee_region", "township").prefetch_related(
        "duties", "liaisons"
    )
    for u in units:
        head = [
            u.committee_region.code,
            u.name,
            u.kind,
            u.township.code if u.township_id else "",
            u.short_name,
            ", ".join(u.sectors or []),
            u.party_chair,
            u.admin_chair,
            u.liaison_name,
            u.liaison_phone,
            ", ".join(x.username for x in u.liaisons.all()),
        ]
        duties = list(u.duties.all()) or [None]
        for d in duties:
            ws.append(head + ([d.text, d.basis] if d else ["", ""]))
    return _bytes(wb)


def export_tasks(tasks) -> bytes:
    wb, ws = _book(_("督办 tasks"), TASK_COLUMNS)
    today = office.local_today()
    tasks = tasks.select_related("region").prefetch_related("assignments__unit")
    for t in tasks:
        for a in t.assignments.all():
            overdue = (
                t.state == TaskState.OPEN
                and a.state != AssignmentState.ACCEPTED
                and t.deadline < today
            )
            ws.append(
                [
                    t.number,
                    t.title,
                    t.region.name,
                    t.get_priority_display(),
                    _t(t.issued_at),
                    t.deadline.isoformat(),
                    str(office.TASK_STATE_LABELS.get(t.state, t.state)),
                    a.unit.name,
                    a.get_state_display(),
                    _("yes") if overdue else "",
                    _t(a.submitted_at),
                    "" if a.on_time is None else (_("yes") if a.on_time else _("no")),
                    a.feedback,
                    a.review_comment,
                ]
            )
    return _bytes(wb)


def import_units(content: bytes, *, user) -> dict:
    """Create or update member units (matched by committee and name) with their duty lists from
    a workbook laid out like ``export_units``. All or nothing: any bad row raises a
    ValidationError naming the row and column, and nothing is saved."""
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds on a bad file
        raise ValidationError({"file": _("The file is not an Excel workbook (.xlsx).")}) from None
    ws = wb.active
    rows = ws.iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, [])]
    known = {str(c.header): c.key for c in UNIT_COLUMNS} | {c.key: c.key for c in UNIT_COLUMNS}
    keys = [known.get(h) for h in header]
    for c in UNIT_COLUMNS:
        if c.required and c.key not in keys:
            raise ValidationError({"file": _("Column “%(name)s” is missing.") % {"name": c.header}})
    units: dict[tuple[str, str], dict] = {}
    for number, raw in enumerate(rows, start=2):
        row = {
            k: ("" if v is None else str(v).strip()) for k, v in zip(keys, raw, strict=False) if k
        }
        if not any(row.values()):
            continue
        for c in UNIT_COLUMNS:
            if c.required and not row.get(c.key):
                raise ValidationError(
                    {
                        "file": _("Row %(row)s: “%(col)s” is empty.")
                        % {"row": number, "col": c.header}
                    }
                )
        kind = row["kind"]
        labels = {str(label): value for value, label in UnitKind.choices}
        kind = labels.get(kind, kind)
        if kind not in UnitKind.values:
            raise ValidationError(
                {
                    "file": _("Row %(row)s: unknown kind “%(kind)s”.")
                    % {"row": number, "kind": kind[:30]}
                }
            )
        key = (row["committee"], row["name"])
        entry = units.setdefault(key, {"row": number, "data": row | {"kind": kind}, "duties": []})
        if row.get("duty"):
            entry["duties"].append(office.DutyLine(row["duty"], row.get("basis", "")))
    created = updated = 0
    with transaction.atomic():
        for (committee_code, name), entry in units.items():
            row, number = entry["data"], entry["row"]
            try:
                region = Region.objects.filter(code=committee_code).first()
                if region is None:
                    raise ValidationError({"committee_region": _("No such region.")})
                township = None
                if row.get("township"):
                    township = Region.objects.filter(code=row["township"]).first()
                    if township is None:
                        raise ValidationError({"township": _("No such region.")})
                liaisons = None
                if row.get("liaison_accounts"):
                    names = [n.strip() for n in row["liaison_accounts"].split(",") if n.strip()]
                    liaisons = list(User.objects.filter(username__in=names, is_active=True))
                    missing = set(names) - {u.username for u in liaisons}
                    if missing:
                        raise ValidationError(
                            {
                                "liaisons": _("No active user %(names)s.")
                                % {"names": ", ".join(sorted(missing))}
                            }
                        )
                unit = MemberUnit.objects.filter(committee_region=region, name=name).first()
                data = {
                    "kind": row["kind"],
                    "name": name,
                    "short_name": row.get("short_name", ""),
                    "township": township,
                    "sectors": row.get("sectors", ""),
                    "party_chair": row.get("party_chair", ""),
                    "admin_chair": row.get("admin_chair", ""),
                    "liaison_name": row.get("liaison_name", ""),
                    "liaison_phone": row.get("liaison_phone", ""),
                }
                office.save_unit(
                    user=user,
                    committee_region=region,
                    unit=unit,
                    data=data,
                    liaisons=liaisons,
                    duties=entry["duties"],
                )
            except ValidationError as exc:
                detail = (
                    "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                    if hasattr(exc, "error_dict")
                    else " ".join(exc.messages)
                )
                raise ValidationError(
                    {
                        "file": _("Row %(row)s (%(name)s): %(detail)s")
                        % {"row": number, "name": name, "detail": detail}
                    }
                ) from None
            except PermissionDenied:
                raise ValidationError(
                    {"file": _("Row %(row)s: you do not run the committee of %(code)s.")
                     % {"row": number, "code": committee_code}}
                ) from None  # fmt: skip
            if unit is None:
                created += 1
            else:
                updated += 1
    return {"created": created, "updated": updated}
