"""Receiving CAP messages: from files, from the API, and from polled feeds (a CAP document, or an
RSS 2.0 / Atom feed whose entries carry or link to CAP documents).

``import_message(data, received_from=…)`` answers one of three outcomes:

* **imported** — stored and published; an Update or Cancel joins its original's thread and the
  targets are computed (services.after_publish);
* **duplicate** — a message with this sender and identifier is already known: ignored;
* **rejected** — unreadable, unsafe, schema-invalid, not usable (cap.check), or an Update/Cancel
  whose references name no known message: nothing is stored but a ``RejectedMessage`` with the
  content and the reasons, for inspection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.models import Region

from . import cap, services
from .choices import MsgType, Origin, Stage
from .models import Alert, AlertArea, AlertInfo, FeedState, RejectedMessage

logger = logging.getLogger("anlan.alerts")

ATOM = "{http://www.w3.org/2005/Atom}"
CAP_TYPES = ("application/cap+xml", "application/xml", "text/xml")


@dataclass
class Outcome:
    status: str  # imported | duplicate | rejected
    alert: Alert | None = None
    rejected: RejectedMessage | None = None
    reason: str = ""
    errors: list | None = None

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "warning_id": self.alert.pk if self.alert else None,
            "rejected_id": self.rejected.pk if self.rejected else None,
            "reason": self.reason,
            "errors": self.errors or [],
        }


def _reject(data: bytes, received_from: str, reason: str, errors, identifier: str, user) -> Outcome:
    content = data[: settings.ANLAN_CAP_MAX_BYTES].decode("utf-8", errors="replace")
    rejected = RejectedMessage.objects.create(
        received_from=received_from[:500],
        identifier=identifier[:200],
        content=content.replace("\x00", ""),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        reason=reason[:1000],
        errors=errors or [],
        received_by=user,
    )
    logger.info("CAP message from %s rejected: %s", received_from, reason)
    return Outcome("rejected", rejected=rejected, reason=reason, errors=errors)


def import_message(data: bytes | str, *, received_from: str, user=None) -> Outcome:
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        parsed = cap.parse(data)
    except cap.CapError as exc:
        return _reject(data, received_from, exc.reason, exc.errors, exc.identifier, user)
    if parsed.msg_type not in (MsgType.ALERT, MsgType.UPDATE, MsgType.CANCEL):
        reason = _("Anlan imports Alert, Update and Cancel messages, not %(type)s.") % {
            "type": parsed.msg_type
        }
        return _reject(
            data,
            received_from,
            reason,
            [{"field": "msgType", "message": reason}],
            parsed.identifier,
            user,
        )
    existing = Alert.objects.filter(sender=parsed.sender, identifier=parsed.identifier).first()
    if existing is not None:
        return Outcome("duplicate", alert=existing, reason=_("Already received; ignored."))
    replaced = None
    if parsed.msg_type != MsgType.ALERT:
        replaced = _referenced(parsed)
        if replaced is None:
            reason = _("The %(type)s references no message Anlan knows (%(refs)s).") % {
                "type": parsed.msg_type,
                "refs": " ".join(",".join(ref) for ref in parsed.references)[:300],
            }
            return _reject(
                data,
                received_from,
                reason,
                [{"field": "references", "message": reason}],
                parsed.identifier,
                user,
            )
    try:
        with transaction.atomic():
            alert = _store(parsed, data, received_from, replaced)
            if replaced is not None:
                services.link_thread(alert, replaced)
                alert.save(update_fields=["thread", "replaces", "is_latest"])
            services.after_publish(alert)
    except IntegrityError:
        # The same message arriving twice at once: the other copy won.
        existing = Alert.objects.filter(sender=parsed.sender, identifier=parsed.identifier).first()
        return Outcome("duplicate", alert=existing, reason=_("Already received; ignored."))
    return Outcome("imported", alert=alert)


def _referenced(parsed: cap.ParsedAlert) -> Alert | None:
    """The most recent known message among those the references name."""
    condition = Q(pk__in=[])
    for sender, identifier, _sent in parsed.references:
        condition |= Q(sender=sender, identifier=identifier)
    return Alert.objects.filter(condition).published().order_by("-sent", "-pk").first()


def _store(parsed: cap.ParsedAlert, data: bytes, received_from: str, replaced) -> Alert:
    info = parsed.primary
    alert = Alert(
        identifier=parsed.identifier,
        sender=parsed.sender,
        sent=parsed.sent,
        status=parsed.status,
        msg_type=parsed.msg_type,
        scope=parsed.scope,
        source=parsed.source[:200],
        restriction=parsed.restriction[:500],
        addresses=parsed.addresses[:2000],
        code=parsed.codes,
        note=parsed.note[:2000],
        references=" ".join(",".join(ref) for ref in parsed.references)[:4000],
        incidents=parsed.incidents[:500],
        origin=Origin.IMPORTED,
        stage=Stage.PUBLISHED,
        published_at=timezone.now(),
        received_from=received_from[:500],
        raw_xml=data.decode("utf-8", errors="replace"),
    )
    if info is not None:
        effective = info.effective or parsed.sent
        alert.signal_type = cap.signal_of(info)
        alert.colour = cap.colour_of(info)
        alert.category = (info.categories or [""])[0]
        alert.event = info.event[:200]
        alert.urgency, alert.severity, alert.certainty = info.urgency, info.severity, info.certainty
        alert.effective = effective
        alert.onset = info.onset
        alert.expires = info.expires or effective + dt.timedelta(
            hours=settings.ANLAN_CAP_DEFAULT_VALID_HOURS
        )
        alert.sender_name = info.sender_name[:200]
        alert.headline = info.headline[:300]
        alert.description = info.description[:10000]
        alert.instruction = info.instruction[:10000]
        alert.area_desc = "；".join(a.area_desc for a in info.areas)[:1000]
    elif replaced is not None:
        # A Cancel without <info>: it speaks of the message it cancels.
        for name in (
            "signal_type",
            "colour",
            "category",
            "event",
            "urgency",
            "severity",
            "certainty",
            "effective",
            "onset",
            "expires",
            "sender_name",
            "headline",
            "area_desc",
        ):
            setattr(alert, name, getattr(replaced, name))
    alert.save()
    for i, block in enumerate(parsed.infos):
        row = AlertInfo.objects.create(
            alert=alert,
            position=i,
            language=block.language[:20],
            categories=block.categories,
            event=block.event[:200],
            response_types=block.response_types,
            urgency=block.urgency,
            severity=block.severity,
            certainty=block.certainty,
            audience=block.audience[:500],
            event_codes=block.event_codes,
            effective=block.effective,
            onset=block.onset,
            expires=block.expires,
            sender_name=block.sender_name[:200],
            headline=block.headline[:300],
            description=block.description[:10000],
            instruction=block.instruction[:10000],
            web=block.web[:500],
            contact=block.contact[:500],
            parameters=block.parameters,
        )
        AlertArea.objects.bulk_create(
            AlertArea(
                info=row,
                position=j,
                area_desc=area.area_desc[:1000],
                polygons=area.polygons,
                circles=area.circles,
                geocodes=area.geocodes,
                altitude=area.altitude,
                ceiling=area.ceiling,
            )
            for j, area in enumerate(block.areas)
        )
    codes = cap.region_codes(info) if info is not None else []
    if codes:
        alert.regions.set(Region.objects.filter(code__in=codes))
    elif replaced is not None and info is None:
        alert.regions.set(replaced.regions.all())
    return alert


# --------------------------------------------------------------------------- files


def import_files(files, *, user=None) -> list[tuple[str, Outcome]]:
    """``files``: (name, bytes) pairs; each is imported on its own (one bad file does not stop
    the others, and each answer says what happened to it)."""
    return [(name, import_message(data, received_from=name, user=user)) for name, data in files]


# --------------------------------------------------------------------------- feeds


class FetchError(Exception):
    pass


def _fetch(url: str, state: FeedState | None = None) -> bytes | None:
    """GET ``url`` (http/https only) within the size and time limits; None when the server says
    nothing changed (ETag / Last-Modified)."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(_("Only http and https addresses are polled: %(url)s") % {"url": url})
    request = urllib.request.Request(url, headers={"User-Agent": "Anlan CAP poller"})
    if state is not None:
        if state.etag:
            request.add_header("If-None-Match", state.etag)
        if state.last_modified:
            request.add_header("If-Modified-Since", state.last_modified)
    limit = settings.ANLAN_CAP_MAX_BYTES
    try:
        with urllib.request.urlopen(request, timeout=settings.ANLAN_CAP_FETCH_TIMEOUT) as resp:  # noqa: S310
            body = resp.read(limit + 1)
            if state is not None:
                state.etag = (resp.headers.get("ETag") or "")[:200]
                state.last_modified = (resp.headers.get("Last-Modified") or "")[:100]
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return None
        raise FetchError(f"HTTP {exc.code} {exc.reason} ({url})") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise FetchError(f"{getattr(exc, 'reason', exc)} ({url})") from exc
    if len(body) > limit:
        raise FetchError(_("%(url)s is larger than %(n)d bytes.") % {"url": url, "n": limit})
    return body


def feed_entries(body: bytes, base_url: str) -> list[tuple[str, bytes | None]] | None:
    """If ``body`` is an Atom or RSS feed: its entries as (link, embedded CAP or None).
    None if it is not a feed (then it is taken for a CAP message itself)."""
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, SafeET.ParseError, ValueError):
        return None
    entries = []
    if root.tag == f"{ATOM}feed":
        for entry in root.findall(f"{ATOM}entry"):
            embedded = entry.find(f"{ATOM}content/{cap.Q}alert")
            if embedded is not None:
                entries.append((_entry_id(entry, base_url), SafeET.tostring(embedded)))
                continue
            link = _atom_link(entry)
            if link:
                entries.append((urljoin(base_url, link), None))
        return entries
    if root.tag == "rss":
        for item in root.iter("item"):
            enclosure = item.find("enclosure")
            link = enclosure.get("url") if enclosure is not None else item.findtext("link")
            if link and link.strip():
                entries.append((urljoin(base_url, link.strip()), None))
        return entries
    return None


def _entry_id(entry, base_url: str) -> str:
    return (entry.findtext(f"{ATOM}id") or _atom_link(entry) or base_url).strip()


def _atom_link(entry) -> str:
    links = entry.findall(f"{ATOM}link")
    for link in links:
        if (link.get("type") or "").split(";")[0] in CAP_TYPES:
            return link.get("href", "")
    for link in links:
        if link.get("rel", "alternate") == "alternate":
            return link.get("href", "")
    return links[0].get("href", "") if links else ""


def poll_feed(url: str) -> dict:
    """Poll one feed now; returns the counts of this poll and records them on its FeedState."""
    state, _created = FeedState.objects.get_or_create(url=url[:500])
    state.last_polled_at = timezone.now()
    counts = {"imported": 0, "duplicates": 0, "rejected": 0, "errors": []}
    try:
        body = _fetch(url, state)
    except FetchError as exc:
        state.last_error = str(exc)[:1000]
        state.save()
        counts["errors"].append(str(exc))
        return counts
    if body is not None:
        entries = feed_entries(body, url)
        if entries is None:
            _count(counts, import_message(body, received_from=url))
        else:
            known = _known_sources([link for link, _ in entries])
            for link, embedded in entries:
                if embedded is None and link in known:
                    counts["duplicates"] += 1
                    continue
                try:
                    data = embedded if embedded is not None else _fetch(link)
                except FetchError as exc:
                    counts["errors"].append(str(exc))
                    continue
                if data is not None:
                    _count(counts, import_message(data, received_from=link))
    state.imported += counts["imported"]
    state.duplicates += counts["duplicates"]
    state.rejected += counts["rejected"]
    state.last_error = "; ".join(counts["errors"])[:1000]
    if not counts["errors"]:
        state.last_success_at = state.last_polled_at
    state.save()
    return counts


def _known_sources(links: list[str]) -> set[str]:
    """Entry links already imported or rejected: not fetched again."""
    links = [link[:500] for link in links]
    seen = set(
        Alert.objects.filter(received_from__in=links).values_list("received_from", flat=True)
    )
    seen |= set(
        RejectedMessage.objects.filter(received_from__in=links).values_list(
            "received_from", flat=True
        )
    )
    return seen


def _count(counts: dict, outcome: Outcome) -> None:
    key = {"imported": "imported", "duplicate": "duplicates", "rejected": "rejected"}
    counts[key[outcome.status]] += 1


def poll_all() -> dict[str, dict]:
    return {url: poll_feed(url) for url in settings.ANLAN_CAP_FEEDS}
