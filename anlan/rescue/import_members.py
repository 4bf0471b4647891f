"""Import a team's member roster from Excel, and the template to fill in.

Every row goes through ``Member.full_clean()``, so the post's age and experience rules
(``Member.rule_errors``) are reported on the column that breaks them. A row whose citizen ID
number is already in the team updates that member; a squad named in the file that the team
lacks is created as a squad. All-or-nothing unless ``partial``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anlan.core.excel import Column
from anlan.core.validators import normalize_id_number

from . import imports
from . import services_members as services
from .choices import MemberPost, MemberStatus, UnitKind
from .imports import CellError, ImportReport, LedgerFileError
from .models import Member, Team, TeamUnit

COLUMNS = (
    Column("name", gettext_lazy("name"), 14, True),
    Column("id_number", gettext_lazy("citizen ID number"), 22, True),
    Column("post", gettext_lazy("post"), 20, True),
    Column("unit", gettext_lazy("squad or squadron"), 16),
    Column("mobile", gettext_lazy("mobile"), 14),
    Column("joined_on", gettext_lazy("joined the team on"), 14, True),
    Column("experience_since", gettext_lazy("qualifying experience since"), 16, True),
    Column("status", gettext_lazy("status"), 12),
)
HINTS = {
    "name": gettext_lazy("The member's name."),
    "id_number": gettext_lazy(
        "18 characters (GB 11643); the age is read from it. A number already in the team updates that member."
    ),
    "post": gettext_lazy("Choose from the list; the post's age and experience rules are checked."),
    "unit": gettext_lazy(
        "Optional: a squad or squadron of the team; a name the team does not have yet is created as a new squad."
    ),
    "mobile": gettext_lazy("Optional: 11-digit mobile number."),
    "joined_on": gettext_lazy("A date, e.g. 2024-06-01; not in the future."),
    "experience_since": gettext_lazy(
        "Start of the experience the post requires (rescue work for a squad leader); a date."
    ),
    "status": gettext_lazy("Choose from the list; empty means active (or unchanged)."),
}
DATE_KEYS = ("joined_on", "experience_since")
COMPARED = ("name", "post", "unit_id", "mobile", "status", "joined_on", "experience_since")


def _header(key: str) -> str:
    return str(next(c.header for c in COLUMNS if c.key == key))


def template(*, team: Team) -> bytes:
    units = [[u.name, str(u.get_kind_display())] for u in team.units.order_by("kind", "name")]
    return imports.build_template(
        title=_("Team members"),
        columns=COLUMNS,
        lists={
            "post": [str(label) for _v, label in MemberPost.choices],
            "status": [str(label) for _v, label in MemberStatus.choices],
            "unit": [u[0] for u in units],
        },
        hints=HINTS,
        notes=[
            _("Team: %(team)s") % {"team": team.name},
            _(
                "A squad name the team does not have yet is created as a new squad when the file is imported."
            ),
        ],
        extra_sheets={_("Squads and squadrons"): [[_("name"), _("kind")], *units]},
    )


class _Parser:
    def __init__(self, team: Team):
        self.team = team
        self.posts = imports.choice_lookup(MemberPost)
        self.statuses = imports.choice_lookup(MemberStatus)
        self.units = {u.name: u for u in team.units.all()}

    def parse(self, cells) -> tuple[dict, str, dict[str, str]]:
        """(member values, name of a squad to create or "", {column: reason})."""
        errors: dict[str, str] = {}
        data: dict = {}
        for key in ("name", "mobile"):
            if key in cells:
                data[key] = imports.text(cells[key])
        data["id_number"] = normalize_id_number(imports.text(cells.get("id_number")))
        for key, lookup in (("post", self.posts), ("status", self.statuses)):
            raw = imports.text(cells.get(key))
            if raw:
                value = lookup.get(raw.lower())
                if value is None:
                    errors[key] = _("%(value)r is not a known %(what)s.") % {
                        "value": raw,
                        "what": _header(key),
                    }
                else:
                    data[key] = value
        for key in DATE_KEYS:
            raw = cells.get(key)
            if imports.text(raw):
                try:
                    data[key] = imports.parse_date(raw)
                except ValueError:
                    errors[key] = _("%(value)r is not a date (e.g. 2024-06-01).") % {
                        "value": imports.text(raw)
                    }
        new_squad = ""
        unit_name = imports.text(cells.get("unit"))
        if "unit" in cells:
            data["unit"] = self.units.get(unit_name)
            if unit_name and data["unit"] is None:
                if len(unit_name) > TeamUnit._meta.get_field("name").max_length:
                    errors["unit"] = _("The squad name is too long.")
                new_squad = unit_name
        return data, new_squad, errors


def import_members(
    data: bytes, *, user, team: Team, partial: bool = False, progress=None
) -> ImportReport:
    """Import a roster into ``team``. PermissionDenied if the user may not manage the team;
    LedgerFileError when the file as a whole is unusable."""
    if not services.may_manage(user, team):
        raise PermissionDenied(_("You may not change the records of this team."))
    body = imports.read_rows(data, COLUMNS)
    parser = _Parser(team)
    report = ImportReport(rows=len(body))
    existing = {m.id_number: m for m in Member.objects.filter(team=team).select_related("unit")}
    seen: dict[str, int] = {}
    planned = []
    for done, (row, cells) in enumerate(body, start=1):
        values, new_squad, errors = parser.parse(cells)
        row_errors = [CellError(row, _header(k), str(v)) for k, v in errors.items()]
        id_number = values["id_number"]
        if id_number and id_number in seen:
            row_errors.append(
                CellError(
                    row, _header("id_number"), _("Same ID number as row %d.") % seen[id_number]
                )
            )
        seen.setdefault(id_number, row)
        member = existing.get(id_number)
        before = {f: getattr(member, f) for f in COMPARED} if member else None
        target = member or Member(team=team)
        for key, value in values.items():
            if key in errors:
                continue
            setattr(target, key, value)
        if new_squad:
            target.unit = None
        exclude = ["team", *errors]
        try:
            target.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            imports.add_errors(row_errors, row, COLUMNS, exc.message_dict, {})
        if member is not None and row_errors:
            # Leave the loaded object as it was for a later row (it is never saved).
            for key, value in before.items():
                setattr(member, key, value)
        if row_errors:
            report.errors.extend(row_errors)
        else:
            planned.append((target, before, new_squad))
        if progress:
            progress(done, len(body))
    if report.errors and not partial:
        return report
    try:
        with transaction.atomic():
            squads: dict[str, TeamUnit] = {}
            for target, before, new_squad in planned:
                if new_squad:
                    if new_squad not in squads:
                        squads[new_squad] = TeamUnit.objects.create(
                            team=team, name=new_squad, kind=UnitKind.SQUAD
                        )
                    target.unit = squads[new_squad]
                if before is None:
                    target.save()
                    report.created += 1
                elif {f: getattr(target, f) for f in COMPARED} != before:
                    target.save()
                    report.updated += 1
                else:
                    report.unchanged += 1
    except IntegrityError as exc:
        raise LedgerFileError(
            _(
                "The roster changed while this file was being imported; nothing was saved. Import it again."
            )
        ) from exc
    report.saved = True
    return report
