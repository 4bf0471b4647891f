"""Who a warning concerns, and telling them.

From the latest message of a thread — its regions (subtrees by region code), polygons and
circles, its signal and colour — the targets are:

* **enterprises** whose industry or risk flags the sensitivity matrix lists for the signal (from
  the rule's lowest colour up), operating or under construction, inside the area;
* **rescue teams** in service inside the area; their duty shifts until the warning expires are
  raised to the readiness the colour calls for (``ANLAN_ALERT_READINESS``);
* **townships** and **villages** inside the area that have a supervisor or grid member account.

Targets belong to the thread: an Update recomputes them — new ones are added, those no longer
concerned are withdrawn, and every live target hears of the change; acknowledgements stay. A
Cancel tells the live targets to stand down. Everything is written in the publishing
transaction; e-mail, SMS and webhooks follow after commit (anlan.core.notify).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import NotificationKind, RegionLevel, UserRole
from anlan.core.models import Region, User
from anlan.core.notify import Message, notify_many
from anlan.registry.choices import EnterpriseStatus
from anlan.registry.models import Enterprise

from .choices import COLOUR_RANK, CapStatus, MsgType, SignalType, TargetKind
from .models import Alert, AlertArea, SensitivityRule, Target
from .welfare import create_checks

# Messages that call for action; System and Test messages are stored and shown, never targeted.
TARGETED_STATUSES = {CapStatus.ACTUAL, CapStatus.EXERCISE}
RECIPIENT_ROLES = {
    TargetKind.ENTERPRISE: (UserRole.ENTERPRISE_SAFETY,),
    TargetKind.TEAM: (UserRole.RESCUE_COMMANDER,),
    TargetKind.TOWNSHIP: (UserRole.TOWNSHIP_SUPERVISOR,),
    TargetKind.VILLAGE: (UserRole.GRID_MEMBER,),
}


def schedule_after_publish(alert: Alert) -> None:
    """Called by services.after_publish inside the publishing transaction."""
    if alert.status not in TARGETED_STATUSES:
        return
    if alert.msg_type != MsgType.CANCEL and alert.expires <= timezone.now():
        return  # received after it expired: on record, nobody to wake
    if alert.msg_type == MsgType.CANCEL:
        stand_down(alert)
        return
    apply_targets(alert)
    create_checks(alert)


# --------------------------------------------------------------------------- geometry


@dataclass
class Area:
    prefixes: list[str]
    polygons: list[list[list[float]]]
    circles: list[list[float]]

    @classmethod
    def of(cls, alert: Alert) -> Area:
        areas = AlertArea.objects.filter(info__alert=alert)
        if not areas.exists() and alert.replaces_id:
            areas = AlertArea.objects.filter(info__alert=alert.replaces)
        polygons, circles = [], []
        for area in areas:
            polygons += [p for p in area.polygons if p and all(isinstance(x, list) for x in p)]
            circles += [c for c in area.circles if len(c) == 3]
        return cls(
            prefixes=[r.prefix for r in alert.regions.all()], polygons=polygons, circles=circles
        )

    def region_q(self, field: str) -> Q:
        condition = Q(pk__in=[])
        for prefix in self.prefixes:
            condition |= Q(**{f"{field}__prefix__startswith": prefix})
        return condition

    def covers_point(self, lat, lon) -> bool:
        if lat is None or lon is None:
            return False
        lat, lon = float(lat), float(lon)
        return any(_in_polygon(lat, lon, p) for p in self.polygons) or any(
            _km(lat, lon, c[0], c[1]) <= c[2] for c in self.circles
        )

    @property
    def has_shapes(self) -> bool:
        return bool(self.polygons or self.circles)


def _in_polygon(lat: float, lon: float, polygon) -> bool:
    """Even-odd ray casting on (lat, lon) pairs; fine for the small areas warnings cover."""
    inside = False
    for (lat1, lon1), (lat2, lon2) in zip(polygon, polygon[1:], strict=False):
        if (lon1 > lon) != (lon2 > lon):
            crossing = lat1 + (lon - lon1) * (lat2 - lat1) / (lon2 - lon1)
            if lat < crossing:
                inside = not inside
    return inside


def _km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(math.sqrt(a))


# --------------------------------------------------------------------------- who


@dataclass
class Planned:
    kind: str
    region: Region
    enterprise: Enterprise | None = None
    team: object | None = None
    reason: str = ""

    @property
    def key(self):
        if self.enterprise is not None:
            return ("e", self.enterprise.pk)
        if self.team is not None:
            return ("t", self.team.pk)
        return (self.kind, self.region.pk)


def plan(alert: Alert) -> list[Planned]:
    """The targets a message calls for (without saving anything)."""
    from anlan.rescue.choices import TeamStatus
    from anlan.rescue.models import Team

    area = Area.of(alert)
    planned: list[Planned] = []
    rule = SensitivityRule.objects.filter(signal_type=alert.signal_type).first()
    if rule and COLOUR_RANK.get(alert.colour, 4) >= COLOUR_RANK.get(rule.min_colour, 1):
        concerned = Q(industry__in=rule.industries) | Q(risk_flags__code__in=rule.risk_flags)
        enterprises = (
            Enterprise.objects.filter(concerned)
            .filter(status__in=[EnterpriseStatus.OPERATING, EnterpriseStatus.UNDER_CONSTRUCTION])
            .select_related("region")
            .prefetch_related("risk_flags")
            .distinct()
        )
        for enterprise in _inside(enterprises, area, "region"):
            planned.append(
                Planned(
                    TargetKind.ENTERPRISE,
                    enterprise.region,
                    enterprise=enterprise,
                    reason=_why_enterprise(enterprise, rule),
                )
            )
    teams = Team.objects.filter(status=TeamStatus.ACTIVE).select_related("region")
    for team in _inside(teams, area, "region"):
        planned.append(
            Planned(TargetKind.TEAM, team.region, team=team, reason=_("Rescue team in the area"))
        )
    for kind, level, role in (
        (TargetKind.TOWNSHIP, RegionLevel.TOWNSHIP, UserRole.TOWNSHIP_SUPERVISOR),
        (TargetKind.VILLAGE, RegionLevel.VILLAGE, UserRole.GRID_MEMBER),
    ):
        staffed = User.objects.filter(role=role, is_active=True).values("region")
        places = Region.objects.filter(level=level, pk__in=staffed)
        # A place inside a region the area names counts; so does a township containing a
        # village (or township) the area names — its supervisor answers for it.
        condition = Q(pk__in=[])
        for prefix in area.prefixes:
            condition |= Q(prefix__startswith=prefix)
            if level == RegionLevel.TOWNSHIP and len(prefix) > 9:
                condition |= Q(prefix=prefix[:9])
        for region in places.filter(condition).order_by("code"):
            planned.append(Planned(kind, region, reason=_("In the warning's area")))
    return planned


def _inside(queryset, area: Area, region_field: str):
    by_region = queryset.filter(area.region_q(region_field)) if area.prefixes else queryset.none()
    found = {obj.pk: obj for obj in by_region}
    if area.has_shapes:
        located = queryset.exclude(pk__in=list(found)).filter(
            latitude__isnull=False, longitude__isnull=False
        )
        for obj in located:
            if area.covers_point(obj.latitude, obj.longitude):
                found[obj.pk] = obj
    return list(found.values())


def _why_enterprise(enterprise: Enterprise, rule: SensitivityRule) -> str:
    reasons = []
    if enterprise.industry in rule.industries:
        reasons.append(enterprise.get_industry_display())
    flags = {f.code for f in enterprise.risk_flags.all()} & set(rule.risk_flags)
    from anlan.registry.choices import EnterpriseRiskFlag

    reasons += [str(EnterpriseRiskFlag(code).label) for code in sorted(flags)]
    return "、".join(reasons)[:500]


# --------------------------------------------------------------------------- apply


def deadlines(colour: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    colour = colour or "blue"
    ack = settings.ANLAN_ALERT_ACK_MINUTES.get(colour, 240)
    measures = settings.ANLAN_ALERT_MEASURES_MINUTES.get(colour, 720)
    return now + dt.timedelta(minutes=ack), now + dt.timedelta(minutes=max(ack, measures))


def apply_targets(alert: Alert, now: dt.datetime | None = None) -> dict:
    """Create, withdraw and re-instate the thread's targets for this message, raise teams'
    readiness and notify. Returns counts {"added", "withdrawn", "kept"}."""
    now = now or timezone.now()
    root = alert.root
    planned = {p.key: p for p in plan(alert)}
    existing = {}
    for target in Target.objects.filter(thread=root).select_related("region"):
        key = (
            ("e", target.enterprise_id)
            if target.enterprise_id
            else ("t", target.team_id)
            if target.team_id
            else (target.kind, target.region_id)
        )
        existing[key] = target
    ack_due, measures_due = deadlines(alert.colour, now)
    added, kept, withdrawn = [], [], []
    for key, p in planned.items():
        target = existing.get(key)
        if target is None:
            added.append(
                Target(
                    thread=root,
                    kind=p.kind,
                    enterprise=p.enterprise,
                    team=p.team,
                    region=p.region,
                    reason=p.reason,
                    notified_at=now,
                    ack_due=ack_due,
                    measures_due=measures_due,
                )
            )
        else:
            if target.withdrawn_at:
                target.withdrawn_at = None
                if not target.acknowledged_at:
                    target.ack_due, target.measures_due = ack_due, measures_due
            elif not target.measures_at and measures_due < target.measures_due:
                # An upgrade shortens the deadlines still open.
                target.measures_due = measures_due
                if not target.acknowledged_at and ack_due < target.ack_due:
                    target.ack_due = ack_due
            target.reason = p.reason
            target.save()
            kept.append(target)
    for key, target in existing.items():
        if key not in planned and not target.withdrawn_at:
            target.withdrawn_at = now
            target.save(update_fields=["withdrawn_at"])
            withdrawn.append(target)
    Target.objects.bulk_create(added)
    _raise_readiness(alert, [t for t in added + kept if t.team_id], now)
    Alert.objects.filter(pk=alert.pk).update(targeted_at=now)
    _tell(alert, added + kept, updated=alert.msg_type == MsgType.UPDATE)
    if withdrawn:
        _tell_withdrawn(alert, withdrawn)
    return {"added": len(added), "kept": len(kept), "withdrawn": len(withdrawn)}


def _raise_readiness(alert: Alert, targets: list[Target], now: dt.datetime) -> None:
    from anlan.rescue.models import DutyShift

    readiness = settings.ANLAN_ALERT_READINESS.get(alert.colour or "blue", "normal")
    if not targets:
        return
    first = timezone.localtime(now).date()
    last = timezone.localtime(alert.expires).date()
    reason = (_("Warning: %(headline)s") % {"headline": alert.headline or alert.event})[:200]
    team_ids = [t.team_id for t in targets]
    if readiness != "normal":
        DutyShift.objects.filter(team_id__in=team_ids, day__gte=first, day__lte=last).update(
            readiness=readiness, readiness_reason=reason
        )
    Target.objects.filter(pk__in=[t.pk for t in targets if t.pk]).update(readiness=readiness)


# --------------------------------------------------------------------------- telling


def recipients(target: Target):
    roles = RECIPIENT_ROLES[target.kind]
    users = User.objects.filter(is_active=True, role__in=roles)
    if target.enterprise_id:
        return users.filter(enterprise_id=target.enterprise_id)
    if target.team_id:
        return users.filter(team_id=target.team_id)
    return users.filter(region_id=target.region_id)


def board_link(alert: Alert) -> str:
    return reverse("alerts:detail", args=[alert.root.pk])


def _title(alert: Alert) -> str:
    return alert.headline or alert.event or alert.identifier


def recipients_of(targets: list[Target]) -> dict[int, list[User]]:
    """Each target's recipients, in three queries whatever the number of targets."""
    by_enterprise, by_team, by_region = {}, {}, {}
    enterprise_ids = {t.enterprise_id for t in targets if t.enterprise_id}
    team_ids = {t.team_id for t in targets if t.team_id}
    places = {(t.kind, t.region_id) for t in targets if not t.enterprise_id and not t.team_id}
    active = User.objects.filter(is_active=True)
    if enterprise_ids:
        for user in active.filter(
            role__in=RECIPIENT_ROLES[TargetKind.ENTERPRISE], enterprise_id__in=enterprise_ids
        ):
            by_enterprise.setdefault(user.enterprise_id, []).append(user)
    if team_ids:
        for user in active.filter(role__in=RECIPIENT_ROLES[TargetKind.TEAM], team_id__in=team_ids):
            by_team.setdefault(user.team_id, []).append(user)
    if places:
        roles = {RECIPIENT_ROLES[kind][0]: kind for kind, _ in places}
        for user in active.filter(
            role__in=list(roles), region_id__in={region for _, region in places}
        ):
            by_region.setdefault((roles[user.role], user.region_id), []).append(user)
    return {
        t.pk: (
            by_enterprise.get(t.enterprise_id, [])
            if t.enterprise_id
            else by_team.get(t.team_id, [])
            if t.team_id
            else by_region.get((t.kind, t.region_id), [])
        )
        for t in targets
    }


def _send(targets: list[Target], message) -> None:
    """``message(target) -> (title, body, dedup_key)``; one bulk write for everyone."""
    people = recipients_of(targets)
    notify_many(
        Message(
            recipient=user,
            kind=NotificationKind.WARNING,
            title=title[:200],
            body=body,
            link=link,
            subject=f"alerts.Target:{target.pk}",
            dedup_key=key,
        )
        for target in targets
        for title, body, key, link in [message(target)]
        for user in people[target.pk]
    )


def _tell(alert: Alert, targets: list[Target], *, updated: bool) -> None:
    if not targets:
        return
    title = (_("Warning updated: %(title)s") if updated else _("Warning: %(title)s")) % {
        "title": _title(alert)
    }
    link = board_link(alert)

    def message(target):
        body = _("Acknowledge by %(ack)s and report the measures taken by %(measures)s.") % {
            "ack": timezone.localtime(target.ack_due).strftime("%Y-%m-%d %H:%M"),
            "measures": timezone.localtime(target.measures_due).strftime("%Y-%m-%d %H:%M"),
        }
        if alert.instruction:
            body = f"{alert.instruction[:800]}\n{body}"
        return title, body, f"alert:{alert.pk}:target:{target.pk}", link

    _send(targets, message)


def _tell_withdrawn(alert: Alert, targets: list[Target]) -> None:
    title = (_("No longer concerned: %(title)s") % {"title": _title(alert)})[:200]
    body = _("The updated warning no longer covers you; no further action is asked.")
    link = board_link(alert)
    _send(targets, lambda t: (title, body, f"alert:{alert.pk}:withdrawn:{t.pk}", link))


def stand_down(alert: Alert) -> int:
    """A Cancel: every live target hears that the warning is lifted."""
    targets = list(Target.objects.live().filter(thread=alert.root))
    title = (_("Warning cancelled: %(title)s") % {"title": _title(alert.root)})[:200]
    body = alert.note or _("The warning has been lifted.")
    link = board_link(alert)
    _send(targets, lambda t: (title, body, f"alert:{alert.pk}:cancel:{t.pk}", link))
    return len(targets)


def signal_label(signal_type: str) -> str:
    return SignalType(signal_type).label if signal_type in SignalType.values else signal_type
