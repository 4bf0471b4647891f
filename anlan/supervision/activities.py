"""Trainings, expert assistance visits, campaigns (with numbered items) and campaign activities:
who may record them, the operations every entry point (pages, API, CLI, Excel) calls, and the
totals by kind that the ledgers, bulletins and assessments read.

Who may record (decided here and nowhere else, in ``may_record``):
- a system administrator anything;
- a city administrator, county regulator or township supervisor inside their region;
- a member-unit liaison what their own unit organised (the organiser must be their unit);
- an enterprise safety manager their own enterprise's trainings (the enterprise is theirs).
Campaigns and their items are kept by the city administrators and county regulators of the
campaign's region; a responsible unit's liaison may report an item's progress.

Periods: ``start`` is the first day, ``end`` the first day AFTER the period (exclusive), as the
shared convention has it (a month is [1st, 1st of next month)).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import UserRole
from anlan.core.models import Region
from anlan.core.permissions import region_in_scope
from anlan.registry.models import Enterprise

from .choices import ActivityKind, ExpertDomain, ItemState, TrainingKind
from .models import (
    Campaign,
    CampaignActivity,
    CampaignItem,
    ExpertVisit,
    MemberUnit,
    TrainingSession,
)

OFFICER_ROLES = {UserRole.CITY_ADMIN, UserRole.COUNTY_REGULATOR, UserRole.TOWNSHIP_SUPERVISOR}
CAMPAIGN_ROLES = {UserRole.CITY_ADMIN, UserRole.COUNTY_REGULATOR}

TRAINING_FIELDS = (
    "region",
    "kind",
    "title",
    "date",
    "organiser",
    "enterprise",
    "lecturer",
    "place",
    "sessions",
    "participants",
    "hours",
    "note",
)
VISIT_FIELDS = (
    "enterprise",
    "domain",
    "date",
    "experts",
    "organiser",
    "problems_found",
    "findings",
)
ACTIVITY_FIELDS = (
    "campaign",
    "region",
    "kind",
    "title",
    "date",
    "organiser",
    "events",
    "participants",
    "materials",
    "note",
)
CAMPAIGN_FIELDS = ("region", "title", "theme", "start", "end", "description")
ITEM_FIELDS = ("number", "title", "start", "end", "state", "progress", "progress_note")


# ---------------------------------------------------------------- permissions


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _is_admin(user) -> bool:
    return user.is_superuser or user.role == UserRole.SYSTEM_ADMIN


def may_record_any(user, what: str = "training") -> bool:
    """Whether the user may record some ``what`` (training, visit, activity) at all — to show
    the "add" buttons."""
    if not _active(user):
        return False
    if _is_admin(user) or user.role in OFFICER_ROLES:
        return True
    if user.role == UserRole.MEMBER_UNIT_LIAISON:
        return user.member_units.exists()
    return what == "training" and user.role == UserRole.ENTERPRISE_SAFETY and user.enterprise_id


def may_record(user, *, what: str, region=None, organiser=None, enterprise=None) -> bool:
    """May ``user`` record (or keep) a ``what`` with this region, organiser and enterprise?"""
    if not _active(user):
        return False
    if _is_admin(user):
        return True
    if user.role in OFFICER_ROLES:
        return region is None or region_in_scope(user, region)
    if user.role == UserRole.MEMBER_UNIT_LIAISON:
        return (
            organiser is not None
            and user.member_units.filter(pk=organiser.pk).exists()
            and (region is None or region_in_scope(user, region))
        )
    if user.role == UserRole.ENTERPRISE_SAFETY and what == "training":
        return enterprise is not None and enterprise.pk == user.enterprise_id
    return False


def may_change(user, obj) -> bool:
    """May ``user`` edit or delete this training, visit or activity?"""
    what = {TrainingSession: "training", ExpertVisit: "visit"}.get(type(obj), "activity")
    return may_record(
        user,
        what=what,
        region=obj.region,
        organiser=obj.organiser,
        enterprise=getattr(obj, "enterprise", None),
    )


def may_manage_campaign(user, campaign: Campaign | None = None, region=None) -> bool:
    """City administrators and county regulators keep the campaigns of their region."""
    if not _active(user):
        return False
    if _is_admin(user):
        return True
    if user.role not in CAMPAIGN_ROLES:
        return False
    region = campaign.region if campaign is not None else region
    return region is None or region_in_scope(user, region)


def may_update_item(user, item: CampaignItem) -> bool:
    """The campaign's keepers, and the liaisons of a unit responsible for the item."""
    if may_manage_campaign(user, item.campaign):
        return True
    return bool(
        _active(user)
        and user.role == UserRole.MEMBER_UNIT_LIAISON
        and item.units.filter(liaisons=user).exists()
    )


def organisers_for(user):
    """The member units a user may name as organiser."""
    if not _active(user):
        return MemberUnit.objects.none()
    if user.role == UserRole.MEMBER_UNIT_LIAISON:
        return MemberUnit.objects.filter(liaisons=user, active=True)
    return MemberUnit.objects.visible_to(user).filter(active=True)


def regions_for(user):
    """Counties and townships (and the city) a user may record in."""
    from anlan.core.scoping import scope_of

    scope = scope_of(user)
    qs = Region.objects.filter(level__in=["city", "county", "township"])
    if not scope.sees_all:
        if not scope.region_prefix or scope.enterprise_id:
            return qs.none()
        qs = qs.filter(prefix__startswith=scope.region_prefix)
    return qs.order_by("code")


# ---------------------------------------------------------------- helpers


def _errors(obj, exclude=()) -> dict[str, list[str]]:
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as exc:
        return {k: list(v) for k, v in exc.message_dict.items()}
    return {}


def _add(errors: dict, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _assign(obj, data: dict[str, Any], names) -> None:
    for name in names:
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = value.strip()
            setattr(obj, name, value)


def _check_count(errors, data, name, minimum=0):
    """Negative or absurd counts named on the field before the model sees them."""
    value = data.get(name)
    if value is None or value == "":
        return
    try:
        number = int(value)
    except (TypeError, ValueError):
        _add(errors, name, _("Give a whole number."))
        return
    if number != value and not isinstance(value, str):
        _add(errors, name, _("Give a whole number."))
    elif number < minimum:
        _add(errors, name, _("Give a number of at least %(min)d.") % {"min": minimum})
    elif number > 10_000_000:
        _add(errors, name, _("The number is too large."))


def _not_future(errors, day, name="date"):
    if isinstance(day, dt.date) and day > timezone.localdate():
        _add(errors, name, _("The date cannot be in the future."))


def _check_organiser(errors, user, organiser):
    if organiser is not None and not organisers_for(user).filter(pk=organiser.pk).exists():
        _add(errors, "organiser", _("This member unit is not one you may record for."))


def _check_region(errors, user, region, name="region"):
    if region is not None and not region_in_scope(user, region):
        _add(errors, name, _("This region is outside your jurisdiction."))


# ---------------------------------------------------------------- trainings


def _training_errors(user, training: TrainingSession, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    for name, minimum in (("sessions", 1), ("participants", 0)):
        _check_count(errors, data, name, minimum)
    hours = data.get("hours")
    if hours not in (None, "") and isinstance(hours, int | float | Decimal) and hours < 0:
        _add(errors, "hours", _("Give a number of at least %(min)d.") % {"min": 0})
    if errors:
        return errors
    if training.enterprise_id:
        enterprise = training.enterprise
        if not Enterprise.objects.visible_to(user).filter(pk=enterprise.pk).exists():
            _add(errors, "enterprise", _("This enterprise is outside your jurisdiction."))
        training.region = enterprise.region
    if user.role == UserRole.ENTERPRISE_SAFETY and not _is_admin(user):
        if training.enterprise_id != user.enterprise_id:
            _add(errors, "enterprise", _("Record the trainings of your own enterprise."))
    for name, messages in _errors(training, exclude=["recorded_by"]).items():
        errors.setdefault(name, []).extend(messages)
    _not_future(errors, training.date)
    if training.region_id and user.role != UserRole.ENTERPRISE_SAFETY:
        _check_region(errors, user, training.region)
    _check_organiser(errors, user, training.organiser)
    if not errors and not may_record(
        user,
        what="training",
        region=training.region,
        organiser=training.organiser,
        enterprise=training.enterprise,
    ):
        _add(errors, "organiser", _("Choose your own unit as the organiser."))
    return errors


@transaction.atomic
def record_training(*, user, data: dict[str, Any]) -> TrainingSession:
    """Record a training session. An enterprise safety manager's training is their enterprise's;
    an enterprise's training lies in the enterprise's region."""
    if not may_record_any(user, "training"):
        raise PermissionDenied(_("You may not record trainings."))
    data = dict(data)
    if user.role == UserRole.ENTERPRISE_SAFETY:
        data["enterprise"] = user.enterprise
        data.setdefault("region", user.enterprise.region)
        data["region"] = user.enterprise.region
    training = TrainingSession(recorded_by=user)
    _assign(training, data, TRAINING_FIELDS)
    errors = _training_errors(user, training, data)
    if errors:
        raise ValidationError(errors)
    training.save()
    return training


@transaction.atomic
def edit_training(*, user, training: TrainingSession, data: dict[str, Any]) -> TrainingSession:
    training = TrainingSession.objects.select_for_update().get(pk=training.pk)
    if not may_change(user, training):
        raise PermissionDenied(_("You may not change this training."))
    data = dict(data)
    if user.role == UserRole.ENTERPRISE_SAFETY:
        data["enterprise"] = user.enterprise
    _assign(training, data, TRAINING_FIELDS)
    errors = _training_errors(user, training, data)
    if errors:
        raise ValidationError(errors)
    training.save()
    return training


@transaction.atomic
def delete_training(*, user, training: TrainingSession) -> None:
    if not may_change(user, training):
        raise PermissionDenied(_("You may not delete this training."))
    training.delete()


# ---------------------------------------------------------------- expert visits


def _visit_errors(user, visit: ExpertVisit, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    _check_count(errors, data, "problems_found", 0)
    if errors:
        return errors
    if visit.enterprise_id:
        if not Enterprise.objects.visible_to(user).filter(pk=visit.enterprise_id).exists():
            _add(errors, "enterprise", _("This enterprise is outside your jurisdiction."))
        visit.region = visit.enterprise.region
    for name, messages in _errors(visit, exclude=["recorded_by", "region"]).items():
        errors.setdefault(name, []).extend(messages)
    _not_future(errors, visit.date)
    _check_organiser(errors, user, visit.organiser)
    if not errors and not may_record(
        user, what="visit", region=visit.region, organiser=visit.organiser
    ):
        _add(errors, "organiser", _("Choose your own unit as the organiser."))
    return errors


@transaction.atomic
def record_visit(*, user, data: dict[str, Any], hazards=()) -> ExpertVisit:
    """Record an expert assistance visit to an enterprise (the region is the enterprise's)."""
    if not may_record_any(user, "visit"):
        raise PermissionDenied(_("You may not record expert visits."))
    visit = ExpertVisit(recorded_by=user)
    _assign(visit, data, VISIT_FIELDS)
    errors = _visit_errors(user, visit, data)
    if errors:
        raise ValidationError(errors)
    visit.save()
    if hazards:
        visit.hazards.set(hazards)
    return visit


@transaction.atomic
def edit_visit(*, user, visit: ExpertVisit, data: dict[str, Any]) -> ExpertVisit:
    visit = ExpertVisit.objects.select_for_update().get(pk=visit.pk)
    if not may_change(user, visit):
        raise PermissionDenied(_("You may not change this visit."))
    _assign(visit, data, VISIT_FIELDS)
    errors = _visit_errors(user, visit, data)
    if errors:
        raise ValidationError(errors)
    visit.save()
    return visit


@transaction.atomic
def delete_visit(*, user, visit: ExpertVisit) -> None:
    if not may_change(user, visit):
        raise PermissionDenied(_("You may not delete this visit."))
    visit.delete()


# ---------------------------------------------------------------- campaigns


def _campaign_errors(user, campaign: Campaign) -> dict:
    errors = _errors(campaign, exclude=["created_by"])
    if campaign.start and campaign.end and campaign.end < campaign.start:
        _add(errors, "end", _("The end cannot be before the start."))
    if campaign.region_id:
        if campaign.region.level not in ("province", "city", "county"):
            _add(errors, "region", _("A campaign is run by a city or a county."))
        elif not may_manage_campaign(user, region=campaign.region):
            _add(errors, "region", _("This region is outside your jurisdiction."))
    return errors


def _item_errors(item: CampaignItem, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    _check_count(errors, data, "number", 1)
    progress = data.get("progress")
    if progress not in (None, ""):
        try:
            value = int(progress)
        except (TypeError, ValueError):
            _add(errors, "progress", _("Give a percentage from 0 to 100."))
        else:
            if not 0 <= value <= 100:
                _add(errors, "progress", _("Give a percentage from 0 to 100."))
    if errors:
        return errors
    for name, messages in _errors(item, exclude=["campaign", "units"]).items():
        errors.setdefault(name, []).extend(messages)
    if item.start and item.end and item.end < item.start:
        _add(errors, "end", _("The end cannot be before the start."))
    if not errors:
        if item.state == ItemState.DONE and item.progress < 100:
            _add(errors, "progress", _("A done item is at 100%."))
        elif item.progress == 100 and item.state != ItemState.DONE:
            # Translators: a literal percent sign, not a format.
            _add(errors, "state", _("An item at 100 per cent is done."))
        elif item.state == ItemState.NOT_STARTED and item.progress > 0:
            _add(errors, "state", _("An item with progress has started."))
    return errors


def _derive_state(item: CampaignItem, data: dict) -> None:
    """Without a state given, the state follows the progress."""
    if data.get("state"):
        return
    if item.progress >= 100:
        item.state = ItemState.DONE
    elif item.progress > 0:
        item.state = ItemState.IN_PROGRESS
    else:
        item.state = ItemState.NOT_STARTED


def _units_errors(user, campaign, units) -> dict:
    errors: dict[str, list[str]] = {}
    allowed = set(
        MemberUnit.objects.filter(
            committee_region__prefix__startswith=campaign.region.prefix
        ).values_list("pk", flat=True)
    )
    outside = [str(u) for u in units if u.pk not in allowed]
    if outside:
        _add(
            errors,
            "units",
            _("Not a member unit of this campaign's committees: %(names)s.")
            % {"names": "、".join(outside)},
        )
    return errors


@transaction.atomic
def create_campaign(*, user, data: dict[str, Any], items=()) -> Campaign:
    """A campaign with its numbered items: ``items`` is a list of dicts (number, title, units,
    start, end, state, progress, progress_note)."""
    if not may_manage_campaign(user):
        raise PermissionDenied(_("You may not create campaigns."))
    campaign = Campaign(created_by=user)
    _assign(campaign, data, CAMPAIGN_FIELDS)
    errors = _campaign_errors(user, campaign)
    if errors:
        raise ValidationError(errors)
    campaign.save()
    for entry in items:
        add_item(user=user, campaign=campaign, data=entry, units=entry.get("units", ()))
    return campaign


@transaction.atomic
def edit_campaign(*, user, campaign: Campaign, data: dict[str, Any]) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not may_manage_campaign(user, campaign):
        raise PermissionDenied(_("You may not change this campaign."))
    _assign(campaign, data, CAMPAIGN_FIELDS)
    errors = _campaign_errors(user, campaign)
    if errors:
        raise ValidationError(errors)
    campaign.save()
    return campaign


@transaction.atomic
def add_item(*, user, campaign: Campaign, data: dict[str, Any], units=()) -> CampaignItem:
    if not may_manage_campaign(user, campaign):
        raise PermissionDenied(_("You may not change this campaign."))
    data = {k: v for k, v in data.items() if k != "units"}
    item = CampaignItem(campaign=campaign)
    if not data.get("number"):
        last = campaign.items.order_by("-number").values_list("number", flat=True).first()
        data["number"] = (last or 0) + 1
    _assign(item, data, ITEM_FIELDS)
    _derive_state(item, data)
    errors = _item_errors(item, data)
    units = list(units)
    errors.update(_units_errors(user, campaign, units))
    if not errors and campaign.items.filter(number=item.number).exists():
        _add(errors, "number", _("Item %(n)d already exists.") % {"n": item.number})
    if errors:
        raise ValidationError(errors)
    item.save()
    item.units.set(units)
    return item


@transaction.atomic
def edit_item(*, user, item: CampaignItem, data: dict[str, Any], units=None) -> CampaignItem:
    item = CampaignItem.objects.select_for_update().select_related("campaign").get(pk=item.pk)
    if not may_manage_campaign(user, item.campaign):
        raise PermissionDenied(_("You may not change this campaign."))
    data = {k: v for k, v in data.items() if k != "units"}
    _assign(item, data, ITEM_FIELDS)
    _derive_state(item, data)
    errors = _item_errors(item, data)
    if units is not None:
        units = list(units)
        errors.update(_units_errors(user, item.campaign, units))
    if not errors and item.campaign.items.filter(number=item.number).exclude(pk=item.pk).exists():
        _add(errors, "number", _("Item %(n)d already exists.") % {"n": item.number})
    if errors:
        raise ValidationError(errors)
    item.save()
    if units is not None:
        item.units.set(units)
    return item


@transaction.atomic
def update_progress(
    *, user, item: CampaignItem, progress, state: str = "", note: str | None = None
) -> CampaignItem:
    """Report an item's progress (0-100) and state; without a state it follows the progress."""
    item = CampaignItem.objects.select_for_update().select_related("campaign").get(pk=item.pk)
    if not may_update_item(user, item):
        raise PermissionDenied(_("You may not report progress on this item."))
    data: dict[str, Any] = {"progress": progress, "state": state or ""}
    if progress is None or progress == "":
        raise ValidationError({"progress": [_("Give a percentage from 0 to 100.")]})
    errors = _item_errors(item, {"progress": progress})
    if errors:
        raise ValidationError(errors)
    item.progress = int(progress)
    if state:
        item.state = state
    if note is not None:
        item.progress_note = note.strip()
    _derive_state(item, data)
    errors = _item_errors(item, data)
    if errors:
        raise ValidationError(errors)
    item.save(update_fields=["progress", "state", "progress_note"])
    return item


@transaction.atomic
def delete_item(*, user, item: CampaignItem) -> None:
    if not may_manage_campaign(user, item.campaign):
        raise PermissionDenied(_("You may not change this campaign."))
    item.delete()


def campaign_progress(campaign: Campaign) -> int:
    """The items' mean progress, in whole per cent (0 without items)."""
    values = list(campaign.items.values_list("progress", flat=True))
    return round(sum(values) / len(values)) if values else 0


# ---------------------------------------------------------------- campaign activities


def _activity_errors(user, activity: CampaignActivity, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    for name, minimum in (("events", 1), ("participants", 0), ("materials", 0)):
        _check_count(errors, data, name, minimum)
    if errors:
        return errors
    for name, messages in _errors(activity, exclude=["recorded_by", "campaign"]).items():
        errors.setdefault(name, []).extend(messages)
    _not_future(errors, activity.date)
    if activity.region_id:
        _check_region(errors, user, activity.region)
    _check_organiser(errors, user, activity.organiser)
    campaign = activity.campaign
    if campaign is not None:
        if not Campaign.objects.visible_to(user).filter(pk=campaign.pk).exists():
            _add(errors, "campaign", _("No such campaign."))
        elif activity.date and not campaign.start <= activity.date <= campaign.end:
            _add(
                errors,
                "date",
                _("The date is outside the campaign (%(start)s to %(end)s).")
                % {"start": campaign.start, "end": campaign.end},
            )
        if activity.region_id and not activity.region.prefix.startswith(campaign.region.prefix):
            _add(errors, "region", _("The region is outside the campaign's region."))
    if not errors and not may_record(
        user, what="activity", region=activity.region, organiser=activity.organiser
    ):
        _add(errors, "organiser", _("Choose your own unit as the organiser."))
    return errors


@transaction.atomic
def record_activity(*, user, data: dict[str, Any]) -> CampaignActivity:
    """Record an activity (五进, consultation day, open class…) with its counts."""
    if not may_record_any(user, "activity"):
        raise PermissionDenied(_("You may not record activities."))
    activity = CampaignActivity(recorded_by=user)
    _assign(activity, data, ACTIVITY_FIELDS)
    errors = _activity_errors(user, activity, data)
    if errors:
        raise ValidationError(errors)
    activity.save()
    return activity


@transaction.atomic
def edit_activity(*, user, activity: CampaignActivity, data: dict[str, Any]) -> CampaignActivity:
    activity = CampaignActivity.objects.select_for_update().get(pk=activity.pk)
    if not may_change(user, activity):
        raise PermissionDenied(_("You may not change this activity."))
    _assign(activity, data, ACTIVITY_FIELDS)
    errors = _activity_errors(user, activity, data)
    if errors:
        raise ValidationError(errors)
    activity.save()
    return activity


@transaction.atomic
def delete_activity(*, user, activity: CampaignActivity) -> None:
    if not may_change(user, activity):
        raise PermissionDenied(_("You may not delete this activity."))
    activity.delete()


# ---------------------------------------------------------------- filters and totals


def _in_period(qs, start: dt.date | None, end: dt.date | None, field_name: str = "date"):
    if start is not None:
        qs = qs.filter(**{f"{field_name}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{field_name}__lt": end})
    return qs


def _in_region(qs, region: Region | None):
    if region is None:
        return qs
    return qs.filter(region__in=Region.objects.filter(prefix__startswith=region.prefix))


@dataclass
class KindTotal:
    kind: str
    label: str
    records: int = 0
    sessions: int = 0
    participants: int = 0


@dataclass
class Totals:
    """Totals per kind (in the order of the choices, every kind present) and overall."""

    rows: list[KindTotal] = field(default_factory=list)

    def __getitem__(self, kind: str) -> KindTotal:
        for row in self.rows:
            if row.kind == kind:
                return row
        raise KeyError(kind)

    @property
    def records(self) -> int:
        return sum(r.records for r in self.rows)

    @property
    def sessions(self) -> int:
        return sum(r.sessions for r in self.rows)

    @property
    def participants(self) -> int:
        return sum(r.participants for r in self.rows)

    def as_dict(self) -> dict:
        return {
            "kinds": [r.__dict__ | {"label": str(r.label)} for r in self.rows],
            "records": self.records,
            "sessions": self.sessions,
            "participants": self.participants,
        }

    def chart(self) -> dict:
        return {
            "labels": [str(r.label) for r in self.rows],
            "sessions": [r.sessions for r in self.rows],
            "participants": [r.participants for r in self.rows],
        }


def _totals(qs, choices, kind_field, count_field, people_field) -> Totals:
    sums = {
        row[kind_field]: row
        for row in qs.order_by()
        .values(kind_field)
        .annotate(
            n=Count("pk"),
            s=Sum(count_field) if count_field else Count("pk"),
            p=Sum(people_field) if people_field else Count("pk", filter=Q(pk__isnull=True)),
        )
    }
    rows = []
    for value, label in choices.choices:
        row = sums.get(value, {})
        rows.append(
            KindTotal(
                kind=value,
                label=label,
                records=row.get("n", 0) or 0,
                sessions=row.get("s", 0) or 0,
                participants=row.get("p", 0) or 0,
            )
        )
    return Totals(rows)


def trainings_in(source, start: dt.date | None = None, end: dt.date | None = None):
    """The trainings of ``source`` (a TrainingSession queryset, or a Region: every training in
    its subtree) dated in [start, end)."""
    if isinstance(source, Region):
        qs = _in_region(TrainingSession.objects.all(), source)
    else:
        qs = source
    return _in_period(qs, start, end)


def training_totals(source, start: dt.date | None = None, end: dt.date | None = None) -> Totals:
    """Trainings per kind in [start, end): records, sessions (lectures or classes held) and
    person-times. ``source`` is a TrainingSession queryset (e.g. ``visible_to(user)``) or a
    Region (its whole subtree). ``totals["principal_lecture"].sessions`` is "lectures given"."""
    return _totals(
        trainings_in(source, start, end), TrainingKind, "kind", "sessions", "participants"
    )


def visit_totals(source, start: dt.date | None = None, end: dt.date | None = None) -> Totals:
    """Expert visits per domain in [start, end): visits (``records`` = ``sessions``) and
    problems found (in ``participants``)."""
    qs = _in_region(ExpertVisit.objects.all(), source) if isinstance(source, Region) else source
    return _totals(_in_period(qs, start, end), ExpertDomain, "domain", None, "problems_found")


def activity_totals(source, start: dt.date | None = None, end: dt.date | None = None) -> Totals:
    """Campaign activities per kind in [start, end): records, events held (``sessions``) and
    person-times."""
    if isinstance(source, Region):
        qs = _in_region(CampaignActivity.objects.all(), source)
    else:
        qs = source
    return _totals(_in_period(qs, start, end), ActivityKind, "kind", "events", "participants")


def filter_ledger(qs, params, *, kind_field: str = "kind", kind_choices=None, user=None):
    """The shared ledger filters from a query dict: ``kind``/``domain`` (per ``kind_field``),
    ``region`` (a region code: its subtree), ``date_from`` and ``date_to`` (inclusive days),
    ``campaign`` (a pk, activities only). Unknown or malformed values are ignored; returns the
    queryset and the values applied (for the form)."""
    applied: dict[str, Any] = {}
    value = (params.get(kind_field) or "").strip()
    if kind_choices is not None and value in kind_choices.values:
        qs = qs.filter(**{kind_field: value})
        applied[kind_field] = value
    code = (params.get("region") or "").strip()
    if code:
        region = Region.objects.filter(code=code).first()
        if region is not None:
            qs = _in_region(qs, region)
            applied["region"] = code
    for name, lookup in (("date_from", "date__gte"), ("date_to", "date__lte")):
        raw = (params.get(name) or "").strip()
        if raw:
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                continue
            qs = qs.filter(**{lookup: day})
            applied[name] = raw
    campaign = (params.get("campaign") or "").strip()
    if campaign.isdigit() and hasattr(qs.model, "campaign"):
        qs = qs.filter(campaign_id=int(campaign))
        applied["campaign"] = campaign
    return qs, applied
