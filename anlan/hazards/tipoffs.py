"""Public tip-offs (举报): received from anyone, followed by a tracking code and secret,
verified by the tip-off office, and turned into hazards that run the ordinary closed loop.

Privacy: the reporter's identity is sealed (``core.crypto``) at submission and opened only by
``reveal_identity`` for the tip-off verifier role, which logs every opening. Nothing else in the
platform — pages, exports, API answers, log lines — reads ``identity_sealed``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from anlan.core import crypto, notify
from anlan.core.choices import NotificationKind, RegionLevel, UserRole
from anlan.core.models import Region
from anlan.core.permissions import require
from anlan.core.uploads import CheckedUpload
from anlan.core.validators import normalize_mobile, validate_mobile

from . import services, workflow
from .choices import AttachmentKind, HazardChannel, HazardStatus, TipOffEventKind, TipOffStatus
from .models import Hazard, IdentityViewing, TipOff, TipOffEvent, TipOffPhoto, local_today

log = logging.getLogger(__name__)

# No 0/O, 1/I/L: a code read out over the phone or copied from a screenshot stays unambiguous.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_PREFIX = "JB"
HANDLER_ROLES = {
    UserRole.TIPOFF_VERIFIER,
    UserRole.COUNTY_REGULATOR,
    UserRole.CITY_ADMIN,
    UserRole.SYSTEM_ADMIN,
}
TIPOFF_REGION_LEVELS = {RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE}
MAX_PHOTOS = 6


def _random(n: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(n))


def _hash_secret(code: str, secret: str) -> str:
    # The secret is random (40 bits); PBKDF2 slows down guessing from a stolen database copy.
    return hashlib.pbkdf2_hmac("sha256", secret.encode(), code.encode(), 100_000).hex()


def normalise_code(value: str) -> str:
    return "".join((value or "").split()).upper().replace("-", "")


# ---------------------------------------------------------------- permissions


def can_handle(user, tip_off: TipOff) -> bool:
    """Verify, link, close the re-check, propose rewards."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not (user.is_superuser or user.role in HANDLER_ROLES):
        return False
    return TipOff.objects.visible_to(user).filter(pk=tip_off.pk).exists()


def can_see_identity(user) -> bool:
    """Only the tip-off verifier role — not administrators, not regulators."""
    return getattr(user, "is_authenticated", False) and user.role == UserRole.TIPOFF_VERIFIER


# ---------------------------------------------------------------- telling the office


def office_staff(tip_off: TipOff, *roles: str):
    """Active users of ``roles`` whose region contains the tip-off's region."""
    from anlan.core.models import User

    prefixes = [r.prefix for r in [tip_off.region, *tip_off.region.ancestors()]]
    return User.objects.filter(is_active=True, role__in=roles, region__prefix__in=prefixes)


def tell_office(
    tip_off: TipOff, title: str, *, kind=NotificationKind.TIPOFF, roles=None, actor=None
):
    """An in-app notice (and e-mail, webhook) to the tip-off office after commit. The text
    carries the code and never the reporter."""
    recipients = list(office_staff(tip_off, *(roles or (UserRole.TIPOFF_VERIFIER,))))
    notify.after_commit(
        notify.notify,
        recipients=recipients,
        kind=kind,
        title=title,
        body=tip_off.description[:300],
        link=reverse("hazards:tipoff_detail", args=[tip_off.pk]),
        subject=f"tipoff:{tip_off.pk}",
        actor=actor,
    )


# ---------------------------------------------------------------- the public side


def _event(tip_off: TipOff, kind: str, *, note: str = "", actor=None) -> TipOffEvent:
    return TipOffEvent.objects.create(tip_off=tip_off, kind=kind, note=note, actor=actor)


def _save_photos(tip_off: TipOff, photos: Iterable[CheckedUpload], *, recheck=False) -> None:
    for upload in photos:
        photo = TipOffPhoto(tip_off=tip_off, from_reporter_recheck=recheck)
        photo.keep(upload)
        photo.save()


def _clean_identity(data: dict[str, Any]) -> dict[str, str]:
    """A named tip-off needs a name and a mobile; an anonymous one keeps nothing."""
    errors = {}
    name = (data.get("reporter_name") or "").strip()
    mobile = normalize_mobile(data.get("reporter_mobile") or "")
    contact = (data.get("reporter_contact") or "").strip()
    if not name:
        errors["reporter_name"] = _("Give your name, or choose to report anonymously.")
    elif len(name) > 50:
        errors["reporter_name"] = _("At most 50 characters.")
    if not mobile:
        errors["reporter_mobile"] = _("Give a mobile number, or choose to report anonymously.")
    else:
        try:
            validate_mobile(mobile)
        except ValidationError as exc:
            errors["reporter_mobile"] = exc.messages
    if len(contact) > 200:
        errors["reporter_contact"] = _("At most 200 characters.")
    if errors:
        raise ValidationError(errors)
    return {"name": name, "mobile": mobile, "contact": contact}


@transaction.atomic
def submit_tip_off(
    *, data: dict[str, Any], photos: Iterable[CheckedUpload] = ()
) -> tuple[TipOff, str]:
    """Record a tip-off from the public. Returns it and its secret, which is shown once and
    stored only as a hash."""
    photos = list(photos)
    anonymous = bool(data.get("anonymous", True))
    errors: dict[str, Any] = {}
    identity: dict[str, str] = {}
    if not anonymous:
        try:
            identity = _clean_identity(data)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    region = data.get("region")
    if isinstance(region, str):
        region = Region.objects.filter(code=region).first()
        if region is None:
            errors["region"] = _("Unknown region code.")
    if region is not None and region.level not in TIPOFF_REGION_LEVELS:
        errors["region"] = _("Choose the county, township or village where it is.")
    description = (data.get("description") or "").strip()
    if len(description) < 10:
        errors["description"] = _("Describe what is wrong in at least 10 characters.")
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = _("At most %(n)d photos.") % {"n": MAX_PHOTOS}
    tip_off = TipOff(
        region=region,
        enterprise_name=(data.get("enterprise_name") or "").strip(),
        address=(data.get("address") or "").strip(),
        description=description,
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        reporter_is_employee=bool(data.get("reporter_is_employee")),
        anonymous=anonymous,
        verify_by=local_today() + timedelta(days=settings.ANLAN_TIPOFF_VERIFY_DAYS),
    )
    try:
        tip_off.full_clean(exclude=["code", "secret_hash", "region", "description"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if region is None and "region" not in errors:
        errors["region"] = _("Choose the county, township or village where it is.")
    if errors:
        raise ValidationError(errors)
    secret = _random(8)
    for _attempt in range(5):
        code = CODE_PREFIX + _random(8)
        if not TipOff.objects.filter(code=code).exists():
            break
    tip_off.code = code
    tip_off.secret_hash = _hash_secret(code, secret)
    tip_off.identity_sealed = crypto.seal(identity)
    tip_off.save()
    _save_photos(tip_off, photos)
    _event(tip_off, TipOffEventKind.RECEIVED)
    with translation.override(settings.LANGUAGE_CODE):
        tell_office(tip_off, _("New tip-off %(code)s to verify") % {"code": tip_off.code})
    log.info("tip-off %s received for region %s", tip_off.code, region.code)
    return tip_off, secret


def find_by_code(code: str, secret: str) -> TipOff:
    """The tip-off with this code and secret; the same error for a wrong code or secret, so the
    answer does not reveal which codes exist."""
    code = normalise_code(code)
    secret = normalise_code(secret)
    tip_off = TipOff.objects.filter(code=code).select_related("hazard", "region").first()
    expected = tip_off.secret_hash if tip_off else _hash_secret("x", "y")
    given = _hash_secret(code, secret)
    if tip_off is None or not hmac.compare_digest(expected, given):
        raise ValidationError(
            {"code": _("No tip-off matches this tracking code and secret. Check both and retry.")}
        )
    return tip_off


def can_report_not_fixed(tip_off: TipOff) -> bool:
    return (
        tip_off.status == TipOffStatus.SUBSTANTIATED
        and tip_off.hazard is not None
        and tip_off.hazard.status == HazardStatus.CLOSED
    )


@transaction.atomic
def report_not_fixed(*, tip_off: TipOff, note: str, photos: Iterable[CheckedUpload] = ()) -> TipOff:
    """The reporter says the closed hazard is still there: the tip-off goes back for review."""
    note = (note or "").strip()
    if not can_report_not_fixed(tip_off):
        raise ValidationError({"code": _("This can be said only once the hazard has been closed.")})
    if len(note) < 5:
        raise ValidationError({"note": _("Say what is still wrong in at least 5 characters.")})
    changed = TipOff.objects.filter(pk=tip_off.pk, status=TipOffStatus.SUBSTANTIATED).update(
        status=TipOffStatus.RECHECK
    )
    if not changed:
        raise ValidationError({"code": _("This tip-off is already under review.")})
    tip_off.status = TipOffStatus.RECHECK
    _save_photos(tip_off, photos, recheck=True)
    _event(tip_off, TipOffEventKind.NOT_FIXED, note=note[:2000])
    with translation.override(settings.LANGUAGE_CODE):
        tell_office(
            tip_off, _("Reporter of %(code)s says it is not fixed") % {"code": tip_off.code}
        )
    return tip_off


# ---------------------------------------------------------------- the office's side


def reveal_identity(*, tip_off: TipOff, user, purpose: str, client_address: str = "") -> dict:
    """Open the sealed identity for the verifier, leaving a record of the viewing."""
    require(
        can_see_identity(user) and TipOff.objects.visible_to(user).filter(pk=tip_off.pk).exists(),
        _("Only the tip-off verifier sees a reporter's identity."),
    )
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("Say why you need the reporter's identity.")})
    IdentityViewing.objects.create(
        tip_off=tip_off, viewer=user, purpose=purpose[:200], client_address=client_address[:64]
    )
    log.info("identity of tip-off %s viewed by user %s", tip_off.code, user.pk)
    return crypto.unseal(tip_off.identity_sealed)


def _require_handler(user, tip_off: TipOff) -> None:
    if not can_handle(user, tip_off):
        raise PermissionDenied(_("You may not handle this tip-off."))


def _require_status(tip_off: TipOff, *statuses: str) -> None:
    if tip_off.status not in statuses:
        raise ValidationError(
            {
                "status": _("This tip-off is “%(status)s”; it cannot be handled that way now.")
                % {"status": TipOffStatus(tip_off.status).label}
            }
        )


def _set_status(tip_off: TipOff, current: str, to: str, **fields) -> None:
    changed = TipOff.objects.filter(pk=tip_off.pk, status=current).update(status=to, **fields)
    if not changed:
        raise ValidationError(
            {"status": _("Someone else handled this tip-off a moment ago; reload it.")}
        )
    tip_off.status = to
    for name, value in fields.items():
        setattr(tip_off, name, value)


def _handled(tip_off: TipOff, user, to: str, kind: str, reply: str, **fields) -> None:
    """Record the office's first answer to a received tip-off and tell the reporter."""
    _set_status(
        tip_off,
        TipOffStatus.RECEIVED,
        to,
        handled_by=user,
        handled_at=timezone.now(),
        public_reply=(reply or "").strip()[:2000],
        **fields,
    )
    _event(tip_off, kind, note=tip_off.public_reply, actor=user)


def _hazard_from(tip_off: TipOff, user, data: dict[str, Any], *, reason: str) -> Hazard:
    """Record the hazard the tip-off revealed and verify it in one step (the tip-off office's
    verification is the hazard's verification)."""
    fields = {
        "region": tip_off.region,
        "address": tip_off.address,
        "latitude": tip_off.latitude,
        "longitude": tip_off.longitude,
        "description": tip_off.description,
        "channel": HazardChannel.PUBLIC_TIP_OFF,
        "found_at": tip_off.received_at,
        "found_by": _("Public tip-off %(code)s") % {"code": tip_off.code},
        **{k: v for k, v in data.items() if v not in (None, "")},
    }
    if fields.get("enterprise"):
        fields["region"] = fields["enterprise"].region  # the hazard sits where the enterprise is
    if not fields.get("enterprise") and not fields.get("place_name"):
        fields["place_name"] = tip_off.enterprise_name or tip_off.address
    hazard = services.report_hazard(user=user, data=fields)
    workflow.transition(hazard, HazardStatus.VERIFIED, user=user, reason=reason)
    for photo in tip_off.photos.filter(from_reporter_recheck=False):
        services.copy_attachment(hazard, photo, user=user, kind=AttachmentKind.PHOTO)
    return hazard


@transaction.atomic
def substantiate(*, tip_off: TipOff, user, hazard_data: dict[str, Any], reply: str = "") -> Hazard:
    """The tip-off is true and new: record and verify the hazard it reveals."""
    _require_handler(user, tip_off)
    _require_status(tip_off, TipOffStatus.RECEIVED)
    hazard = _hazard_from(
        tip_off, user, hazard_data, reason=_("Tip-off %(code)s verified") % {"code": tip_off.code}
    )
    _handled(
        tip_off,
        user,
        TipOffStatus.SUBSTANTIATED,
        TipOffEventKind.SUBSTANTIATED,
        reply,
        hazard=hazard,
    )
    return hazard


@transaction.atomic
def link_to_hazard(*, tip_off: TipOff, user, hazard: Hazard, reply: str = "") -> TipOff:
    """The tip-off is true but the hazard is already on record: link it (the first valid
    tipster of that hazard is the one rewarded)."""
    _require_handler(user, tip_off)
    _require_status(tip_off, TipOffStatus.RECEIVED)
    if not Hazard.objects.visible_to(user).filter(pk=hazard.pk).exists():
        raise ValidationError({"hazard": _("No such hazard in your jurisdiction.")})
    if hazard.status in (HazardStatus.REJECTED, HazardStatus.MERGED):
        raise ValidationError({"hazard": _("Link to a hazard that was not rejected or merged.")})
    _handled(
        tip_off, user, TipOffStatus.SUBSTANTIATED, TipOffEventKind.LINKED, reply, hazard=hazard
    )
    return tip_off


@transaction.atomic
def mark_unfounded(*, tip_off: TipOff, user, reply: str) -> TipOff:
    _require_handler(user, tip_off)
    _require_status(tip_off, TipOffStatus.RECEIVED)
    if not (reply or "").strip():
        raise ValidationError({"reply": _("Tell the reporter what was found.")})
    _handled(tip_off, user, TipOffStatus.UNFOUNDED, TipOffEventKind.UNFOUNDED, reply)
    return tip_off


@transaction.atomic
def resolve_recheck(
    *, tip_off: TipOff, user, still_present: bool, reply: str, hazard_data: dict | None = None
) -> TipOff:
    """After "not fixed": either the check confirms it fixed, or a new hazard is ordered
    rectified (the closed one keeps its record and evidence)."""
    _require_handler(user, tip_off)
    _require_status(tip_off, TipOffStatus.RECHECK)
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": _("Tell the reporter what the re-check found.")})
    if still_present:
        previous = tip_off.hazard
        data = {
            "enterprise": previous.enterprise,
            "place_name": previous.place_name,
            "region": previous.region,
            "category": previous.category,
            "level": previous.level,
            "basis": previous.basis,
            "description": _("Re-check of %(code)s: %(text)s")
            % {"code": previous.code, "text": previous.description},
            **(hazard_data or {}),
        }
        hazard = _hazard_from(
            tip_off,
            user,
            data,
            reason=_("Reporter of %(code)s said it is not fixed; re-check confirmed it")
            % {"code": tip_off.code},
        )
        _set_status(
            tip_off,
            TipOffStatus.RECHECK,
            TipOffStatus.SUBSTANTIATED,
            hazard=hazard,
            public_reply=reply[:2000],
        )
        _event(tip_off, TipOffEventKind.REOPENED, note=reply, actor=user)
    else:
        _set_status(
            tip_off, TipOffStatus.RECHECK, TipOffStatus.SUBSTANTIATED, public_reply=reply[:2000]
        )
        _event(tip_off, TipOffEventKind.CONFIRMED_FIXED, note=reply, actor=user)
    return tip_off


def on_hazard_closed(hazard: Hazard) -> None:
    """Tell the reporters of the tip-offs behind ``hazard`` that it was closed."""
    for tip_off in TipOff.objects.filter(hazard=hazard, status=TipOffStatus.SUBSTANTIATED):
        _event(tip_off, TipOffEventKind.CLOSED)


def public_progress(tip_off: TipOff) -> dict[str, Any]:
    """What the reporter may see: statuses, dates and the office's notes — never who acted."""
    hazard = tip_off.hazard
    return {
        "code": tip_off.code,
        "status": tip_off.status,
        "status_label": str(TipOffStatus(tip_off.status).label),
        "received_at": tip_off.received_at,
        "verify_by": tip_off.verify_by,
        "reply": tip_off.public_reply,
        "hazard_status": hazard.status if hazard else None,
        "hazard_status_label": str(HazardStatus(hazard.status).label) if hazard else "",
        "hazard_deadline": hazard.deadline if hazard else None,
        "events": [
            {
                "at": e.at,
                "kind": e.kind,
                "label": str(TipOffEventKind(e.kind).label),
                "note": e.note,
            }
            for e in tip_off.events.all()
        ],
        "can_report_not_fixed": can_report_not_fixed(tip_off),
    }
