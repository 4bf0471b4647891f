"""Protection of the public forms without any third-party service: a per-client rate limit
(django-ratelimit on the configured cache), a honeypot field and a signed "form shown at" stamp
that refuses forms posted faster than a person types or replayed hours later."""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _
from django_ratelimit import ALL
from django_ratelimit.core import get_usage, is_ratelimited

SALT = "anlan.portal.form"
MAX_FORM_AGE = 6 * 3600


def client_address(request) -> str:
    if settings.ANLAN_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def _key(group, request) -> str:
    return client_address(request)


def limited(request, group: str, rate: str, *, increment: bool = True) -> bool:
    """True when this client has used up ``rate`` for ``group``. With ``increment`` off it only
    looks (for counters that count failures alone)."""
    if not increment:
        usage = get_usage(
            request, group=f"portal.{group}", key=_key, rate=rate, method=ALL, increment=False
        )
        return bool(usage and usage["count"] >= usage["limit"])
    return is_ratelimited(
        request,
        group=f"portal.{group}",
        key=_key,
        rate=rate,
        method=ALL,
        increment=increment,
    )


def form_stamp() -> str:
    return signing.dumps(time.time(), salt=SALT)


def spam_error(request) -> str | None:
    """Why this POST looks automated, or None. The honeypot must stay empty; the stamp must be
    ours, older than the minimum and not stale."""
    if request.POST.get("website"):
        return _("The form could not be accepted. Please fill it in again.")
    try:
        shown = float(signing.loads(request.POST.get("stamp", ""), salt=SALT, max_age=MAX_FORM_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return _("The form had expired. Please fill it in again.")
    if time.time() - shown < settings.ANLAN_TIPOFF_MIN_SECONDS:
        return _("That was sent too quickly. Please check the form and send it again.")
    return None
