"""What a user may change. Visibility is ``visible_to``; this module answers "may edit"."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .choices import ENTERPRISE_ROLES, MANAGEABLE_ROLES, REGISTRY_EDITOR_ROLES, UserRole
from .scoping import scope_of


def can_edit_registry(user) -> bool:
    """Regulators may create and edit enterprises inside their scope."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.role in REGISTRY_EDITOR_ROLES)
    )


def can_edit_enterprise(user, enterprise) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    if scope.sees_all:
        return True
    if user.role in REGISTRY_EDITOR_ROLES and scope.region_prefix:
        return enterprise.region.prefix.startswith(scope.region_prefix)
    # An enterprise's own safety manager keeps its persons and details up to date.
    return user.role in ENTERPRISE_ROLES and enterprise.pk == scope.enterprise_id


def region_in_scope(user, region) -> bool:
    scope = scope_of(user)
    if scope.sees_all:
        return True
    return bool(scope.region_prefix) and region.prefix.startswith(scope.region_prefix)


def require(condition: bool, message: str | None = None) -> None:
    if not condition:
        raise PermissionDenied(message or _("You may not make this change."))


def manageable_roles(actor) -> set[str]:
    """The roles whose accounts ``actor`` may create and edit."""
    if not getattr(actor, "is_authenticated", False):
        return set()
    if actor.is_superuser or actor.role == UserRole.SYSTEM_ADMIN:
        return set(UserRole.values)
    return {str(r) for r in MANAGEABLE_ROLES.get(actor.role, set())}


def can_manage_users(actor) -> bool:
    return bool(manageable_roles(actor))


def scope_region(user):
    """The region a user's scope stands in (their region, enterprise's or team's), or None."""
    if user.region_id:
        return user.region
    if user.enterprise_id:
        return user.enterprise.region
    if user.team_id:
        return user.team.region
    return None


def can_manage(actor, target) -> bool:
    """May ``actor`` edit, reset or deactivate ``target``'s account?"""
    if target.pk == getattr(actor, "pk", None) or target.is_superuser and not actor.is_superuser:
        return False
    if target.role not in manageable_roles(actor):
        return False
    scope = scope_of(actor)
    if scope.sees_all:
        return True
    region = scope_region(target)
    return region is not None and region_in_scope(actor, region)
