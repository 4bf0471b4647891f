"""Who sees what. ``scope_of(user)`` turns a user's role and scope into one small value that
every app's ``visible_to(user)`` reads, so jurisdiction is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from .choices import ENTERPRISE_ROLES, REGION_ROLES, TEAM_ROLES, UserRole


@dataclass(frozen=True)
class Scope:
    sees_all: bool = False
    region_prefix: str | None = None  # the region subtree, by code prefix
    enterprise_id: int | None = None  # a single enterprise
    team_id: int | None = None


NOTHING = Scope()


def scope_of(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser or user.role == UserRole.SYSTEM_ADMIN:
        return Scope(sees_all=True)
    if user.role in REGION_ROLES:
        return Scope(region_prefix=user.region.prefix) if user.region_id else NOTHING
    if user.role in ENTERPRISE_ROLES:
        if not user.enterprise_id:
            return NOTHING
        return Scope(enterprise_id=user.enterprise_id, region_prefix=None)
    if user.role in TEAM_ROLES:
        if not user.team_id:
            return NOTHING
        # A rescue team works across the region it serves.
        return Scope(team_id=user.team_id, region_prefix=user.team.region.prefix)
    return NOTHING


def filter_by_scope(
    queryset,
    user,
    *,
    region_field: str = "region",
    enterprise_field: str | None = None,
    team_field: str | None = None,
):
    """The rows of ``queryset`` inside the user's scope: the one rule every ``visible_to`` uses.

    ``region_field`` names the row's region; ``enterprise_field`` / ``team_field`` name what an
    enterprise- or team-scoped user is matched on (rows without one are hidden from them).
    """
    scope = scope_of(user)
    if scope.sees_all:
        return queryset
    if scope.enterprise_id:
        if enterprise_field is None:
            return queryset.none()
        return queryset.filter(**{enterprise_field: scope.enterprise_id})
    if scope.team_id and team_field is not None:
        return queryset.filter(**{team_field: scope.team_id})
    if scope.region_prefix:
        # ``region IN (regions of the subtree)`` rather than a join on the region's prefix: the
        # subtree's few region ids are found first and the rows through their (region, …)
        # indexes; with the join, SQLite scans every row of a million-row table to test it.
        from django.apps import apps

        subtree = apps.get_model("core", "Region").objects.filter(
            prefix__startswith=scope.region_prefix
        )
        return queryset.filter(**{f"{region_field}__in": subtree.values("pk")})
    return queryset.none()
