"""Rescue team members: structure checks, members, training, certificates, scoring rules and
assessments.

- Who may change a team's records (``may_manage``): a system administrator, a city administrator
  or county regulator whose jurisdiction holds the team, and the team's own commander.
- Every change is a keyword-only function inside ``transaction.atomic()``; model ``clean()``
  rules (age and experience per post, certificate dates, scoring items) report on the field,
  and nothing is saved on any error.
- Time decides some things, and they are computed, never stored: a member's age against the
  post's limit, a certificate's state (valid / expiring / expired), hours trained this year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import NotificationKind, UserRole
from anlan.core.models import User

from .choices import MemberPost, MemberStatus, UnitKind
from .models import (
    Assessment,
    Certificate,
    Member,
    ScoringRule,
    Team,
    TeamUnit,
    Training,
)
from .services import may_manage

MEMBER_FIELDS = (
    "unit",
    "name",
    "id_number",
    "post",
    "mobile",
    "status",
    "joined_on",
    "experience_since",
)
UNIT_FIELDS = ("name", "kind", "parent")
TRAINING_FIELDS = ("kind", "course", "started_on", "hours", "provider", "passed")
CERTIFICATE_FIELDS = ("name", "number", "issuer", "issued_on", "expires_on")
RULE_FIELDS = ("name", "items", "pass_mark", "excellent_mark")
ASSESSMENT_FIELDS = ("rule", "assessed_on", "scores", "assessor")
SERVING = (MemberStatus.ACTIVE, MemberStatus.PROBATION)


# ---------------------------------------------------------------- who


def _require_manager(user, team: Team) -> None:
    if not may_manage(user, team):
        raise PermissionDenied(_("You may not change the records of this team."))


def _apply(obj, data: dict[str, Any], fields) -> None:
    for field in fields:
        if field in data:
            value = data[field]
            if isinstance(value, str):
                value = value.strip()
            setattr(obj, field, "" if value is None and field in ("mobile",) else value)


def _check(obj, exclude=()) -> None:
    obj.full_clean(exclude=list(exclude))


# ---------------------------------------------------------------- structure


def structure_problems(team: Team) -> list[str]:
    """Squads below ANLAN_RESCUE_MIN_SQUAD_SIZE serving members, squadrons with fewer than
    ANLAN_RESCUE_MIN_SQUADS_PER_SQUADRON squads; each message names the unit and the numbers."""
    min_size = settings.ANLAN_RESCUE_MIN_SQUAD_SIZE
    min_squads = settings.ANLAN_RESCUE_MIN_SQUADS_PER_SQUADRON
    problems = []
    units = team.units.annotate(
        serving=Count("members", filter=Q(members__status__in=SERVING), distinct=True),
        squad_count=Count("squads", distinct=True),
    ).order_by("kind", "name")
    for unit in units:
        if unit.kind == UnitKind.SQUAD and unit.serving < min_size:
            problems.append(
                _("Squad %(unit)s has %(n)d serving members; a squad needs at least %(min)d.")
                % {"unit": unit.name, "n": unit.serving, "min": min_size}
            )
        elif unit.kind == UnitKind.SQUADRON and unit.squad_count < min_squads:
            problems.append(
                _("Squadron %(unit)s has %(n)d squads; a squadron needs at least %(min)d.")
                % {"unit": unit.name, "n": unit.squad_count, "min": min_squads}
            )
    return problems


@transaction.atomic
def add_unit(*, user, team: Team, data: dict[str, Any]) -> TeamUnit:
    _require_manager(user, team)
    unit = TeamUnit(team=team)
    _apply(unit, data, UNIT_FIELDS)
    if unit.parent_id and unit.parent.team_id != team.pk:
        raise ValidationError({"parent": _("The squadron belongs to another team.")})
    _check(unit, exclude=["team"])
    unit.save()
    return unit


# ---------------------------------------------------------------- members


def filter_members(members, *, team: Team | None = None, post="", status="", unit="") -> Any:
    """Members (of ``team`` if given) filtered by post, status and unit (an id of one of the
    team's units); bad values → ValidationError naming the filter."""
    if team is not None:
        members = members.filter(team=team)
    errors = {}
    if post:
        if post not in MemberPost.values:
            errors["post"] = _("Unknown post.")
        members = members.filter(post=post)
    if status:
        if status not in MemberStatus.values:
            errors["status"] = _("Unknown status.")
        members = members.filter(status=status)
    if unit:
        if team is None:
            errors["unit"] = _("Give the team to filter by squad or squadron.")
        elif not str(unit).isdigit() or not team.units.filter(pk=int(unit)).exists():
            errors["unit"] = _("No such squad or squadron in this team.")
        else:
            members = members.filter(unit_id=int(unit))
    if errors:
        raise ValidationError(errors)
    return members


@transaction.atomic
def save_member(*, user, team: Team, data: dict[str, Any], member: Member | None = None) -> Member:
    """Create (``member`` None) or change a member; the post's age and experience rules are
    checked by ``Member.clean()`` (the message on the field that breaks them)."""
    _require_manager(user, team)
    if member is None:
        member = Member(team=team)
    elif member.team_id != team.pk:
        raise ValidationError({"team": _("The member belongs to another team.")})
    _apply(member, data, MEMBER_FIELDS)
    if member.mobile is None:
        member.mobile = ""
    _check(member, exclude=["team"])
    member.save()
    return member


def rule_breakers(members, day: dt.date | None = None) -> list[tuple[Member, dict]]:
    """Serving members who break their post's age or experience rule on ``day`` (members age)."""
    day = day or timezone.localdate()
    rows = []
    for member in members.filter(status__in=SERVING).select_related("team"):
        errors = member.rule_errors(day)
        if errors:
            rows.append((member, errors))
    return rows


# ---------------------------------------------------------------- training


@transaction.atomic
def add_training(*, user, member: Member, data: dict[str, Any]) -> Training:
    _require_manager(user, member.team)
    training = Training(member=member)
    _apply(training, data, TRAINING_FIELDS)
    _check(training, exclude=["member"])
    training.save()
    return training


def hours_by_year(member: Member) -> list[tuple[int, Decimal]]:
    """(year, total hours) for the member, latest year first."""
    rows = (
        member.trainings.annotate(year=ExtractYear("started_on"))
        .values("year")
        .annotate(total=Sum("hours"))
        .order_by("-year")
    )
    return [(r["year"], r["total"]) for r in rows]


@dataclass
class TrainingRow:
    member: Member
    hours_this_year: Decimal
    last_trained_on: dt.date | None
    untrained: bool  # nothing in the last 12 months


def training_summary(team: Team, day: dt.date | None = None) -> list[TrainingRow]:
    """Serving members: hours this year, last training, and whether they had none in the last
    12 months (those come first)."""
    day = day or timezone.localdate()
    year_ago = day - dt.timedelta(days=365)
    members = (
        team.members.filter(status__in=SERVING)
        .select_related("unit")
        .annotate(
            year_hours=Sum("trainings__hours", filter=Q(trainings__started_on__year=day.year)),
            last_on=Max("trainings__started_on"),
        )
        .order_by("name")
    )
    rows = [
        TrainingRow(
            member=m,
            hours_this_year=m.year_hours or Decimal("0"),
            last_trained_on=m.last_on,
            untrained=m.last_on is None or m.last_on < year_ago,
        )
        for m in members
    ]
    return sorted(rows, key=lambda r: (not r.untrained, r.member.name))


# ---------------------------------------------------------------- certificates


@transaction.atomic
def add_certificate(*, user, member: Member, data: dict[str, Any]) -> Certificate:
    _require_manager(user, member.team)
    certificate = Certificate(member=member)
    _apply(certificate, data, CERTIFICATE_FIELDS)
    _check(certificate, exclude=["member"])
    certificate.save()
    return certificate


def certificates_due(certificates, *, day: dt.date | None = None, days: int | None = None):
    """Certificates of serving members expired or expiring within ``days`` (default
    ANLAN_RESCUE_CERT_WARNING_DAYS) of ``day``, soonest first, as (certificate, state)."""
    day = day or timezone.localdate()
    days = settings.ANLAN_RESCUE_CERT_WARNING_DAYS if days is None else days
    if days < 0:
        raise ValidationError({"days": _("The number of days cannot be negative.")})
    rows = (
        certificates.filter(
            expires_on__lte=day + dt.timedelta(days=days), member__status__in=SERVING
        )
        .select_related("member__team")
        .order_by("expires_on", "pk")
    )
    return [(c, c.state(day)) for c in rows]


def commanders_of(team: Team) -> list[User]:
    return list(User.objects.filter(role=UserRole.RESCUE_COMMANDER, team=team, is_active=True))


def warn_expiring_certificates(today: dt.date | None = None) -> int:
    """Tell each team's commanders about certificates that are expiring or have expired: once
    per certificate, state and expiry date (a renewed certificate is warned about again).
    Returns how many notifications were created."""
    from anlan.core.notify import notify

    today = today or timezone.localdate()
    created = 0
    commanders: dict[int, list[User]] = {}
    for certificate, state in certificates_due(Certificate.objects.all(), day=today):
        member = certificate.member
        team_id = member.team_id
        if team_id not in commanders:
            commanders[team_id] = commanders_of(member.team)
        if not commanders[team_id]:
            continue
        values = {
            "member": member.name,
            "certificate": certificate.name,
            "date": certificate.expires_on.isoformat(),
        }
        if state == "expired":
            title = _("Certificate expired: %(member)s, %(certificate)s") % values
            body = _("The certificate %(certificate)s of %(member)s expired on %(date)s.") % values
        else:
            title = _("Certificate expiring: %(member)s, %(certificate)s") % values
            body = _("The certificate %(certificate)s of %(member)s expires on %(date)s.") % values
        created += len(
            notify(
                recipients=commanders[team_id],
                kind=NotificationKind.OTHER,
                title=title,
                body=body,
                link=reverse("rescue:member-detail", args=[member.pk]),
                subject=f"rescue-member:{member.pk}",
                dedup_key=f"rescue-cert:{certificate.pk}:{state}:{certificate.expires_on}",
            )
        )
    return created


# ---------------------------------------------------------------- scoring rules and assessments


def parse_items(text: str) -> list[dict]:
    """``name = points`` lines (or ``name：points``) into scoring items; a bad line →
    ValidationError on ``items``."""
    items = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, sep, points = line.replace("：", "=").replace(":", "=").rpartition("=")
        if not sep or not name.strip() or not points.strip().isdigit():
            raise ValidationError(
                {
                    "items": _("Line %(n)d: write “item name = points”, e.g. “佩戴呼吸器 = 20”.")
                    % {"n": number}
                }
            )
        items.append({"name": name.strip(), "points": int(points.strip())})
    return items


@transaction.atomic
def save_scoring_rule(*, user, team: Team, data: dict[str, Any]) -> ScoringRule:
    _require_manager(user, team)
    rule = ScoringRule(team=team)
    _apply(rule, data, RULE_FIELDS)
    names = [i.get("name") for i in rule.items if isinstance(i, dict)]
    if len(names) != len(set(names)):
        raise ValidationError({"items": _("Each item needs its own name.")})
    _check(rule, exclude=["team"])
    rule.save()
    return rule


@transaction.atomic
def record_assessment(*, user, member: Member, data: dict[str, Any]) -> Assessment:
    """Record an assessment; ``Assessment.clean()`` checks the scores against the rule's items
    and computes the total and the result."""
    _require_manager(user, member.team)
    assessment = Assessment(member=member)
    _apply(assessment, data, ASSESSMENT_FIELDS)
    _check(assessment, exclude=["member", "total", "result"])
    assessment.save()
    return assessment


def team_assessments(team: Team):
    return (
        Assessment.objects.filter(member__team=team)
        .select_related("member", "rule")
        .order_by("-assessed_on", "member__name")
    )
