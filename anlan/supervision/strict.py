"""The daily strict-supervision list (从严监管名单).

Each reason comes from a *provider*: a function ``(day) -> {enterprise_id: [reason, ...]}``
where a reason is ``{"code", "text", "evidence": {...}, "link"}``. A provider sees events up
to ``cutoff(day)``: the end of the day, or now for today. ``compute(day)`` runs every provider
and replaces that day's entries in one transaction; other days are untouched.

Another app adds a reason with ``register_provider(code, func, label=...)`` (e.g. in its
``AppConfig.ready``), or an operator lists ``code=dotted.path`` in ANLAN_STRICT_LIST_PROVIDERS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import notices
from .models import GuaranteeCheck, StrictListEntry, end_of_day, local_today, start_of_day

Reason = dict
Provider = Callable[[dt.date], dict[int, list[Reason]]]


@dataclass(frozen=True)
class Registered:
    code: str
    func: Provider
    label: object  # a (lazy) string naming the reason


_PROVIDERS: dict[str, Registered] = {}


def register_provider(code: str, func: Provider | None = None, *, label=None):
    """Add (or replace) the provider of reason ``code``; usable as a decorator."""

    def add(f: Provider) -> Provider:
        _PROVIDERS[code] = Registered(code, f, label or code)
        return f

    return add(func) if func is not None else add


def providers() -> list[Registered]:
    """The registered providers, then those named in ANLAN_STRICT_LIST_PROVIDERS."""
    out = dict(_PROVIDERS)
    for item in settings.ANLAN_STRICT_LIST_PROVIDERS:
        code, sep, path = (part.strip() for part in item.partition("="))
        if not sep:  # a bare dotted path: the function's name is the code
            code, path = code.rsplit(".", 1)[-1], code
        out[code] = Registered(code, import_string(path), code)
    return list(out.values())


def labels() -> dict[str, str]:
    return {p.code: str(p.label) for p in providers()}


def cutoff(day: dt.date, now: dt.datetime | None = None) -> dt.datetime:
    """Events count up to the end of ``day``, or up to now while the day is not over."""
    now = now or timezone.now()
    return min(end_of_day(day), now)


def _local(moment: dt.datetime | None) -> str | None:
    return None if moment is None else timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# ---------------------------------------------------------------- providers


def alarms_not_handled(day: dt.date) -> dict[int, list[Reason]]:
    """Alarms whose disposal deadline had passed by the cutoff and that were still not disposed
    then, or whose deadline fell on this day and that were disposed after it."""
    from anlan.monitoring.models import Alarm
    from anlan.monitoring.services import dispose_deadline

    until = cutoff(day)
    begin = start_of_day(day)
    condition = Q()
    for level, minutes in settings.ANLAN_ALARM_DISPOSE_MINUTES.items():
        latest_raise = until - dt.timedelta(minutes=minutes)
        condition |= Q(level=level, raised_at__lte=latest_raise)
    if not condition:
        return {}
    alarms = (
        Alarm.objects.filter(condition)
        .filter(Q(disposed_at__isnull=True) | Q(disposed_at__gt=begin))
        .select_related("sensor")
        .order_by("raised_at", "pk")
    )
    found: dict[int, list] = {}
    for alarm in alarms:
        deadline = dispose_deadline(alarm)
        if deadline > until:
            continue
        if alarm.disposed_at is not None:
            if alarm.disposed_at <= deadline or alarm.disposed_at <= begin:
                continue  # handled in time, or before this day
            if alarm.disposed_at <= until and deadline < begin:
                continue  # a lapse of an earlier day, settled during this one
        found.setdefault(alarm.sensor.enterprise_id, []).append(alarm)
    out = {}
    for enterprise_id, items in found.items():
        out[enterprise_id] = [
            {
                "code": "alarms",
                "text": _("%(n)s alarm(s) not disposed in time") % {"n": len(items)},
                "evidence": {
                    "alarms": [
                        {
                            "id": a.pk,
                            "tag": a.sensor.tag,
                            "level": a.level,
                            "kind": a.kind,
                            "raised_at": _local(a.raised_at),
                            "deadline": _local(dispose_deadline(a)),
                            "disposed_at": _local(a.disposed_at),
                            "link": reverse("monitoring:alarm", args=[a.pk]),
                        }
                        for a in items
                    ]
                },
                "link": reverse("monitoring:alarm", args=[items[0].pk]),
            }
        ]
    return out


def abnormally_offline(day: dt.date) -> dict[int, list[Reason]]:
    """Gateways (and safety-critical sensors) offline, in all, at least
    ANLAN_STRICT_OFFLINE_MINUTES within the day (up to the cutoff)."""
    from anlan.monitoring.models import OfflineEpisode

    until = cutoff(day)
    begin = start_of_day(day)
    if until <= begin:
        return {}
    episodes = (
        OfflineEpisode.objects.filter(started_at__lt=until)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=begin))
        .filter(Q(sensor__isnull=True) | Q(sensor__safety_critical=True))
        .select_related("gateway", "sensor")
        .order_by("started_at", "pk")
    )
    subjects: dict[tuple, dict] = {}
    for episode in episodes:
        start = max(episode.started_at, begin)
        end = min(episode.ended_at or until, until)
        minutes = max((end - start).total_seconds() / 60, 0)
        key = (episode.enterprise_id, episode.gateway_id, episode.sensor_id)
        subject = subjects.setdefault(
            key,
            {
                "kind": "gateway" if episode.sensor_id is None else "sensor",
                "name": (
                    f"{episode.gateway.name} ({episode.gateway.code})"
                    if episode.sensor_id is None
                    else f"{episode.sensor.tag} {episode.sensor.name}"
                ),
                "minutes": 0.0,
                "episodes": [],
            },
        )
        subject["minutes"] += minutes
        subject["episodes"].append(
            {
                "start": _local(episode.started_at),
                "end": _local(episode.ended_at) if episode.ended_at else None,
                "still_offline": episode.ended_at is None,
                "minutes": round(minutes),
            }
        )
    limit = settings.ANLAN_STRICT_OFFLINE_MINUTES
    out: dict[int, list] = {}
    link = reverse("monitoring:offline") + f"?day={day.isoformat()}"
    for (enterprise_id, _gw, _sensor), subject in subjects.items():
        if subject["minutes"] < limit:
            continue
        subject["minutes"] = round(subject["minutes"])
        text = (
            _("Gateway %(name)s offline %(minutes)s minutes")
            if subject["kind"] == "gateway"
            else _("Safety-critical sensor %(name)s offline %(minutes)s minutes")
        ) % subject
        out.setdefault(enterprise_id, []).append(
            {"code": "offline", "text": text, "evidence": subject, "link": link}
        )
    return out


def missed_duties(day: dt.date) -> dict[int, list[Reason]]:
    """包保 checks whose period ended before the day and that were unfinished at the cutoff."""
    checks = (
        GuaranteeCheck.objects.filter(period_end__lt=day)
        .unfinished_at(cutoff(day))
        .select_related("hazard_source")
        .order_by("period_end", "pk")
    )
    out: dict[int, list] = {}
    for check in checks:
        words = {
            "source": check.hazard_source.name,
            "role": check.get_role_display(),
            "person": check.person_name or "—",
            "start": check.period_start.isoformat(),
            "end": check.period_end.isoformat(),
        }
        out.setdefault(check.hazard_source.enterprise_id, []).append(
            {
                "code": "duties",
                "text": _("包保 check missed: %(source)s, %(role)s %(person)s (%(start)s–%(end)s)")
                % words,
                "evidence": {
                    "check": check.pk,
                    "source": words["source"],
                    "role": check.role,
                    "role_name": words["role"],
                    "person": words["person"],
                    "period_start": words["start"],
                    "period_end": words["end"],
                },
                "link": reverse("supervision:check", args=[check.pk]),
            }
        )
    return out


register_provider("alarms", alarms_not_handled, label=gettext_lazy("Alarms not handled in time"))
register_provider("offline", abnormally_offline, label=gettext_lazy("Abnormally offline"))
register_provider("duties", missed_duties, label=gettext_lazy("包保 checks missed"))


# ---------------------------------------------------------------- computing the list


@dataclass
class ComputeRun:
    day: dt.date
    entries: list[StrictListEntry] = field(default_factory=list)
    newly_listed: list[StrictListEntry] = field(default_factory=list)


def compute(day: dt.date | None = None, *, notify: bool = False) -> ComputeRun:
    """Replace the list of ``day`` (default today) with what the providers find now. With
    ``notify``, the county and city regulators hear of enterprises newly on the list (not on
    the day before); the notices are de-duplicated per day and enterprise."""
    day = day or local_today()
    reasons: dict[int, list] = {}
    with translation.override(settings.LANGUAGE_CODE):  # the stored texts are in Chinese
        for provider in providers():
            for enterprise_id, found in provider.func(day).items():
                reasons.setdefault(enterprise_id, []).extend(found)
    now = timezone.now()
    run = ComputeRun(day=day)
    with transaction.atomic():
        StrictListEntry.objects.filter(date=day).delete()
        run.entries = StrictListEntry.objects.bulk_create(
            StrictListEntry(date=day, enterprise_id=pk, reasons=found, computed_at=now)
            for pk, found in sorted(reasons.items())
        )
    before = set(
        StrictListEntry.objects.filter(date=day - dt.timedelta(days=1)).values_list(
            "enterprise_id", flat=True
        )
    )
    run.newly_listed = [e for e in run.entries if e.enterprise_id not in before]
    if notify:
        listed = StrictListEntry.objects.filter(
            date=day, enterprise_id__in=[e.enterprise_id for e in run.newly_listed]
        ).select_related("enterprise__region")
        for entry in listed:
            notices.strict_listed(entry)
    return run


def reason_counts(entries) -> list[dict]:
    """Per reason code: how many of the entries have it (for the bar chart)."""
    names = labels()
    counts: dict[str, int] = {}
    for entry in entries:
        for code in entry.codes:
            counts[code] = counts.get(code, 0) + 1
    order = list(names) + sorted(set(counts) - set(names))
    return [{"code": c, "label": names.get(c, c), "count": counts.get(c, 0)} for c in order]
