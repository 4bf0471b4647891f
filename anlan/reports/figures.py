"""The figures of a bulletin: every number it prints, for one region's subtree and one period,
computed from the records with a few aggregate queries over the whole region (never row by row).

The period is ``[start, end]`` with ``end`` the inclusive last day (a month is the 1st to the
last day of the month). Instants are compared as ``start 00:00 <= t < (end + 1 day) 00:00``,
local time.

Definitions (also in the user guide):
- *hazards*: countable hazards (not rejected or merged, as in ``anlan.hazards.stats``) of
  enterprises in the region. *Found*: found in the period. *Closed*: of those, closed (销号) by
  the period's end; 整改率 = closed ÷ found. *Open at end*: found before the end and not closed
  by then; *overdue* of those, the ones whose deadline was before the last day; *重大 open*: the
  open ones of level 重大.
- *alarms*: raised in the period, by level; *handled in time*: disposed within
  ``ANLAN_ALARM_DISPOSE_MINUTES`` of the level after being raised.
- *commitments*: commitments made for days of the period by the enterprises that must commit
  (those with a major hazard source), against those enterprises × the days of the period up to
  today.
- *strict-supervision list*: entries on the last list computed on or before the last day.
- *tasks* (督办): tasks issued by the committees of the region in the period; their assignments
  due in the period: done on time (feedback accepted, submitted by the deadline), done late, and
  overdue (still not accepted at the end of the period, or today if earlier).
- *trainings*, *expert visits*, *campaign activities*, *drills* (held): dated in the period.
- *warnings*: published warnings (not cancellations) for the region, a region below it or above
  it, in force at some moment of the period.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import RegionLevel
from anlan.core.models import Region
from anlan.hazards.choices import HazardCategory, HazardLevel
from anlan.hazards.models import Hazard
from anlan.hazards.stats import countable, rectification_rate

SECTIONS = (
    "summary",
    "hazards",
    "alarms",
    "commitments",
    "tasks",
    "trainings",
    "visits",
    "campaigns",
    "drills",
    "warnings",
)


def section_titles() -> dict[str, str]:
    return {
        "summary": _("Overview"),
        "hazards": _("Hazard investigation and rectification"),
        "alarms": _("Monitoring alarms"),
        "commitments": _("Safety commitments and strict supervision"),
        "tasks": _("Supervision tasks (督办)"),
        "trainings": _("Training"),
        "visits": _("Expert assistance visits"),
        "campaigns": _("Campaign activities"),
        "drills": _("Emergency drills"),
        "warnings": _("Warnings in force"),
    }


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def about(n: int) -> int:
    """The "about" figure of a sentence: two significant digits, halves rounded up, from 100 up
    (7,361 → 7,400; 12,450 → 12,000; 456 → 460); below 100 the exact number."""
    if n < 100:
        return n
    step = 10 ** (len(str(n)) - 2)
    return int((Decimal(n) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * step


def _county_of(region: Region, counties: dict[str, Region]) -> Region | None:
    return counties.get(region.prefix[:6])


def compute(region: Region, start: dt.date, end: dt.date, *, today: dt.date | None = None) -> dict:
    """The bulletin's figures, a JSON-serialisable dict with one entry per section."""
    today = today or timezone.localdate()
    t0, t1 = _aware(start), _aware(end + dt.timedelta(days=1))
    subtree = Region.objects.filter(prefix__startswith=region.prefix)
    regions = {r.pk: r for r in subtree.only("pk", "code", "name", "prefix", "level")}
    ids = list(regions)
    return {
        "region": {"code": region.code, "name": region.name},
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "hazards": _hazards(region, regions, ids, t0, t1, end),
        "alarms": _alarms(ids, t0, t1),
        "commitments": _commitments(ids, start, end, today),
        "tasks": _tasks(ids, t0, t1, start, end, today),
        "trainings": _trainings(ids, start, end),
        "visits": _visits(ids, start, end),
        "campaigns": _campaigns(ids, start, end),
        "drills": _drills(ids, t0, t1),
        "warnings": _warnings(region, ids, t0, t1),
    }


# ---------------------------------------------------------------- hazards


def _hazards(region, regions, ids, t0, t1, end) -> dict:
    qs = countable(Hazard.objects.filter(region_id__in=ids, found_at__lt=t1))
    in_period = Q(found_at__gte=t0)
    closed_by_end = Q(closed_at__isnull=False, closed_at__lt=t1)
    open_at_end = ~closed_by_end
    major = Q(level=HazardLevel.MAJOR)
    rows = (
        qs.values("region_id")
        .annotate(
            found=Count("pk", filter=in_period),
            found_major=Count("pk", filter=in_period & major),
            closed=Count("pk", filter=in_period & closed_by_end),
            open=Count("pk", filter=open_at_end),
            overdue=Count("pk", filter=open_at_end & Q(deadline__lt=end)),
            open_major=Count("pk", filter=open_at_end & major),
        )
        .order_by()
    )
    keys = ("found", "found_major", "closed", "open", "overdue", "open_major")
    totals = dict.fromkeys(keys, 0)
    # Rows by county (or by township when the bulletin is a county's).
    group_len = 6 if region.level == RegionLevel.CITY or len(region.prefix) < 6 else 9
    groups = {
        r.prefix: r
        for r in regions.values()
        if len(r.prefix) == group_len and r.prefix.startswith(region.prefix)
    }
    by_group: dict[str, dict] = {}
    for row in rows:
        for k in keys:
            totals[k] += row[k]
        group = groups.get(regions[row["region_id"]].prefix[:group_len])
        if group is None:
            continue
        entry = by_group.setdefault(
            group.code, {"code": group.code, "name": group.name} | dict.fromkeys(keys, 0)
        )
        for k in keys:
            entry[k] += row[k]
    for entry in by_group.values():
        entry["rate"] = rectification_rate(entry["closed"], entry["found"])
    per_category = dict(
        qs.filter(in_period).values_list("category").annotate(n=Count("pk")).order_by()
    )
    by_category = [
        {"code": value, "name": str(label), "found": per_category[value]}
        for value, label in HazardCategory.choices
        if per_category.get(value)
    ]
    return totals | {
        "rate": rectification_rate(totals["closed"], totals["found"]),
        "by_region": sorted(by_group.values(), key=lambda e: e["code"]),
        "by_category": by_category,
    }


# ---------------------------------------------------------------- alarms


def _alarms(ids, t0, t1) -> dict:
    from anlan.monitoring.choices import AlarmLevel
    from anlan.monitoring.models import Alarm

    minutes = settings.ANLAN_ALARM_DISPOSE_MINUTES
    agg = {}
    for level in AlarmLevel.values:
        is_level = Q(level=level)
        agg[f"{level}_raised"] = Count("pk", filter=is_level)
        agg[f"{level}_in_time"] = Count(
            "pk",
            filter=is_level
            & Q(
                disposed_at__isnull=False,
                disposed_at__lte=F("raised_at") + dt.timedelta(minutes=minutes.get(level, 0)),
            ),
        )
    row = Alarm.objects.filter(
        sensor__enterprise__region_id__in=ids, raised_at__gte=t0, raised_at__lt=t1
    ).aggregate(**agg)
    by_level = [
        {
            "code": level,
            "name": str(label),
            "raised": row[f"{level}_raised"],
            "in_time": row[f"{level}_in_time"],
        }
        for level, label in AlarmLevel.choices
    ]
    raised = sum(r["raised"] for r in by_level)
    in_time = sum(r["in_time"] for r in by_level)
    return {
        "raised": raised,
        "in_time": in_time,
        "in_time_rate": rectification_rate(in_time, raised),
        "by_level": by_level,
    }


# ---------------------------------------------------------------- commitments, strict list


def _commitments(ids, start, end, today) -> dict:
    from anlan.commitments.models import SafetyCommitment
    from anlan.registry.models import Enterprise, HazardSource
    from anlan.supervision.models import StrictListEntry

    required = Enterprise.objects.filter(
        region_id__in=ids, pk__in=HazardSource.objects.values("enterprise_id")
    )
    enterprises = required.count()
    last = min(end, today)
    days = max(0, (last - start).days + 1)
    made = (
        SafetyCommitment.objects.filter(enterprise__in=required, day__gte=start, day__lte=last)
        .values("enterprise_id", "day")
        .distinct()
        .count()
        if days
        else 0
    )
    expected = enterprises * days
    strict = StrictListEntry.objects.filter(enterprise__region_id__in=ids, date__lte=end)
    latest = strict.order_by("-date").values_list("date", flat=True).first()
    listed = strict.filter(date=latest).count() if latest else 0
    return {
        "enterprises": enterprises,
        "days": days,
        "expected": expected,
        "made": made,
        "rate": rectification_rate(made, expected),
        "strict_list": listed,
        "strict_list_date": latest.isoformat() if latest else None,
    }


# ---------------------------------------------------------------- tasks


def _tasks(ids, t0, t1, start, end, today) -> dict:
    from anlan.supervision.choices import AssignmentState, TaskState
    from anlan.supervision.models import SupervisionTask, TaskAssignment

    issued = SupervisionTask.objects.filter(
        region_id__in=ids, issued_at__gte=t0, issued_at__lt=t1
    ).exclude(state=TaskState.CANCELLED)
    cutoff = min(end, today - dt.timedelta(days=1))
    accepted = Q(state=AssignmentState.ACCEPTED)
    row = (
        TaskAssignment.objects.filter(
            task__region_id__in=ids, task__deadline__gte=start, task__deadline__lte=end
        )
        .exclude(task__state=TaskState.CANCELLED)
        .aggregate(
            n_due=Count("pk"),
            n_on_time=Count("pk", filter=accepted & Q(on_time=True)),
            n_late=Count("pk", filter=accepted & Q(on_time=False)),
            n_overdue=Count(
                "pk",
                filter=~accepted & Q(task__state=TaskState.OPEN) & Q(task__deadline__lte=cutoff),
            ),
        )
    )
    row = {key[2:]: value for key, value in row.items()}
    return {
        "issued": issued.count(),
        **row,
        "on_time_rate": rectification_rate(row["on_time"], row["due"]),
    }


# ---------------------------------------------------------------- activities


def _grouped(qs, field, choices, **sums) -> list[dict]:
    data = {
        row[field]: row for row in qs.values(field).annotate(records=Count("pk"), **sums).order_by()
    }
    out = []
    for value, label in choices:
        row = data.get(value)
        if row:
            out.append(
                {"code": value, "name": str(label), "records": row["records"]}
                | {k: row[k] or 0 for k in sums}
            )
    return out


def _trainings(ids, start, end) -> dict:
    from anlan.supervision.choices import TrainingKind
    from anlan.supervision.models import TrainingSession

    qs = TrainingSession.objects.filter(region_id__in=ids, date__gte=start, date__lte=end)
    by_kind = _grouped(
        qs,
        "kind",
        TrainingKind.choices,
        sessions=Sum("sessions"),
        participants=Sum("participants"),
    )
    return {
        "sessions": sum(r["sessions"] for r in by_kind),
        "participants": sum(r["participants"] for r in by_kind),
        "by_kind": by_kind,
    }


def _visits(ids, start, end) -> dict:
    from anlan.supervision.choices import ExpertDomain
    from anlan.supervision.models import ExpertVisit

    qs = ExpertVisit.objects.filter(region_id__in=ids, date__gte=start, date__lte=end)
    by_domain = _grouped(qs, "domain", ExpertDomain.choices, problems=Sum("problems_found"))
    return {
        "visits": sum(r["records"] for r in by_domain),
        "problems": sum(r["problems"] for r in by_domain),
        "by_domain": by_domain,
    }


def _campaigns(ids, start, end) -> dict:
    from anlan.supervision.choices import ActivityKind
    from anlan.supervision.models import CampaignActivity

    qs = CampaignActivity.objects.filter(region_id__in=ids, date__gte=start, date__lte=end)
    by_kind = _grouped(
        qs, "kind", ActivityKind.choices, events=Sum("events"), participants=Sum("participants")
    )
    return {
        "events": sum(r["events"] for r in by_kind),
        "participants": sum(r["participants"] for r in by_kind),
        "by_kind": by_kind,
    }


def _drills(ids, t0, t1) -> dict:
    from anlan.rescue.choices import DrillKind, DrillStatus
    from anlan.rescue.models import Drill

    qs = Drill.objects.filter(
        region_id__in=ids, status=DrillStatus.DONE, started_at__gte=t0, started_at__lt=t1
    )
    by_kind = _grouped(qs, "kind", DrillKind.choices, participants=Sum("participants"))
    return {
        "held": sum(r["records"] for r in by_kind),
        "participants": sum(r["participants"] for r in by_kind),
        "by_kind": by_kind,
    }


def _warnings(region, ids, t0, t1) -> dict:
    from anlan.alerts.choices import Colour, MsgType
    from anlan.alerts.models import Alert

    ancestors = [a.pk for a in region.ancestors()]
    near = ids + ancestors
    qs = (
        Alert.objects.published()
        .exclude(msg_type=MsgType.CANCEL)
        .filter(effective__lt=t1, expires__gt=t0)
        .filter(Q(regions__in=near) | Q(region_id__in=near))
        .filter(Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=t0))
    )
    pks = qs.values("pk").distinct()
    alerts = Alert.objects.filter(pk__in=pks)
    per_colour = dict(alerts.values_list("colour").annotate(n=Count("pk")).order_by())
    listed = [
        {
            "headline": a.headline or a.event,
            "colour": a.colour,
            "effective": timezone.localtime(a.effective).date().isoformat(),
        }
        for a in alerts.order_by("-effective")[:10]
    ]
    return {
        "count": sum(per_colour.values()),
        "by_colour": [
            {"code": value, "name": str(label), "count": per_colour[value]}
            for value, label in Colour.choices
            if per_colour.get(value)
        ],
        "latest": listed,
    }


# ---------------------------------------------------------------- sentences


def sentences(figures: dict, period_label: str) -> dict[str, list[str]]:
    """The plain sentences a bulletin prints, per section, made from the numbers."""
    h = figures["hazards"]
    out: dict[str, list[str]] = {key: [] for key in SECTIONS}
    rate = h["rate"]
    out["hazards"].append(
        _(
            "In %(period)s, %(found)s hazards were found (%(major)s major) and %(closed)s of "
            "them rectified, a rectification rate of %(rate)s; %(open)s remain open, "
            "%(overdue)s overdue, %(open_major)s of them major."
        )
        % {
            "period": period_label,
            "found": h["found"],
            "major": h["found_major"],
            "closed": h["closed"],
            "rate": "—" if rate is None else f"{rate}%",
            "open": h["open"],
            "overdue": h["overdue"],
            "open_major": h["open_major"],
        }
    )
    a = figures["alarms"]
    out["alarms"].append(
        _("%(raised)s alarms were raised; %(in_time)s were handled in time.")
        % {"raised": a["raised"], "in_time": a["in_time"]}
    )
    c = figures["commitments"]
    out["commitments"].append(
        _(
            "%(made)s of %(expected)s expected daily commitments were made; %(strict)s "
            "enterprises are on the strict-supervision list."
        )
        % {"made": c["made"], "expected": c["expected"], "strict": c["strict_list"]}
    )
    t = figures["tasks"]
    out["tasks"].append(
        _(
            "%(issued)s supervision tasks were issued; of %(due)s assignments due, %(on_time)s "
            "were done on time, %(late)s late and %(overdue)s are overdue."
        )
        % t
    )
    for row in figures["trainings"]["by_kind"]:
        out["trainings"].append(training_sentence(row, period_label))
    v = figures["visits"]
    if v["visits"]:
        out["visits"].append(
            _("Experts made %(visits)s assistance visits and found %(problems)s problems.") % v
        )
    else:
        out["visits"].append(_("No expert assistance visit was recorded in the period."))
    cp = figures["campaigns"]
    if cp["events"]:
        out["campaigns"].append(
            _("%(events)s campaign events reached about %(people)s person-times.")
            % {"events": cp["events"], "people": f"{about(cp['participants']):,}"}
        )
    else:
        out["campaigns"].append(_("No campaign activity was recorded in the period."))
    d = figures["drills"]
    out["drills"].append(
        _("%(held)s emergency drills were held with %(participants)s participants.") % d
    )
    w = figures["warnings"]
    out["warnings"].append(_("%(count)s warnings were in force.") % w)
    out["summary"] = [out["hazards"][0], out["tasks"][0]] + out["trainings"][:1]
    return out


def training_sentence(row: dict, period_label: str) -> str:
    """e.g. "In the first half, principal persons gave 99 lectures to about 7,400 person-times"."""
    people = row["participants"]
    approx = about(people)
    subject = {
        "principal_lecture": _("principal persons gave %(sessions)s lectures"),
        "thematic": _("%(sessions)s thematic training sessions were held"),
        "skills": _("%(sessions)s skills training sessions were held"),
        "outsourced": _("%(sessions)s sessions trained outsourced workers"),
        "dispatched": _("%(sessions)s sessions trained dispatched workers"),
        "flexible": _("%(sessions)s sessions trained flexible-employment workers"),
    }.get(row["code"], _("%(sessions)s training sessions were held")) % {
        "sessions": row["sessions"]
    }
    if approx == people:
        text = _("In %(period)s, %(subject)s to %(people)s person-times.")
    else:
        text = _("In %(period)s, %(subject)s to about %(people)s person-times.")
    return text % {"period": period_label, "subject": subject, "people": f"{approx:,}"}
