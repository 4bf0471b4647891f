"""Warnings: who sees which message. (More to come: import, targeting, acknowledgement.)"""

from __future__ import annotations

from django.db.models import Q

from anlan.core.choices import UserRole
from anlan.core.scoping import scope_of

from .choices import Stage

# Roles that draft, review and publish the bureau's own warnings.
ISSUER_ROLES = {UserRole.SYSTEM_ADMIN, UserRole.CITY_ADMIN, UserRole.COUNTY_REGULATOR}


def alerts_visible_to(queryset, user):
    """Published warnings are public information: every signed-in user sees them. Drafts and
    messages awaiting sign-off are seen by the issuing roles of the issuing region."""
    scope = scope_of(user)
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if scope.sees_all:
        return queryset
    published = Q(stage=Stage.PUBLISHED)
    if user.role in ISSUER_ROLES and scope.region_prefix:
        return queryset.filter(published | Q(region__prefix__startswith=scope.region_prefix))
    return queryset.filter(published)


def link_thread(alert, replaced) -> None:
    """Make ``alert`` (an Update or Cancel being published or imported) the latest message of
    ``replaced``'s thread. Call inside the transaction that saves ``alert``."""
    from django.utils import timezone

    from .choices import MsgType
    from .models import Alert

    root = replaced.root
    alert.thread = root
    alert.replaces = replaced
    alert.is_latest = True
    Alert.objects.filter(Q(pk=root.pk) | Q(thread=root)).exclude(pk=alert.pk).update(
        is_latest=False
    )
    if alert.msg_type == MsgType.CANCEL:
        root.cancelled_at = timezone.now()
        Alert.objects.filter(pk=root.pk).update(cancelled_at=root.cancelled_at)


def after_publish(alert) -> None:
    """Everything that follows a message becoming published (imported or signed off): targets,
    notifications, readiness, welfare checks; a Cancel tells the targets to stand down. Call
    inside the publishing transaction; the work itself happens after commit."""
    # Filled in by targeting.py (issue #7 point 4/5).
    from .targeting import schedule_after_publish

    schedule_after_publish(alert)


def may_import(user) -> bool:
    """Regulators import CAP files, see rejected messages and feeds."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.role in ISSUER_ROLES)
    )


def may_edit_matrix(user) -> bool:
    """The sensitivity matrix is the city's: the city administrator and system administrator."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.role in {UserRole.SYSTEM_ADMIN, UserRole.CITY_ADMIN})
    )
