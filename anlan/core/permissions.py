"""What a user may change. Visibility is ``visible_to``; this module answers "may edit"."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .choices import ENTERPRISE_ROLES, REGISTRY_EDITOR_ROLES
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
