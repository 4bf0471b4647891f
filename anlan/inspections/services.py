"""Checklists, inspections and plans: every change goes through these functions (web, API,
CLI and jobs alike).

- A checklist is built from the clauses that apply to an industry and its risk flags (one item
  per clause) plus general items an officer adds. Editing makes a new version; an inspection
  keeps the version it used.
- An inspection answers each item pass / fail / not applicable. Completing it needs every item
  answered; each failed item then becomes a hazard through the hazard services, graded by the
  determination engine (重大 with the clause cited, or 一般), all in one transaction.
- Who may inspect: regulators within their jurisdiction, any type; an enterprise's own users,
  self-inspections of their own enterprise only.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import ENTERPRISE_ROLES, REGISTRY_EDITOR_ROLES, UserRole
from anlan.core.uploads import CheckedUpload, keep_file
from anlan.hazards import services as hazard_services
from anlan.hazards.choices import HazardChannel
from anlan.registry.choices import EnterpriseIndustry, EnterpriseStatus
from anlan.registry.models import Enterprise

from . import engine
from .models import (
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    Clause,
    Inspection,
    InspectionAnswer,
    InspectionPlan,
    InspectionStatus,
    InspectionTask,
    InspectionType,
    ItemResult,
    PlanFrequency,
)

CHANNEL_OF = {
    InspectionType.SELF: HazardChannel.SELF_INSPECTION,
    InspectionType.MUTUAL: HazardChannel.MUTUAL_INSPECTION,
    InspectionType.DEPARTMENT_PATROL: HazardChannel.DEPARTMENT_PATROL,
    InspectionType.LAW_ENFORCEMENT: HazardChannel.LAW_ENFORCEMENT,
    InspectionType.SPECIAL_CAMPAIGN: HazardChannel.DEPARTMENT_PATROL,
    InspectionType.EXPERT: HazardChannel.DEPARTMENT_PATROL,
    InspectionType.ONLINE: HazardChannel.ONLINE_PATROL,
}
# What a clause's group says about the hazard's category (the officer can change it later).
CATEGORY_OF_GROUP = {"management": "management", "device": "equipment"}


# ---------------------------------------------------------------- permissions


def can_edit_checklists(user) -> bool:
    return getattr(user, "is_authenticated", False) and (
        user.is_superuser
        or user.role in (UserRole.SYSTEM_ADMIN, UserRole.CITY_ADMIN, UserRole.COUNTY_REGULATOR)
    )


def allowed_kinds(user, enterprise: Enterprise) -> list[str]:
    """The inspection types ``user`` may record for ``enterprise`` (empty: none)."""
    if not Enterprise.objects.visible_to(user).filter(pk=enterprise.pk).exists():
        return []
    if user.role in ENTERPRISE_ROLES:
        return [InspectionType.SELF]
    if user.is_superuser or user.role in REGISTRY_EDITOR_ROLES:
        return list(InspectionType.values)
    return []


def can_fill(user, inspection: Inspection) -> bool:
    return inspection.status == InspectionStatus.DRAFT and inspection.kind in allowed_kinds(
        user, inspection.enterprise
    )


# ---------------------------------------------------------------- checklists


def _clean_text(value: str, field: str, limit: int = 2000) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: _("This item needs a clause or a text.")})
    if len(text) > limit:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": limit}})
    return text


def _items_from(specs: Iterable[dict[str, Any]]) -> list[tuple[Clause | None, str]]:
    """Check item specs ``{"clause": id or "", "text": "…"}``: each needs a clause or a text,
    and a clause id must exist. Errors name the item by its position."""
    items, errors = [], {}
    ids = {str(s.get("clause") or "").strip() for s in specs} - {""}
    clauses = {c.pk: c for c in Clause.objects.filter(pk__in=ids).select_related("standard")}
    for n, spec in enumerate(specs, start=1):
        clause_id = str(spec.get("clause") or "").strip()
        text = (spec.get("text") or "").strip()
        clause = None
        if clause_id:
            clause = clauses.get(clause_id)
            if clause is None:
                errors[f"items.{n}.clause"] = _("No clause has the id “%(id)s”.") % {
                    "id": clause_id
                }
                continue
            text = text or clause.condition
        if not text:
            errors[f"items.{n}.text"] = _("Item %(n)d needs a clause or a text.") % {"n": n}
            continue
        if len(text) > 2000:
            errors[f"items.{n}.text"] = _("Item %(n)d is longer than 2000 characters.") % {"n": n}
            continue
        items.append((clause, text))
    if not items and not errors:
        errors["items"] = _("A checklist needs at least one item.")
    if errors:
        raise ValidationError(errors)
    return items


def _new_version(template: ChecklistTemplate, items, *, user, note: str) -> ChecklistVersion:
    current = template.current
    version = ChecklistVersion.objects.create(
        template=template,
        number=(current.number + 1) if current else 1,
        created_by=user,
        note=note[:200],
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(version=version, order=n, clause=clause, text=text)
        for n, (clause, text) in enumerate(items, start=1)
    )
    return version


def clauses_for(industry: str, flags: set[str]) -> list[Clause]:
    """The clauses in force for an industry and flags; with no industry, those that any
    industry gets through one of the flags (a dust-explosion checklist, say)."""
    if industry:
        return engine.applicable_clauses(industry, flags)
    seen, out = set(), []
    for candidate in EnterpriseIndustry.values:
        for clause in engine.applicable_clauses(candidate, flags):
            if clause.pk not in seen and set(clause.risk_flags) & flags:
                seen.add(clause.pk)
                out.append(clause)
    return out


@transaction.atomic
def create_checklist(
    *,
    user,
    name: str,
    industry: str = "",
    flags: Iterable[str] = (),
    extra_items=(),
    description: str = "",
    from_standards: bool = True,
) -> ChecklistTemplate:
    """A checklist with one item per applicable clause (for the industry and flags), then the
    general items given."""
    if user is not None and not can_edit_checklists(user):
        raise PermissionDenied(_("You may not edit checklists."))
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": _("Give the checklist a name (at most 100 characters).")})
    if ChecklistTemplate.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A checklist with this name exists already.")})
    flags = sorted(set(flags))
    specs = []
    if from_standards:
        specs += [{"clause": c.pk} for c in clauses_for(industry, set(flags))]
    specs += list(extra_items)
    items = _items_from(specs)
    template = ChecklistTemplate.objects.create(
        name=name, industry=industry, risk_flags=flags, description=(description or "")[:2000]
    )
    _new_version(template, items, user=user, note=_("Built from the standards in force"))
    return template


@transaction.atomic
def revise_checklist(
    *, template: ChecklistTemplate, user, items: Iterable[dict[str, Any]], note: str = ""
) -> ChecklistVersion:
    """Save the checklist's items as its next version; earlier versions stay as they were."""
    if not can_edit_checklists(user):
        raise PermissionDenied(_("You may not edit checklists."))
    return _new_version(template, _items_from(list(items)), user=user, note=note)


# ---------------------------------------------------------------- inspections


@transaction.atomic
def start_inspection(
    *,
    user,
    enterprise: Enterprise,
    kind: str,
    template: ChecklistTemplate,
    inspected_on: dt.date | None = None,
    inspectors: str = "",
    peer: Enterprise | None = None,
    task: InspectionTask | None = None,
) -> Inspection:
    errors = {}
    kinds = allowed_kinds(user, enterprise)
    if not kinds:
        raise PermissionDenied(_("You may not inspect this enterprise."))
    if kind not in InspectionType.values:
        errors["kind"] = _("Choose the type of inspection.")
    elif kind not in kinds:
        errors["kind"] = _("An enterprise records its own self-inspections only.")
    version = template.current if template else None
    if version is None:
        errors["checklist"] = _("Choose a checklist.")
    day = inspected_on or timezone.localdate()
    if day > timezone.localdate():
        errors["inspected_on"] = _("The inspection date cannot be in the future.")
    inspectors = (inspectors or "").strip() or str(user)
    if len(inspectors) > 200:
        errors["inspectors"] = _("At most 200 characters.")
    if kind == InspectionType.MUTUAL and (peer is None or peer.pk == enterprise.pk):
        errors["peer"] = _("Name the other enterprise that inspects in a mutual inspection.")
    if errors:
        raise ValidationError(errors)
    inspection = Inspection.objects.create(
        kind=kind,
        enterprise=enterprise,
        peer=peer if kind == InspectionType.MUTUAL else None,
        checklist=version,
        inspected_on=day,
        inspectors=inspectors,
        created_by=user,
        task=task,
    )
    InspectionAnswer.objects.bulk_create(
        InspectionAnswer(inspection=inspection, item=item) for item in version.items.all()
    )
    return inspection


@transaction.atomic
def answer(
    *,
    inspection: Inspection,
    user,
    item_id: int,
    result: str,
    note: str = "",
    photo: CheckedUpload | None = None,
) -> InspectionAnswer:
    if not can_fill(user, inspection):
        raise PermissionDenied(_("This inspection cannot be changed."))
    row = inspection.answers.filter(item_id=item_id).first()
    if row is None:
        raise ValidationError({"item": _("This item is not on the inspection's checklist.")})
    if result not in ItemResult.values and result != "":
        raise ValidationError({"result": _("Answer pass, fail or not applicable.")})
    if len(note or "") > 2000:
        raise ValidationError({"note": _("At most 2000 characters.")})
    row.result, row.note = result, (note or "").strip()
    if photo is not None:
        row.photo_sha256, row.photo_extension = photo.sha256, photo.extension
        row.photo_content_type = photo.content_type
        keep_file(row.photo, photo, save=False)
    row.save()
    return row


@transaction.atomic
def complete_inspection(*, inspection: Inspection, user) -> list:
    """Close the inspection; every failed item becomes a hazard, graded by the engine.
    Returns the hazards created."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not can_fill(user, inspection):
        raise PermissionDenied(_("This inspection cannot be changed."))
    answers = list(inspection.answers.select_related("item__clause__standard"))
    missing = [a.item.order for a in answers if not a.result]
    if missing:
        raise ValidationError(
            {
                "answers": _("Answer every item first: %(n)d unanswered (items %(items)s).")
                % {"n": len(missing), "items": ", ".join(map(str, missing[:10]))}
            }
        )
    hazards = []
    for row in answers:
        if row.result != ItemResult.FAIL:
            continue
        clause_ids = [row.item.clause_id] if row.item.clause_id else []
        decision = engine.determine(clause_ids, on=inspection.inspected_on)
        clause = row.item.clause
        data = {
            "enterprise": inspection.enterprise,
            "description": (row.item.text + ("\n" + row.note if row.note else ""))[:5000],
            "category": CATEGORY_OF_GROUP.get(getattr(clause, "group", ""), "management")
            if clause
            else "management",
            "level": decision.level,
            "basis": "；".join(c.citation for c in decision.clauses)[:2000],
            "channel": CHANNEL_OF[inspection.kind],
            "found_at": timezone.make_aware(
                dt.datetime.combine(inspection.inspected_on, dt.time(12))
            )
            if inspection.inspected_on < timezone.localdate()
            else timezone.now(),
            "found_by": inspection.inspectors[:100],
        }
        photos = []
        if row.photo:
            with row.photo.open("rb") as handle:
                from anlan.core.uploads import check_upload

                photos = [
                    check_upload(handle.read(), f"item-{row.item.order}{row.photo_extension}")
                ]
        hazard = hazard_services.report_hazard(user=user, data=data, photos=photos)
        hazard.clauses.set(decision.clauses)
        row.hazard = hazard
        row.save(update_fields=["hazard"])
        hazards.append(hazard)
    inspection.status = InspectionStatus.COMPLETED
    inspection.completed_at = timezone.now()
    inspection.save(update_fields=["status", "completed_at"])
    return hazards


# ---------------------------------------------------------------- coverage (three-level network)


def month_bounds(value: str | None) -> tuple[dt.date, dt.date]:
    """``YYYY-MM`` (default: last month) → first and last day."""
    if value:
        try:
            year, month = (int(p) for p in value.split("-"))
            first = dt.date(year, month, 1)
        except (ValueError, TypeError) as exc:
            raise ValidationError({"month": _("Give the month as YYYY-MM.")}) from exc
    else:
        today = timezone.localdate()
        first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


# ---------------------------------------------------------------- plans and tasks


def period_of(frequency: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The period containing ``day``: its first day and its last (the task's due date)."""
    if frequency == PlanFrequency.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if frequency == PlanFrequency.MONTHLY:
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if frequency == PlanFrequency.QUARTERLY:
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = dt.date(day.year, first_month, 1)
        end_month = first_month + 2
        return start, dt.date(day.year, end_month, calendar.monthrange(day.year, end_month)[1])
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def plan_enterprises(plan: InspectionPlan):
    if plan.enterprise_id:
        return Enterprise.objects.filter(pk=plan.enterprise_id)
    qs = Enterprise.objects.filter(region__prefix__startswith=plan.region.prefix)
    if plan.industry:
        qs = qs.filter(industry=plan.industry)
    return qs.exclude(status=EnterpriseStatus.CLOSED)


@transaction.atomic
def create_plan(*, user, data: dict[str, Any]) -> InspectionPlan:
    errors = {}
    region = data.get("region")
    enterprise = data.get("enterprise")
    if enterprise is not None:
        region = enterprise.region
    if region is None:
        errors["region"] = _("Choose the region the plan covers.")
    template = data.get("template")
    if template is None:
        errors["template"] = _("Choose a checklist.")
    kind = data.get("kind")
    if kind not in InspectionType.values:
        errors["kind"] = _("Choose the type of inspection.")
    if data.get("frequency") not in PlanFrequency.values:
        errors["frequency"] = _("Choose how often.")
    name = (data.get("name") or "").strip()
    if not name or len(name) > 100:
        errors["name"] = _("Give the plan a name (at most 100 characters).")
    if errors:
        raise ValidationError(errors)
    if enterprise is not None:
        allowed = allowed_kinds(user, enterprise)
    else:
        from anlan.core.permissions import region_in_scope

        allowed = (
            list(InspectionType.values)
            if (user.is_superuser or user.role in REGISTRY_EDITOR_ROLES)
            and region_in_scope(user, region)
            else []
        )
    if kind not in allowed:
        raise PermissionDenied(_("You may not plan this inspection here."))
    return InspectionPlan.objects.create(
        name=name,
        kind=kind,
        template=template,
        region=region,
        industry=data.get("industry") or "",
        enterprise=enterprise,
        frequency=data["frequency"],
        starts_on=data.get("starts_on") or timezone.localdate(),
        created_by=user,
    )


def set_plan_active(*, plan: InspectionPlan, user, active: bool) -> InspectionPlan:
    """Pause or resume a plan: its author, or whoever edits checklists."""
    if plan.created_by_id != user.pk and not can_edit_checklists(user):
        raise PermissionDenied(_("You may not change this plan."))
    plan.is_active = active
    plan.save(update_fields=["is_active"])
    return plan


def generate_tasks(today: dt.date | None = None) -> int:
    """One task per enterprise of each active plan for the current period (idempotent).
    Returns how many tasks were created."""
    today = today or timezone.localdate()
    created = 0
    for plan in InspectionPlan.objects.filter(is_active=True, starts_on__lte=today).select_related(
        "region"
    ):
        start, end = period_of(plan.frequency, today)
        existing = set(
            InspectionTask.objects.filter(plan=plan, period_start=start).values_list(
                "enterprise_id", flat=True
            )
        )
        new = [
            InspectionTask(plan=plan, enterprise_id=pk, period_start=start, due_on=end)
            for pk in plan_enterprises(plan).values_list("pk", flat=True)
            if pk not in existing
        ]
        InspectionTask.objects.bulk_create(new, ignore_conflicts=True)
        created += len(new)
    return created
