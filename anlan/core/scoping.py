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

    @property
    def is_empty(self) -> bool:
        return not self.sees_all and self.region_prefix is None and self.enterprise_id is None


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
