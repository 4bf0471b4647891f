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
