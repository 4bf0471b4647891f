"""Notifications: one call reaches a user's in-app inbox and, where configured, e-mail, SMS and
signed webhooks.

``notify(recipients=..., kind=..., title=..., ...)`` writes one ``Notification`` per recipient
(at most once per ``dedup_key``), records an outbound ``Delivery`` row per e-mail, SMS and
webhook, and hands those to huey tasks *after* the caller's transaction commits — nothing is
sent inside a user's request, and a failed delivery never undoes the change that caused it.

Workflow code calls ``after_commit(func, ...)`` so that working out who to tell also happens
after commit and any error there is logged rather than raised into the caller.

Webhook signature: ``X-Anlan-Timestamp`` is the Unix time of the attempt and
``X-Anlan-Signature`` is ``sha256=`` + hex HMAC-SHA256 of ``<timestamp>.<raw body>`` under
``ANLAN_WEBHOOK_SECRET``; ``verify_signature`` below is what a receiver does.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from .choices import URGENT_NOTIFICATION_KINDS, DeliveryChannel, DeliveryStatus
from .models import Delivery, Notification, User

logger = logging.getLogger("anlan.notify")
sms_logger = logging.getLogger("anlan.sms")

SIGNATURE_HEADER = "X-Anlan-Signature"
TIMESTAMP_HEADER = "X-Anlan-Timestamp"


# ---------------------------------------------------------------- masking


def mask_mobile(mobile: str) -> str:
    """138****1234: enough to recognise, not enough to dial."""
    digits = "".join(ch for ch in mobile if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[-11:][:3]}****{digits[-4:]}"


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_url(url: str) -> str:
    """Scheme, host and path only: query strings and user info often carry access tokens."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"[:200]


# ---------------------------------------------------------------- SMS gateway


class SmsGateway(Protocol):
    """What an SMS provider adapter implements. ``send`` raises on failure (the delivery is then
    retried and, in the end, recorded as failed)."""

    def send(self, mobile: str, text: str) -> None: ...


class LoggingSmsGateway:
    """The default: no provider, each message is logged to "anlan.sms" with the mobile masked."""

    def send(self, mobile: str, text: str) -> None:
        sms_logger.info("SMS to %s: %s", mask_mobile(mobile), text)


def sms_gateway() -> SmsGateway:
    return import_string(settings.ANLAN_SMS_GATEWAY)()


# ---------------------------------------------------------------- webhook signature


def sign(body: bytes, timestamp: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify_signature(
    body: bytes, timestamp: str, signature: str, secret: str, *, tolerance: int = 300, now=None
) -> bool:
    """What a receiver does: recompute the HMAC over ``<timestamp>.<body>``, compare in constant
    time, and refuse stale timestamps (replays)."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except (TypeError, ValueError):
        return False
    return age <= tolerance and hmac.compare_digest(sign(body, timestamp, secret), signature)


# ---------------------------------------------------------------- creating notifications


def absolute(link: str) -> str:
    return f"{settings.ANLAN_BASE_URL}{link}" if link.startswith("/") else link


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    subject: str = "",
    dedup_key: str | None = None,
    actor=None,
) -> list[Notification]:
    """Tell each active recipient (not the actor) once; returns the notifications created.

    With a ``dedup_key``, a recipient who already has a notification with that key is skipped,
    so a periodic job may run any number of times. E-mail (to users with an address), SMS (for
    urgent kinds, to users with a mobile) and webhooks (one POST per event) follow after commit.
    """
    people = {}
    for user in recipients:
        if user.is_active and user.pk != getattr(actor, "pk", None):
            people[user.pk] = user
    if dedup_key:
        done = set(
            Notification.objects.filter(
                dedup_key=dedup_key, recipient_id__in=list(people)
            ).values_list("recipient_id", flat=True)
        )
        people = {pk: user for pk, user in people.items() if pk not in done}
    created = []
    for user in people.values():
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        recipient=user,
                        kind=kind,
                        title=title[:200],
                        body=body[:2000],
                        link=link[:500],
                        subject=subject[:64],
                        dedup_key=dedup_key,
                    )
                )
        except IntegrityError:  # a concurrent run got there first
            continue
    if created:
        _queue_deliveries(created)
    return created


@dataclass(frozen=True)
class Message:
    """One notification for ``notify_many``."""

    recipient: User
    kind: str
    title: str
    body: str = ""
    link: str = ""
    subject: str = ""
    dedup_key: str | None = None


def notify_many(messages: Iterable[Message], *, actor=None) -> list[Notification]:
    """``notify`` for many recipients and texts at once (a warning reaching thousands): the
    same rules — active recipients only, never the actor, at most once per ``dedup_key`` — in a
    handful of queries. Deliveries follow as for ``notify``; one webhook POST per distinct
    (kind, title, body, link), listing its recipients."""
    wanted: dict[tuple, Message] = {}
    for m in messages:
        if m.recipient.is_active and m.recipient.pk != getattr(actor, "pk", None):
            wanted.setdefault((m.recipient.pk, m.dedup_key or object()), m)
    keys = {m.dedup_key for m in wanted.values() if m.dedup_key}
    if keys:
        done = set(
            Notification.objects.filter(dedup_key__in=keys).values_list("recipient_id", "dedup_key")
        )
        wanted = {k: m for k, m in wanted.items() if (m.recipient.pk, m.dedup_key) not in done}
    rows = [
        Notification(
            recipient=m.recipient,
            kind=m.kind,
            title=m.title[:200],
            body=m.body[:2000],
            link=m.link[:500],
            subject=m.subject[:64],
            dedup_key=m.dedup_key,
        )
        for m in wanted.values()
    ]
    if not rows:
        return []
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows, batch_size=500)
    except IntegrityError:  # a concurrent run got some of them first: one at a time
        created = []
        for m in wanted.values():
            created += notify(
                recipients=[m.recipient],
                kind=m.kind,
                title=m.title,
                body=m.body,
                link=m.link,
                subject=m.subject,
                dedup_key=m.dedup_key,
                actor=actor,
            )
        return created
    if any(n.pk is None for n in created):  # a backend that does not return keys
        created = list(
            Notification.objects.filter(
                dedup_key__in=[n.dedup_key for n in created if n.dedup_key]
            ).select_related("recipient")
        )
    groups: dict[tuple, list[Notification]] = {}
    for note in created:
        groups.setdefault((note.kind, note.title, note.body, note.link), []).append(note)
    for group in groups.values():
        _queue_deliveries(group)
    return created


def _queue_deliveries(created: list[Notification]) -> None:
    first = created[0]
    jobs = []
    text = "\n\n".join(part for part in (first.body, absolute(first.link)) if part)
    personal = []  # (delivery, job name, job arguments after the delivery's id)
    for note in created:
        user = note.recipient
        if user.email:
            personal.append(
                (
                    Delivery(
                        notification=note,
                        channel=DeliveryChannel.EMAIL,
                        kind=note.kind,
                        target=mask_email(user.email),
                    ),
                    "deliver_email",
                    (user.email, note.title, text),
                )
            )
        if note.kind in URGENT_NOTIFICATION_KINDS and user.mobile:
            personal.append(
                (
                    Delivery(
                        notification=note,
                        channel=DeliveryChannel.SMS,
                        kind=note.kind,
                        target=mask_mobile(user.mobile),
                    ),
                    "deliver_sms",
                    (user.mobile, note.title),
                )
            )
    if personal:
        saved = Delivery.objects.bulk_create([d for d, _, _ in personal], batch_size=500)
        jobs += [
            (name, (delivery.pk, *args))
            for delivery, (_, name, args) in zip(saved, personal, strict=True)
        ]
    for url in settings.ANLAN_WEBHOOK_URLS:
        delivery = Delivery.objects.create(
            channel=DeliveryChannel.WEBHOOK, kind=first.kind, target=mask_url(url)
        )
        payload = {
            "delivery": delivery.pk,
            "event": first.kind,
            "title": first.title,
            "body": first.body,
            "link": absolute(first.link),
            "subject": first.subject,
            "dedup_key": first.dedup_key,
            "created_at": first.created_at.isoformat(),
            "recipients": [
                {"username": n.recipient.username, "name": str(n.recipient)} for n in created
            ],
        }
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        jobs.append(("deliver_webhook", (delivery.pk, url, body)))
    if jobs:
        transaction.on_commit(lambda: _enqueue(jobs), robust=True)


def _enqueue(jobs) -> None:
    from . import tasks

    for name, args in jobs:
        try:
            getattr(tasks, name)(*args)
        except Exception:  # the queue is down: record it, never raise into the caller
            logger.exception("Could not queue %s for delivery %s", name, args[0])
            Delivery.objects.filter(pk=args[0]).update(
                status=DeliveryStatus.FAILED, error="could not be queued"
            )


def after_commit(func, *args, **kwargs) -> None:
    """Run ``func(*args, **kwargs)`` once the current transaction commits (at once outside
    one); an error in it is logged, never raised into the code that made the change."""

    def run():
        try:
            func(*args, **kwargs)
        except Exception:
            logger.exception("Notification hook %s failed", getattr(func, "__name__", func))

    transaction.on_commit(run)


# ---------------------------------------------------------------- sending (called by tasks)


def attempt(delivery_id: int, send, *, final: bool) -> None:
    """Count an attempt, call ``send()`` and record the outcome; re-raise so huey retries."""
    Delivery.objects.filter(pk=delivery_id).update(attempts=F("attempts") + 1)
    try:
        send()
    except Exception as exc:
        Delivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise
    Delivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), error=""
    )


def send_email(address: str, subject: str, text: str) -> None:
    send_mail(subject, text, None, [address], fail_silently=False)


def send_sms(mobile: str, text: str) -> None:
    sms_gateway().send(mobile, text)


def post_webhook(delivery_id: int, url: str, body: str) -> None:
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("webhook URLs must be http or https")
    raw = body.encode("utf-8")
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=raw,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Anlan-Webhook/1",
            "X-Anlan-Delivery": str(delivery_id),
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(raw, timestamp, settings.ANLAN_WEBHOOK_SECRET),
        },
    )
    with urllib.request.urlopen(request, timeout=settings.ANLAN_WEBHOOK_TIMEOUT) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise urllib.error.HTTPError(url, response.status, "not a 2xx answer", None, None)


# ---------------------------------------------------------------- reading


def mark_read(*, user, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (again: no change)."""
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def mark_all_read(*, user) -> int:
    """Mark all the user's unread notifications read; returns how many."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.for_user(user).unread().count()
