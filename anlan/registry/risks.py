"""Risk points, control measures and their checks: every change goes through these functions
(web, API, CLI and the demo alike), and the derived figures — an enterprise's risk level, the
due date of a check — are computed here, never stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from anlan.core.models import within_region_code
from anlan.core.permissions import can_edit_enterprise, require
from anlan.core.uploads import CheckedUpload, keep_file

from . import grading
from .choices import (
    RISK_GRADE_ORDER,
    AssessmentMethod,
    CheckFrequency,
    CheckResult,
    RiskGrade,
    RiskPointKind,
)
from .models import ControlMeasure, Enterprise, MeasureCheck, ResponsiblePerson, RiskPoint

POINT_FIELDS = ("name", "kind", "location", "latitude", "longitude", "hazard_factors")
MEASURE_FIELDS = ("text", "person", "person_name", "person_mobile", "frequency", "every_days")
# A failed check of a measure opens a hazard of this category (by the risk point's kind).
HAZARD_CATEGORY_BY_KIND = {
    RiskPointKind.EQUIPMENT: "equipment",
    RiskPointKind.PLACE: "environment",
    RiskPointKind.ACTIVITY: "management",
}


def _editable(user, enterprise) -> None:
    require(can_edit_enterprise(user, enterprise), _("You may not edit this enterprise."))


def _factors_text(value) -> str:
    if isinstance(value, list | tuple):
        return "\n".join(str(v).strip() for v in value if str(v).strip())
    return "\n".join(line.strip() for line in str(value or "").splitlines() if line.strip())


# ---------------------------------------------------------------- assessment


def assessment_from(data: dict[str, Any]) -> tuple[grading.Grading, dict[str, Any]]:
    """Grade the assessment in ``data`` (method and its values); returns the grading and the
    field values to store. Errors name the field; nothing is saved by this function."""
    method = data.get("method")
    if method == AssessmentMethod.LEC:
        lv, ev, cv = grading.check_lec(data.get("lec_l"), data.get("lec_e"), data.get("lec_c"))
        result = grading.grade_lec(lv, ev, cv)
        values = {"lec_l": lv, "lec_e": ev, "lec_c": cv, "ls_l": None, "ls_s": None}
    elif method == AssessmentMethod.LS:
        lv, sv = grading.check_ls(data.get("ls_l"), data.get("ls_s"))
        result = grading.grade_ls(lv, sv)
        values = {"ls_l": lv, "ls_s": sv, "lec_l": None, "lec_e": None, "lec_c": None}
    else:
        raise ValidationError({"method": _("Choose the assessment method: LEC or L × S.")})
    values.update(method=str(method), score=result.score, grade=result.grade)
    return result, values


@transaction.atomic
def save_risk_point(
    *, user, enterprise: Enterprise, data: dict[str, Any], point: RiskPoint | None = None
) -> RiskPoint:
    """Create or change a risk point. A new point needs its assessment; an existing one is
    re-assessed when ``data`` holds any assessment field (then method and values together)."""
    _editable(user, enterprise)
    point = point or RiskPoint(enterprise=enterprise)
    if point.enterprise_id != enterprise.pk:
        raise ValidationError({"enterprise": _("This risk point belongs to another enterprise.")})
    errors: dict[str, list[str]] = {}
    for name in POINT_FIELDS:
        if name in data:
            value = data[name]
            if name == "hazard_factors":
                value = _factors_text(value)
            elif name in ("location", "name") and value is None:
                value = ""
            setattr(point, name, value)
    reassess = point.pk is None or any(f in data for f in RiskPoint.ASSESSMENT_FIELDS)
    if reassess:
        wanted = {f: data.get(f, getattr(point, f)) for f in RiskPoint.ASSESSMENT_FIELDS}
        try:
            _grading, values = assessment_from(wanted)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        else:
            before = {f: getattr(point, f) for f in (*RiskPoint.ASSESSMENT_FIELDS, "grade")}
            for name, value in values.items():
                setattr(point, name, value)
            if point.pk is None or before != {f: getattr(point, f) for f in before}:
                point.assessed_at = timezone.now()
                point.assessed_by = user if getattr(user, "pk", None) else None
    try:
        point.full_clean(exclude=["enterprise", "score", "grade", "method"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    point.save()
    return point


def assess_risk_point(*, user, point: RiskPoint, data: dict[str, Any]) -> RiskPoint:
    wanted = {f: data.get(f) for f in RiskPoint.ASSESSMENT_FIELDS}
    return save_risk_point(user=user, enterprise=point.enterprise, data=wanted, point=point)


@transaction.atomic
def delete_risk_point(*, user, point: RiskPoint) -> None:
    _editable(user, point.enterprise)
    point.delete()


def assessment_history(point: RiskPoint) -> list:
    """The assessments a point has had, newest first (from its history, one per change of
    method, values or grade)."""
    out, last = [], None
    for record in point.history.select_related("history_user").order_by("history_date", "pk"):
        key = tuple(getattr(record, f) for f in (*RiskPoint.ASSESSMENT_FIELDS, "score", "grade"))
        if key != last:
            out.append(record)
            last = key
    return list(reversed(out))


# ---------------------------------------------------------------- control measures


@transaction.atomic
def save_measure(
    *, user, point: RiskPoint, data: dict[str, Any], measure: ControlMeasure | None = None
) -> ControlMeasure:
    _editable(user, point.enterprise)
    measure = measure or ControlMeasure(risk_point=point)
    if measure.risk_point_id != point.pk:
        raise ValidationError({"risk_point": _("This measure belongs to another risk point.")})
    for name in MEASURE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "person":
            if value is None or isinstance(value, ResponsiblePerson):
                measure.person = value
            else:
                person = point.enterprise.responsible_persons.filter(pk=value).first()
                if person is None:
                    raise ValidationError(
                        {"person": _("The person must be a responsible person of this enterprise.")}
                    )
                measure.person = person
        else:
            setattr(measure, name, "" if value is None and name != "every_days" else value)
    if "starts_on" in data and data["starts_on"]:
        measure.starts_on = data["starts_on"]
    measure.full_clean(exclude=["risk_point"])
    measure.save()
    return measure


@transaction.atomic
def delete_measure(*, user, measure: ControlMeasure) -> None:
    _editable(user, measure.risk_point.enterprise)
    measure.delete()


# ---------------------------------------------------------------- schedule (derived)


def add_period(day: dt.date, frequency: str, every_days: int | None = None) -> dt.date:
    if frequency == CheckFrequency.DAILY:
        return day + dt.timedelta(days=1)
    if frequency == CheckFrequency.WEEKLY:
        return day + dt.timedelta(days=7)
    if frequency == CheckFrequency.MONTHLY:
        return day + relativedelta(months=1)
    if frequency == CheckFrequency.QUARTERLY:
        return day + relativedelta(months=3)
    if frequency == CheckFrequency.YEARLY:
        return day + relativedelta(years=1)
    return day + dt.timedelta(days=max(1, every_days or 1))


_LOOK_UP = object()


def next_due(measure: ControlMeasure, last_done=_LOOK_UP) -> dt.date:
    """The day the next check is due: ``starts_on`` until the first check, then one period
    after the (local) day of the last check. ``last_done`` (the last check's time, or None) may
    be passed in from an annotation to save a query."""
    if last_done is _LOOK_UP:
        last_done = measure.checks.aggregate(m=Max("done_at"))["m"]
    if last_done is None:
        return measure.starts_on
    return add_period(timezone.localdate(last_done), measure.frequency, measure.every_days)


@dataclass
class DueCheck:
    measure: ControlMeasure
    due_on: dt.date
    today: dt.date

    @property
    def overdue_days(self) -> int:
        return max(0, (self.today - self.due_on).days)

    @property
    def is_overdue(self) -> bool:
        return self.due_on < self.today

    @property
    def enterprise(self) -> Enterprise:
        return self.measure.risk_point.enterprise


def with_last_check(measures: QuerySet) -> QuerySet:
    return measures.annotate(last_done=Max("checks__done_at")).select_related(
        "risk_point__enterprise__region", "person"
    )


def due_checks(measures: QuerySet, *, today: dt.date | None = None) -> list[DueCheck]:
    """The measures whose next check is due today or earlier, most overdue first."""
    today = today or timezone.localdate()
    out = []
    for measure in with_last_check(measures).order_by("pk"):
        due = next_due(measure, measure.last_done)
        if due <= today:
            out.append(DueCheck(measure=measure, due_on=due, today=today))
    out.sort(key=lambda d: (d.due_on, d.measure.risk_point.enterprise_id, d.measure.pk))
    return out


@dataclass
class EnterpriseDue:
    enterprise: Enterprise
    due_today: int = 0
    overdue: int = 0


def due_by_enterprise(measures: QuerySet, *, today: dt.date | None = None) -> list[EnterpriseDue]:
    """Per enterprise: checks due today and checks overdue (for regulators)."""
    today = today or timezone.localdate()
    by_enterprise: dict[int, EnterpriseDue] = {}
    for item in due_checks(measures, today=today):
        row = by_enterprise.setdefault(item.enterprise.pk, EnterpriseDue(item.enterprise))
        if item.is_overdue:
            row.overdue += 1
        else:
            row.due_today += 1
    return sorted(
        by_enterprise.values(), key=lambda r: (-r.overdue, -r.due_today, r.enterprise.name)
    )


# ---------------------------------------------------------------- checks


def _hazard_description(measure: ControlMeasure, note: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Control measure of risk point %(point)s failed its check: %(measure)s") % {
            "point": measure.risk_point.name,
            "measure": measure.text,
        }
        if note.strip():
            text += "\n" + _("Note: %(note)s") % {"note": note.strip()}
    return text[:5000]


@transaction.atomic
def record_check(
    *,
    user,
    measure: ControlMeasure,
    result: str,
    note: str = "",
    photo: CheckedUpload | None = None,
    now: dt.datetime | None = None,
) -> MeasureCheck:
    """Record a check of ``measure`` against its current due date. A failed check opens a
    一般 hazard through the hazard services (channel: self-inspection), linked from the check."""
    from anlan.hazards.services import report_hazard

    enterprise = measure.risk_point.enterprise
    _editable(user, enterprise)
    if result not in CheckResult.values:
        raise ValidationError({"result": _("The result is pass or fail.")})
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": _("Keep the note under 2,000 characters.")})
    if result == CheckResult.FAIL and not note:
        raise ValidationError({"note": _("Say what was found when a check fails.")})
    now = now or timezone.now()
    check = MeasureCheck(
        measure=measure,
        due_on=next_due(measure),
        done_at=now,
        done_by=user,
        result=result,
        note=note,
    )
    if photo is not None:
        check.photo_type = photo.content_type
        check.photo_ext = photo.extension
        check.photo_sha256 = photo.sha256
        keep_file(check.photo, photo, save=False)
    check.save()
    if result == CheckResult.FAIL:
        hazard = report_hazard(
            user=user,
            data={
                "enterprise": enterprise,
                "description": _hazard_description(measure, note),
                "category": HAZARD_CATEGORY_BY_KIND.get(measure.risk_point.kind, "management"),
                "level": "general",
                "channel": "self_inspection",
                "found_at": now,
                "found_by": (getattr(user, "display_name", "") or str(user))[:100],
                "latitude": measure.risk_point.latitude,
                "longitude": measure.risk_point.longitude,
            },
            photos=[photo] if photo is not None else [],
        )
        check.hazard = hazard
        check.save(update_fields=["hazard"])
    return check


# ---------------------------------------------------------------- enterprise level (derived)

GRADE_COUNT_FIELDS = {grade: f"risk_{grade}" for grade in RISK_GRADE_ORDER}


def with_risk_counts(enterprises: QuerySet) -> QuerySet:
    """Annotate each enterprise with ``risk_red`` … ``risk_blue``: its points per colour."""
    return enterprises.annotate(
        **{
            name: Count("risk_points", filter=Q(risk_points__grade=grade))
            for grade, name in GRADE_COUNT_FIELDS.items()
        }
    )


@dataclass
class RiskSummary:
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def level(self) -> str:
        """The highest grade of any point, or "" when the enterprise has none."""
        for grade in RISK_GRADE_ORDER:
            if self.counts.get(grade):
                return str(grade)
        return ""

    @property
    def level_label(self) -> str:
        return str(RiskGrade(self.level).label) if self.level else _("Not assessed")

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_list(self) -> list[tuple[str, int]]:
        return [(str(g), self.counts.get(g, 0)) for g in RISK_GRADE_ORDER]


def summary_of(enterprise: Enterprise) -> RiskSummary:
    if hasattr(enterprise, "risk_red"):
        counts = {g: getattr(enterprise, n) for g, n in GRADE_COUNT_FIELDS.items()}
    else:
        rows = enterprise.risk_points.values_list("grade").annotate(n=Count("pk"))
        counts = dict(rows)
    return RiskSummary({str(g): counts.get(g, 0) for g in RISK_GRADE_ORDER})


# ---------------------------------------------------------------- filters for lists and the map


@dataclass
class RiskFilter:
    region: str = ""
    grade: str = ""  # a RiskGrade value, or "none" (map only: enterprises without points)
    kind: str = ""
    enterprise: int | None = None

    @classmethod
    def from_params(cls, params) -> RiskFilter:
        def pick(name, allowed=None):
            value = str(params.get(name) or "").strip()
            return "" if allowed is not None and value not in allowed else value

        enterprise = str(params.get("enterprise") or "").strip()
        return cls(
            region=pick("region")[:12],
            grade=pick("grade", [*RiskGrade.values, "none"]),
            kind=pick("kind", RiskPointKind.values),
            enterprise=int(enterprise) if enterprise.isdigit() and len(enterprise) < 12 else None,
        )

    def points(self, qs: QuerySet) -> QuerySet:
        if self.region:
            qs = within_region_code(qs, self.region, field="enterprise__region")
        if self.grade in RiskGrade.values:
            qs = qs.filter(grade=self.grade)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.enterprise:
            qs = qs.filter(enterprise_id=self.enterprise)
        return qs

    def enterprises(self, qs: QuerySet) -> list[Enterprise]:
        """Enterprises with their risk counts, filtered by region and by derived level."""
        if self.region:
            qs = within_region_code(qs, self.region)
        if self.enterprise:
            qs = qs.filter(pk=self.enterprise)
        out = []
        for enterprise in with_risk_counts(qs).order_by("region__code", "name", "pk"):
            enterprise.risk = summary_of(enterprise)
            level = enterprise.risk.level or "none"
            if not self.grade or self.grade == level:
                out.append(enterprise)
        return out


def map_features(enterprises: Iterable[Enterprise]) -> list[dict]:
    """GeoJSON-ish points for the four-colour map (enterprises with coordinates only)."""
    from django.urls import reverse

    from .choices import RISK_GRADE_HEX, UNGRADED_HEX

    out = []
    for e in enterprises:
        if not e.has_location:
            continue
        summary = e.risk if hasattr(e, "risk") else summary_of(e)
        out.append(
            {
                "id": e.pk,
                "name": e.name,
                "lat": float(e.latitude),
                "lon": float(e.longitude),
                "region": e.region.full_name,
                "level": summary.level,
                "level_label": str(summary.level_label),
                "colour": RISK_GRADE_HEX.get(summary.level, UNGRADED_HEX),
                "counts": dict(summary.as_list()),
                "url": reverse("registry:detail_tab", args=[e.pk, "risk_points"]),
            }
        )
    return out
