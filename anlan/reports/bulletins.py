"""Bulletin services: generate (or refresh) a draft, edit its commentary, publish it (freeze,
render and store the PDF and Word files, tell the subscribers), subscribe and unsubscribe.

Views, API, CLI and the scheduled jobs all call these functions.

Who may: region-scoped officers (city administrators, county regulators) generate, edit and
publish the bulletins of their region and the regions below it; system administrators any.
Drafts are seen only by those who may manage them; everyone else reads the published bulletins
of the regions they see (a county reads the city's).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import NotificationKind, UserRole
from anlan.core.models import Region
from anlan.core.notify import Message, notify_many
from anlan.core.permissions import region_in_scope
from anlan.core.scoping import scope_of

from . import figures as figures_module
from .choices import BulletinKind, BulletinState
from .models import Bulletin, BulletinSubscription

MANAGER_ROLES = {UserRole.CITY_ADMIN, UserRole.COUNTY_REGULATOR, UserRole.SYSTEM_ADMIN}
COMMENTARY_MAX = 4000

KIND_TITLES = {
    BulletinKind.WEEKLY: "安全生产工作周报",
    BulletinKind.MONTHLY: "安全生产工作简报",
    BulletinKind.BRIEFING: "安全生产工作简报（专报）",
}


# ---------------------------------------------------------------- who may


def may_manage(user, region: Region) -> bool:
    """Generate, refresh, edit and publish the bulletins of ``region``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if scope_of(user).sees_all:
        return True
    return user.role in MANAGER_ROLES and region_in_scope(user, region)


def may_generate(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (scope_of(user).sees_all or user.role in MANAGER_ROLES)
    )


def visible(user):
    """The bulletins ``user`` may open: published ones of the regions they see; drafts only of
    the regions they may manage (their own and below)."""
    qs = Bulletin.objects.visible_to(user)
    scope = scope_of(user)
    if scope.sees_all:
        return qs
    published = Q(state=BulletinState.PUBLISHED)
    if getattr(user, "role", None) in MANAGER_ROLES and scope.region_prefix:
        return qs.filter(published | Q(region__prefix__startswith=scope.region_prefix))
    return qs.filter(published)


def manageable_regions(user):
    """The regions whose bulletins ``user`` may generate (their region and below)."""
    scope = scope_of(user)
    if scope.sees_all:
        return Region.objects.filter(level__in=("province", "city", "county", "township"))
    if not may_generate(user) or not scope.region_prefix:
        return Region.objects.none()
    return Region.objects.filter(prefix__startswith=scope.region_prefix).exclude(level="village")


# ---------------------------------------------------------------- periods


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the week holding ``day``."""
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """First to last day of the month holding ``day``."""
    start = day.replace(day=1)
    after = (start + dt.timedelta(days=32)).replace(day=1)
    return start, after - dt.timedelta(days=1)


def previous_week(today: dt.date) -> tuple[dt.date, dt.date]:
    return week_of(today - dt.timedelta(days=7))


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    return month_of(today.replace(day=1) - dt.timedelta(days=1))


def period_label(start: dt.date, end: dt.date) -> str:
    """How the bulletin names its period: a calendar month, a year's half, or a date range."""
    if (start, end) == month_of(start):
        return f"{start.year}年{start.month}月"
    if start.month in (1, 7) and start.day == 1 and (end.month, end.day) in ((6, 30), (12, 31)):
        if start.year == end.year and end.month - start.month == 5:
            return f"{start.year}年{'上' if start.month == 1 else '下'}半年"
    if start.year == end.year:
        return f"{start.year}年{start.month}月{start.day}日至{end.month}月{end.day}日"
    return f"{start:%Y}年{start.month}月{start.day}日至{end:%Y}年{end.month}月{end.day}日"


def check_period(kind: str, start, end) -> None:
    errors = {}
    if kind not in BulletinKind.values:
        errors["kind"] = _("Choose weekly, monthly or briefing.")
    if not isinstance(start, dt.date):
        errors["period_start"] = _("Enter the first day of the period.")
    if not isinstance(end, dt.date):
        errors["period_end"] = _("Enter the last day of the period.")
    if not errors:
        if end < start:
            errors["period_end"] = _("The period cannot end before it starts.")
        elif (end - start).days + 1 > settings.ANLAN_BULLETIN_MAX_DAYS:
            errors["period_end"] = _("A bulletin covers at most %(n)s days.") % {
                "n": settings.ANLAN_BULLETIN_MAX_DAYS
            }
        elif start > timezone.localdate():
            errors["period_start"] = _("The period cannot start in the future.")
    if errors:
        raise ValidationError(errors)


def region_by_code(code) -> Region:
    region = Region.objects.filter(code=str(code or "").strip()).first()
    if region is None:
        raise ValidationError({"region": _("Unknown region %(code)s.") % {"code": code}})
    return region


# ---------------------------------------------------------------- generating


def _title(kind: str, region: Region, year: int, number: int) -> str:
    return f"{region.name}{KIND_TITLES[BulletinKind(kind)]} {year}年第{number}期"


def generate(
    *, kind: str, region: Region, start: dt.date, end: dt.date, user=None, today=None
) -> Bulletin:
    """Create the draft bulletin of ``kind`` for ``region`` and the period (``end`` inclusive),
    or refresh the figures of the existing draft. A published bulletin is returned unchanged.

    Issues are numbered per kind, region and year (of the period's start): one more than the
    highest number so far."""
    check_period(kind, start, end)
    if user is not None and not may_manage(user, region):
        raise PermissionDenied(_("You may not make bulletins for this region."))
    with transaction.atomic():
        bulletin = (
            Bulletin.objects.select_for_update()
            .filter(kind=kind, region=region, period_start=start, period_end=end)
            .first()
        )
        if bulletin is not None and bulletin.state == BulletinState.PUBLISHED:
            return bulletin
        snapshot = figures_module.compute(region, start, end, today=today)
        if bulletin is None:
            top = Bulletin.objects.filter(
                kind=kind, region=region, period_start__year=start.year
            ).aggregate(n=Max("number"))["n"]
            number = (top or 0) + 1
            bulletin = Bulletin(
                kind=kind,
                region=region,
                period_start=start,
                period_end=end,
                number=number,
                title=_title(kind, region, start.year, number),
                created_by=user if getattr(user, "pk", None) else None,
            )
        bulletin.figures = snapshot
        bulletin.generated_at = timezone.now()
        bulletin.save()
    return bulletin


def refresh(*, bulletin: Bulletin, user=None) -> Bulletin:
    _require_draft(bulletin, user)
    return generate(
        kind=bulletin.kind,
        region=bulletin.region,
        start=bulletin.period_start,
        end=bulletin.period_end,
        user=user,
    )


def _require_draft(bulletin: Bulletin, user) -> None:
    if user is not None and not may_manage(user, bulletin.region):
        raise PermissionDenied(_("You may not change this bulletin."))
    if bulletin.state != BulletinState.DRAFT:
        raise ValidationError({"state": _("A published bulletin cannot be changed.")})


def set_commentary(*, bulletin: Bulletin, section: str, text: str, user=None) -> Bulletin:
    """Set (or clear, with empty text) the commentary of one section of a draft."""
    _require_draft(bulletin, user)
    if section not in figures_module.SECTIONS:
        raise ValidationError({"section": _("Unknown section %(s)s.") % {"s": section}})
    text = (text or "").strip()
    if len(text) > COMMENTARY_MAX:
        raise ValidationError({"text": _("At most %(n)s characters.") % {"n": COMMENTARY_MAX}})
    with transaction.atomic():
        fresh = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if fresh.state != BulletinState.DRAFT:
            raise ValidationError({"state": _("A published bulletin cannot be changed.")})
        commentary = dict(fresh.commentary or {})
        if text:
            commentary[section] = text
        else:
            commentary.pop(section, None)
        fresh.commentary = commentary
        fresh.save(update_fields=["commentary"])
    bulletin.commentary = commentary
    return bulletin


# ---------------------------------------------------------------- publishing


def file_stem(bulletin: Bulletin) -> str:
    return f"bulletin-{bulletin.region.code}-{bulletin.kind}-{bulletin.period_start:%Y%m%d}"


def publish(*, bulletin: Bulletin, user=None, now=None) -> Bulletin:
    """Freeze the draft, store its PDF and Word files, and tell the subscribers once."""
    from . import render

    _require_draft(bulletin, user)
    now = now or timezone.now()
    bulletin.state = BulletinState.PUBLISHED  # so the files print it as published
    bulletin.published_at = now
    try:
        pdf = render.pdf_bytes(bulletin)
        docx = render.docx_bytes(bulletin)
    finally:
        bulletin.state, bulletin.published_at = BulletinState.DRAFT, None
    stem = file_stem(bulletin)
    with transaction.atomic():
        done = Bulletin.objects.filter(pk=bulletin.pk, state=BulletinState.DRAFT).update(
            state=BulletinState.PUBLISHED,
            published_at=now,
            published_by=user if getattr(user, "pk", None) else None,
        )
        if not done:
            raise ValidationError({"state": _("The bulletin was published meanwhile.")})
        fresh = Bulletin.objects.select_related("region").get(pk=bulletin.pk)
        fresh.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        fresh.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
        fresh.save(update_fields=["pdf", "docx"])
        deliver(fresh, actor=user)
    return fresh


def subscribers(bulletin: Bulletin):
    from anlan.core.models import User

    subs = BulletinSubscription.objects.filter(kind=bulletin.kind, region=bulletin.region)
    users = User.objects.filter(pk__in=subs.values("user_id"), is_active=True).select_related(
        "region"
    )
    return [u for u in users if visible(u).filter(pk=bulletin.pk).exists()]


def deliver(bulletin: Bulletin, *, actor=None) -> int:
    """In-app and e-mail notice to each subscriber, at most once per bulletin; the e-mail carries
    the link to the bulletin page, where the PDF and Word files are."""
    link = reverse("reports:bulletin", args=[bulletin.pk])
    body = _("%(title)s is published. PDF: %(pdf)s Word: %(docx)s") % {
        "title": bulletin.title,
        "pdf": _absolute(reverse("reports:bulletin-pdf", args=[bulletin.pk])),
        "docx": _absolute(reverse("reports:bulletin-docx", args=[bulletin.pk])),
    }
    messages = [
        Message(
            recipient=user,
            kind=NotificationKind.BULLETIN,
            title=bulletin.title,
            body=body,
            link=link,
            subject=f"bulletin:{bulletin.pk}",
            dedup_key=f"bulletin:{bulletin.pk}",
        )
        for user in subscribers(bulletin)
    ]
    return len(notify_many(messages, actor=None))


def _absolute(path: str) -> str:
    return f"{settings.ANLAN_BASE_URL}{path}"


# ---------------------------------------------------------------- subscriptions


def subscribe(*, user, kind: str, region: Region) -> BulletinSubscription:
    if kind not in BulletinKind.values:
        raise ValidationError({"kind": _("Choose weekly, monthly or briefing.")})
    if not Region.objects.visible_to(user).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("This region is outside your jurisdiction.")})
    sub, _created = BulletinSubscription.objects.get_or_create(user=user, kind=kind, region=region)
    return sub


def unsubscribe(*, user, kind: str, region: Region) -> bool:
    deleted, _n = BulletinSubscription.objects.filter(user=user, kind=kind, region=region).delete()
    return bool(deleted)


def is_subscribed(user, kind: str, region: Region) -> bool:
    return BulletinSubscription.objects.filter(user=user, kind=kind, region=region).exists()


def filter_list(qs, *, kind="", region="", date_from=None, date_to=None, state=""):
    """The list's filters: kind, region (and below), periods overlapping [from, to], state."""
    if kind in BulletinKind.values:
        qs = qs.filter(kind=kind)
    if state in BulletinState.values:
        qs = qs.filter(state=state)
    if region:
        qs = qs.filter(region__prefix__startswith=region.prefix)
    if date_from:
        qs = qs.filter(period_end__gte=date_from)
    if date_to:
        qs = qs.filter(period_start__lte=date_to)
    return qs


def scheduled(kind: str, *, today: dt.date | None = None) -> list[Bulletin]:
    """The job: the previous week's (or month's) bulletin of each region in
    ``ANLAN_BULLETIN_REGIONS``, published and delivered if ``ANLAN_BULLETIN_AUTO_PUBLISH``."""
    today = today or timezone.localdate()
    start, end = previous_week(today) if kind == BulletinKind.WEEKLY else previous_month(today)
    out = []
    for code in settings.ANLAN_BULLETIN_REGIONS:
        region = Region.objects.filter(code=code).first()
        if region is None:
            continue
        bulletin = generate(kind=kind, region=region, start=start, end=end, today=today)
        if settings.ANLAN_BULLETIN_AUTO_PUBLISH and bulletin.state == BulletinState.DRAFT:
            bulletin = publish(bulletin=bulletin)
        out.append(bulletin)
    return out
