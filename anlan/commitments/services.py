"""Every change to commitments and work permits, and what is computed from them: the
cross-check against permits, the day's status per enterprise, the county overview, the missed
commitments (for the strict-supervision list) and the reminders and escalations.

An enterprise must commit when it has at least one major hazard source (registry.HazardSource).
"Late", "missing" and "mismatch" are derived from the due time, the permits and now; nothing
rewrites them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from anlan.core import notify as core_notify
from anlan.core.choices import ENTERPRISE_ROLES, NotificationKind, UserRole
from anlan.core.models import Region, User
from anlan.core.scoping import scope_of
from anlan.registry.choices import PersonPost
from anlan.registry.models import Enterprise, HazardSource, ResponsiblePerson

from .choices import KIND_FIELDS, CommitmentStatus, SpecialWorkKind
from .models import SafetyCommitment, WorkPermit, day_bounds, due_at

COUNT_FIELDS = (
    "units_total",
    "units_running",
    "units_shut_down",
    "units_maintenance",
    *KIND_FIELDS.values(),
    "contractor_operations",
)
COMMITMENT_FIELDS = (
    *COUNT_FIELDS,
    "trial_production",
    "startup_shutdown",
    "hazards_safe",
    "unsafe_reason",
    "text",
    "principal_name",
)
PERMIT_FIELDS = (
    "hazard_source",
    "number",
    "kind",
    "planned_start",
    "planned_end",
    "location",
    "supervisor",
)
# Who sees the county overview.
OVERVIEW_ROLES = {UserRole.CITY_ADMIN, UserRole.COUNTY_REGULATOR, UserRole.SYSTEM_ADMIN}


def standard_text() -> str:
    return _(
        "Our enterprise has completed today's safety risk review. All risk controls are in "
        "place, all process units are running safely, and the major hazard risks of the "
        "tank farms and warehouses are under control. I hereby make this commitment."
    )


def principal_name_for(enterprise: Enterprise) -> str:
    """The enterprise's principal (主要负责人), else the principal guarantor of a hazard source."""
    person = (
        ResponsiblePerson.objects.filter(enterprise=enterprise, post=PersonPost.PRINCIPAL)
        .order_by("pk")
        .first()
    )
    if person is None:
        source = (
            HazardSource.objects.filter(enterprise=enterprise)
            .select_related("principal")
            .order_by("pk")
            .first()
        )
        person = source.principal if source else None
    return person.name if person else ""


def required(enterprises=None):
    """The enterprises (of ``enterprises``, default all) that must commit daily."""
    qs = Enterprise.objects.all() if enterprises is None else enterprises
    return qs.filter(pk__in=HazardSource.objects.values("enterprise_id"))


def must_commit(enterprise: Enterprise) -> bool:
    return HazardSource.objects.filter(enterprise=enterprise).exists()


def can_commit(user, enterprise: Enterprise) -> bool:
    """Only the enterprise's own users commit for it."""
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.role in ENTERPRISE_ROLES
        and scope_of(user).enterprise_id == enterprise.pk
    )


def can_enter_permits(user, enterprise: Enterprise) -> bool:
    """Work permits are the enterprise's records: its own users (and system administrators)."""
    scope = scope_of(user)
    return scope.sees_all or (
        user.role in ENTERPRISE_ROLES and scope.enterprise_id == enterprise.pk
    )


def can_see_overview(user) -> bool:
    return scope_of(user).sees_all or (
        getattr(user, "role", None) in OVERVIEW_ROLES and bool(scope_of(user).region_prefix)
    )


def initial_for(enterprise: Enterprise, day: dt.date) -> dict:
    """Values to pre-fill a new commitment: the counts of the latest earlier commitment, the
    standard text and the principal's name."""
    previous = (
        SafetyCommitment.objects.filter(enterprise=enterprise, day__lt=day).order_by("-day").first()
    )
    data = {name: getattr(previous, name) for name in COUNT_FIELDS} if previous else {}
    if previous:
        data.update(
            trial_production=previous.trial_production,
            startup_shutdown=previous.startup_shutdown,
        )
    data["hazards_safe"] = True
    data["text"] = standard_text()
    data["principal_name"] = principal_name_for(enterprise)
    return data


@transaction.atomic
def submit_commitment(
    *, user, enterprise: Enterprise, data: dict, now: dt.datetime | None = None
) -> SafetyCommitment:
    """Create today's commitment, or change it the same day. Past days cannot be changed."""
    now = now or timezone.now()
    if user is not None and not can_commit(user, enterprise):
        raise PermissionDenied(_("Only the enterprise's own users may commit for it."))
    day = timezone.localdate(now)
    if data.get("day") not in (None, day):
        raise ValidationError(
            {"day": _("Only today's commitment (%(day)s) can be made or changed.") % {"day": day}}
        )
    if not must_commit(enterprise):
        raise ValidationError(
            {"enterprise": _("This enterprise has no major hazard source and need not commit.")}
        )
    commitment = (
        SafetyCommitment.objects.select_for_update().filter(enterprise=enterprise, day=day).first()
    )
    if commitment is None:
        commitment = SafetyCommitment(
            enterprise=enterprise, day=day, submitted_at=now, submitted_by=user
        )
    for name in COMMITMENT_FIELDS:
        if name in data and data[name] is not None:
            setattr(commitment, name, data[name])
    if commitment.hazards_safe:
        commitment.unsafe_reason = ""
    commitment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            commitment.save()
    except IntegrityError as exc:  # a second submission raced this one
        raise ValidationError(
            {"day": _("Today's commitment was just submitted; reload and edit it.")}
        ) from exc
    return commitment


@transaction.atomic
def save_permit(
    *, user, enterprise: Enterprise, data: dict, permit: WorkPermit | None = None
) -> WorkPermit:
    if user is not None and not can_enter_permits(user, enterprise):
        raise PermissionDenied(_("You may not enter work permits for this enterprise."))
    permit = permit or WorkPermit(enterprise=enterprise, issued_by=user)
    for name in PERMIT_FIELDS:
        if name in data:
            setattr(permit, name, data[name])
    if isinstance(permit.number, str):
        permit.number = permit.number.strip()
    permit.full_clean(validate_constraints=False)
    permit.save()
    return permit


# ---------------------------------------------------------------- cross-check


def permit_counts(enterprise_ids, days) -> dict[tuple[int, dt.date], Counter]:
    """Permits per (enterprise, day) and kind: a permit counts on every local day its planned
    interval overlaps."""
    days = sorted(set(days))
    out: dict[tuple[int, dt.date], Counter] = {}
    if not days:
        return out
    start, _end = day_bounds(days[0])
    _start, end = day_bounds(days[-1])
    permits = WorkPermit.objects.filter(
        enterprise_id__in=list(enterprise_ids), planned_start__lt=end, planned_end__gt=start
    ).values_list("enterprise_id", "kind", "planned_start", "planned_end")
    bounds = {day: day_bounds(day) for day in days}
    for enterprise_id, kind, p_start, p_end in permits:
        for day, (d_start, d_end) in bounds.items():
            if p_start < d_end and p_end > d_start:
                out.setdefault((enterprise_id, day), Counter())[kind] += 1
    return out


def mismatches(commitment: SafetyCommitment, counts: Counter | None) -> list[dict]:
    """[{kind, announced, permits}] for each kind whose announced count differs."""
    counts = counts or Counter()
    out = []
    for kind, field_name in KIND_FIELDS.items():
        announced = getattr(commitment, field_name)
        if announced != counts.get(kind.value, 0):
            out.append(
                {"kind": kind.value, "announced": announced, "permits": counts.get(kind.value, 0)}
            )
    return out


def attach_mismatches(commitments) -> list[SafetyCommitment]:
    """Set ``.mismatches`` and ``.permit_counts`` on each commitment (one query for all)."""
    commitments = list(commitments)
    counts = permit_counts({c.enterprise_id for c in commitments}, [c.day for c in commitments])
    for c in commitments:
        c.permit_counts = counts.get((c.enterprise_id, c.day), Counter())
        c.mismatches = mismatches(c, c.permit_counts)
    return commitments


def kind_label(kind: str) -> str:
    return str(SpecialWorkKind(kind).label)


# ---------------------------------------------------------------- the day's status


@dataclass
class DayRow:
    enterprise: Enterprise
    day: dt.date
    due: dt.datetime
    commitment: SafetyCommitment | None
    status: str
    mismatches: list[dict] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(CommitmentStatus(self.status).label)


def status_of(commitment: SafetyCommitment | None, day: dt.date, now: dt.datetime) -> str:
    if commitment is not None:
        return CommitmentStatus.LATE if commitment.late else CommitmentStatus.ON_TIME
    return CommitmentStatus.MISSING if now >= due_at(day) else CommitmentStatus.PENDING


def day_rows(*, day: dt.date, enterprises, now: dt.datetime | None = None) -> list[DayRow]:
    """One row per enterprise of ``enterprises`` that must commit: its commitment of ``day``
    (or none), the status and the mismatches."""
    now = now or timezone.now()
    ents = list(required(enterprises).select_related("region").order_by("region__code", "name"))
    commitments = attach_mismatches(
        SafetyCommitment.objects.filter(day=day, enterprise__in=[e.pk for e in ents])
    )
    by_enterprise = {c.enterprise_id: c for c in commitments}
    due = due_at(day)
    rows = []
    for enterprise in ents:
        c = by_enterprise.get(enterprise.pk)
        rows.append(
            DayRow(
                enterprise=enterprise,
                day=day,
                due=due,
                commitment=c,
                status=status_of(c, day, now),
                mismatches=c.mismatches if c else [],
            )
        )
    return rows


def filter_rows(rows: list[DayRow], status: str = "", county: str = "", q: str = "") -> list:
    if county:
        rows = [r for r in rows if r.enterprise.region.prefix.startswith(county)]
    if status == "mismatch":
        rows = [r for r in rows if r.mismatches]
    elif status:
        rows = [r for r in rows if r.status == status]
    if q:
        rows = [r for r in rows if q in r.enterprise.name]
    return rows


@dataclass
class CountyRow:
    code: str
    name: str
    required: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0
    mismatches: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def overview(*, day: dt.date, enterprises, now: dt.datetime | None = None) -> list[CountyRow]:
    """Per county (6-digit prefix): required, on time, late, missing, not yet due, with
    mismatches."""
    rows = day_rows(day=day, enterprises=enterprises, now=now)
    codes = sorted({r.enterprise.region.prefix[:6] for r in rows})
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "full_name"))
    counties = {code: CountyRow(code=code, name=names.get(code, code)) for code in codes}
    for r in rows:
        county = counties[r.enterprise.region.prefix[:6]]
        county.required += 1
        setattr(county, r.status, getattr(county, r.status) + 1)
        county.mismatches += bool(r.mismatches)
    return list(counties.values())


# ---------------------------------------------------------------- missed, reminders


def missed_commitments(day: dt.date, now: dt.datetime | None = None) -> dict[int, dict]:
    """Enterprise id → evidence, for every enterprise that must commit and had no commitment
    submitted by the due time of ``day``. Empty while that due time has not come.

    Evidence: {"reason": text (in the site language), "due": ISO datetime,
    "submitted_at": ISO datetime or None, "link": a path on this site}."""
    now = now or timezone.now()
    due = due_at(day)
    if now < due:
        return {}
    out = {}
    local_due = timezone.localtime(due)
    with translation.override(settings.LANGUAGE_CODE):
        for row in day_rows(day=day, enterprises=Enterprise.objects.all(), now=now):
            if row.status == CommitmentStatus.ON_TIME:
                continue
            c = row.commitment
            if c is None:
                reason = _("No safety commitment for %(day)s by the due time %(due)s.") % {
                    "day": day.isoformat(),
                    "due": local_due.strftime("%H:%M"),
                }
            else:
                reason = _(
                    "The safety commitment for %(day)s was submitted late, at %(at)s (due %(due)s)."
                ) % {
                    "day": day.isoformat(),
                    "at": timezone.localtime(c.submitted_at).strftime("%Y-%m-%d %H:%M"),
                    "due": local_due.strftime("%H:%M"),
                }
            out[row.enterprise.pk] = {
                "reason": reason,
                "due": local_due.isoformat(),
                "submitted_at": timezone.localtime(c.submitted_at).isoformat() if c else None,
                "link": enterprise_link(row.enterprise.pk, day),
            }
    return out


def enterprise_link(enterprise_id: int, day: dt.date) -> str:
    return reverse("commitments:enterprise", args=[enterprise_id]) + f"?date={day.isoformat()}"


def _enterprise_users(enterprise_id: int) -> list[User]:
    return list(
        User.objects.filter(is_active=True, enterprise_id=enterprise_id, role__in=ENTERPRISE_ROLES)
    )


def _county_regulators(enterprise: Enterprise) -> list[User]:
    prefix = enterprise.region.prefix
    if len(prefix) < 6:
        return []
    return list(
        User.objects.filter(
            is_active=True, role=UserRole.COUNTY_REGULATOR, region__prefix=prefix[:6]
        )
    )


@dataclass
class CheckRun:
    reminded: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)


def check_commitments(now: dt.datetime | None = None) -> CheckRun:
    """The hourly job. In the hour before the due time, remind the users of enterprises that
    have not committed today; from the due time on, tell the county regulators about those
    that missed it. Idempotent: one notification per enterprise, day and purpose."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    due = due_at(day)
    run = CheckRun()
    with translation.override(settings.LANGUAGE_CODE):
        if due - dt.timedelta(hours=1) <= now < due:
            rows = day_rows(day=day, enterprises=Enterprise.objects.all(), now=now)
            for row in rows:
                if row.commitment is not None:
                    continue
                created = core_notify.notify(
                    recipients=_enterprise_users(row.enterprise.pk),
                    kind=NotificationKind.COMMITMENT,
                    title=_("Today's safety commitment is due at %(due)s")
                    % {"due": timezone.localtime(due).strftime("%H:%M")},
                    link=reverse("commitments:fill"),
                    dedup_key=f"commitment:{row.enterprise.pk}:{day.isoformat()}:reminder",
                )
                if created:
                    run.reminded.append(row.enterprise.pk)
        elif now >= due:
            missed = missed_commitments(day, now=now)
            enterprises = Enterprise.objects.select_related("region").in_bulk(list(missed))
            for enterprise_id, evidence in missed.items():
                enterprise = enterprises[enterprise_id]
                created = core_notify.notify(
                    recipients=_county_regulators(enterprise),
                    kind=NotificationKind.COMMITMENT,
                    title=_("%(name)s missed today's safety commitment")
                    % {"name": enterprise.name},
                    body=evidence["reason"],
                    link=evidence["link"],
                    dedup_key=f"commitment:{enterprise_id}:{day.isoformat()}:missed",
                )
                if created:
                    run.escalated.append(enterprise_id)
    return run


def strict_list_reasons(day: dt.date) -> dict[int, list[dict]]:
    """The strict-supervision list's "no commitment" reason: every enterprise that had not
    committed by the due time of ``day`` (none, or late), with the evidence of
    ``missed_commitments``; events count up to the end of the day, or now for today."""
    from anlan.supervision.strict import cutoff

    return {
        enterprise_id: [
            {
                "code": "commitment",
                "text": evidence["reason"],
                "evidence": {
                    "due": evidence["due"],
                    "submitted_at": evidence["submitted_at"],
                },
                "link": evidence["link"],
            }
        ]
        for enterprise_id, evidence in missed_commitments(day, now=cutoff(day)).items()
    }
