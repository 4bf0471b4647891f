"""The bureau's own warnings and safety reminders: draft → review → published (制作 → 审核 →
签发发布, REFERENCE.md §7.4), then Update and Cancel messages that reference them.

- Who: the issuing roles (``services.ISSUER_ROLES``) for a region in their scope. Sign-off needs
  a second person: whoever drafted a message may not publish it.
- Every operation is a keyword-only function inside ``transaction.atomic()``; bad input raises
  ``ValidationError({"field": msg})`` and saves nothing; a published message is locked.
- At publish the message gets its national identifier ``ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N`` and
  must pass Anlan's own CAP import (schema and checks), or nothing is published.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from anlan.core.models import Region
from anlan.core.scoping import scope_of

from . import cap, services
from .choices import (
    COLOUR_WORDS,
    CapScope,
    CapStatus,
    Category,
    Certainty,
    Colour,
    MsgType,
    Origin,
    Severity,
    SignalType,
    Stage,
    Urgency,
    colours_for,
)
from .models import Alert, AlertArea, AlertInfo

# The one table of moves in the issuing workflow.
TRANSITIONS = {
    Stage.DRAFT: {Stage.REVIEW},
    Stage.REVIEW: {Stage.DRAFT, Stage.PUBLISHED},
    Stage.PUBLISHED: set(),
}
ISSUE_STATUSES = (CapStatus.ACTUAL, CapStatus.EXERCISE, CapStatus.TEST)
FIELDS = (
    "region", "signal_type", "colour", "status", "category", "urgency", "certainty", "severity",
    "effective", "onset", "expires", "headline", "description", "instruction", "regions",
    "polygon", "circle", "area_desc", "headline_en", "description_en", "instruction_en", "note",
)  # fmt: skip
GEOCODE_NAME = "GB/T 2260"
# A Chinese name for each signal (the first Chinese word cap.py recognises it by).
SIGNAL_NAMES = {}
for _word, _signal in cap.SIGNAL_WORDS:
    if not _word.isascii():
        SIGNAL_NAMES.setdefault(str(_signal), _word)
CATEGORY_BY_SIGNAL = {
    SignalType.SAFETY: Category.SAFETY,
    SignalType.GEOLOGICAL: Category.GEO,
    SignalType.FOREST_FIRE: Category.FIRE,
}


# ---------------------------------------------------------------- who


def may_issue(user, region: Region | None) -> bool:
    """An issuing role whose jurisdiction holds ``region``."""
    if region is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role not in services.ISSUER_ROLES and not user.is_superuser:
        return False
    scope = scope_of(user)
    return scope.sees_all or bool(
        scope.region_prefix and region.prefix.startswith(scope.region_prefix)
    )


def _require_issuer(user, alert: Alert) -> None:
    if not may_issue(user, alert.region):
        raise PermissionDenied(_("You may not issue warnings for this region."))


def _regions_in_scope(user):
    scope = scope_of(user)
    regions = Region.objects.all()
    return (
        regions if scope.sees_all else regions.filter(prefix__startswith=scope.region_prefix or "-")
    )


# ---------------------------------------------------------------- names


def event_name(signal_type: str, colour: str) -> str:
    """寒潮黄色预警, 安全提示."""
    if signal_type == SignalType.SAFETY:
        return SIGNAL_NAMES[SignalType.SAFETY]
    return f"{SIGNAL_NAMES.get(signal_type, '')}{COLOUR_WORDS.get(colour, '')}预警"


def event_name_en(signal_type: str, colour: str) -> str:
    with translation.override("en"):
        name = str(SignalType(signal_type).label).split(" (")[0]
    if signal_type == SignalType.SAFETY:
        return name
    return f"{name} {colour} warning".capitalize()


def sender_name(region: Region) -> str:
    return f"{region.name}应急管理局"


def default_headline(region: Region, signal_type: str, colour: str) -> str:
    """晋中市应急管理局发布寒潮黄色预警."""
    return f"{sender_name(region)}发布{event_name(signal_type, colour)}"


# ---------------------------------------------------------------- reading the values


def _time(value, field: str, errors: dict) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            errors[field] = _("“%(value)s” is not a date and time (YYYY-MM-DDThh:mm).") % {
                "value": value
            }
            return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _points(text: str, field: str, errors: dict) -> list:
    """``"lat,lon lat,lon …"`` per line → polygons; ``"lat,lon radius_km"`` per line → circles."""
    shapes = []
    for line in (text or "").strip().splitlines():
        if not line.strip():
            continue
        try:
            if field == "polygon":
                shape = [[float(x) for x in pair.split(",")] for pair in line.split()]
                if any(len(p) != 2 for p in shape):
                    raise ValueError
            else:
                centre, radius = line.split()
                lat, lon = (float(x) for x in centre.split(","))
                shape = [lat, lon, float(radius)]
        except ValueError:
            errors[field] = (
                _("Write each polygon as “lat,lon lat,lon …” on its own line.")
                if field == "polygon"
                else _("Write each circle as “lat,lon radius-in-km” on its own line.")
            )
            return []
        shapes.append(shape)
    area = cap.ParsedArea(area_desc="-", **{f"{field}s": shapes})
    problems = []
    cap._check_area(area, field, lambda _path, message: problems.append(message))
    if problems:
        errors[field] = problems[0]
    return shapes


def _region(value, user, errors: dict, field: str = "region") -> Region | None:
    if isinstance(value, Region):
        region = value
    else:
        region = Region.objects.filter(code=str(value).strip()).first()
        if region is None:
            errors[field] = _("No region with the code “%(code)s”.") % {"code": value}
            return None
    if not may_issue(user, region):
        errors[field] = _("%(region)s is outside your jurisdiction.") % {"region": region.name}
        return None
    return region


def _clean(user, data: dict[str, Any]) -> dict[str, Any]:
    """Check every value and fill the defaults; raise one ValidationError naming each field."""
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Unknown field.")})
    errors: dict[str, str] = {}
    v = {k: (data.get(k).strip() if isinstance(data.get(k), str) else data.get(k)) for k in FIELDS}
    region = v["region"] or getattr(user, "region", None)
    if region is None and v["regions"]:
        region = v["regions"][0]
    if region is None:
        errors["region"] = _("Choose the issuing region.")
    else:
        region = _region(region, user, errors)
    signal = v["signal_type"] or ""
    if signal not in SignalType.values:
        errors["signal_type"] = _("Choose a signal type.")
    colour = v["colour"] or ("blue" if signal == SignalType.SAFETY else "")
    if signal in SignalType.values and colour not in colours_for(signal):
        errors["colour"] = _("A %(signal)s signal has no such colour; it has: %(colours)s.") % {
            "signal": SignalType(signal).label,
            "colours": ", ".join(str(Colour(c).label) for c in colours_for(signal)),
        }
    status = v["status"] or CapStatus.ACTUAL
    if status not in ISSUE_STATUSES:
        errors["status"] = _("Choose Actual, Exercise or Test.")
    category = v["category"] or CATEGORY_BY_SIGNAL.get(signal, Category.MET)
    severity = v["severity"] or settings.ANLAN_ALERT_SEVERITY_BY_COLOUR.get(colour, "Unknown")
    for field, value, choices in (
        ("category", category, Category.values),
        ("severity", severity, Severity.values),
        ("urgency", v["urgency"] or Urgency.EXPECTED, Urgency.values),
        ("certainty", v["certainty"] or Certainty.LIKELY, Certainty.values),
    ):
        if value not in choices:
            errors[field] = _("Choose one of: %(values)s.") % {"values": ", ".join(choices)}
    effective = _time(v["effective"], "effective", errors) or timezone.now()
    onset = _time(v["onset"], "onset", errors)
    expires = _time(v["expires"], "expires", errors)
    if expires is None and "expires" not in errors:
        errors["expires"] = _("Say when the warning expires.")
    elif expires is not None and expires <= effective:
        errors["expires"] = _("The warning must expire after it takes effect.")
    elif expires is not None and onset is not None and expires <= onset:
        errors["expires"] = _("The warning must expire after its onset.")
    areas = []
    for item in v["regions"] or []:
        area = _region(item, user, errors, "regions")
        if area and region and not area.prefix.startswith(region.prefix):
            errors["regions"] = _("%(area)s lies outside the issuing region %(region)s.") % {
                "area": area.name,
                "region": region.name,
            }
        areas.append(area)
    polygons = _points(v["polygon"], "polygon", errors)
    circles = _points(v["circle"], "circle", errors)
    if not (areas or polygons or circles) and "regions" not in errors:
        errors["regions"] = _("Say where the warning applies: regions, a polygon or a circle.")
    for field, limit in (("headline", 300), ("area_desc", 1000), ("headline_en", 300)):
        if len(v[field] or "") > limit:
            errors[field] = _("At most %(n)d characters.") % {"n": limit}
    if errors:
        raise ValidationError(errors)
    names = "、".join(a.name for a in areas) if areas else f"{region.name}部分地区"
    return {
        **{k: v[k] or "" for k in ("description", "instruction", "note", "headline_en")},
        **{k: v[k] or "" for k in ("description_en", "instruction_en")},
        "region": region,
        "signal_type": signal,
        "colour": colour,
        "status": status,
        "category": category,
        "severity": severity,
        "urgency": v["urgency"] or Urgency.EXPECTED,
        "certainty": v["certainty"] or Certainty.LIKELY,
        "effective": effective,
        "onset": onset,
        "expires": expires,
        "headline": v["headline"] or default_headline(region, signal, colour),
        "regions": list(dict.fromkeys(areas)),
        "polygons": polygons,
        "circles": circles,
        "area_desc": (v["area_desc"] or names)[:1000],
    }


def values_of(alert: Alert) -> dict[str, Any]:
    """A stored draft as the ``data`` the functions take (defaults left blank, so that they
    follow a change of signal, colour or regions)."""
    zh = alert.infos.filter(language__startswith="zh").first() or alert.infos.first()
    en = alert.infos.filter(language__startswith="en").first()
    area = zh.areas.first() if zh else None
    regions = list(alert.regions.all())
    headline = alert.headline
    if alert.region and headline == default_headline(alert.region, alert.signal_type, alert.colour):
        headline = ""
    area_desc = alert.area_desc
    if area_desc in ("、".join(r.name for r in regions), f"{alert.region}部分地区"):
        area_desc = ""
    return {
        "region": alert.region,
        "signal_type": alert.signal_type,
        "colour": alert.colour,
        "status": alert.status,
        "category": ""
        if alert.category == CATEGORY_BY_SIGNAL.get(alert.signal_type, Category.MET)
        else alert.category,
        "urgency": alert.urgency,
        "certainty": alert.certainty,
        "severity": ""
        if alert.severity == settings.ANLAN_ALERT_SEVERITY_BY_COLOUR.get(alert.colour)
        else alert.severity,
        "effective": alert.effective,
        "onset": alert.onset,
        "expires": alert.expires,
        "headline": headline,
        "description": alert.description,
        "instruction": alert.instruction,
        "regions": regions,
        "polygon": "\n".join(" ".join(f"{a},{b}" for a, b in p) for p in area.polygons)
        if area
        else "",
        "circle": "\n".join(f"{a},{b} {r}" for a, b, r in area.circles) if area else "",
        "area_desc": area_desc,
        "headline_en": en.headline if en else "",
        "description_en": en.description if en else "",
        "instruction_en": en.instruction if en else "",
        "note": alert.note,
    }


# ---------------------------------------------------------------- writing a draft


def _write(alert: Alert, c: dict[str, Any]) -> Alert:
    """Copy the checked values ``c`` onto ``alert`` and rewrite its info blocks and areas."""
    for field in (
        "region", "signal_type", "colour", "status", "category", "urgency", "certainty",
        "severity", "effective", "onset", "expires", "headline", "description", "instruction",
        "area_desc", "note",
    ):  # fmt: skip
        setattr(alert, field, c[field])
    alert.event = event_name(c["signal_type"], c["colour"])
    alert.sender_name = sender_name(c["region"])
    alert.save()
    alert.regions.set(c["regions"])
    alert.infos.all().delete()
    blocks = [("zh-CN", alert.event, alert.headline, alert.description, alert.instruction)]
    if c["headline_en"] or c["description_en"] or c["instruction_en"]:
        blocks.append(
            (
                "en-US",
                event_name_en(c["signal_type"], c["colour"]),
                c["headline_en"] or event_name_en(c["signal_type"], c["colour"]),
                c["description_en"],
                c["instruction_en"],
            )
        )
    for position, (language, event, headline, description, instruction) in enumerate(blocks):
        info = AlertInfo.objects.create(
            alert=alert,
            position=position,
            language=language,
            categories=[alert.category],
            event=event,
            response_types=["AllClear"] if alert.msg_type == MsgType.CANCEL else ["Prepare"],
            urgency=alert.urgency,
            severity=alert.severity,
            certainty=alert.certainty,
            event_codes=[{"valueName": "signal", "value": alert.signal_type}],
            effective=alert.effective,
            onset=alert.onset,
            expires=alert.expires,
            sender_name=alert.sender_name,
            headline=headline,
            description=description,
            instruction=instruction,
        )
        AlertArea.objects.create(
            info=info,
            area_desc=alert.area_desc,
            polygons=c["polygons"],
            circles=c["circles"],
            geocodes=[{"valueName": GEOCODE_NAME, "value": r.code} for r in c["regions"]],
        )
    return alert


def _new_draft(user, checked: dict, **fields) -> Alert:
    alert = Alert(
        identifier=f"draft-{uuid.uuid4().hex}",
        sender=settings.ANLAN_CAP_SENDER,
        sent=timezone.now().replace(microsecond=0),
        scope=CapScope.PUBLIC,
        origin=Origin.ISSUED,
        stage=Stage.DRAFT,
        is_latest=False,  # becomes the latest of its thread when published
        drafted_by=user,
        **fields,
    )
    return _write(alert, checked)


def _fresh(alert: Alert, *stages: str) -> Alert:
    """The alert as stored now, refused unless it is at one of ``stages``."""
    alert = Alert.objects.select_related("region").get(pk=alert.pk)
    if alert.stage not in stages:
        if alert.is_locked:
            raise ValidationError(
                {"stage": _("This warning is published and locked; draft an Update or Cancel.")}
            )
        raise ValidationError(
            {"stage": _("Not possible while the warning is “%(stage)s”.")
             % {"stage": alert.get_stage_display()}}
        )  # fmt: skip
    return alert


@transaction.atomic
def create_draft(*, user, data: dict[str, Any]) -> Alert:
    if user.role not in services.ISSUER_ROLES and not user.is_superuser:
        raise PermissionDenied(_("Your role does not issue warnings."))
    return _new_draft(user, _clean(user, data))


@transaction.atomic
def update_draft(*, user, alert: Alert, data: dict[str, Any]) -> Alert:
    alert = _fresh(alert, Stage.DRAFT)
    _require_issuer(user, alert)
    return _write(alert, _clean(user, {**values_of(alert), **data}))


# ---------------------------------------------------------------- workflow


def _move(alert: Alert, to: str, **fields) -> Alert:
    """Compare-and-set the stage along TRANSITIONS; someone acting first is reported."""
    if to not in TRANSITIONS[alert.stage]:
        raise ValidationError({"stage": _("A warning cannot move from “%(a)s” to “%(b)s”.") % {
            "a": alert.get_stage_display(), "b": Stage(to).label}})  # fmt: skip
    moved = Alert.objects.filter(pk=alert.pk, stage=alert.stage).update(
        stage=to, updated_at=timezone.now(), **fields
    )
    if not moved:
        raise ValidationError({"stage": _("Someone else changed this warning first; reload.")})
    alert.refresh_from_db()
    return alert


@transaction.atomic
def submit(*, user, alert: Alert) -> Alert:
    alert = _fresh(alert, Stage.DRAFT)
    _require_issuer(user, alert)
    if alert.expires <= timezone.now():
        raise ValidationError({"expires": _("The warning has already expired.")})
    return _move(alert, Stage.REVIEW, submitted_at=timezone.now())


@transaction.atomic
def send_back(*, user, alert: Alert, note: str) -> Alert:
    alert = _fresh(alert, Stage.REVIEW)
    _require_issuer(user, alert)
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what must change.")})
    return _move(alert, Stage.DRAFT, review_note=note.strip()[:2000])


def make_identifier(region: Region, sent: dt.datetime) -> str:
    """ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N: region, agency, unit, extension, Beijing time, 0–9."""
    prefix = (
        f"{region.code[:6]}{settings.ANLAN_CAP_AGENCY_CODE}{settings.ANLAN_CAP_UNIT_CODE}00_"
        f"{timezone.localtime(sent, dt.timezone(dt.timedelta(hours=8))):%Y%m%d%H%M%S}_"
    )
    taken = Alert.objects.filter(sender=settings.ANLAN_CAP_SENDER, identifier__startswith=prefix)
    n = taken.count()
    if n > 9:
        raise ValidationError({"stage": _("Ten messages this second already; try again.")})
    return f"{prefix}{n}"


@transaction.atomic
def publish(*, user, alert: Alert, note: str = "") -> Alert:
    alert = _fresh(alert, Stage.REVIEW)
    _require_issuer(user, alert)
    if alert.drafted_by_id == user.pk:
        raise ValidationError(
            {"reviewer": _("You drafted this warning; another issuer must sign it off.")}
        )
    now = timezone.now().replace(microsecond=0)
    if alert.expires <= now:
        raise ValidationError({"expires": _("The warning has already expired.")})
    replaced = alert.replaces
    if replaced is not None:
        _check_replaceable(replaced, now)
    try:
        with transaction.atomic():
            alert = _move(
                alert,
                Stage.PUBLISHED,
                sent=now,
                identifier=make_identifier(alert.region, now),
                published_by=user,
                published_at=now,
                review_note=(note or "").strip()[:2000] or alert.review_note,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"stage": _("Another message took this identifier; try again.")}
        ) from exc
    try:
        cap.parse(cap.build(alert))
    except cap.CapError as exc:
        raise ValidationError(
            {"cap": [f"{e['field']}: {e['message']}" for e in exc.errors] or [exc.reason]}
        ) from exc
    if replaced is not None:
        services.link_thread(alert, replaced)
    else:
        alert.thread = alert
        alert.is_latest = True
    alert.save(update_fields=["thread", "replaces", "is_latest"])
    services.after_publish(alert)
    return alert


# ---------------------------------------------------------------- update and cancel


def _check_replaceable(of: Alert, now=None) -> None:
    now = now or timezone.now()
    if of.stage != Stage.PUBLISHED:
        raise ValidationError({"replaces": _("Only a published warning can be updated or cancelled.")})  # fmt: skip
    if of.origin != Origin.ISSUED:
        raise ValidationError({"replaces": _("Only the bureau's own warnings can be updated or cancelled here.")})  # fmt: skip
    if of.root.cancelled_at or of.msg_type == MsgType.CANCEL:
        raise ValidationError({"replaces": _("This warning has been cancelled.")})
    if not of.is_latest:
        latest = Alert.objects.filter(Q(pk=of.root.pk) | Q(thread=of.root), is_latest=True).first()
        raise ValidationError({"replaces": _("A later message replaces this one (#%(id)s); update or cancel that one.") % {"id": latest.pk if latest else "?"}})  # fmt: skip
    if of.expires <= now:
        raise ValidationError({"replaces": _("This warning has expired.")})


def _thread_references(of: Alert) -> str:
    root = of.root
    messages = (
        Alert.objects.published().filter(Q(pk=root.pk) | Q(thread=root)).order_by("sent", "pk")
    )
    return " ".join(m.reference_string() for m in messages)


def _copy(*, user, of: Alert, msg_type: str, **changes) -> Alert:
    of = Alert.objects.get(pk=of.pk)
    if not may_issue(user, of.region):
        raise PermissionDenied(_("You may not issue warnings for this region."))
    _check_replaceable(of)
    data = {**values_of(of), "effective": None, **changes}
    return _new_draft(
        user,
        _clean(user, data),
        msg_type=msg_type,
        replaces=of,
        references=_thread_references(of),
    )


@transaction.atomic
def draft_update(*, user, of: Alert) -> Alert:
    return _copy(user=user, of=of, msg_type=MsgType.UPDATE)


@transaction.atomic
def draft_cancel(*, user, of: Alert, note: str) -> Alert:
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the warning is cancelled.")})
    of_region = of.region or Region.objects.get(pk=of.region_id)
    headline = f"{sender_name(of_region)}解除{of.event}"
    return _copy(
        user=user, of=of, msg_type=MsgType.CANCEL, headline=headline,
        description=note.strip(), note=note.strip(),
        headline_en=f"Cancelled: {event_name_en(of.signal_type, of.colour)}"
        if of.infos.filter(language__startswith="en").exists() else "",
        description_en="", instruction_en="",
    )  # fmt: skip
