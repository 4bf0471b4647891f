"""The hazard lifecycle: one table of allowed moves, one function that makes them.

    reported ─┬─> verified ──> assigned ──> rectifying ──> acceptance_requested ─┬─> closed
              ├─> rejected                       ^                              │
              └─> merged                         └──────── (acceptance failed) ─┘

Only ``transition`` writes ``Hazard.status``, with a compare-and-set so that two people acting at
once cannot both succeed, and each move leaves an append-only ``HazardTransition`` row.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import HazardStatus as S
from .models import Hazard, HazardTransition

ALLOWED: dict[str, set[str]] = {
    S.REPORTED: {S.VERIFIED, S.REJECTED, S.MERGED},
    S.VERIFIED: {S.ASSIGNED},
    S.ASSIGNED: {S.RECTIFYING},
    S.RECTIFYING: {S.ACCEPTANCE_REQUESTED},
    S.ACCEPTANCE_REQUESTED: {S.CLOSED, S.RECTIFYING},
    S.CLOSED: set(),
    S.REJECTED: set(),
    S.MERGED: set(),
}


class TransitionRefused(ValidationError):
    """The move is not allowed from the hazard's current status, or someone moved it first."""


def check(hazard: Hazard, to: str) -> None:
    """Refuse now a move the table does not allow, before other preconditions are checked."""
    if to not in ALLOWED.get(hazard.status, set()):
        raise TransitionRefused(
            _("A hazard that is “%(current)s” cannot become “%(to)s”.")
            % {"current": S(hazard.status).label, "to": S(to).label},
            code="invalid_transition",
        )


def transition(hazard: Hazard, to: str, *, user, reason: str = "", **fields) -> HazardTransition:
    """Move ``hazard`` to ``to`` (setting ``fields`` too) and record who, when and why.

    Must run inside the caller's transaction. Raises TransitionRefused for a jump the table
    does not allow, or when the hazard's status changed since it was read.
    """
    current = hazard.status
    check(hazard, to)
    now = timezone.now()
    updates = {"status": to, "updated_at": now, **fields}
    if to == S.CLOSED:
        updates["closed_at"] = now
    changed = Hazard.objects.filter(pk=hazard.pk, status=current).update(**updates)
    if changed == 0:
        raise TransitionRefused(
            _("Someone else changed this hazard a moment ago; reload it and try again."),
            code="concurrent_change",
        )
    for name, value in updates.items():
        setattr(hazard, name, value)
    return HazardTransition.objects.create(
        hazard=hazard, from_status=current, to_status=to, actor=user, at=now, reason=reason
    )
