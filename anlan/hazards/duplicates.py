"""Possible duplicates: a new report that resembles an open hazard of the same enterprise, or of
a place nearby, is flagged so that whoever verifies it can merge it instead of opening a second
case. Chinese text has no spaces, so similarity is measured on character pairs (bigrams)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .choices import OPEN_STATUSES
from .models import Hazard

PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def bigrams(text: str) -> set[str]:
    text = PUNCTUATION.sub("", text or "").lower()
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' character pairs, from 0 to 1."""
    left, right = bigrams(a), bigrams(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def distance_m(a: Hazard, b: Hazard) -> float | None:
    if not (a.has_location and b.has_location):
        return None
    lat1, lon1, lat2, lon2 = map(
        math.radians, map(float, (a.latitude, a.longitude, b.latitude, b.longitude))
    )
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


@dataclass
class Candidate:
    hazard: Hazard
    score: float
    distance_m: float | None


def possible_duplicates(hazard: Hazard, *, user, limit: int = 5) -> list[Candidate]:
    """Open hazards, among those ``user`` may see, that look like ``hazard``: same enterprise (or, for a public place, the same
    region and within ANLAN_DUPLICATE_RADIUS_M), reported within ANLAN_DUPLICATE_DAYS, with text
    similarity of at least ANLAN_DUPLICATE_SIMILARITY. Best first."""
    since = timezone.now() - timedelta(days=settings.ANLAN_DUPLICATE_DAYS)
    others = Hazard.objects.filter(status__in=OPEN_STATUSES, found_at__gte=since).exclude(
        pk=hazard.pk
    )
    if hazard.enterprise_id:
        others = others.filter(enterprise_id=hazard.enterprise_id)
    else:
        others = others.filter(enterprise__isnull=True, region_id=hazard.region_id)
    text = f"{hazard.place_name} {hazard.description}"
    found = []
    for other in others.select_related("region", "enterprise")[:500]:
        distance = distance_m(hazard, other)
        if (
            not hazard.enterprise_id
            and distance is not None
            and distance > settings.ANLAN_DUPLICATE_RADIUS_M
        ):
            continue
        score = similarity(text, f"{other.place_name} {other.description}")
        if score >= settings.ANLAN_DUPLICATE_SIMILARITY:
            found.append(Candidate(other, round(score, 2), distance))
    found.sort(key=lambda c: -c.score)
    return found[:limit]
