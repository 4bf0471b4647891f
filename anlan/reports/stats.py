"""Counts for the city dashboard, always computed over what the user may see."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anlan.alerts.choices import Colour
from anlan.core.choices import RegionLevel
from anlan.core.models import Region
from anlan.core.scoping import scope_of
from anlan.hazards.choices import DEADLINE_STATUSES, OPEN_STATUSES, HazardLevel, HazardStatus
from anlan.hazards.filters import HazardFilter
from anlan.hazards.models import Hazard
from anlan.hazards.stats import countable, rectification_rate
from anlan.registry.choices import EnterpriseIndustry, EnterpriseRiskFlag, EnterpriseStatus
from anlan.registry.models import Enterprise
from anlan.rescue.choices import DrillStatus


def enterprise_stats(user, region: Region | None = None) -> dict:
    qs = Enterprise.objects.visible_to(user)
    if region is not None:
        qs = qs.filter(region__prefix__startswith=region.prefix)
    total = qs.count()
    by_prefix = dict(
        qs.values_list("region__prefix").annotate(n=Count("pk")).values_list("region__prefix", "n")
    )
    counties = Region.objects.filter(
        level=RegionLevel.COUNTY, prefix__in={p[:6] for p in by_prefix}
    )
    by_county = []
    for county in counties.select_related("parent").order_by("code"):
        n = sum(v for p, v in by_prefix.items() if p.startswith(county.prefix))
        by_county.append(
            {"code": county.code, "name": county.name, "city": county.parent.name, "count": n}
        )
    industry_counts = dict(qs.values_list("industry").annotate(n=Count("pk")))
    by_industry = [
        {"code": value, "name": str(label), "count": industry_counts[value]}
        for value, label in EnterpriseIndustry.choices
        if industry_counts.get(value)
    ]
    flag_counts = dict(
        qs.filter(risk_flags__isnull=False)
        .values_list("risk_flags__code")
        .annotate(n=Count("pk", distinct=True))
    )
    by_flag = [
        {"code": value, "name": str(label), "count": flag_counts.get(value, 0)}
        for value, label in EnterpriseRiskFlag.choices
    ]
    status_counts = dict(qs.values_list("status").annotate(n=Count("pk")))
    by_status = [
        {"code": value, "name": str(label), "count": status_counts.get(value, 0)}
        for value, label in EnterpriseStatus.choices
    ]
    return {
        "total": total,
        "operating": status_counts.get(EnterpriseStatus.OPERATING, 0),
        "flagged": qs.filter(risk_flags__isnull=False).distinct().count(),
        "by_county": by_county,
        "by_industry": by_industry,
        "by_flag": by_flag,
        "by_status": by_status,
    }


# --------------------------------------------------------------------------------------------
# The city and county dashboard (issue #8): figures for a region and a period, each with the
# link to the ledger rows behind it. The hazard figures are counted with the hazard ledger's own
# filter (HazardFilter), so a figure and the ledger it links to cannot disagree.
# --------------------------------------------------------------------------------------------

PERIODS = ("week", "month", "quarter", "year")
PERIOD_LABELS = {
    "week": gettext_lazy("This week"),
    "month": gettext_lazy("This month"),
    "quarter": gettext_lazy("This quarter"),
    "year": gettext_lazy("This year"),
}
PICKABLE_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)


def period_bounds(kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the week (Monday–Sunday), month, quarter or year that
    contains ``today``."""
    if kind == "week":
        start = today - dt.timedelta(days=today.weekday())
        return start, start + dt.timedelta(days=6)
    if kind == "year":
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    if kind == "quarter":
        start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        months = 3
    elif kind == "month":
        start, months = today.replace(day=1), 1
    else:
        raise ValidationError(
            {
                "period": _("Unknown period “%(value)s”: week, month, quarter or year.")
                % {"value": str(kind)[:20]}
            }
        )
    year, month = divmod(start.month - 1 + months, 12)
    return start, dt.date(start.year + year, month + 1, 1) - dt.timedelta(days=1)


def pickable_regions(user):
    """The regions a viewer may pick on the dashboard: the city, counties and townships inside
    their own scope (never an ancestor shown for context). Enterprise users pick none."""
    scope = scope_of(user)
    qs = Region.objects.filter(level__in=PICKABLE_LEVELS)
    if scope.sees_all:
        return qs.order_by("code")
    if scope.region_prefix is None or scope.enterprise_id:
        return qs.none()
    return qs.filter(prefix__startswith=scope.region_prefix).order_by("code")


def default_region(user) -> Region | None:
    """A regulator's own region (the city admin's city, a county regulator's county); none for
    system administrators (everything) and enterprise users (their enterprise)."""
    scope = scope_of(user)
    if scope.sees_all or scope.enterprise_id or not scope.region_prefix:
        return None
    if getattr(user, "region_id", None):
        return user.region
    return Region.objects.filter(prefix=scope.region_prefix).first()


def resolve_region(user, code: str | None) -> Region | None:
    """The region with ``code`` if the viewer may pick it, the default when ``code`` is empty;
    a ValidationError naming ``region`` otherwise."""
    code = (code or "").strip()
    if not code:
        return default_region(user)
    region = pickable_regions(user).filter(code=code[:12]).first()
    if region is None:
        raise ValidationError(
            {"region": _("“%(code)s” is not a region you may view.") % {"code": code[:12]}}
        )
    return region


def _link(name: str, params: dict | None = None) -> str:
    """The URL of a ledger page with its filter parameters (empty ones left out). A page another
    helper has not wired yet resolves to no link rather than an error."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return ""
    query = urlencode({k: v for k, v in (params or {}).items() if v not in ("", None, False)})
    return f"{url}?{query}" if query else url


def _in_region(qs, region: Region | None, field: str):
    """Rows of ``qs`` whose ``field`` (a region foreign key) lies in the region's subtree."""
    if region is None:
        return qs
    subtree = Region.objects.filter(prefix__startswith=region.prefix).values("pk")
    return qs.filter(**{f"{field}__in": subtree})


def _figure(key: str, label, value, url: str, **extra) -> dict:
    return {"key": key, "label": str(label), "value": value, "url": url, **extra}


def hazard_links(region: Region | None, start: dt.date, end: dt.date) -> dict[str, dict]:
    """The hazard ledger's query parameters behind each hazard figure."""
    code = region.code if region else ""
    period = {"found_from": start.isoformat(), "found_to": end.isoformat()}
    return {
        "hazards_found": {"countable": "1", **period, "region": code},
        "hazards_closed": {"status": HazardStatus.CLOSED, **period, "region": code},
        "hazards_overdue": {"overdue": "1", "region": code},
        "hazards_open_major": {"open": "1", "level": HazardLevel.MAJOR, "region": code},
    }


def _hazard_count(user, params: dict) -> int:
    flt = HazardFilter.from_params(params)
    return flt.apply(Hazard.objects.visible_to(user)).order_by().count()


def _hazard_breakdown(user, region, children, start, end, today) -> list[dict]:
    """Found / closed in the period, overdue and open 重大 now, per child region."""
    if not children:
        return []
    qs = countable(_in_region(Hazard.objects.visible_to(user), region, "region"))
    in_period = Q(found_at__gte=_aware(start), found_at__lt=_aware(end + dt.timedelta(days=1)))
    rows = (
        qs.values("region__prefix")
        .annotate(
            found=Count("pk", filter=in_period),
            closed=Count("pk", filter=in_period & Q(status=HazardStatus.CLOSED)),
            overdue=Count("pk", filter=Q(status__in=DEADLINE_STATUSES, deadline__lt=today)),
            open_major=Count("pk", filter=Q(status__in=OPEN_STATUSES, level=HazardLevel.MAJOR)),
        )
        .order_by()
    )
    out = {c.code: {"code": c.code, "name": c.name, "found": 0, "closed": 0, "overdue": 0,
                    "open_major": 0} for c in children}  # fmt: skip
    by_prefix = sorted(children, key=lambda c: -len(c.prefix))
    for row in rows:
        child = next((c for c in by_prefix if row["region__prefix"].startswith(c.prefix)), None)
        if child is None:
            continue
        for key in ("found", "closed", "overdue", "open_major"):
            out[child.code][key] += row[key]
    result = []
    for child in children:
        entry = out[child.code]
        links = hazard_links(child, start, end)
        entry["links"] = {
            "found": _link("hazards:list", links["hazards_found"]),
            "closed": _link("hazards:list", links["hazards_closed"]),
            "overdue": _link("hazards:list", links["hazards_overdue"]),
            "open_major": _link("hazards:list", links["hazards_open_major"]),
        }
        result.append(entry)
    return result


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def breakdown_regions(user, region: Region | None) -> list[Region]:
    """The regions one level down: the counties of a city, the townships of a county; the
    cities for a viewer who sees everything."""
    if region is None:
        if not scope_of(user).sees_all:
            return []
        return list(Region.objects.filter(level=RegionLevel.CITY).order_by("code"))
    return list(Region.objects.filter(parent=region, level__in=PICKABLE_LEVELS).order_by("code"))


def dashboard_figures(
    user, *, region: Region | None = None, period: str = "month", now=None
) -> dict:
    """Every figure of the dashboard for ``user`` over ``region`` (None: the whole scope) and
    the period containing today, each with the link to the ledger behind it."""
    from anlan.alerts.models import Alert
    from anlan.commitments import services as commitment_services
    from anlan.commitments.choices import CommitmentStatus
    from anlan.monitoring.models import Alarm
    from anlan.rescue import services as rescue_services
    from anlan.rescue.models import Drill
    from anlan.supervision.choices import TrainingKind
    from anlan.supervision.models import StrictListEntry, TrainingSession

    now = now or timezone.now()
    today = timezone.localdate(now)
    start, end = period_bounds(period, today)
    code = region.code if region else ""
    dates = {"date_from": start.isoformat(), "date_to": end.isoformat()}

    # Hazards, through the ledger's own filter.
    links = hazard_links(region, start, end)
    counts = {key: _hazard_count(user, params) for key, params in links.items()}
    rate = rectification_rate(counts["hazards_closed"], counts["hazards_found"])
    hazards = [
        _figure("hazards_found", _("Hazards found"), counts["hazards_found"],
                _link("hazards:list", links["hazards_found"])),
        _figure("hazards_closed", _("Hazards closed (销号)"), counts["hazards_closed"],
                _link("hazards:list", links["hazards_closed"])),
        _figure("rectification_rate", _("Rectification rate"), rate,
                _link("hazards:list", links["hazards_found"]), unit="%"),
        _figure("hazards_overdue", _("Overdue hazards"), counts["hazards_overdue"],
                _link("hazards:list", links["hazards_overdue"]), colour="danger"),
        _figure("hazards_open_major", _("Open major (重大) hazards"),
                counts["hazards_open_major"],
                _link("hazards:list", links["hazards_open_major"]), colour="danger"),
    ]  # fmt: skip

    # Today: alarms, commitments, the strict-supervision list, teams on duty, warnings.
    alarms = _in_region(Alarm.objects.visible_to(user), region, "sensor__enterprise__region")
    alarms_today = alarms.filter(raised_at__gte=_aware(today)).count()
    alarms_open = alarms.filter(disposed_at__isnull=True).count()
    enterprises = _in_region(Enterprise.objects.visible_to(user), region, "region")
    rows = commitment_services.day_rows(day=today, enterprises=enterprises, now=now)
    by_status = Counter(r.status for r in rows)
    county = code[:6] if region and region.level != RegionLevel.CITY else ""
    day = today.isoformat()

    def commitments_link(status=""):
        return _link("commitments:list", {"date": day, "status": status, "county": county})

    strict = _in_region(
        StrictListEntry.objects.visible_to(user).filter(date=today), region, "enterprise__region"
    ).count()
    teams = rescue_services.board_teams(user, region_code=code)
    on_duty = len(rescue_services.on_duty(now, teams=list(teams.values_list("pk", flat=True))))
    warnings = Alert.objects.visible_to(user).filter(is_latest=True).current(now)
    warning_colours = Counter(warnings.values_list("colour", flat=True))
    committed = by_status[CommitmentStatus.ON_TIME] + by_status[CommitmentStatus.LATE]
    today_figures = [
        _figure("alarms_today", _("Alarms raised today"), alarms_today,
                _link("monitoring:board")),
        _figure("alarms_open", _("Alarms not yet disposed"), alarms_open,
                _link("monitoring:board"), colour="danger"),
        _figure("commitments_required", _("Enterprises that must commit today"), len(rows),
                commitments_link()),
        _figure("commitments_made", _("Commitments made today"), committed,
                commitments_link()),
        _figure("commitments_missing", _("Commitments missing today"),
                by_status[CommitmentStatus.MISSING],
                commitments_link(CommitmentStatus.MISSING), colour="danger"),
        _figure("strict_list", _("On the strict-supervision list today"), strict,
                _link("supervision:strict-list", {"date": day})),
        _figure("teams_on_duty", _("Rescue teams on duty now"), on_duty,
                _link("rescue:board", {"county": code})),
        _figure("active_warnings", _("Active warnings"), warnings.count(),
                _link("alerts:list", {"show": "active"})),
    ]  # fmt: skip

    # This period: trainings and drills.
    trainings = _in_region(
        TrainingSession.objects.visible_to(user).filter(date__gte=start, date__lte=end),
        region,
        "region",
    )
    training_totals = trainings.aggregate(
        records=Count("pk"), sessions=Sum("sessions"), participants=Sum("participants")
    )
    per_kind = {
        row["kind"]: row
        for row in trainings.values("kind")
        .annotate(records=Count("pk"), participants=Sum("participants"))
        .order_by()
    }
    drills = _in_region(Drill.objects.visible_to(user), region, "region").filter(
        planned_for__gte=_aware(start), planned_for__lt=_aware(end + dt.timedelta(days=1))
    )
    drills_held = drills.filter(status=DrillStatus.DONE).count()
    trainings_link = _link("supervision:trainings", {"region": code, **dates})
    period_figures = [
        _figure("trainings", _("Training sessions"), training_totals["records"],
                trainings_link),
        _figure("training_person_times", _("Training person-times"),
                training_totals["participants"] or 0, trainings_link),
        _figure("drills_held", _("Drills held"), drills_held,
                _link("rescue:drill-list", {"status": DrillStatus.DONE, "region": code,
                                            **dates})),
        _figure("drills_planned", _("Drills not yet held"),
                drills.filter(status=DrillStatus.PLANNED).count(),
                _link("rescue:drill-list", {"status": DrillStatus.PLANNED, "region": code,
                                            **dates})),
    ]  # fmt: skip

    return {
        "region": {"code": region.code, "name": region.full_name or region.name}
        if region
        else None,
        "period": {
            "kind": period,
            "label": str(PERIOD_LABELS[period]),
            "start": start,
            "end": end,
        },  # fmt: skip
        "today": today,
        "hazards": hazards,
        "today_figures": today_figures,
        "period_figures": period_figures,
        "breakdown": _hazard_breakdown(
            user, region, breakdown_regions(user, region), start, end, today
        ),
        "commitments_by_status": [
            {"code": s, "name": str(label), "count": by_status[s], "url": commitments_link(s)}
            for s, label in CommitmentStatus.choices
        ],
        "warnings_by_colour": [
            {
                "code": c,
                "name": str(label),
                "count": warning_colours[c],
                "url": _link("alerts:list", {"show": "active", "colour": c}),
            }
            for c, label in Colour.choices
        ],  # fmt: skip
        "trainings_by_kind": [
            {
                "code": k,
                "name": str(label),
                "count": per_kind.get(k, {}).get("records", 0),
                "participants": per_kind.get(k, {}).get("participants") or 0,
                "url": _link("supervision:trainings", {"kind": k, "region": code, **dates}),
            }
            for k, label in TrainingKind.choices
        ],  # fmt: skip
    }


def all_figures(data: dict) -> list[dict]:
    return [*data["hazards"], *data["today_figures"], *data["period_figures"]]
