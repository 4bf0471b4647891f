"""Figures an assessment reads from the platform's own records, per member unit and period.

Every metric is ``metric(unit, start, end_exclusive) -> (Decimal value, detail dict)``: the
period is ``[start, end_exclusive)`` in local dates, and a period that is not over yet is cut at
the end of today. The detail says how the value was found (counts, the records' filter) and is
shown on the assessment page.

A township unit's figures are those of its township region (every region below it); a member
department's are those of the enterprises whose industry is among its ``sectors`` within the
committee's region (and, for trainings, the sessions it organised itself).

There is no accident ledger on the platform: "accidents against the quota" is a MANUAL item
entered with evidence, not a metric here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlan.core.models import Region
from anlan.registry.models import Enterprise

from .choices import AssignmentState, TaskState, UnitKind
from .models import MemberUnit, TaskAssignment, TrainingSession, end_of_day, local_today

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Metric:
    code: str
    label: object  # lazy translation
    unit: object  # what the value is counted in
    higher_is_better: bool
    func: Callable[[MemberUnit, dt.date, dt.date], tuple[Decimal, dict]]


METRICS: dict[str, Metric] = {}


def metric(code: str, label, unit, *, higher_is_better: bool = True):
    def register(func):
        METRICS[code] = Metric(code, label, unit, higher_is_better, func)
        return func

    return register


def compute_metric(code: str, unit: MemberUnit, start: dt.date, end: dt.date):
    """The value and detail of metric ``code`` (KeyError for an unknown code)."""
    return METRICS[code].func(unit, start, end)


def choices() -> list[tuple[str, str]]:
    return [(code, str(m.label)) for code, m in METRICS.items()]


# --- where a unit's figures come from ---------------------------------------------------------


def unit_regions(unit: MemberUnit):
    """The regions whose records count for ``unit``."""
    if unit.kind == UnitKind.TOWNSHIP and unit.township_id:
        return Region.objects.filter(prefix__startswith=unit.township.prefix)
    return Region.objects.filter(prefix__startswith=unit.committee_region.prefix)


def unit_enterprises(unit: MemberUnit):
    """The enterprises that count for ``unit``: in its township, or (a department) in the
    committee's region and in one of its sectors."""
    qs = Enterprise.objects.filter(region__in=unit_regions(unit).values("pk"))
    if unit.kind == UnitKind.TOWNSHIP and unit.township_id:
        return qs
    return qs.filter(industry__in=[str(s) for s in (unit.sectors or [])])


def _scope(unit: MemberUnit) -> dict:
    if unit.kind == UnitKind.TOWNSHIP and unit.township_id:
        return {"township": unit.township.full_name or unit.township.name}
    return {
        "committee": unit.committee_region.full_name or unit.committee_region.name,
        "sectors": list(unit.sectors or []),
    }


def _cutoff(end: dt.date) -> dt.date:
    """The period's end, or tomorrow if the period is not over yet (figures up to today)."""
    return min(end, local_today() + dt.timedelta(days=1))


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _rate(part: int, whole: int) -> Decimal:
    """Per cent with two decimals; 100 when there was nothing to do."""
    if not whole:
        return HUNDRED
    return (HUNDRED * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _hazards(unit: MemberUnit):
    from anlan.hazards.models import Hazard
    from anlan.hazards.stats import countable

    qs = countable(Hazard.objects.all())
    if unit.kind == UnitKind.TOWNSHIP and unit.township_id:
        return qs.filter(region__in=unit_regions(unit).values("pk"))
    return qs.filter(enterprise__in=unit_enterprises(unit).values("pk"))


def _open_at(qs, moment: dt.datetime):
    """Hazards found before ``moment`` and not closed by then."""
    return qs.filter(found_at__lt=moment).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=moment)
    )


# --- hazards ----------------------------------------------------------------------------------


@metric("rectification_rate", _("Hazard rectification rate"), "%")
def rectification_rate(unit, start, end):
    """Hazards found in the period, and of them those closed by the period's end (整改率)."""
    cutoff = _start(_cutoff(end))
    found = _hazards(unit).filter(found_at__gte=_start(start), found_at__lt=_start(end))
    counts = found.aggregate(
        found=Count("pk"), closed=Count("pk", filter=Q(closed_at__lt=cutoff, status="closed"))
    )
    value = _rate(counts["closed"], counts["found"])
    return value, {**_scope(unit), **counts, "note": "" if counts["found"] else "none found"}


@metric("overdue_hazards", _("Overdue hazards"), _("hazards"), higher_is_better=False)
def overdue_hazards(unit, start, end):
    """Hazards past their rectification deadline and still open at the period's end."""
    cutoff_day = _cutoff(end)
    qs = _open_at(_hazards(unit), _start(cutoff_day)).filter(deadline__lt=cutoff_day)
    n = qs.count()
    return Decimal(n), {**_scope(unit), "overdue": n, "at": cutoff_day.isoformat()}


@metric("open_major_hazards", _("Open major (重大) hazards"), _("hazards"), higher_is_better=False)
def open_major_hazards(unit, start, end):
    cutoff_day = _cutoff(end)
    n = _open_at(_hazards(unit), _start(cutoff_day)).filter(level="major").count()
    return Decimal(n), {**_scope(unit), "open_major": n, "at": cutoff_day.isoformat()}


# --- commitments and alarms -------------------------------------------------------------------


@metric("commitment_rate", _("Daily commitment rate"), "%")
def commitment_rate(unit, start, end):
    """Commitments made / due: every enterprise that must commit (it has a major hazard
    source), every day of the period up to today."""
    from anlan.commitments.models import SafetyCommitment
    from anlan.commitments.services import required

    last = _cutoff(end)
    days = max(0, (last - start).days)
    enterprises = list(required(unit_enterprises(unit)).values_list("pk", flat=True))
    due = days * len(enterprises)
    made = SafetyCommitment.objects.filter(
        enterprise_id__in=enterprises, day__gte=start, day__lt=last
    ).count()
    return _rate(made, due), {
        **_scope(unit),
        "enterprises": len(enterprises),
        "days": days,
        "due": due,
        "made": made,
    }


@metric("alarm_handling_rate", _("Alarms handled in time"), "%")
def alarm_handling_rate(unit, start, end):
    """Alarms raised in the period, and of them those disposed of within their level's time
    limit (ANLAN_ALARM_DISPOSE_MINUTES)."""
    from anlan.monitoring.models import Alarm

    alarms = Alarm.objects.filter(
        sensor__enterprise__in=unit_enterprises(unit).values("pk"),
        raised_at__gte=_start(start),
        raised_at__lt=_start(end),
    )
    in_time = Q()
    for level, minutes in settings.ANLAN_ALARM_DISPOSE_MINUTES.items():
        in_time |= Q(
            level=level,
            disposed_at__isnull=False,
            disposed_at__lte=F("raised_at") + dt.timedelta(minutes=minutes),
        )
    counts = alarms.aggregate(raised=Count("pk"), in_time=Count("pk", filter=in_time))
    return _rate(counts["in_time"], counts["raised"]), {**_scope(unit), **counts}


# --- trainings and drills ---------------------------------------------------------------------


def _trainings(unit, start, end):
    qs = TrainingSession.objects.filter(date__gte=start, date__lt=end)
    if unit.kind == UnitKind.TOWNSHIP and unit.township_id:
        return qs.filter(region__in=unit_regions(unit).values("pk"))
    return qs.filter(Q(organiser=unit) | Q(enterprise__in=unit_enterprises(unit).values("pk")))


@metric("trainings", _("Training sessions held"), _("sessions"))
def trainings(unit, start, end):
    totals = _trainings(unit, start, end).aggregate(
        records=Count("pk"), sessions=Sum("sessions"), person_times=Sum("participants")
    )
    sessions = totals["sessions"] or 0
    return Decimal(sessions), {
        **_scope(unit),
        "records": totals["records"],
        "sessions": sessions,
        "person_times": totals["person_times"] or 0,
    }


@metric("training_person_times", _("Training person-times"), _("person-times"))
def training_person_times(unit, start, end):
    value, detail = trainings(unit, start, end)
    return Decimal(detail["person_times"]), detail


@metric("drills", _("Emergency drills held"), _("drills"))
def drills(unit, start, end):
    from anlan.rescue.choices import DrillStatus
    from anlan.rescue.models import Drill

    qs = Drill.objects.filter(
        status=DrillStatus.DONE, started_at__gte=_start(start), started_at__lt=_start(end)
    )
    if unit.kind == UnitKind.TOWNSHIP and unit.township_id:
        qs = qs.filter(region__in=unit_regions(unit).values("pk"))
    else:
        qs = qs.filter(enterprises__in=unit_enterprises(unit).values("pk"))
    counts = qs.distinct().aggregate(held=Count("pk", distinct=True))
    participants = (
        Drill.objects.filter(pk__in=qs.values("pk")).aggregate(n=Sum("participants"))["n"] or 0
    )
    return Decimal(counts["held"]), {
        **_scope(unit),
        "held": counts["held"],
        "participants": participants,
    }


# --- 督办 tasks -------------------------------------------------------------------------------


def _assignments_due(unit, start, end):
    """The unit's assignments whose deadline fell in the period and has passed (or that were
    accepted already), of tasks not cancelled."""
    today = local_today()
    return (
        TaskAssignment.objects.filter(unit=unit, task__deadline__gte=start, task__deadline__lt=end)
        .exclude(task__state=TaskState.CANCELLED)
        .filter(Q(task__deadline__lt=today) | Q(state=AssignmentState.ACCEPTED))
        .select_related("task")
    )


def _on_time(a: TaskAssignment) -> bool:
    if a.state != AssignmentState.ACCEPTED:
        return False
    if a.on_time is not None:
        return a.on_time
    return a.submitted_at is not None and a.submitted_at < end_of_day(a.task.deadline)


@metric("tasks_on_time_rate", _("督办 tasks done on time"), "%")
def tasks_on_time_rate(unit, start, end):
    rows = list(_assignments_due(unit, start, end))
    done = sum(1 for a in rows if _on_time(a))
    return _rate(done, len(rows)), {"due": len(rows), "on_time": done}


@metric("tasks_missed", _("督办 tasks missed"), _("tasks"), higher_is_better=False)
def tasks_missed(unit, start, end):
    """Assignments whose deadline fell in the period and that were not accepted on time (no
    feedback, late feedback, or feedback still not accepted)."""
    missed = [a for a in _assignments_due(unit, start, end) if not _on_time(a)]
    return Decimal(len(missed)), {
        "missed": len(missed),
        "tasks": [
            {"id": a.task_id, "title": str(a.task), "deadline": a.task.deadline.isoformat()}
            for a in missed
        ],
    }
