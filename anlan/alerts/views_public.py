"""Warnings on the public portal, no account needed: the warnings in force (imported and
issued alike), one warning with its instructions, and the stable URLs another system polls —
each message as CAP 1.2 XML and JSON, and an Atom feed of the current warnings linking to them.

Only published messages with scope Public are shown. The list and the feed hold the warnings in
force with status Actual; a message's own page, cap.xml and cap.json keep working after it
expires, is replaced or cancelled."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from . import cap
from .choices import COLOUR_RANK, CapScope, CapStatus
from .models import Alert

ATOM = "http://www.w3.org/2005/Atom"
XML_TYPE = "application/xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def public_messages():
    """Every published message the public may read (any time, any status)."""
    return Alert.objects.published().filter(scope=CapScope.PUBLIC)


def warnings_in_force(now=None) -> list[Alert]:
    """Warnings in force for the public: the latest message of each thread, neither expired nor
    cancelled, status Actual; the most severe first."""
    alerts = (
        Alert.objects.current(now)
        .filter(scope=CapScope.PUBLIC, status=CapStatus.ACTUAL)
        .select_related("region")
        .order_by("-sent", "-pk")
    )
    return sorted(alerts, key=lambda a: -COLOUR_RANK.get(a.colour, 0))


def warning_list(request):
    return render(request, "alerts/public/list.html", {"alerts": warnings_in_force()})


def warning_detail(request, pk: int):
    alert = get_object_or_404(public_messages(), pk=pk)
    latest = None
    if not alert.is_latest:
        root = alert.root
        latest = public_messages().filter(is_latest=True, thread=root).first()
    return render(
        request,
        "alerts/public/detail.html",
        {
            "alert": alert,
            "active": alert.is_active(),
            "expired": alert.expires <= timezone.now(),
            "latest": latest,
            "english": alert.infos.filter(language__startswith="en").first(),
        },
    )


@cache_control(max_age=60, public=True)
def cap_xml(request, pk: int):
    alert = get_object_or_404(public_messages(), pk=pk)
    response = HttpResponse(cap.document(alert), content_type=XML_TYPE)
    response["Content-Disposition"] = f'inline; filename="warning-{alert.pk}.xml"'
    return response


@cache_control(max_age=60, public=True)
def cap_json(request, pk: int):
    alert = get_object_or_404(public_messages(), pk=pk)
    return JsonResponse(cap.as_json(alert), json_dumps_params={"ensure_ascii": False})


def _sub(parent, name: str, text: str | None = None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        el.text = text
    return el


def atom_feed(alerts: list[Alert], *, absolute, now: dt.datetime) -> bytes:
    """An Atom feed whose entries link (rel="alternate", type application/cap+xml) to each
    warning's cap.xml, as CAP feeds do; ``absolute(path)`` makes a full URL."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", absolute(reverse("alerts_public:feed")))
    _sub(feed, "title", _("Warnings in force"))
    updated = max((a.sent for a in alerts), default=now)
    _sub(feed, "updated", cap.format_time(updated))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=absolute(reverse("alerts_public:feed")))  # fmt: skip
    _sub(feed, "link", rel="alternate", type="text/html", href=absolute(reverse("alerts_public:list")))  # fmt: skip
    author = _sub(feed, "author")
    _sub(author, "name", _("Anlan public service"))
    for alert in alerts:
        entry = _sub(feed, "entry")
        cap_url = absolute(reverse("alerts_public:cap-xml", args=[alert.pk]))
        _sub(entry, "id", cap_url)
        _sub(entry, "title", alert.headline or alert.event)
        _sub(entry, "updated", cap.format_time(alert.sent))
        _sub(entry, "published", cap.format_time(alert.sent))
        _sub(entry, "link", rel="alternate", type="application/cap+xml", href=cap_url)
        _sub(entry, "link", rel="related", type="text/html", href=absolute(reverse("alerts_public:detail", args=[alert.pk])))  # fmt: skip
        _sub(entry, "category", term=alert.signal_type)
        _sub(entry, "summary", alert.description or alert.area_desc)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@cache_control(max_age=60, public=True)
def feed(request):
    content = atom_feed(
        warnings_in_force(), absolute=request.build_absolute_uri, now=timezone.now()
    )
    return HttpResponse(content, content_type=ATOM_TYPE)
